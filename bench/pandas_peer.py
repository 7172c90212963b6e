"""What a developer with pandas would write: the headline peer of bench/aggregation.py.

A groupby per step, over the same long score frame the engine takes (category, entry,
juror, criterion, score), following the rules of /work/shared/DOMAIN.md ("Aggregation:
the precise rules") as scoring.aggregation does, so that the benchmark can check both
give the same figures before timing them:

- juror totals: weighted scores summed per sheet, complete sheets only;
- mean and median: `groupby(...).mean()` / `.median()`;
- trimmed: `scipy.stats.trim_mean` cutting one total from each end, run over every
  panel size at once on the sorted totals (the vectorised way to call it; a
  `groupby.agg(lambda ...)` per entry is one Python call per entry and far slower);
- zscore: per juror and category `transform("mean")` / `transform("std", ddof=0)`,
  mean z per entry, rescaled with the category's pooled mean and SD;
- borda: `groupby(...).rank(method="average")` per juror, (n - r)/(n - 1) averaged;
- ranking: competition ranks (`rank(method="min")`), then positions from one
  `sort_values` on the aggregate, the tie-break criteria's weighted means and the number
  of jurors who put the entry first, then entry id; awards for the first `places`.

Agreement uses the reference packages: `krippendorff.alpha` (interval) and
`pingouin.intraclass_corr` (ICC2 and ICC2k, which pingouin 0.7 calls ICC(A,1) and ICC(A,k)), one call per category.

Aggregates are rounded to 9 decimals before ranking, as the engine treats values closer
than 1e-9 as equal. Ids are used as they come (categorical or `str`); the outputs index by
the ids' string form so they can be compared with the engine's.
"""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
from scipy.stats import trim_mean

TRIM_MIN_JURORS = 5
SHEET = ["category", "entry", "juror"]
ENTRY = ["category", "entry"]
PANEL = ["category", "juror"]


def weighted_scores(scores: pd.DataFrame, criteria: pd.DataFrame) -> pd.DataFrame:
    weights = dict(zip(criteria["criterion"], criteria["weight"], strict=True))
    weight = np.asarray(scores["criterion"].map(weights), dtype=float)
    return scores.assign(weighted=scores["score"].to_numpy() * weight)


def juror_totals(weighted: pd.DataFrame) -> pd.Series:
    """T(e,j) indexed by (category, entry, juror), complete sheets only."""
    sheets = weighted.groupby(SHEET, observed=True, sort=True)["weighted"].agg(["sum", "count"])
    needed = weighted.groupby("category", observed=True)["criterion"].nunique()
    complete = (
        sheets["count"].to_numpy()
        == needed.reindex(sheets.index.get_level_values("category")).to_numpy()
    )
    return sheets.loc[complete, "sum"].rename("total")


def aggregate(totals: pd.Series, method: str) -> pd.Series:
    by_entry = totals.groupby(level=ENTRY, observed=True, sort=True)
    if method == "mean":
        return by_entry.mean()
    if method == "median":
        return by_entry.median()
    if method == "trimmed":
        out = by_entry.mean()
        size = by_entry.transform("size").to_numpy()
        for k in np.unique(size[size >= TRIM_MIN_JURORS]):
            # Rows are sorted by (category, entry, juror), so each entry with k jurors
            # is k consecutive rows: one (entries x k) array per panel size.
            part = totals[size == k]
            rows = part.to_numpy().reshape(-1, k)
            keys = part.index.droplevel("juror")[::k]
            # trim_mean cuts int(proportion * k) values from each end: exactly one.
            out.loc[keys] = trim_mean(rows, 1.0 / k + 1e-9, axis=1)
        return out
    by_juror = totals.groupby(level=PANEL, observed=True)
    if method == "zscore":
        mu = by_juror.transform("mean")
        sd = by_juror.transform("std", ddof=0)
        z = ((totals - mu) / sd).where(sd > 1e-9, 0.0)
        mean_z = z.groupby(level=ENTRY, observed=True, sort=True).mean()
        by_category = totals.groupby(level="category", observed=True)
        category = mean_z.index.get_level_values("category")
        pooled_mu = by_category.mean().reindex(category).to_numpy()
        pooled_sd = by_category.std(ddof=0).reindex(category).to_numpy()
        return pooled_mu + pooled_sd * mean_z
    if method == "borda":
        r = by_juror.rank(method="average", ascending=False)
        n = by_juror.transform("size")
        points = ((n - r) / (n - 1)).where(n > 1, 0.5)
        return points.groupby(level=ENTRY, observed=True, sort=True).mean()
    raise ValueError(method)


