"""The pre-selection weighted into the final: the combination ranks, proposes the awards and
is frozen; z-score and Borda refuse a weight."""

from __future__ import annotations

import io
import math
from decimal import Decimal

import numpy as np
import openpyxl
import pandas as pd
import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.urls import reverse

from competition.models import AggregationMethod, Award, Edition, PreselectionRound
from scoring import aggregation
from scoring.aggregation.rounds import PRESELECTION_CRITERION, combine, with_preselection
from scoring.models import Shortlist
from scoring.results import protocol
from scoring.results.compute import compute
from scoring.rounds import services as rounds
from tests.factories import BASE, EntryFactory
from tests.scoring.conftest import DURING_SCORING, score
from tests.scoring.test_results import DELIBERATION, freeze
from tests.scoring.test_rounds import confirm
from tests.scoring.test_rounds_views import ROLES, expected, login

# The engine: pure pandas ---------------------------------------------------------------------


def final_scores() -> tuple[pd.DataFrame, pd.DataFrame]:
    """Five jurors (the trimmed mean needs five), three entries, criteria weights 2 and 1."""
    rng = np.random.default_rng(7)
    rows = [
        {"entry": e, "juror": j, "criterion": c, "score": float(rng.integers(0, 11))}
        for e in (11, 12, 13)
        for j in range(1, 6)
        for c in (1, 2)
    ]
    criteria = pd.DataFrame(
        {
            "criterion": ["1", "2"],
            "weight": [2.0, 1.0],
            "min": [0.0, 0.0],
            "max": [10.0, 10.0],
            "tiebreak_order": [math.nan, math.nan],
        }
    )
    return pd.DataFrame(rows), criteria


SHARES = pd.Series({"11": 0.9, "12": 0.4, "13": 0.65})


@pytest.mark.parametrize("method", ["mean", "median", "trimmed"])
def test_with_preselection_adds_c_to_every_aggregate(method):
    scores, criteria = final_scores()
    own = aggregation.rank_category(scores, criteria, method=method, bootstrap=0)
    weight, final_max = 0.4, 30.0

    combined = aggregation.rank_category(
        *with_preselection(scores, criteria, SHARES, weight=weight, final_max=final_max),
        method=method,
        bootstrap=0,
    )

    before = own.entries.set_index("entry")["aggregate"]
    after = combined.entries.set_index("entry")["aggregate"]
    # c_e = w / (1 − w) × final_max × share_e = 20 × share_e
    for entry, share in SHARES.items():
        assert after[entry] == pytest.approx(before[entry] + 20 * share)
        # aggregate' = final_max / (1 − w) × (w × share + (1 − w) × final share)
        assert after[entry] == pytest.approx(
            50 * (weight * share + (1 - weight) * before[entry] / final_max)
        )
    by_hand = combine(
        SHARES.rename("aggregate").rename_axis("entry").reset_index(),
        1.0,
        own.entries,
        final_max,
        weight,
    )
    assert list(combined.entries["entry"]) == list(by_hand["entry"])
    # The criterion's top is the c of a full share: the maximum reads on the combined scale.
    assert combined.max_possible == pytest.approx(final_max / (1 - weight))


def test_with_preselection_minimum_award_share_reads_on_the_combined_scale():
    scores, criteria = final_scores()
    weight, final_max = 0.4, 30.0
    own = aggregation.rank_category(scores, criteria, bootstrap=0).entries.set_index("entry")
    combined = {
        e: weight * SHARES[e] + (1 - weight) * own.loc[e, "aggregate"] / final_max
        for e in SHARES.index
    }
    low, middle, _high = sorted(combined.values())
    min_share = (low + middle) / 2

    result = aggregation.rank_category(
        *with_preselection(scores, criteria, SHARES, weight=weight, final_max=final_max),
        bootstrap=0,
        min_share=min_share,
    )

    awards = result.entries.set_index("entry")["award"]
    assert [e for e, value in combined.items() if awards[e] is None] == [
        e for e, value in combined.items() if value == low
    ]
    assert result.award_threshold == pytest.approx(min_share * final_max / (1 - weight))


def test_with_preselection_adds_one_row_per_sheet_without_a_tie_break():
    scores, criteria = final_scores()

    added, table = with_preselection(scores, criteria, SHARES, weight=0.5, final_max=30.0)

    synthetic = added[added["criterion"] == PRESELECTION_CRITERION]
    assert len(synthetic) == 15  # 3 entries × 5 jurors
    assert list(synthetic.loc[synthetic["entry"] == 12, "score"]) == pytest.approx([12.0] * 5)
    row = table.set_index("criterion").loc[PRESELECTION_CRITERION]
    assert (row["weight"], row["min"], row["max"]) == (1.0, 0.0, 30.0)
    assert math.isnan(row["tiebreak_order"])


