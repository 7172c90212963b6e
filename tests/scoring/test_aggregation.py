"""Juror totals, aggregation methods, ranking, tie-breaks and awards.

Agreement statistics, bootstrap, JSON and the published reference data sets
are in the sibling test_aggregation_*.py files.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from scoring.aggregation import (
    METHODS,
    aggregate,
    competition_rank,
    juror_totals,
    rank,
    rank_category,
)


def one_criterion(marks: dict[str, dict[str, float]], category: str | None = None) -> pd.DataFrame:
    """Long scores with the single criterion "score": marks[entry][juror]."""
    rows = [
        (entry, juror, "score", value)
        for entry, by_juror in marks.items()
        for juror, value in by_juror.items()
    ]
    frame = pd.DataFrame(rows, columns=["entry", "juror", "criterion", "score"])
    if category is not None:
        frame.insert(0, "category", category)
    return frame


def long(rows: list[tuple]) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=["entry", "juror", "criterion", "score"])


def totals_frame(marks: dict[str, dict[str, float]]) -> pd.DataFrame:
    return pd.DataFrame(
        [(e, j, t) for e, by_juror in marks.items() for j, t in by_juror.items()],
        columns=["entry", "juror", "total"],
    )


def by_entry(frame: pd.DataFrame, column: str) -> dict:
    return dict(zip(frame["entry"], frame[column], strict=True))


# --- juror totals and incomplete sheets ------------------------------------


def test_juror_totals_weighted_sum_of_criteria():
    scores = long([("A", "J1", "design", 8), ("A", "J1", "impact", 5)])
    criteria = pd.DataFrame({"criterion": ["design", "impact"], "weight": [2.0, 1.0]})

    totals, incomplete = juror_totals(scores, criteria)

    # T = 2 * 8 + 1 * 5
    assert totals.to_dict("records") == [
        {"category": "", "entry": "A", "juror": "J1", "total": 21.0}
    ]
    assert incomplete.empty


def test_juror_totals_missing_weight_defaults_to_one():
    scores = long([("A", "J1", "design", 8), ("A", "J1", "impact", 5)])
    criteria = pd.DataFrame({"criterion": ["design", "impact"], "weight": [3.0, np.nan]})

    totals, _ = juror_totals(scores, criteria)

    assert totals["total"].tolist() == [3 * 8 + 5]


def test_juror_totals_incomplete_sheets_excluded_and_reported():
    scores = long(
        [
            ("A", "J1", "design", 8),
            ("A", "J1", "impact", 5),
            ("A", "J2", "design", 7),
            ("A", "J2", "impact", np.nan),  # scored as missing
            ("B", "J1", "design", 6),  # no impact row at all
        ]
    )
    criteria = pd.DataFrame({"criterion": ["design", "impact"]})

    totals, incomplete = juror_totals(scores, criteria)

    assert totals[["entry", "juror", "total"]].to_dict("records") == [
        {"entry": "A", "juror": "J1", "total": 13.0}
    ]
    assert incomplete.to_dict("records") == [
        {"category": "", "entry": "A", "juror": "J2", "missing": ("impact",)},
        {"category": "", "entry": "B", "juror": "J1", "missing": ("impact",)},
    ]


def test_juror_totals_only_criteria_seen_in_the_category_are_required():
    scores = pd.DataFrame(
        [
            ("film", "A", "J1", "story", 7),
            ("film", "A", "J1", "sound", 6),
            ("poster", "P", "J1", "story", 9),
        ],
        columns=["category", "entry", "juror", "criterion", "score"],
    )
    criteria = pd.DataFrame({"criterion": ["story", "sound"]})

    totals, incomplete = juror_totals(scores, criteria)

    # "sound" never occurs for posters, so the poster sheet is complete.
    assert by_entry(totals, "total") == {"A": 13.0, "P": 9.0}
    assert incomplete.empty


def test_juror_totals_rows_for_unknown_criteria_are_ignored():
    scores = long([("A", "J1", "design", 8), ("A", "J1", "typo", 99)])
    criteria = pd.DataFrame({"criterion": ["design"]})

    totals, incomplete = juror_totals(scores, criteria)

    assert totals["total"].tolist() == [8.0]
    assert incomplete.empty


def test_juror_totals_duplicate_rows_raise():
    scores = long([("A", "J1", "design", 8), ("A", "J1", "design", 7)])

    with pytest.raises(ValueError, match="duplicate"):
        juror_totals(scores, None)


def test_juror_totals_integer_ids_become_strings():
    scores = long([(101, 7, "design", 8.0), (102, 7, "design", 6.0)])

    totals, _ = juror_totals(scores, None)

    assert totals["entry"].tolist() == ["101", "102"]
    assert totals["juror"].tolist() == ["7", "7"]
    assert totals["category"].tolist() == ["", ""]


# --- aggregation methods -----------------------------------------------------


def test_aggregate_mean_over_jurors_who_scored():
    totals = totals_frame(
        {"A": {"J1": 8, "J2": 6, "J3": 7}, "B": {"J1": 5, "J2": 9}, "C": {"J3": 4}}
    )

    result = aggregate(totals, "mean")

    # A: (8+6+7)/3, B: (5+9)/2, C: 4/1
    assert by_entry(result, "aggregate") == {"A": 7.0, "B": 7.0, "C": 4.0}
    assert by_entry(result, "n_jurors") == {"A": 3, "B": 2, "C": 1}
    assert result["category"].tolist() == ["", "", ""]


def test_aggregate_median_odd_and_even_counts():
    totals = totals_frame(
        {
            "A": {"J1": 8, "J2": 6, "J3": 7},
            "B": {"J1": 5, "J2": 9},
            "C": {"J1": 1, "J2": 2, "J3": 10, "J4": 3},
        }
    )

    result = aggregate(totals, "median")

    # A: middle of 6,7,8; B: (5+9)/2; C: (2+3)/2 of 1,2,3,10
    assert by_entry(result, "aggregate") == {"A": 7.0, "B": 7.0, "C": 2.5}


def test_aggregate_trimmed_drops_one_highest_and_lowest_from_five_jurors():
    five = {"J1": 10, "J2": 2, "J3": 6, "J4": 7, "J5": 5}
    repeated_extremes = {"J1": 9, "J2": 9, "J3": 1, "J4": 1, "J5": 5}
    four = {"J1": 10, "J2": 2, "J3": 6, "J4": 7}
    totals = totals_frame({"A": five, "B": repeated_extremes, "C": four})

    result = aggregate(totals, "trimmed")

    # A: (6+7+5)/3; B: only one 9 and one 1 go: (9+1+5)/3; C: 4 jurors -> plain mean 25/4
    assert by_entry(result, "aggregate") == pytest.approx({"A": 6.0, "B": 5.0, "C": 6.25})


def test_aggregate_zscore_population_sd_rescaled_to_points():
    totals = totals_frame(
        {"A": {"J1": 6, "J2": 9}, "B": {"J1": 4, "J2": 9}, "C": {"J1": 2, "J2": 3}}
    )

    result = aggregate(totals, "zscore")

    # J1: mu 4, sigma sqrt(8/3) (ddof=0) -> z = 2/s1, 0, -2/s1
    # J2: mu 7, sigma sqrt(24/3) = sqrt(8) -> z = 2/s2, 2/s2, -4/s2
    s1, s2 = math.sqrt(8 / 3), math.sqrt(8)
    zbar = {"A": (2 / s1 + 2 / s2) / 2, "B": (0 + 2 / s2) / 2, "C": (-2 / s1 - 4 / s2) / 2}
    # pooled totals 6,4,2,9,9,3: mu 5.5, sigma sqrt(45.5/6)
    mu, sigma = 5.5, math.sqrt(45.5 / 6)
    expected = {e: mu + sigma * z for e, z in zbar.items()}
    assert by_entry(result, "aggregate") == pytest.approx(expected)


def test_aggregate_zscore_flat_and_single_entry_jurors_are_neutral():
    totals = totals_frame({"A": {"J1": 5, "J2": 8, "J3": 3}, "B": {"J1": 5, "J2": 6}})

    result = aggregate(totals, "zscore")

    # J1 all equal (sigma 0) and J3 one entry: z = 0. J2: mu 7, sigma 1 -> +1, -1.
    # pooled 5,8,3,5,6: mu 5.4, sigma sqrt(13.2/5)
    sigma = math.sqrt(13.2 / 5)
    assert by_entry(result, "aggregate") == pytest.approx(
        {"A": 5.4 + sigma * (0 + 1 + 0) / 3, "B": 5.4 + sigma * (0 - 1) / 2}
    )


def test_aggregate_borda_average_ranks_and_single_entry_juror():
    totals = totals_frame(
        {"A": {"J1": 9, "J2": 7, "J3": 4}, "B": {"J1": 6, "J2": 7}, "C": {"J1": 1, "J2": 2}}
    )

    result = aggregate(totals, "borda")

    # J1 ranks A,B,C = 1,2,3 -> (3-r)/2 = 1, 0.5, 0
    # J2 ties A,B at rank 1.5 -> 0.75 each, C -> 0; J3 scored only A -> 0.5
    assert by_entry(result, "aggregate") == pytest.approx(
        {"A": (1 + 0.75 + 0.5) / 3, "B": (0.5 + 0.75) / 2, "C": 0.0}
    )


def test_aggregate_handles_categories_separately():
    totals = totals_frame({"A": {"J1": 9, "J2": 1}, "B": {"J1": 1, "J2": 9}})
    totals.insert(0, "category", ["x", "x", "y", "y"])

    result = aggregate(totals, "borda")

    # one entry per category: every juror gives the neutral 0.5
    assert result[["category", "entry", "aggregate"]].to_dict("records") == [
        {"category": "x", "entry": "A", "aggregate": 0.5},
        {"category": "y", "entry": "B", "aggregate": 0.5},
    ]


def test_aggregate_unknown_method_raises():
    with pytest.raises(ValueError, match="unknown method"):
        aggregate(totals_frame({"A": {"J1": 1}}), "sum")


# --- ranking -----------------------------------------------------------------


def test_competition_rank_shares_ranks_1_2_2_4():
    values = np.array([10.0, 8.0, 8.0 + 1e-12, 5.0])

    ranks = competition_rank(values)

    assert ranks.tolist() == [1, 2, 2, 4]


def test_rank_shared_ranks_and_unresolved_places_are_pending():
    scores = one_criterion({"A": {"J1": 10}, "B": {"J1": 8}, "C": {"J1": 8}, "D": {"J1": 5}})

    [result] = rank(scores, None, bootstrap=0)

    e = result.entries
    assert e["entry"].tolist() == ["A", "B", "C", "D"]
    assert e["rank"].tolist() == [1, 2, 2, 4]
    assert e["position"].tolist() == [1, 2, 3, 4]
    assert e["tie_break"].tolist() == [None, "unresolved", "unresolved", None]
    # B/C straddle place_2/place_3: neither award is given until the chair decides.
    assert e["award"].tolist() == ["place_1", None, None, None]
    assert e["award_pending"].tolist() == [False, True, True, False]
    assert result.unresolved_ties == [["B", "C"]]
    assert result.boundary_conflicts == [
        {
            "entries": ["B", "C"],
            "positions": [2, 3],
            "contested_awards": ["place_2", "place_3"],
            "boundaries": ["place_2/place_3"],
        }
    ]


def test_rank_weights_change_the_winner():
    scores = long(
        [
            ("A", "J1", "design", 10),
            ("A", "J1", "impact", 5),
            ("B", "J1", "design", 6),
            ("B", "J1", "impact", 8),
        ]
    )
    plain = pd.DataFrame({"criterion": ["design", "impact"]})
    weighted = pd.DataFrame({"criterion": ["design", "impact"], "weight": [1, 2]})

    [unweighted_result] = rank(scores, plain, bootstrap=0)
    [weighted_result] = rank(scores, weighted, bootstrap=0)

    # unweighted A 15 > B 14; impact x2: A 20 < B 22
    assert unweighted_result.entries["entry"].tolist() == ["A", "B"]
    assert weighted_result.entries["entry"].tolist() == ["B", "A"]
    assert weighted_result.entries["aggregate"].tolist() == [22.0, 20.0]


def test_rank_place_tie_broken_by_first_tiebreak_criterion():
    scores = long(
        [
            ("A", "J1", "quality", 5),
            ("A", "J1", "impact", 5),
            ("B", "J1", "quality", 6),
            ("B", "J1", "impact", 4),
        ]
    )
    criteria = pd.DataFrame({"criterion": ["quality", "impact"], "tiebreak_order": [1, 2]})

    [result] = rank(scores, criteria, bootstrap=0)

    # totals 10 = 10; quality 6 > 5 puts B first
    e = result.entries
    assert e["entry"].tolist() == ["B", "A"]
    assert e["rank"].tolist() == [1, 1]
    assert e["tie_break"].tolist() == ["criterion:quality", "criterion:quality"]
    assert e["award"].tolist() == ["place_1", "place_2"]
    assert not e["award_pending"].any()
    assert result.unresolved_ties == []


def test_rank_tiebreak_criteria_follow_tiebreak_order_not_table_order():
    scores = long(
        [
            ("A", "J1", "quality", 5),
            ("A", "J1", "impact", 5),
            ("A", "J1", "other", 1),
            ("B", "J1", "quality", 5),
            ("B", "J1", "impact", 3),
            ("B", "J1", "other", 2),
        ]
    )
    criteria = pd.DataFrame(
        {
            "criterion": ["quality", "impact", "other"],
            "weight": [1, 1, 2],
            "tiebreak_order": [2, 3, 1],
        }
    )

    [result] = rank(scores, criteria, bootstrap=0)

    # totals A 5+5+2*1 = 12 = B 5+3+2*2. "other" breaks first: weighted mean
    # B 4 > A 2, although A would win on impact (tie-break order 3).
    assert result.entries["entry"].tolist() == ["B", "A"]
    assert result.entries["rank"].tolist() == [1, 1]
    assert result.entries["tie_break"].tolist() == ["criterion:other"] * 2


def test_rank_tie_of_three_split_by_criterion_then_first_places():
    marks = {
        # entry: {juror: (q, o)}
        "A": {"J1": (6, 4), "J2": (6, 4)},  # 20, q mean 6
        "B": {"J1": (4, 7), "J2": (4, 5)},  # 20, q 4, J1's top (11)
        "C": {"J1": (4, 5), "J2": (4, 7)},  # 20, q 4, J2 prefers E (12)
        "E": {"J1": (1, 0), "J2": (6, 6)},  # 13
    }
    scores = long(
        [
            (e, j, c, v)
            for e, js in marks.items()
            for j, qo in js.items()
            for c, v in zip(("q", "o"), qo, strict=True)
        ]
    )
    criteria = pd.DataFrame({"criterion": ["q", "o"], "tiebreak_order": [1, np.nan]})

    [result] = rank(scores, criteria, bootstrap=0)

    e = result.entries
    assert e["entry"].tolist() == ["A", "B", "C", "E"]
    assert e["rank"].tolist() == [1, 1, 1, 4]
    assert e["tie_break"].tolist() == ["criterion:q", "first_places", "first_places", None]


def test_rank_place_distinction_tie_broken_by_first_places():
    scores = one_criterion(
        {
            "A": {"J1": 10, "J2": 8},
            "B": {"J1": 9, "J2": 7},
            "C": {"J1": 7, "J2": 9},
            "D": {"J1": 1, "J2": 2},
        }
    )

    [result] = rank(scores, None, places=2, distinctions=1, bootstrap=0)

    # B = C = 16; J1's top is A, J2's top is C (9 > 8): C has 1 first place, B 0.
    e = result.entries
    assert e["entry"].tolist() == ["A", "C", "B", "D"]
    assert e["tie_break"].tolist() == [None, "first_places", "first_places", None]
    assert e["award"].tolist() == ["place_1", "place_2", "distinction", None]
    assert result.boundary_conflicts == []


def test_rank_place_distinction_tie_unresolved_is_pending():
    scores = one_criterion({"A": {"J1": 10}, "B": {"J1": 8}, "C": {"J1": 8}, "D": {"J1": 3}})

    [result] = rank(scores, None, places=2, distinctions=1, bootstrap=0)

    e = result.entries
    assert e["award"].tolist() == ["place_1", None, None, None]
    assert e["award_pending"].tolist() == [False, True, True, False]
    assert [c["boundaries"] for c in result.boundary_conflicts] == [["place_2/distinction"]]


def test_rank_distinction_none_tie_unresolved_is_pending():
    scores = one_criterion({"A": {"J1": 10}, "B": {"J1": 8}, "C": {"J1": 8}})

    [result] = rank(scores, None, places=1, distinctions=1, bootstrap=0)

    e = result.entries
    assert e["award"].tolist() == ["place_1", None, None]
    assert e["award_pending"].tolist() == [False, True, True]
    assert result.boundary_conflicts[0]["boundaries"] == ["distinction/none"]
    assert result.boundary_conflicts[0]["contested_awards"] == ["distinction", None]


def test_rank_distinction_none_tie_resolved_by_chair():
    scores = one_criterion({"A": {"J1": 10}, "B": {"J1": 8}, "C": {"J1": 8}})

    [result] = rank(
        scores, None, places=1, distinctions=1, bootstrap=0, chair_decisions={"": ["C", "B"]}
    )

    e = result.entries
    assert e["entry"].tolist() == ["A", "C", "B"]
    assert e["tie_break"].tolist() == [None, "chair", "chair"]
    assert e["award"].tolist() == ["place_1", "distinction", None]
    assert result.unresolved_ties == []
    assert result.boundary_conflicts == []


def test_rank_tie_straddling_two_boundaries_lists_both():
    scores = one_criterion({"A": {"J1": 8}, "B": {"J1": 8}, "C": {"J1": 8}})

    [result] = rank(scores, None, places=1, distinctions=1, bootstrap=0)

    assert result.entries["award"].tolist() == [None, None, None]
    assert result.entries["award_pending"].all()
    assert result.boundary_conflicts == [
        {
            "entries": ["A", "B", "C"],
            "positions": [1, 3],
            "contested_awards": ["place_1", "distinction", None],
            "boundaries": ["place_1/distinction", "distinction/none"],
        }
    ]


def test_rank_unresolved_tie_within_one_award_keeps_award():
    scores = one_criterion({"A": {"J1": 10}, "B": {"J1": 8}, "C": {"J1": 8}, "D": {"J1": 2}})

    [result] = rank(scores, None, places=1, distinctions=3, bootstrap=0)

    e = result.entries
    assert e["award"].tolist() == ["place_1", "distinction", "distinction", "distinction"]
    assert not e["award_pending"].any()
    assert e["tie_break"].tolist() == [None, "unresolved", "unresolved", None]
    assert result.unresolved_ties == [["B", "C"]]
    assert result.boundary_conflicts == []


def test_rank_chair_list_must_name_the_whole_tied_group():
    scores = one_criterion({"A": {"J1": 5}, "B": {"J1": 5}, "C": {"J1": 5}})

    [result] = rank(scores, None, bootstrap=0, chair_decisions={"": ["C", "A"]})

    # B is not in the chair's list: ordering A and C alone would place B by default.
    assert result.entries["entry"].tolist() == ["A", "B", "C"]
    assert result.entries["tie_break"].tolist() == ["unresolved"] * 3
    assert result.unresolved_ties == [["A", "B", "C"]]


def test_rank_chair_decision_applies_per_category():
    x = one_criterion({"A": {"J1": 5}, "B": {"J1": 5}}, category="x")
    y = one_criterion({"A": {"J1": 5}, "B": {"J1": 5}}, category="y")
    scores = pd.concat([x, y], ignore_index=True)

    results = rank(scores, None, bootstrap=0, chair_decisions={"x": ["B", "A"]})

    assert [r.category for r in results] == ["x", "y"]
    assert results[0].entries["entry"].tolist() == ["B", "A"]
    assert results[0].entries["tie_break"].tolist() == ["chair", "chair"]
    assert results[1].entries["tie_break"].tolist() == ["unresolved", "unresolved"]


def test_rank_min_share_uses_criteria_max_and_weights():
    scores = one_criterion({"A": {"J1": 8}, "B": {"J1": 5}, "C": {"J1": 4}})
    criteria = pd.DataFrame({"criterion": ["score"], "weight": [2.0], "max": [10.0]})

    [result] = rank(scores, criteria, min_share=0.5, bootstrap=0)

    # max possible 2 * 10 = 20, threshold 10: B's 10 is enough, C's 8 is not
    assert result.max_possible == 20.0
    assert result.award_threshold == 10.0
    assert result.entries["award"].tolist() == ["place_1", "place_2", None]


def test_rank_min_share_falls_back_to_observed_max():
    scores = one_criterion({"A": {"J1": 8}, "B": {"J1": 5}, "C": {"J1": 4}})

    [result] = rank(scores, None, min_share=0.6, bootstrap=0)

    # no max in the table: observed max 8, threshold 4.8
    assert result.max_possible == 8.0
    assert result.entries["award"].tolist() == ["place_1", "place_2", None]


def test_rank_min_share_for_borda_is_share_of_one():
    scores = one_criterion({"A": {"J1": 8}, "B": {"J1": 5}, "C": {"J1": 4}})

    [result] = rank(scores, None, method="borda", min_share=0.5, bootstrap=0)

    # borda 1, 0.5, 0 against max 1.0
    assert result.entries["aggregate"].tolist() == [1.0, 0.5, 0.0]
    assert result.entries["award"].tolist() == ["place_1", "place_2", None]


def test_rank_other_methods_adds_rank_per_method():
    scores = one_criterion({"A": {"J1": 9, "J2": 1, "J3": 9}, "B": {"J1": 6, "J2": 6, "J3": 6}})

    [result] = rank(scores, None, bootstrap=0, other_methods=True)

    # mean A 19/3 > B 6; median A 9 > B 6; borda A 2/3 > B 1/3
    for method in METHODS:
        assert result.entries[f"rank_{method}"].tolist() == [1, 2]


@pytest.mark.parametrize("method", METHODS)
def test_rank_every_method_orders_a_clear_winner_first(method):
    scores = one_criterion(
        {e: {f"J{j}": base + j % 2 for j in range(5)} for e, base in (("A", 9), ("B", 5), ("C", 2))}
    )

    [result] = rank(scores, None, method=method, bootstrap=0)

    assert result.entries["entry"].tolist() == ["A", "B", "C"]
    assert result.entries["position"].tolist() == [1, 2, 3]


def test_rank_category_matches_rank_for_that_category():
    x = one_criterion({"A": {"J1": 7, "J2": 5}, "B": {"J1": 6, "J2": 9}}, category="x")
    y = one_criterion({"C": {"J3": 7}, "D": {"J3": 3}}, category="y")
    scores = pd.concat([x, y], ignore_index=True)

    single = rank_category(scores, None, "x", bootstrap=50)
    [from_all, _] = rank(scores, None, bootstrap=50)

    pd.testing.assert_frame_equal(single.entries, from_all.entries)


# --- edge cases --------------------------------------------------------------


def test_rank_entry_without_complete_sheet_is_reported_not_ranked():
    scores = long(
        [
            ("A", "J1", "design", 8),
            ("A", "J1", "impact", 6),
            ("X", "J1", "design", 9),
            ("X", "J1", "impact", np.nan),
        ]
    )

    [result] = rank(scores, None, bootstrap=10)

    assert result.entries["entry"].tolist() == ["A"]
    assert result.unscored_entries == ["X"]
    assert result.incomplete_sheets.to_dict("records") == [
        {"entry": "X", "juror": "J1", "missing": ("impact",)}
    ]


def test_rank_category_with_only_incomplete_sheets_is_empty():
    scores = long([("X", "J1", "design", np.nan)])

    [result] = rank(scores, None)

    assert result.entries.empty
    assert result.unscored_entries == ["X"]
    assert result.krippendorff_alpha_interval is None
    assert result.icc is None


def test_rank_single_juror_category():
    scores = one_criterion({"A": {"J1": 9}, "B": {"J1": 7}, "C": {"J1": 3}})

    [result] = rank(scores, None, method="zscore", bootstrap=100)

    assert result.entries["entry"].tolist() == ["A", "B", "C"]
    assert result.krippendorff_alpha_interval is None
    assert result.icc is None
    assert result.jurors.to_dict("records") == [
        {
            "juror": "J1",
            "entries_scored": 3,
            "mean_bias": 0.0,
            "corr_with_others": pytest.approx(np.nan, nan_ok=True),
            "flagged": False,
        }
    ]
    # with one juror every bootstrap round is the full data
    assert result.entries["p_award"].tolist() == [1.0, 1.0, 1.0]


def test_rank_juror_who_scored_one_entry():
    scores = one_criterion({"A": {"J1": 9, "J2": 8, "J3": 7}, "B": {"J1": 4, "J2": 5}})

    [result] = rank(scores, None, method="zscore", bootstrap=100)

    j3 = result.jurors.set_index("juror").loc["J3"]
    assert j3["entries_scored"] == 1
    # J3 vs mean of the others on A: 7 - 8.5
    assert j3["mean_bias"] == -1.5
    assert np.isnan(j3["corr_with_others"])
    assert result.entries["entry"].tolist() == ["A", "B"]


def test_rank_single_entry():
    scores = one_criterion({"A": {"J1": 9, "J2": 8}})

    [result] = rank(scores, None, method="borda", bootstrap=20)

    e = result.entries
    assert e[["entry", "rank", "position", "aggregate"]].to_dict("records") == [
        {"entry": "A", "rank": 1, "position": 1, "aggregate": 0.5}
    ]
    assert e["p_award"].tolist() == [1.0]
    assert result.krippendorff_alpha_interval is None
    assert result.icc is None


@pytest.mark.parametrize("method", METHODS)
def test_rank_all_equal_scores(method):
    scores = one_criterion({e: {"J1": 5, "J2": 5, "J3": 5} for e in "ABC"})

    [result] = rank(scores, None, method=method, bootstrap=20)

    e = result.entries
    assert e["rank"].tolist() == [1, 1, 1]
    assert e["tie_break"].tolist() == ["unresolved"] * 3
    assert e["award_pending"].all()
    assert result.krippendorff_alpha_interval is None
    assert result.icc is None
    assert not result.jurors["flagged"].any()


def test_rank_totals_matrix_follows_positions():
    scores = one_criterion({"A": {"J1": 2, "J2": 3}, "B": {"J1": 9}})

    [result] = rank(scores, None, bootstrap=0)

    assert result.totals.index.tolist() == ["B", "A"]
    assert result.totals.columns.tolist() == ["J1", "J2"]
    assert result.totals.loc["B", "J1"] == 9.0
    assert np.isnan(result.totals.loc["B", "J2"])


def test_rank_invalid_parameters_raise():
    scores = one_criterion({"A": {"J1": 1}})

    with pytest.raises(ValueError):
        rank(scores, None, method="best")
    with pytest.raises(ValueError):
        rank(scores, None, min_share=1.5)
    with pytest.raises(ValueError):
        rank(scores, None, places=-1)
