"""The life-cycle table, tested as a table: every action in every phase."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.utils import translation
from wagtail.models import ModelLogEntry

from competition import lifecycle
from competition.lifecycle import Action
from competition.models import Phase
from tests.factories import BASE, EditionFactory

pytestmark = pytest.mark.django_db

D, C, F, S, SC, DL, FR, PB, AR = (
    Phase.DRAFT, Phase.CALL_OPEN, Phase.FORMAL_CHECK, Phase.SUBMISSION_CLOSED, Phase.SCORING,
    Phase.DELIBERATION, Phase.FROZEN, Phase.PUBLISHED, Phase.ARCHIVED,
)  # fmt: skip

# The expected answer, written out once more by hand so a change to RULES must be meant.
EXPECTED: dict[Action, set[Phase]] = {
    Action.EDIT_ENTRY: {C},
    Action.WITHDRAW_ENTRY: {C},
    Action.FORMAL_CHECK: {F, S},
    Action.IMPORT_ENTRIES: {C, F},
    Action.APPOINT_JURY: {D, C, F, S, SC, DL},
    Action.RECUSE: {F, S, SC},
    Action.LIFT_CONFLICT: {D, C, F, S, SC},
    Action.CHANGE_CHAIR: {D, C, F, S, SC, DL},
    Action.SCORE: {SC},
    Action.REMIND_JURORS: {SC},
    Action.RECORD_LATE_CONFLICT: {SC, DL},
    Action.BREAK_TIE: {DL, FR},
    Action.CONFIRM_AWARDS: {DL, FR},
    Action.FREEZE: {DL},
    Action.CORRECT: {FR},
    Action.PUBLISH: {FR},
    Action.ARCHIVE: {PB},
    Action.EDIT_RULES: {D, C, F, S},
    Action.REOPEN_RULES: {SC, DL},
    Action.EDIT_EDITION: {D, C, F, S, SC, DL},
    Action.ASSIGN: {D, C, F, S, SC},
    Action.MARK_PREFERENCES: {F, S, SC},
}

# An instant inside each phase of EditionFactory's calendar (phases weeks apart from BASE).
INSIDE = {
    D: BASE - dt.timedelta(days=1),
    C: BASE + dt.timedelta(days=1),
    F: BASE + dt.timedelta(days=31),
    S: BASE + dt.timedelta(days=41),
    SC: BASE + dt.timedelta(days=50),
    DL: BASE + dt.timedelta(days=70),
}


def edition_in(phase: Phase):
    edition = EditionFactory()
    if phase in (FR, PB, AR):
        edition.frozen_at = BASE + dt.timedelta(days=66)
    if phase in (PB, AR):
        edition.published_at = BASE + dt.timedelta(days=67)
    if phase == AR:
        edition.archived_at = BASE + dt.timedelta(days=68)
    return edition, INSIDE.get(phase, BASE + dt.timedelta(days=70))


def test_rules_cover_every_action():
    assert set(lifecycle.RULES) == set(Action) == set(EXPECTED)


@pytest.mark.parametrize("phase", list(Phase))
@pytest.mark.parametrize("action", list(Action))
def test_verdict_matches_table(action, phase):
    edition, at = edition_in(phase)

    verdict = lifecycle.verdict(action, edition, at=at)

    assert verdict.phase == phase
    assert verdict.allowed is (phase in EXPECTED[action])
    assert bool(verdict.reason) is not verdict.allowed


def test_verdict_before_a_dated_phase_says_from_when():
    edition, at = edition_in(C)

    with translation.override("pl"):
        verdict = lifecycle.verdict(Action.FORMAL_CHECK, edition, at=at)

    assert verdict.opens_at == edition.submission_deadline
    assert verdict.reason == (
        "Ten krok (ocena formalna) będzie możliwy od 1 kwietnia 2026 14:00; "
        "edycja jest teraz na etapie „nabór otwarty”."
    )


def test_verdict_before_an_organisers_action_names_the_phase():
    edition, at = edition_in(DL)

    with translation.override("en"):
        verdict = lifecycle.verdict(Action.PUBLISH, edition, at=at)

    assert verdict.opens_at is None
    assert "becomes possible in the phase “results frozen”" in verdict.reason


def test_require_raises_the_reason_with_a_code():
    edition, at = edition_in(FR)

    with pytest.raises(ValidationError) as excinfo:
        lifecycle.require(Action.SCORE, edition, at=at)

    assert excinfo.value.code == "phase_score"


def test_next_step_is_named_for_every_phase():
    assert set(lifecycle.NEXT_STEP) == set(Phase)


def test_a_recorded_correction_reopens_the_rules_until_the_freeze(organiser):
    from competition.services import reopen_rules

    edition, at = edition_in(SC)
    edition.save()

    with time_machine.travel(at, tick=False):
        locked = lifecycle.verdict(Action.EDIT_RULES, edition)
        with pytest.raises(ValidationError):
            reopen_rules(edition=edition, by=organiser, reason="krótko")
        reopened = reopen_rules(edition=edition, by=organiser, reason="Zła waga kryterium 2.")
        open_again = lifecycle.verdict(Action.EDIT_RULES, reopened)
    reopened.frozen_at = at
    after_freeze = lifecycle.verdict(Action.EDIT_RULES, reopened, at=at + dt.timedelta(days=1))

    assert (locked.allowed, open_again.allowed, after_freeze.allowed) == (False, True, False)
    entry = ModelLogEntry.objects.get(action="competition.rules_reopened")
    assert (entry.user, entry.data["reason"]) == (organiser, "Zła waga kryterium 2.")


def test_criteria_weight_locked_once_scoring_opens():
    from tests.factories import CriterionFactory

    edition, at = edition_in(SC)
    edition.save()
    criterion = CriterionFactory(edition=edition, name="Rezultaty")

    criterion.weight = 5
    with time_machine.travel(at, tick=False), pytest.raises(ValidationError) as excinfo:
        criterion.full_clean()
    criterion.weight = 1
    criterion.description = "Opis można poprawić zawsze."
    with time_machine.travel(at, tick=False):
        criterion.full_clean()

    assert "Ten krok (zmiana kryteriów i zasad przyznawania nagród)" in str(excinfo.value)


def test_criterion_comment_flag_locked_once_scoring_opens():
    # Sheets submitted without comments would no longer meet the rule they were submitted under.
    from tests.factories import CriterionFactory

    edition, at = edition_in(SC)
    edition.save()
    criterion = CriterionFactory(edition=edition, name="Rezultaty")

    criterion.comment_required = True
    with time_machine.travel(at, tick=False), pytest.raises(ValidationError) as excinfo:
        criterion.full_clean()

    assert "Ten krok (zmiana kryteriów i zasad przyznawania nagród)" in str(excinfo.value)