def test_with_preselection_entry_without_a_share_is_refused():
    scores, criteria = final_scores()

    with pytest.raises(ValueError, match="13"):
        with_preselection(scores, criteria, SHARES.drop("13"), weight=0.5, final_max=30.0)


# The final in the database -------------------------------------------------------------------


@pytest.fixture
def final_scored(finalists_pair, juror, chair, criteria):
    """Final totals (weights 2, 1, out of 30): B = entry0 7,8 → 22 and 7,9 → 23, mean 22.5;
    A = entry1 8,8 → 24 twice, mean 24. The final alone ranks A over B."""
    b, a = finalists_pair
    for user, table in [(juror, [(7, 8), (8, 8)]), (chair, [(7, 9), (8, 8)])]:
        for entry, values in zip([b, a], table, strict=True):
            score(user, entry, criteria, values, DURING_SCORING)
    return b, a


@pytest.fixture
def finalists_pair(pre_scored, preselection, category, chair):
    """Pre-selection means out of 10: entry0 8.5 (B), entry1 6.5 (A)."""
    confirm(preselection, category, chair, pre_scored[:2], "Jury rozstrzygnęło remis na progu.")
    return pre_scored[0], pre_scored[1]


def set_weight(preselection, weight: str) -> None:
    PreselectionRound.objects.filter(pk=preselection.pk).update(weight=Decimal(weight))
    preselection.edition.refresh_from_db()


def ids(result) -> list[str]:
    return list(result.entries["entry"])


def test_weight_zero_ranks_the_final_alone(final_scored, category):
    b, a = final_scored

    result = compute(category, bootstrap=0).result

    assert ids(result) == [str(a.pk), str(b.pk)]
    assert "combined" not in result.entries.columns
    assert rounds.final_ranking(category) is None


def test_weighted_final_ranks_and_proposes_by_the_combination(final_scored, category, preselection):
    b, a = final_scored
    alone = compute(category, bootstrap=200).result
    set_weight(preselection, "0.5")

    result = compute(category, bootstrap=200).result

    # B: 0.5 × 8.5/10 + 0.5 × 22.5/30 = 0.425 + 0.375 = 0.8
    # A: 0.5 × 6.5/10 + 0.5 × 24/30  = 0.325 + 0.4   = 0.725
    rows = result.entries.set_index("entry")
    assert ids(result) == [str(b.pk), str(a.pk)]
    assert rows.loc[str(b.pk), "combined"] == pytest.approx(0.8)
    assert rows.loc[str(a.pk), "combined"] == pytest.approx(0.725)
    # The aggregate shown stays the final's own.
    assert rows.loc[str(b.pk), "aggregate"] == pytest.approx(22.5)
    assert rows.loc[str(a.pk), "aggregate"] == pytest.approx(24.0)
    assert list(result.entries["position"]) == [1, 2]
    assert rows.loc[str(b.pk), "award"] == "place_1"
    assert rows.loc[str(a.pk), "award"] == "place_2"
    # The agreement, the jurors and their totals describe the final's jury alone.
    assert result.krippendorff_alpha_interval == alone.krippendorff_alpha_interval
    assert result.max_possible == alone.max_possible == 30
    pd.testing.assert_frame_equal(result.jurors, alone.jurors)
    assert list(result.totals.index) == ids(result)
    assert result.totals.loc[str(b.pk)].tolist() == alone.totals.loc[str(b.pk)].tolist()
    # The separate table of both shares says the same.
    table = rounds.final_ranking(category).rows.set_index("entry")
    assert table.loc[str(b.pk), "combined"] == pytest.approx(0.8)
    assert table.loc[str(b.pk), "rank"] == 1


def test_changing_the_weight_changes_the_ranking(final_scored, category, preselection):
    b, a = final_scored
    set_weight(preselection, "0.5")
    first = compute(category, bootstrap=0)
    set_weight(preselection, "0.1")

    second = compute(category, bootstrap=0)

    # A: 0.1 × 0.65 + 0.9 × 0.8 = 0.785 ; B: 0.1 × 0.85 + 0.9 × 0.75 = 0.76
    assert first.digest != second.digest
    assert ids(first.result) == [str(b.pk), str(a.pk)]
    assert ids(second.result) == [str(a.pk), str(b.pk)]
    assert second.result.entries.set_index("entry").loc[str(a.pk), "combined"] == pytest.approx(
        0.785
    )


def test_confirmed_awards_and_the_snapshot_follow_the_combination(
    final_scored, category, preselection, organiser
):
    b, a = final_scored
    set_weight(preselection, "0.5")

    snapshot = freeze(category, organiser, list(final_scored))

    ranking = snapshot.payload["categories"][0]["ranking"]
    assert [(r["entry"], r["award"]) for r in ranking] == [
        (str(b.pk), "place_1"),
        (str(a.pk), "place_2"),
    ]
    assert [r["combined"] for r in ranking] == pytest.approx([0.8, 0.725])
    assert Award.objects.get(category=category, place=1).institution == b.institution
    [block] = snapshot.payload["preselection"]["categories"]
    recorded = {r["entry"]: r["combined"] for r in block["combined"]}
    assert recorded == {r["entry"]: pytest.approx(r["combined"]) for r in ranking}
    assert snapshot.payload["preselection"]["weight_refused"] == ""


