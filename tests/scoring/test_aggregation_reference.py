"""Published judges' data: ISU panel scores (trimmed mean) and the 1976 Paris tasting.

The CSVs in data/ are copies of shared/reference-data/long-format (see its
README): ISU protocols via the BuzzFeedNews figure-skating data set, and
Lindley's table of the Judgment of Paris chardonnays.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

import pandas as pd
import pytest

from scoring.aggregation import rank

DATA = Path(__file__).resolve().parent / "data"
ISU_FILES = sorted(p.name for p in DATA.glob("isu_*_long.csv"))


def half_up(value: float) -> Decimal:
    # repr gives the shortest decimal that round-trips, so 8.875 stays 8.875
    # instead of picking up binary noise before rounding half-up.
    return Decimal(repr(float(value))).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def test_reference_data_present():
    assert len(ISU_FILES) == 10
    assert (DATA / "paris_all11_long.csv").exists()


@pytest.mark.parametrize("name", ISU_FILES)
def test_isu_trimmed_mean_reproduces_published_panel_scores(name):
    scores = pd.read_csv(DATA / name)
    expected = pd.read_csv(
        DATA / name.replace("_long", "_expected"), dtype={"published_panel_score": str}
    )

    [result] = rank(scores, None, method="trimmed", bootstrap=0)

    got = {
        e: half_up(v)
        for e, v in zip(result.entries["entry"], result.entries["aggregate"], strict=True)
    }
    want = {
        e: Decimal(v)
        for e, v in zip(expected["entry"], expected["published_panel_score"], strict=True)
    }
    assert got == want


def test_isu_empty_judge_seat_is_left_out():
    scores = pd.read_csv(DATA / "isu_gpusa2016_Composition_long.csv")

    [result] = rank(scores, None, method="trimmed", bootstrap=0)

    # Skate America 2016 pairs: eight judges (seat J6 empty), so 6 marks remain after trimming
    assert set(result.entries["n_jurors"]) == {8}
    assert "J6" not in result.totals.columns


def test_paris_all_judges_mean_gives_published_top_three():
    scores = pd.read_csv(DATA / "paris_all11_long.csv")

    [result] = rank(scores, None, method="mean", bootstrap=0)

    top = result.entries.head(3)
    assert top["entry"].tolist() == ["Chateau Montelena", "Mersault Charmes", "Chalone Vineyards"]
    assert [half_up(v) for v in top["aggregate"]] == [
        Decimal("14.41"),
        Decimal("14.32"),
        Decimal("13.64"),
    ]
    assert top["rank"].tolist() == [1, 2, 3]


def test_paris_french_judges_tie_montelena_and_meursault():
    scores = pd.read_csv(DATA / "paris_french9_long.csv")

    [result] = rank(scores, None, method="mean", bootstrap=0)

    top = result.entries.head(2)
    assert top["aggregate"].tolist() == [14.5, 14.5]  # 130.5 / 9 each
    assert top["rank"].tolist() == [1, 1]
    # Six of the nine French judges (T2, T5, T6, T7, T10, T11) gave Montelena
    # their highest mark, none gave it to Meursault: first places separate them.
    assert top["entry"].tolist() == ["Chateau Montelena", "Mersault Charmes"]
    assert top["tie_break"].tolist() == ["first_places", "first_places"]
    assert top["award"].tolist() == ["place_1", "place_2"]
