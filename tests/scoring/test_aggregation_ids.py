"""Identifier types: integer database keys, categoricals and strings give the same results.

The site passes ids as the database gives them (integers, rows grouped by sheet in
no particular order); the engine must code them without turning millions of them
into strings and still order everything by the ids' string form.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from scoring.aggregation import METHODS, rank, to_json

ID_COLUMNS = ("category", "entry", "juror", "criterion")


def edition(seed: int) -> pd.DataFrame:
    """Integer ids of mixed width (9 < 10 numerically, "10" < "9" as text), sheet by sheet,
    with ties, a recused juror and a missing score."""
    rng = np.random.default_rng(seed)
    rows = []
    for category in (3, 12):
        jurors = [7, 95, 110, 1004, 88][: 4 + category % 2]
        for entry in range(category * 10 - 5, category * 10 + 9):
            quality = rng.integers(3, 9)
            for juror in jurors:
                if (entry + juror) % 11 == 0:
                    continue
                for criterion in (1, 2, 10):
                    rows.append(
                        (category, entry, juror, criterion, float(quality + rng.integers(0, 3)))
                    )
    frame = pd.DataFrame(rows, columns=[*ID_COLUMNS, "score"])
    frame.loc[5, "score"] = np.nan
    return frame


CRITERIA = pd.DataFrame(
    {
        "criterion": ["1", "2", "10"],
        "weight": [3.0, 1.0, 2.0],
        "max": [10.0, 10.0, 10.0],
        "tiebreak_order": [np.nan, 1.0, np.nan],
    }
)


def sheets_shuffled(frame: pd.DataFrame, seed: int) -> pd.DataFrame:
    """Rows still grouped by sheet, the sheets in random order (a read without ORDER BY)."""
    sheet = frame.groupby(["category", "entry", "juror"], sort=False).ngroup()
    order = np.random.default_rng(seed).permutation(sheet.max() + 1)
    return frame.iloc[np.argsort(order[sheet.to_numpy()], kind="stable")].reset_index(drop=True)


def variants(frame: pd.DataFrame) -> dict[str, pd.DataFrame]:
    as_text = frame.astype({c: str for c in ID_COLUMNS})
    return {
        "integers": frame,
        "integers, sheets shuffled": sheets_shuffled(frame, 1),
        "integers, rows shuffled": frame.sample(frac=1.0, random_state=2).reset_index(drop=True),
        "categorical integers": frame.astype({c: "category" for c in ID_COLUMNS}),
        "categorical text": as_text.astype({c: "category" for c in ID_COLUMNS}),
    }


@pytest.mark.parametrize("method", METHODS)
def test_rank_integer_and_categorical_ids_give_the_text_ids_results(method):
    frame = edition(seed=4)
    as_text = frame.astype({c: str for c in ID_COLUMNS})
    expected = rank(as_text, CRITERIA, method=method, bootstrap=50, other_methods=True)

    for name, scores in variants(frame).items():
        got = rank(scores, CRITERIA, method=method, bootstrap=50, other_methods=True)

        assert to_json(got, method) == to_json(expected, method), name
        for a, b in zip(got, expected, strict=True):
            pd.testing.assert_frame_equal(a.entries, b.entries, check_exact=True)
            pd.testing.assert_frame_equal(a.totals, b.totals, check_exact=True)
            pd.testing.assert_frame_equal(a.jurors, b.jurors, check_exact=True)


def test_rank_integer_ids_order_as_text():
    scores = pd.DataFrame(
        [(9, 1, 1, 5.0), (10, 1, 1, 5.0), (9, 2, 1, 5.0), (10, 2, 1, 5.0)],
        columns=["entry", "juror", "criterion", "score"],
    )

    [result] = rank(scores, None, bootstrap=0)

    # an unresolved tie keeps the entries' string order, as it did with text ids
    assert result.entries["entry"].tolist() == ["10", "9"]
    assert list(result.totals.columns) == ["1", "2"]


def test_rank_sparse_integer_ids_take_the_general_path():
    scores = pd.DataFrame(
        [(2**40, 3, 1, 7.0), (5, 3, 1, 6.0), (2**40, 4, 1, 8.0), (5, 4, 1, 6.0)],
        columns=["entry", "juror", "criterion", "score"],
    )

    [result] = rank(scores, None, bootstrap=0)

    assert result.entries["entry"].tolist() == [str(2**40), "5"]