def test_protocol_lists_the_combination_beside_the_aggregate(
    final_scored, category, preselection, organiser
):
    b, a = final_scored
    set_weight(preselection, "0.5")
    snapshot = freeze(category, organiser, list(final_scored))
    buffer = io.BytesIO()

    protocol.write_protocol(snapshot, buffer)

    sheet = openpyxl.load_workbook(io.BytesIO(buffer.getvalue()))[category.name]
    rows = {row[2]: row for row in sheet.iter_rows(values_only=True)}
    assert rows[b.number][:7] == (1, 1, b.number, b.title, b.institution.name, 22.5, 0.8)
    assert rows[a.number][5:7] == (24.0, 0.725)


def test_snapshot_without_a_weight_records_no_combination(
    final_scored, category, preselection, organiser
):
    snapshot = freeze(category, organiser, list(final_scored))

    assert all("combined" not in r for r in snapshot.payload["categories"][0]["ranking"])
    assert snapshot.payload["preselection"]["categories"][0]["combined"] is None


def test_confirm_shortlist_with_a_weight_refuses_an_entry_the_preselection_did_not_rank(
    pre_scored, preselection, category, chair
):
    set_weight(preselection, "0.5")
    unranked = EntryFactory(category=category, status="eligible", number="T-4", sequence=4)

    with pytest.raises(ValidationError) as error:
        confirm(preselection, category, chair, [*pre_scored[:2], unranked], "Jury dobrało T-4.")

    assert error.value.code == "unranked"
    assert not Shortlist.objects.exists()


# z-score and Borda refuse a weight -----------------------------------------------------------


@pytest.mark.parametrize("method", [AggregationMethod.ZSCORE, AggregationMethod.BORDA])
def test_round_clean_refuses_a_weight_with_a_normalising_method(preselection, method):
    Edition.objects.filter(pk=preselection.edition_id).update(method=method)
    round = PreselectionRound.objects.get(pk=preselection.pk)
    round.weight = Decimal("0.3")

    with time_machine.travel(BASE, tick=False), pytest.raises(ValidationError) as error:
        round.clean()

    assert list(error.value.error_dict) == ["weight"]
    assert error.value.error_dict["weight"][0].code == "weight"


def test_round_clean_accepts_a_weight_with_the_median(preselection):
    Edition.objects.filter(pk=preselection.edition_id).update(method=AggregationMethod.MEDIAN)
    round = PreselectionRound.objects.get(pk=preselection.pk)
    round.weight = Decimal("0.3")

    with time_machine.travel(BASE, tick=False):
        round.clean()


def test_edition_clean_refuses_borda_under_a_weighted_preselection(preselection):
    set_weight(preselection, "0.3")
    edition = Edition.objects.get(pk=preselection.edition_id)
    edition.method = AggregationMethod.BORDA

    with pytest.raises(ValidationError) as error:
        edition.clean()

    assert error.value.error_dict["method"][0].code == "weight"


def test_method_changed_later_falls_back_to_the_final_with_the_reason(
    client, final_scored, category, preselection, chair
):
    b, a = final_scored
    set_weight(preselection, "0.5")
    Edition.objects.filter(pk=category.edition_id).update(method=AggregationMethod.ZSCORE)
    category.edition.refresh_from_db()
    client.force_login(chair)

    with time_machine.travel(DELIBERATION, tick=False):
        response = client.get(reverse("scoring:results", args=[category.pk]))

    result = compute(category, bootstrap=0).result
    assert "combined" not in result.entries.columns
    assert ids(result) == [str(a.pk), str(b.pk)]
    assert rounds.final_ranking(category).refused
    assert response.status_code == 200
    assert b'id="weighted-refused"' in response.content
    assert b'data-column="combined"' not in response.content


# The results page for every role ---------------------------------------------------------------


@pytest.mark.parametrize("role", ROLES)
def test_combined_results_page_for_each_role(
    client, request, role, final_scored, category, preselection
):
    set_weight(preselection, "0.5")
    login(client, request, role)

    with time_machine.travel(DELIBERATION, tick=False):
        response = client.get(reverse("scoring:results", args=[category.pk]))

    assert response.status_code == expected(role, {"chair", "organiser"})
    if response.status_code == 200:
        b, _a = final_scored
        assert b'id="weighted-ranking"' in response.content
        assert b'data-column="combined"' in response.content
        assert response.content.count(b'data-sort-value="0.8"') == 1
        assert response.context["rows"][0]["entry"] == str(b.pk)