def tiebreak_means(weighted: pd.DataFrame, totals: pd.Series, tiebreak: list) -> pd.DataFrame:
    """Mean weighted score per entry on each tie-break criterion, over counted sheets."""
    rows = weighted[weighted["criterion"].isin(tiebreak)]
    counted = pd.MultiIndex.from_frame(rows[SHEET]).isin(totals.index)
    means = (
        rows[counted]
        .groupby([*ENTRY, "criterion"], observed=True, sort=True)["weighted"]
        .mean()
        .unstack("criterion")
    )
    return means[tiebreak]


def first_places(totals: pd.Series) -> pd.Series:
    """How many jurors gave the entry their highest total."""
    top = totals.groupby(level=PANEL, observed=True).transform("max")
    return (totals >= top - 1e-9).groupby(level=ENTRY, observed=True, sort=True).sum()


def full_ranking(
    scores: pd.DataFrame, criteria: pd.DataFrame, method: str, *, places: int = 3
) -> pd.DataFrame:
    """One row per entry in final order: category, entry, aggregate, rank, position, award."""
    weighted = weighted_scores(scores, criteria)
    totals = juror_totals(weighted)
    tiebreak = list(
        criteria.dropna(subset=["tiebreak_order"]).sort_values("tiebreak_order")["criterion"]
    )
    frame = aggregate(totals, method).rename("aggregate").to_frame()
    key = frame["aggregate"].round(9)
    frame["rank"] = key.groupby(level="category", observed=True).rank(method="min", ascending=False)
    frame[[f"tb{i}" for i in range(len(tiebreak))]] = tiebreak_means(
        weighted, totals, tiebreak
    ).round(9)
    frame["first"] = first_places(totals)
    frame["key"] = key
    frame = frame.reset_index()
    frame["category"] = frame["category"].astype(str)
    frame["entry"] = frame["entry"].astype(str)
    by = ["category", "key", *(f"tb{i}" for i in range(len(tiebreak))), "first", "entry"]
    frame = frame.sort_values(by, ascending=[True, False, *[False] * len(tiebreak), False, True])
    frame["position"] = frame.groupby("category").cumcount() + 1
    award = pd.Series(
        np.where(frame["position"] <= places, "place_" + frame["position"].astype(str), None),
        index=frame.index,
    )
    # Entries still tied after every tie-break wait for the chair when the tie holds an
    # award: their provisional positions would give them different places.
    unresolved = frame.groupby(by[:-1], sort=False)["position"]
    pending = (unresolved.transform("size") > 1) & (unresolved.transform("min") <= places)
    frame["award"] = award.where(~pending, None)
    return frame[["category", "entry", "aggregate", "rank", "position", "award"]].reset_index(
        drop=True
    )


def long_matrix(matrix: np.ndarray) -> pd.DataFrame:
    """An entries x jurors matrix as the long frame pingouin takes."""
    n_entries, n_jurors = matrix.shape
    return pd.DataFrame(
        {
            "entry": np.repeat(np.arange(n_entries), n_jurors),
            "juror": np.tile(np.arange(n_jurors), n_entries),
            "total": matrix.ravel(),
        }
    )


def krippendorff_alpha(matrix: np.ndarray) -> float:
    import krippendorff

    # krippendorff takes coders x units.
    return float(krippendorff.alpha(reliability_data=matrix.T, level_of_measurement="interval"))


def icc(frame: pd.DataFrame) -> tuple[float, float]:
    import pingouin

    with warnings.catch_warnings():
        # pingouin 0.7 calls pandas APIs that pandas 3.1 deprecates (dropna(inplace=...)).
        warnings.simplefilter("ignore", FutureWarning)
        warnings.simplefilter("ignore", DeprecationWarning)
        table = pingouin.intraclass_corr(
            data=frame, targets="entry", raters="juror", ratings="total", nan_policy="omit"
        ).set_index("Type")
    # pingouin 0.7 names ICC2 and ICC2k (two-way random, absolute agreement) ICC(A,1), ICC(A,k).
    return float(table.loc["ICC(A,1)", "ICC"]), float(table.loc["ICC(A,k)", "ICC"])
