from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from scoring import services as scoring_services
from scoring.assignment import services
from scoring.models import (
    Assignment,
    AssignmentAudit,
    AssignmentPreference,
    AssignmentRule,
    Recusal,
    RecusalKind,
)
from tests.factories import AssignmentFactory, AssignmentRuleFactory, EntryFactory, UserFactory

pytestmark = pytest.mark.usefixtures("during_scoring")


@pytest.fixture
def jury(category, juror, second_juror, chair):
    third = UserFactory(username="juror3")
    scoring_services.appoint(category=category, user=third)
    return [juror, second_juror, chair, third]


@pytest.fixture
def k2(category):
    return AssignmentRuleFactory(category=category, jurors_per_entry=2)


def pairs_of(category) -> set[tuple[str, str]]:
    return set(
        Assignment.objects.filter(entry__category=category).values_list(
            "juror__username", "entry__number"
        )
    )


def fresh(category):
    return type(category).objects.select_related("assignment_rule").get(pk=category.pk)


def test_set_rule_records_the_change_in_the_audit_log(category, organiser):
    services.set_rule(category=category, jurors_per_entry=3, by=organiser)

    audit = AssignmentAudit.objects.get()
    assert AssignmentRule.objects.get(category=category).jurors_per_entry == 3
    assert (audit.action, audit.details, audit.by) == ("rule", {"old": None, "new": 3}, organiser)


def test_set_rule_below_two_is_refused(category, organiser):
    with pytest.raises(ValidationError):
        services.set_rule(category=category, jurors_per_entry=1, by=organiser)

    assert not AssignmentRule.objects.exists()
    assert not AssignmentAudit.objects.exists()


def test_set_rule_after_scoring_closes_is_refused(category, organiser, during_scoring):
    during_scoring.shift(60 * 60 * 24 * 30)

    with pytest.raises(ValidationError):
        services.set_rule(category=category, jurors_per_entry=3, by=organiser)

    assert not AssignmentRule.objects.exists()


def test_propose_saves_nothing(category, entries, jury, k2):
    proposal = services.propose(category=fresh(category))

    assert len(proposal.solution.pairs) == 2 * len(entries)
    assert not Assignment.objects.exists()


def test_confirm_saves_every_entry_with_k_jurors_and_audits(category, entries, jury, k2, organiser):
    proposal = services.propose(category=fresh(category))

    services.confirm(category=category, digest=proposal.digest, by=organiser)

    assert Assignment.objects.count() == 2 * len(entries)
    for entry in entries:
        assert entry.assignments.count() == 2
    audit = AssignmentAudit.objects.get(action="confirm")
    assert len(audit.added) == 6
    assert audit.removed == []


def test_confirm_with_a_stale_digest_is_refused_and_saves_nothing(
    category, entries, jury, k2, organiser
):
    proposal = services.propose(category=fresh(category))
    EntryFactory(category=category, status="eligible", number="T-9", sequence=9)

    with pytest.raises(services.AssignmentError) as raised:
        services.confirm(category=category, digest=proposal.digest, by=organiser)

    assert raised.value.code == "stale"
    assert not Assignment.objects.exists()
    assert not AssignmentAudit.objects.filter(action="confirm").exists()


def test_propose_k_above_free_jurors_names_the_entries(category, entries, jury, organiser):
    AssignmentRuleFactory(category=category, jurors_per_entry=4)
    Recusal.objects.create(juror=jury[0], entry=entries[1], kind=RecusalKind.DECLARED, reason="x")

    with pytest.raises(services.AssignmentError) as raised:
        services.propose(category=fresh(category))

    message = raised.value.messages[0]
    assert raised.value.code == "short"
    assert "T-2" in message
    assert "T-1" not in message
    assert not Assignment.objects.exists()


def test_confirm_never_assigns_a_conflict(category, entries, jury, k2, organiser):
    Recusal.objects.create(juror=jury[0], entry=entries[0], kind=RecusalKind.DECLARED, reason="x")
    proposal = services.propose(category=fresh(category))

    services.confirm(category=category, digest=proposal.digest, by=organiser)

    assert ("juror", "T-1") not in pairs_of(category)


def test_rerun_keeps_started_sheets_and_assigns_new_entries(
    category, criteria, entries, jury, k2, organiser
):
    proposal = services.propose(category=fresh(category))
    services.confirm(category=category, digest=proposal.digest, by=organiser)
    started = Assignment.objects.filter(entry=entries[0]).first()
    scoring_services.save_score_sheet(
        juror=started.juror,
        entry=entries[0],
        scores={},
        justification="",
        version=0,
        submit=False,
    )
    late = EntryFactory(category=category, status="eligible", number="T-4", sequence=4)

    again = services.propose(category=fresh(category))
    services.confirm(category=category, digest=again.digest, by=organiser)

    assert Assignment.objects.filter(juror=started.juror, entry=entries[0]).exists()
    assert late.assignments.count() == 2
    assert all(e.assignments.count() == 2 for e in entries)


