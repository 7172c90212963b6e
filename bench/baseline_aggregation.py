"""A straightforward pure-Python aggregation: the baseline for bench/aggregation.py.

This is what a first, ORM-backed implementation would look like: score rows
as tuples (as from `Score.objects.values_list(...)`), grouped into dicts,
then loops over categories, entries and jurors. It follows the same rules as
scoring.aggregation (see /work/shared/DOMAIN.md, "Aggregation: the precise
rules") closely enough that the benchmark can check both give the same
aggregates, ranks and agreement figures; it is not meant to be clever, only
not wasteful (no quadratic loops, each statistic in one or two passes).
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable

Row = tuple[str, str, str, str, float]  # category, entry, juror, criterion, score
TOL = 1e-9
TRIM_MIN_JURORS = 5


def juror_totals(
    rows: Iterable[Row], weights: dict[str, float]
) -> dict[str, dict[str, dict[str, float]]]:
    """totals[category][entry][juror] over complete sheets only."""
    sheets: dict[tuple[str, str, str], dict[str, float]] = defaultdict(dict)
    applicable: dict[str, set[str]] = defaultdict(set)
    for category, entry, juror, criterion, score in rows:
        if criterion not in weights:
            continue
        applicable[category].add(criterion)
        if score is not None and not math.isnan(score):
            sheets[(category, entry, juror)][criterion] = score
    totals: dict[str, dict[str, dict[str, float]]] = defaultdict(lambda: defaultdict(dict))
    for (category, entry, juror), sheet in sheets.items():
        if len(sheet) == len(applicable[category]):
            totals[category][entry][juror] = sum(weights[c] * s for c, s in sheet.items())
    return totals


def aggregate_category(by_entry: dict[str, dict[str, float]], method: str) -> dict[str, float]:
    """Aggregate per entry of one category (entry -> juror -> total)."""
    if method == "mean":
        return {e: sum(t.values()) / len(t) for e, t in by_entry.items()}
    if method == "median":
        out = {}
        for e, t in by_entry.items():
            values = sorted(t.values())
            n = len(values)
            out[e] = (values[(n - 1) // 2] + values[n // 2]) / 2
        return out
    if method == "trimmed":
        out = {}
        for e, t in by_entry.items():
            values = sorted(t.values())
            if len(values) >= TRIM_MIN_JURORS:
                values = values[1:-1]
            out[e] = sum(values) / len(values)
        return out
    by_juror: dict[str, dict[str, float]] = defaultdict(dict)
    for e, t in by_entry.items():
        for j, total in t.items():
            by_juror[j][e] = total
    if method == "zscore":
        z: dict[str, list[float]] = defaultdict(list)
        for marks in by_juror.values():
            mu = sum(marks.values()) / len(marks)
            sd = math.sqrt(sum((v - mu) ** 2 for v in marks.values()) / len(marks))
            for e, v in marks.items():
                z[e].append(0.0 if sd <= TOL else (v - mu) / sd)
        pooled = [v for t in by_entry.values() for v in t.values()]
        mu = sum(pooled) / len(pooled)
        sigma = math.sqrt(sum((v - mu) ** 2 for v in pooled) / len(pooled))
        return {e: mu + sigma * sum(zs) / len(zs) for e, zs in z.items()}
    if method == "borda":
        points: dict[str, list[float]] = defaultdict(list)
        for marks in by_juror.values():
            n = len(marks)
            if n == 1:
                [e] = marks
                points[e].append(0.5)
                continue
            ordered = sorted(marks.items(), key=lambda item: -item[1])
            i = 0
            while i < n:
                k = i
                while k + 1 < n and ordered[k][1] - ordered[k + 1][1] < TOL:
                    k += 1
                avg_rank = (i + 1 + k + 1) / 2
                for e, _ in ordered[i : k + 1]:
                    points[e].append((n - avg_rank) / (n - 1))
                i = k + 1
        return {e: sum(p) / len(p) for e, p in points.items()}
    raise ValueError(f"unknown method {method!r}")


def krippendorff_alpha_interval(by_entry: dict[str, dict[str, float]]) -> float | None:
    units = [list(t.values()) for t in by_entry.values() if len(t) >= 2]
    if len(units) < 2:
        return None
    values = [v for u in units for v in u]
    n = len(values)
    mean = sum(values) / n
    d_e = 2 * sum((v - mean) ** 2 for v in values) / (n - 1)
    if d_e <= 0:
        return None
    d_o = 0.0
    for u in units:
        pairs = sum((a - b) ** 2 for a in u for b in u)
        d_o += pairs / (len(u) - 1)
    return 1 - (d_o / n) / d_e


def icc(by_entry: dict[str, dict[str, float]]) -> dict[str, float] | None:
    jurors = sorted({j for t in by_entry.values() for j in t})
    rows = [[t[j] for j in jurors] for t in by_entry.values() if len(t) == len(jurors)]
    n, k = len(rows), len(jurors)
    if n < 2 or k < 2:
        return None
    grand = sum(map(sum, rows)) / (n * k)
    row_means = [sum(r) / k for r in rows]
    col_means = [sum(r[c] for r in rows) / n for c in range(k)]
    ss_rows = k * sum((m - grand) ** 2 for m in row_means)
    ss_cols = n * sum((m - grand) ** 2 for m in col_means)
    ss_total = sum((v - grand) ** 2 for r in rows for v in r)
    ss_err = ss_total - ss_rows - ss_cols
    bms, jms, ems = ss_rows / (n - 1), ss_cols / (k - 1), ss_err / ((n - 1) * (k - 1))
    single = bms + (k - 1) * ems + k * (jms - ems) / n
    average = bms + (jms - ems) / n
    if abs(single) <= TOL or abs(average) <= TOL:
        return None
    return {"ICC2_1": (bms - ems) / single, "ICC2_k": (bms - ems) / average}


def juror_agreement(by_entry: dict[str, dict[str, float]]) -> dict[str, dict]:
    pairs: dict[str, list[tuple[float, float]]] = defaultdict(list)
    scored: dict[str, int] = defaultdict(int)
    all_totals = []
    for t in by_entry.values():
        total = sum(t.values())
        for j, v in t.items():
            scored[j] += 1
            all_totals.append(v)
            if len(t) >= 2:
                pairs[j].append((v, (total - v) / (len(t) - 1)))
    n = len(all_totals)
    mean = sum(all_totals) / n
    sd = math.sqrt(sum((v - mean) ** 2 for v in all_totals) / (n - 1)) if n >= 2 else math.nan
    out = {}
    for j in sorted(scored):
        p = pairs[j]
        bias = sum(a - b for a, b in p) / len(p) if p else 0.0
        corr = None
        if len(p) >= 3:
            mx = sum(a for a, _ in p) / len(p)
            my = sum(b for _, b in p) / len(p)
            vx = sum((a - mx) ** 2 for a, _ in p)
            vy = sum((b - my) ** 2 for _, b in p)
            if vx > TOL * TOL * len(p) and vy > TOL * TOL * len(p):
                corr = sum((a - mx) * (b - my) for a, b in p) / math.sqrt(vx * vy)
        flagged = (corr is not None and corr < 0) or abs(bias) > 2 * sd
        out[j] = {
            "entries_scored": scored[j],
            "mean_bias": bias,
            "corr_with_others": corr,
            "flagged": flagged,
        }
    return out


def rank_naive(
    rows: list[Row],
    weights: dict[str, float],
    *,
    method: str,
    places: int = 3,
    tiebreak: tuple[str, ...] = (),
) -> dict[str, dict]:
    """Per category: entries in position order with aggregate, rank and award,
    plus alpha, ICC and juror agreement. Ties: tie-break criteria (weighted
    mean), then first places, then entry id."""
    totals = juror_totals(rows, weights)
    tb_sums: dict[tuple[str, str], dict[str, float]] = defaultdict(lambda: defaultdict(float))
    if tiebreak:
        wanted = set(tiebreak)
        for category, entry, juror, criterion, score in rows:
            if criterion in wanted and juror in totals[category].get(entry, {}):
                tb_sums[(category, entry)][criterion] += weights[criterion] * score
    results = {}
    for category, by_entry in sorted(totals.items()):
        agg = aggregate_category(by_entry, method)
        top: dict[str, float] = defaultdict(lambda: -math.inf)
        for t in by_entry.values():
            for j, v in t.items():
                top[j] = max(top[j], v)
        first = {e: sum(1 for j, v in t.items() if v >= top[j] - TOL) for e, t in by_entry.items()}

        tb = {
            e: tuple(round(tb_sums[(category, e)][c] / len(t), 9) for c in tiebreak)
            for e, t in by_entry.items()
        }
        ordered = _position_order(agg, tb, first)
        entries = []
        rank, previous = 0, None
        for position, entry in enumerate(ordered, start=1):
            if previous is None or abs(agg[entry] - previous) >= TOL:
                rank, previous = position, agg[entry]
            entries.append(
                {
                    "entry": entry,
                    "n_jurors": len(by_entry[entry]),
                    "aggregate": agg[entry],
                    "rank": rank,
                    "position": position,
                    "award": f"place_{position}" if position <= places else None,
                }
            )
        results[category] = {
            "entries": entries,
            "krippendorff_alpha_interval": krippendorff_alpha_interval(by_entry),
            "icc": icc(by_entry),
            "jurors": juror_agreement(by_entry),
        }
    return results


def _position_order(
    agg: dict[str, float], tb: dict[str, tuple[float, ...]], first: dict[str, int]
) -> list[str]:
    # Rounding to 9 decimals stands in for the engine's 1e-9 tolerance.
    def key(entry: str) -> tuple:
        return (-round(agg[entry], 9), *(-v for v in tb[entry]), -first[entry], entry)

    return sorted(agg, key=key)
