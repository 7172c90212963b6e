"""Agreement statistics: Krippendorff's alpha, ICC(2,1)/ICC(2,k), juror bias."""

from __future__ import annotations

import math
import statistics

import numpy as np
import pandas as pd
import pytest

from scoring.aggregation import icc, juror_agreement, krippendorff_alpha, rank

# Krippendorff (2011), "Computing Krippendorff's Alpha-Reliability", the
# 4 observers x 12 units example with missing values (None).
KRIPPENDORFF_OBSERVERS = {
    "A": [1, 2, 3, 3, 2, 1, 4, 1, 2, None, None, None],
    "B": [1, 2, 3, 3, 2, 2, 4, 1, 2, 5, None, 3],
    "C": [None, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, None],
    "D": [1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, None],
}

# Shrout & Fleiss (1979), Table 2: 6 targets x 4 judges.
SHROUT_FLEISS = [
    [9, 2, 5, 8],
    [6, 1, 3, 2],
    [8, 4, 6, 8],
    [7, 1, 2, 6],
    [10, 5, 6, 9],
    [6, 2, 4, 7],
]


def units_by_coders() -> pd.DataFrame:
    # rows = units, columns = observers, as krippendorff_alpha expects
    return pd.DataFrame(KRIPPENDORFF_OBSERVERS, dtype=float)


def test_krippendorff_alpha_interval_reproduces_published_example():
    matrix = units_by_coders()

    alpha = krippendorff_alpha(matrix, "interval")

    assert round(alpha, 3) == 0.849


def test_krippendorff_alpha_nominal_reproduces_published_example():
    matrix = units_by_coders()

    alpha = krippendorff_alpha(matrix, "nominal")

    assert round(alpha, 3) == 0.743


def test_krippendorff_alpha_interval_small_case_by_hand():
    # units (1,2) and (3,3): n = 4 pairable values, mean 2.25
    # D_o = (1/4) * [ (1/1)*((1-2)^2 + (2-1)^2) + 0 ] = 0.5
    # D_e = 1/(4*3) * sum over ordered pairs = 2 * SS / (n-1) = 2 * 2.75 / 3
    matrix = [[1, 2], [3, 3], [7, None]]

    alpha = krippendorff_alpha(matrix)

    assert alpha == pytest.approx(1 - 0.5 / (2 * 2.75 / 3))


def test_krippendorff_alpha_none_with_one_pairable_unit():
    matrix = [[1, 2], [3, None]]

    alpha = krippendorff_alpha(matrix)

    assert alpha is None


def test_krippendorff_alpha_none_without_variation():
    matrix = [[4, 4], [4, 4], [4, None]]

    assert krippendorff_alpha(matrix, "interval") is None
    assert krippendorff_alpha(matrix, "nominal") is None


def test_krippendorff_alpha_rejects_unknown_metric():
    with pytest.raises(ValueError):
        krippendorff_alpha([[1, 2], [2, 3]], "ordinal")


def test_icc_reproduces_shrout_fleiss_example():
    matrix = np.array(SHROUT_FLEISS, dtype=float)

    result = icc(matrix)

    assert round(result["ICC2_1"], 2) == 0.29
    assert round(result["ICC2_k"], 2) == 0.62


def test_icc_uses_only_targets_every_judge_rated():
    with_gap = np.vstack([SHROUT_FLEISS, [1, np.nan, 9, 4]])

    result = icc(with_gap)

    assert result == pytest.approx(icc(np.array(SHROUT_FLEISS, dtype=float)))


@pytest.mark.parametrize(
    "matrix",
    [
        [[1.0], [2.0], [3.0]],  # one judge
        [[1.0, 2.0, 3.0]],  # one target
        [[5.0, 5.0], [5.0, 5.0]],  # no variance: 0/0
    ],
)
def test_icc_none_when_undefined(matrix):
    result = icc(matrix)

    assert result is None


def test_rank_icc_over_entries_every_juror_scored():
    rows = [
        (f"E{i}", f"J{j + 1}", "score", v)
        for i, marks in enumerate(SHROUT_FLEISS)
        for j, v in enumerate(marks)
    ]
    rows.append(("Z", "J1", "score", 3.0))  # scored by one juror only: not in the ICC
    scores = pd.DataFrame(rows, columns=["entry", "juror", "criterion", "score"])

    [result] = rank(scores, None, bootstrap=0)

    assert round(result.icc["ICC2_1"], 2) == 0.29
    assert round(result.icc["ICC2_k"], 2) == 0.62


def test_juror_agreement_bias_and_correlation_by_hand():
    # entries A, B, C (rows) x jurors J1, J2, J3 (columns); J3 reverses the others
    matrix = np.array([[8.0, 7.0, 3.0], [6.0, 5.0, 5.0], [4.0, 3.0, 7.0]])

    result = juror_agreement(matrix, np.array(["J1", "J2", "J3"], dtype=object))

    rows = result.set_index("juror")
    # J3: others' means 7.5, 5.5, 3.5 -> differences -4.5, -0.5, 3.5
    assert rows.loc["J3", "mean_bias"] == pytest.approx(-0.5)
    assert rows.loc["J3", "corr_with_others"] == pytest.approx(-1.0)
    assert bool(rows.loc["J3", "flagged"]) is True
    # J1: others' means (7+3)/2, (5+5)/2, (3+7)/2 = 5, 5, 5 -> no variance, no correlation
    assert rows.loc["J1", "mean_bias"] == pytest.approx((3 + 1 - 1) / 3)
    assert np.isnan(rows.loc["J1", "corr_with_others"])
    # J2: others 5.5 each -> 1.5, -0.5, -2.5
    assert rows.loc["J2", "mean_bias"] == pytest.approx(-0.5)
    assert rows["entries_scored"].tolist() == [3, 3, 3]


def test_juror_agreement_flags_bias_beyond_two_sd():
    own = [1.0, 2.0, 3.0, 4.0]
    matrix = np.array([[v, v, v + 20] for v in own])

    result = juror_agreement(matrix, np.array(["J1", "J2", "J3"], dtype=object))

    # J3 is 20 above the others' mean everywhere; SD (ddof=1) of all twelve totals:
    sd = statistics.stdev(own + own + [v + 20 for v in own])
    rows = result.set_index("juror")
    assert rows.loc["J3", "mean_bias"] == pytest.approx(20.0)
    assert 20.0 > 2 * sd
    assert rows.loc["J3", "corr_with_others"] == pytest.approx(1.0)
    assert rows["flagged"].tolist() == [False, False, True]
    # J1 vs mean of J2 and J3: v - (v + v + 20)/2 = -10, within 2 SD
    assert rows.loc["J1", "mean_bias"] == pytest.approx(-10.0)


def test_juror_agreement_juror_without_shared_entries_has_zero_bias():
    matrix = np.array([[5.0, np.nan], [np.nan, 7.0]])

    result = juror_agreement(matrix, np.array(["J1", "J2"], dtype=object))

    assert result["mean_bias"].tolist() == [0.0, 0.0]
    assert result["corr_with_others"].isna().all()
    assert not result["flagged"].any()


def test_rank_reports_alpha_of_juror_totals():
    # the Krippendorff example as entries (units) x jurors (coders), one criterion
    matrix = units_by_coders()
    rows = [
        (f"U{u:02d}", juror, "score", value)
        for juror in matrix.columns
        for u, value in enumerate(matrix[juror])
        if not math.isnan(value)
    ]
    scores = pd.DataFrame(rows, columns=["entry", "juror", "criterion", "score"])

    [result] = rank(scores, None, bootstrap=0)

    assert round(result.krippendorff_alpha_interval, 3) == 0.849