def test_rerun_after_a_dismissal_gives_the_entries_to_the_others(
    category, entries, jury, k2, organiser
):
    proposal = services.propose(category=fresh(category))
    services.confirm(category=category, digest=proposal.digest, by=organiser)
    dismissed = jury[3]
    scoring_services.dismiss(category=category, user=dismissed)

    again = services.propose(category=fresh(category))
    services.confirm(category=category, digest=again.digest, by=organiser)

    for entry in entries:
        assert entry.assignments.exclude(juror=dismissed).count() == 2


def test_move_gives_the_pair_to_another_juror_and_audits(category, entries, jury, k2, organiser):
    AssignmentFactory(juror=jury[0], entry=entries[0])

    services.move(entry=entries[0], from_juror=jury[0], to_juror=jury[1], by=organiser)

    assert pairs_of(category) == {("juror2", "T-1")}
    audit = AssignmentAudit.objects.get(action="move")
    assert (audit.added, audit.removed) == (
        [[jury[1].pk, entries[0].pk]],
        [[jury[0].pk, entries[0].pk]],
    )


def test_move_to_a_conflicted_juror_is_refused(category, entries, jury, k2, organiser):
    AssignmentFactory(juror=jury[0], entry=entries[0])
    Recusal.objects.create(juror=jury[1], entry=entries[0], kind=RecusalKind.DECLARED, reason="x")

    with pytest.raises(services.AssignmentError) as raised:
        services.move(entry=entries[0], from_juror=jury[0], to_juror=jury[1], by=organiser)

    assert raised.value.code == "conflict"
    assert pairs_of(category) == {("juror", "T-1")}
    assert not AssignmentAudit.objects.exists()


def test_move_a_started_sheet_is_refused(category, criteria, entries, jury, k2, organiser):
    AssignmentFactory(juror=jury[0], entry=entries[0])
    scoring_services.save_score_sheet(
        juror=jury[0], entry=entries[0], scores={}, justification="", version=0, submit=False
    )

    with pytest.raises(services.AssignmentError) as raised:
        services.move(entry=entries[0], from_juror=jury[0], to_juror=jury[1], by=organiser)

    assert raised.value.code == "started"
    assert pairs_of(category) == {("juror", "T-1")}


def test_mark_preferences_are_honoured_by_the_proposal(category, entries, jury, k2, organiser):
    services.mark_preferences(
        juror=jury[0], category=category, levels={entries[0].pk: "want", entries[1].pk: "avoid"}
    )

    proposal = services.propose(category=fresh(category))

    assert (jury[0].pk, entries[0].pk) in proposal.solution.pairs
    assert (jury[0].pk, entries[1].pk) not in proposal.solution.pairs


def test_mark_preferences_after_the_assignment_is_refused(category, entries, jury, k2):
    AssignmentFactory(juror=jury[1], entry=entries[0])

    with pytest.raises(services.AssignmentError):
        services.mark_preferences(juror=jury[0], category=category, levels={entries[0].pk: "want"})

    assert not AssignmentPreference.objects.exists()


def test_mark_preferences_by_someone_off_the_jury_is_refused(category, entries, other_juror, k2):
    with pytest.raises(services.AssignmentError):
        services.mark_preferences(
            juror=other_juror, category=category, levels={entries[0].pk: "want"}
        )

    assert not AssignmentPreference.objects.exists()


def test_save_score_sheet_for_an_unassigned_entry_is_refused(category, criteria, entries, jury, k2):
    AssignmentFactory(juror=jury[1], entry=entries[0])

    with pytest.raises(ValidationError) as raised:
        scoring_services.save_score_sheet(
            juror=jury[0],
            entry=entries[0],
            scores={str(c.pk): "5" for c in criteria},
            justification="Dobrze uzasadniona ocena.",
            version=0,
            submit=True,
        )

    assert raised.value.code == "not_assigned"


def test_assignment_audit_cannot_be_changed(category, organiser):
    services.set_rule(category=category, jurors_per_entry=3, by=organiser)
    audit = AssignmentAudit.objects.get()

    with pytest.raises(ValidationError):
        audit.save()
    with pytest.raises(ValidationError):
        AssignmentAudit.objects.all().delete()


def test_propose_many_entries_short_of_jurors_names_twenty_and_counts_the_rest(
    category, criteria, juror, organiser
):
    AssignmentRuleFactory(category=category, jurors_per_entry=2)
    for n in range(25):
        EntryFactory(category=category, status="eligible", number=f"S-{n:02d}", sequence=n)

    with pytest.raises(services.AssignmentError) as raised:
        services.propose(category=fresh(category))

    message = raised.value.messages[0]
    assert "S-19" in message
    assert "S-20" not in message
    assert raised.value.code == "short"
