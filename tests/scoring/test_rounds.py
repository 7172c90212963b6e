"""The pre-selection round: its window, sheets, shortlist and the weighted final ranking."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

import openpyxl
import pandas as pd
import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from competition import lifecycle
from competition.lifecycle import RoundAction
from competition.models import PreselectionRound
from scoring import services
from scoring.aggregation.rounds import combine, propose_shortlist
from scoring.models import ScoreSheet, Shortlist
from scoring.queries import entries_for_juror
from scoring.results import protocol
from scoring.results.compute import compute
from scoring.rounds import services as rounds
from scoring.rounds.queries import not_qualified, stage_entries
from tests.scoring.conftest import AFTER_PRESELECTION, DURING_SCORING, PRESELECTION, score
from tests.scoring.test_results import freeze

# The engine: pure pandas ---------------------------------------------------------------------


def ranked(values: dict[str, float]) -> pd.DataFrame:
    rows = sorted(values.items(), key=lambda kv: -kv[1])
    return pd.DataFrame(rows, columns=["entry", "aggregate"])


def test_propose_shortlist_top_n_keeps_ties_at_the_cut_together():
    frame = ranked({"a": 9, "b": 7, "c": 7, "d": 5})

    proposal = propose_shortlist(frame, size=2)

    assert proposal.entries == ["a", "b", "c"]
    assert proposal.tied == ["b", "c"]


def test_propose_shortlist_top_n_without_tie_names_none():
    proposal = propose_shortlist(ranked({"a": 9, "b": 8, "c": 7}), size=2)

    assert proposal.entries == ["a", "b"]
    assert proposal.tied == []


def test_propose_shortlist_threshold_keeps_everyone_reaching_it():
    proposal = propose_shortlist(ranked({"a": 9, "b": 7.0, "c": 6.999}), threshold=7)

    assert proposal.entries == ["a", "b"]


def test_propose_shortlist_needs_one_rule():
    with pytest.raises(ValueError):
        propose_shortlist(ranked({"a": 1}), size=2, threshold=1)


def test_combine_weights_the_shares_of_each_scale():
    # Pre-selection out of 10, final out of 30; w = 0.25.
    pre = pd.DataFrame({"entry": ["1", "2"], "aggregate": [8.0, 10.0]})
    final = pd.DataFrame({"entry": ["1", "2"], "aggregate": [27.0, 21.0]})

    rows = combine(pre, 10.0, final, 30.0, 0.25).set_index("entry")

    # 1: 0.25 × 0.8 + 0.75 × 0.9 = 0.875 ; 2: 0.25 × 1.0 + 0.75 × 0.7 = 0.775
    assert rows.loc["1", "combined"] == pytest.approx(0.875)
    assert rows.loc["2", "combined"] == pytest.approx(0.775)
    assert list(rows["rank"]) == [1, 2]


# The round in the database -------------------------------------------------------------------


def test_round_clean_refuses_a_window_overlapping_the_final(category):
    edition = category.edition
    round = PreselectionRound(
        edition=edition,
        opens_at=edition.formal_check_ends_at,
        closes_at=edition.scoring_opens_at + dt.timedelta(hours=1),
        shortlist_size=10,
    )

    with pytest.raises(ValidationError) as error:
        round.full_clean()

    assert "closes_at" in error.value.error_dict


def test_round_clean_needs_one_shortlist_rule(category):
    edition = category.edition
    round = PreselectionRound(
        edition=edition,
        opens_at=edition.formal_check_ends_at,
        closes_at=edition.formal_check_ends_at + dt.timedelta(days=1),
        shortlist_size=10,
        threshold=Decimal(5),
    )

    with pytest.raises(ValidationError) as error:
        round.full_clean()

    assert "shortlist_size" in error.value.error_dict


def test_stage_is_the_preselection_until_it_closes(preselection):
    edition = preselection.edition

    assert lifecycle.stage(edition, at=PRESELECTION) == preselection
    assert lifecycle.stage(edition, at=AFTER_PRESELECTION) is None
    assert lifecycle.score_verdict(edition, at=PRESELECTION)
    assert not lifecycle.score_verdict(edition, at=AFTER_PRESELECTION)
    assert lifecycle.score_verdict(edition, at=DURING_SCORING)


def test_round_verdict_confirm_waits_for_the_close(preselection):
    verdict = lifecycle.round_verdict(RoundAction.CONFIRM_SHORTLIST, preselection, at=PRESELECTION)

    assert not verdict
    assert verdict.reason
    assert lifecycle.round_verdict(
        RoundAction.CONFIRM_SHORTLIST, preselection, at=AFTER_PRESELECTION
    )


def test_edition_without_round_scores_in_its_final_as_before(category):
    assert lifecycle.stage(category.edition, at=DURING_SCORING) is None
    assert lifecycle.preselection_of(category.edition) is None


def test_save_score_sheet_in_preselection_uses_the_rounds_criteria(
    entries, juror, criteria, pre_criterion, preselection
):
    sheet = score(juror, entries[0], [pre_criterion], [7], PRESELECTION)

    assert sheet.round == preselection
    assert list(sheet.scores.values_list("criterion_id", flat=True)) == [pre_criterion.pk]
    with time_machine.travel(PRESELECTION, tick=False), pytest.raises(ValidationError):
        services.save_score_sheet(
            juror=juror,
            entry=entries[1],
            scores={str(criteria[0].pk): "5"},
            justification="Uzasadnienie oceny.",
            version=0,
            submit=False,
        )


def test_save_score_sheet_after_the_preselection_closed_is_refused(entries, juror, pre_criterion):
    with pytest.raises(ValidationError):
        score(juror, entries[0], [pre_criterion], [7], AFTER_PRESELECTION)


def test_proposal_keeps_the_tie_at_the_cut(pre_scored, category, preselection):
    proposal = rounds.proposal(category, preselection)

    ids = [str(e.pk) for e in pre_scored]
    assert proposal.entries == ids
    assert sorted(proposal.tied) == sorted(ids[1:])


def test_close_round_by_organiser_stops_preselection_scoring(
    pre_scored, preselection, organiser, juror, pre_criterion
):
    with time_machine.travel(PRESELECTION, tick=False):
        rounds.close_round(round=preselection, by=organiser)

    preselection.refresh_from_db()
    assert preselection.closed_by == organiser
    assert lifecycle.stage(preselection.edition, at=PRESELECTION + dt.timedelta(hours=1)) is None


def test_close_round_by_juror_is_refused(preselection, juror):
    with time_machine.travel(PRESELECTION, tick=False), pytest.raises(ValidationError):
        rounds.close_round(round=preselection, by=juror)

    preselection.refresh_from_db()
    assert preselection.closed_at is None


def test_close_round_refuses_n_above_the_eligible_entries(preselection, entries, organiser):
    PreselectionRound.objects.filter(pk=preselection.pk).update(shortlist_size=5)
    preselection.refresh_from_db()

    with time_machine.travel(PRESELECTION, tick=False), pytest.raises(ValidationError) as error:
        rounds.close_round(round=preselection, by=organiser)

    assert "5" in error.value.messages[0]
    preselection.refresh_from_db()
    assert preselection.closed_at is None


def test_close_round_refuses_a_threshold_outside_the_scale(pre_scored, preselection, organiser):
    PreselectionRound.objects.filter(pk=preselection.pk).update(
        shortlist_size=None, threshold=Decimal(11)
    )
    preselection.refresh_from_db()

    with time_machine.travel(PRESELECTION, tick=False), pytest.raises(ValidationError):
        rounds.close_round(round=preselection, by=organiser)

    preselection.refresh_from_db()
    assert preselection.closed_at is None


def confirm(preselection, category, chair, entries, justification=""):
    with time_machine.travel(AFTER_PRESELECTION, tick=False):
        return rounds.confirm_shortlist(
            round=preselection,
            category=category,
            entries=[e.pk for e in entries],
            justification=justification,
            by=chair,
        )


def test_confirm_shortlist_as_proposed_needs_no_justification(
    pre_scored, preselection, category, chair
):
    shortlist = confirm(preselection, category, chair, pre_scored)

    assert set(shortlist.entries.all()) == set(pre_scored)
    assert shortlist.tied == [e.pk for e in pre_scored[1:]]


def test_confirm_shortlist_changed_without_justification_is_refused(
    pre_scored, preselection, category, chair
):
    with pytest.raises(ValidationError) as error:
        confirm(preselection, category, chair, pre_scored[:2])

    assert "justification" in error.value.error_dict
    assert not Shortlist.objects.exists()


def test_confirm_shortlist_changed_with_justification_records_both_lists(
    pre_scored, preselection, category, chair
):
    shortlist = confirm(
        preselection, category, chair, pre_scored[:2], "Jury rozstrzygnęło remis na progu."
    )

    assert shortlist.proposal == [e.pk for e in pre_scored]
    assert list(shortlist.entries.order_by("pk")) == pre_scored[:2]


def test_confirm_shortlist_twice_is_refused_and_the_record_frozen(
    pre_scored, preselection, category, chair
):
    shortlist = confirm(preselection, category, chair, pre_scored)

    with pytest.raises(ValidationError):
        confirm(preselection, category, chair, pre_scored)
    with pytest.raises(ValidationError):
        shortlist.save()
    with pytest.raises(ValidationError):
        Shortlist.objects.all().delete()
    with pytest.raises(ValidationError), transaction.atomic():
        shortlist.entries.remove(pre_scored[0])
    assert shortlist.entries.count() == 3


def test_confirm_shortlist_by_a_juror_is_refused(pre_scored, preselection, category, juror):
    with pytest.raises(ValidationError):
        confirm(preselection, category, juror, pre_scored)


def test_confirm_shortlist_before_the_close_is_refused(pre_scored, preselection, category, chair):
    with time_machine.travel(PRESELECTION, tick=False), pytest.raises(ValidationError):
        rounds.confirm_shortlist(
            round=preselection, category=category, entries=[pre_scored[0].pk], by=chair
        )


@pytest.fixture
def finalists(pre_scored, preselection, category, chair):
    confirm(preselection, category, chair, pre_scored[:2], "Jury rozstrzygnęło remis na progu.")
    return pre_scored[:2]


def test_final_sheets_are_fresh_and_only_for_finalists(finalists, entries, juror, criteria):
    sheet = score(juror, finalists[0], criteria, [8, 6], DURING_SCORING)

    assert sheet.round is None
    assert ScoreSheet.objects.filter(juror=juror, entry=finalists[0]).count() == 2
    with pytest.raises(ValidationError):
        score(juror, entries[2], criteria, [8, 6], DURING_SCORING)
    assert not_qualified(entries[2])
    assert not not_qualified(finalists[0])


def test_juror_list_in_the_final_shows_the_finalists_only(finalists, category, juror):
    with time_machine.travel(DURING_SCORING, tick=False):
        listed = list(entries_for_juror(juror, category, None))

    assert set(listed) == set(finalists)
    assert set(stage_entries(category, None)) == set(finalists)


def test_final_ranking_uses_the_final_round_only(finalists, category, juror, chair, criteria):
    # Final totals (weights 2, 1): juror 2*5+5=15 / 2*9+7=25 ; chair 2*6+4=16 / 2*8+8=24.
    for user, table in [(juror, [(5, 5), (9, 7)]), (chair, [(6, 4), (8, 8)])]:
        for entry, values in zip(finalists, table, strict=True):
            score(user, entry, criteria, values, DURING_SCORING)

    result = compute(category, bootstrap=0).result

    assert list(result.entries["entry"]) == [str(finalists[1].pk), str(finalists[0].pk)]
    assert list(result.entries["aggregate"]) == pytest.approx([24.5, 15.5])
    assert rounds.final_ranking(category) is None


def test_final_ranking_weighted_combination_checked_by_hand(
    finalists, category, juror, chair, criteria, preselection
):
    for user, table in [(juror, [(5, 5), (9, 7)]), (chair, [(6, 4), (8, 8)])]:
        for entry, values in zip(finalists, table, strict=True):
            score(user, entry, criteria, values, DURING_SCORING)
    PreselectionRound.objects.filter(pk=preselection.pk).update(weight=Decimal("0.5"))
    category.edition.refresh_from_db()

    combined = rounds.final_ranking(category).rows.set_index("entry")

    # Pre-selection out of 10: 8.5 and 6.5; final out of 2*10 + 10 = 30: 15.5 and 24.5.
    # entry0: 0.5 × 0.85 + 0.5 × 15.5/30 = 0.68333 ; entry1: 0.5 × 0.65 + 0.5 × 24.5/30 = 0.73333
    first, second = (str(e.pk) for e in finalists)
    assert combined.loc[first, "combined"] == pytest.approx(0.425 + 15.5 / 60)
    assert combined.loc[second, "combined"] == pytest.approx(0.325 + 24.5 / 60)
    assert combined.loc[second, "rank"] == 1


# The snapshot and the protocol record both rounds --------------------------------------------


def test_snapshot_and_protocol_record_both_rounds(
    finalists, category, juror, chair, criteria, organiser, preselection
):
    for user, table in [(juror, [(5, 5), (9, 7)]), (chair, [(6, 4), (8, 8)])]:
        for entry, values in zip(finalists, table, strict=True):
            score(user, entry, criteria, values, DURING_SCORING)

    snapshot = freeze(category, organiser, finalists)
    buffer = io.BytesIO()
    protocol.write_protocol(snapshot, buffer)
    book = openpyxl.load_workbook(io.BytesIO(buffer.getvalue()))

    [block] = snapshot.payload["preselection"]["categories"]
    assert [r["number"] for r in block["ranking"]] == ["T-1", "T-2", "T-3"]
    assert block["shortlist"]["finalists"] == [str(e.pk) for e in finalists]
    assert block["shortlist"]["tied"] == [str(e.pk) for e in finalists[1:]] + [
        str(block["ranking"][2]["entry"])
    ]
    assert [r["number"] for r in snapshot.payload["categories"][0]["ranking"]] == ["T-2", "T-1"]
    pre_rows = list(book[_("Pre-selection")].iter_rows(min_row=2, values_only=True))
    assert [(row[2], row[7].startswith(_("finalist"))) for row in pre_rows] == [
        ("T-1", True),
        ("T-2", True),
        ("T-3", False),
    ]
    decisions = [row[4] for row in book[_("Decisions")].iter_rows(min_row=2, values_only=True)]
    assert "Jury rozstrzygnęło remis na progu." in decisions


def test_pdf_protocol_has_the_preselection(
    finalists, category, juror, chair, criteria, organiser, preselection, tmp_path
):
    from tests.scoring.test_protocol import pdf_text

    for user, table in [(juror, [(5, 5), (9, 7)]), (chair, [(6, 4), (8, 8)])]:
        for entry, values in zip(finalists, table, strict=True):
            score(user, entry, criteria, values, DURING_SCORING)
    snapshot = freeze(category, organiser, finalists)

    text = pdf_text(snapshot, tmp_path)

    assert _("not qualified for the final") in text
    assert "Jury rozstrzygnęło remis na progu." in text


def test_close_pass_fail_round_needs_one_criterion_from_0_to_1(
    preselection, pre_criterion, entries, organiser
):
    PreselectionRound.objects.filter(pk=preselection.pk).update(
        mode="pass_fail", shortlist_size=None, threshold=Decimal("0.5")
    )
    preselection.refresh_from_db()

    with time_machine.travel(PRESELECTION, tick=False), pytest.raises(ValidationError):
        rounds.close_round(round=preselection, by=organiser)
    pre_criterion.scale_max, pre_criterion.step = Decimal(1), Decimal(1)
    pre_criterion.save()
    with time_machine.travel(PRESELECTION, tick=False):
        rounds.close_round(round=preselection, by=organiser)

    preselection.refresh_from_db()
    assert preselection.closed_at is not None
