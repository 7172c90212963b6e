"""The to_json contract used by the results page."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd

from scoring.aggregation import rank, to_json


def scores_two_categories() -> pd.DataFrame:
    rows = [
        ("apps", 1, "j1", "design", 8),
        ("apps", 1, "j1", "impact", 7),
        ("apps", 1, "j2", "design", 6),
        ("apps", 1, "j2", "impact", 9),
        ("apps", 2, "j1", "design", 5),
        ("apps", 2, "j1", "impact", 5),
        ("apps", 2, "j2", "design", 7),
        ("apps", 2, "j2", "impact", np.nan),  # incomplete sheet
        ("apps", 3, "j1", "design", 2),
        ("apps", 3, "j1", "impact", 3),
        ("apps", 3, "j2", "design", 4),
        ("apps", 3, "j2", "impact", 4),
        ("data", 7, "j1", "design", 9),
        ("data", 7, "j1", "impact", 9),
    ]
    return pd.DataFrame(rows, columns=["category", "entry", "juror", "criterion", "score"])


def assert_plain_json_types(value):
    """Only Python scalars, lists and dicts: no numpy or pandas objects."""
    if isinstance(value, dict):
        for key, item in value.items():
            assert type(key) is str
            assert_plain_json_types(item)
    elif isinstance(value, list):
        for item in value:
            assert_plain_json_types(item)
    else:
        assert value is None or type(value) in (str, int, float, bool), type(value)


def test_to_json_has_the_agreed_shape_and_types():
    results = rank(scores_two_categories(), None, method="trimmed", bootstrap=100, places=1)

    payload = to_json(results, "trimmed")

    assert payload["method"] == "trimmed"
    assert [c["category"] for c in payload["categories"]] == ["apps", "data"]
    apps = payload["categories"][0]
    assert {"category", "krippendorff_alpha_interval", "icc", "jurors", "entries"} <= apps.keys()
    assert (
        apps["krippendorff_alpha_interval"] is None
        or type(apps["krippendorff_alpha_interval"]) is float
    )
    assert apps["icc"] is None or set(apps["icc"]) == {"ICC2_1", "ICC2_k"}
    for juror in apps["jurors"]:
        assert set(juror) == {"juror", "entries_scored", "mean_bias", "corr_with_others", "flagged"}
        assert type(juror["juror"]) is str
        assert type(juror["entries_scored"]) is int
        assert type(juror["mean_bias"]) is float
        assert juror["corr_with_others"] is None or type(juror["corr_with_others"]) is float
        assert type(juror["flagged"]) is bool
    required = {
        "entry",
        "n_jurors",
        "aggregate",
        "rank",
        "position",
        "tie_break",
        "award",
        "p_award",
        "rank_interval",
    }
    for entry in apps["entries"]:
        assert required <= entry.keys()
        assert type(entry["entry"]) is str
        assert type(entry["n_jurors"]) is int
        assert type(entry["aggregate"]) is float
        assert type(entry["rank"]) is int and type(entry["position"]) is int
        assert entry["tie_break"] is None or type(entry["tie_break"]) is str
        assert entry["award"] is None or type(entry["award"]) is str
        assert type(entry["p_award"]) is float
        assert [type(x) for x in entry["rank_interval"]] == [int, int]
    assert_plain_json_types(payload)
    json.dumps(payload, allow_nan=False)


def test_to_json_entries_sorted_by_position_with_unrounded_aggregate():
    results = rank(scores_two_categories(), None, method="mean", bootstrap=0)

    apps = to_json(results, "mean")["categories"][0]

    # entry 1: (15 + 15)/2; entry 2: only j1's sheet is complete -> 10; entry 3: (5 + 8)/2
    assert [(e["entry"], e["aggregate"]) for e in apps["entries"]] == [
        ("1", 15.0),
        ("2", 10.0),
        ("3", 6.5),
    ]
    assert [e["position"] for e in apps["entries"]] == [1, 2, 3]
    assert apps["incomplete_sheets"] == [{"entry": "2", "juror": "j2", "missing": ["impact"]}]


def test_to_json_without_bootstrap_uses_null_confidence():
    results = rank(scores_two_categories(), None, bootstrap=0)

    payload = to_json(results, "mean")

    entry = payload["categories"][0]["entries"][0]
    assert entry["p_award"] is None
    assert entry["rank_interval"] is None
    json.dumps(payload, allow_nan=False)


def test_to_json_one_juror_category_has_nulls_not_nan():
    results = rank(scores_two_categories(), None, bootstrap=10)

    data = to_json(results, "mean")["categories"][1]

    assert data["krippendorff_alpha_interval"] is None
    assert data["icc"] is None
    assert data["jurors"][0]["corr_with_others"] is None
    json.dumps(data, allow_nan=False)


def test_to_json_reports_pending_awards_and_conflicts():
    rows = [("A", "j1", "score", 5.0), ("B", "j1", "score", 5.0)]
    scores = pd.DataFrame(rows, columns=["entry", "juror", "criterion", "score"])
    results = rank(scores, None, bootstrap=0)

    category = to_json(results, "mean")["categories"][0]

    assert [e["award_pending"] for e in category["entries"]] == [True, True]
    assert category["unresolved_ties"] == [["A", "B"]]
    assert category["boundary_conflicts"][0]["boundaries"] == ["place_1/place_2"]
    json.dumps(category, allow_nan=False)
