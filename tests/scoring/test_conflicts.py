from __future__ import annotations

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from competition.teryt import InstitutionKind as K
from entries.models import Entry
from entries.signals import saving_in_bulk
from scoring import conflicts, permissions, services
from scoring.models import JurorProfile, Recusal, RecusalKind
from tests.factories import EntryFactory, InstitutionFactory, UserFactory

pytestmark = pytest.mark.django_db


def affiliated(username: str, kind: str, terc: str):
    user = UserFactory(username=username)
    JurorProfile.objects.create(user=user, affiliation=InstitutionFactory(kind=kind, terc=terc))
    return user


def test_exclusions_foresee_a_voivodeship_affiliation_keeps_juror_from_every_entry(entries):
    region = affiliated("urzednik", K.WOJEWODZTWO, "14")

    exclusions = conflicts.exclusions(jurors=[region], category=entries[0].category)

    assert (exclusions.total, exclusions.of(region)) == (3, 3)
    assert not Recusal.objects.exists()


def test_exclusions_count_only_conflicting_entries_of_the_territory(category, criteria):
    EntryFactory(category=category, status="eligible", institution__terc="1421042")
    EntryFactory(category=category, status="submitted", institution__terc="1421011")
    EntryFactory(category=category, status="eligible", institution__terc="1408011")
    county = affiliated("starosta", K.POWIAT, "1421")
    outsider = affiliated("pomorze", K.WOJEWODZTWO, "22")
    nobody = UserFactory(username="bez_profilu")

    exclusions = conflicts.exclusions(jurors=[county, outsider, nobody], category=category)

    assert exclusions.total == 3
    assert [exclusions.of(u) for u in (county, outsider, nobody)] == [2, 0, 0]


def test_exclusions_leave_out_drafts_withdrawn_and_rejected_entries(category, criteria):
    for n, status in enumerate(("draft", "withdrawn", "rejected", "eligible"), start=1):
        EntryFactory(
            category=category,
            status=status,
            rejection_reason="Po terminie." if status == "rejected" else "",
            institution__terc=f"14210{n}2",
        )
    county = affiliated("starosta", K.POWIAT, "1421")

    exclusions = conflicts.exclusions(jurors=[county], category=category)

    assert (exclusions.total, exclusions.of(county)) == (1, 1)


def test_exclusions_count_declared_recusals_and_skip_lifted_conflicts(
    juror, entries, during_scoring
):
    region = affiliated("urzednik", K.WOJEWODZTWO, "14")
    services.appoint(category=entries[0].category, user=region)
    automatic = Recusal.objects.get(juror=region, entry=entries[0])
    services.lift_recusal(recusal=automatic, by=UserFactory(), justification="Inny departament.")
    services.declare_recusal(juror=juror, entry=entries[1], reason="Znam autorów projektu.")

    exclusions = conflicts.exclusions(jurors=[region, juror], category=entries[0].category)

    assert automatic.kind == RecusalKind.AUTOMATIC
    assert Recusal.objects.get(pk=automatic.pk).lifted_at <= timezone.now()
    assert [exclusions.of(region), exclusions.of(juror)] == [2, 1]


def test_exclusions_query_count_same_for_1_and_10_jurors(entries):
    one = [affiliated("j0", K.POWIAT, "1421")]
    ten = one + [affiliated(f"j{n}", K.POWIAT, f"14{n:02d}") for n in range(1, 10)]
    category = entries[0].category

    with CaptureQueriesContext(connection) as for_one:
        conflicts.exclusions(jurors=one, category=category)
    with CaptureQueriesContext(connection) as for_ten:
        conflicts.exclusions(jurors=ten, category=category)

    assert len(for_one) == len(for_ten) == 3


# Automatic conflicts after saves -------------------------------------------------------------


def expected_conflicts(category) -> set[tuple[int, int]]:
    """The rule checked pair by pair, the slow way: every juror against every active entry."""
    jurors = list(permissions.jurors_of(category))
    profiles = {p.user_id: p.affiliation for p in JurorProfile.objects.filter(user__in=jurors)}
    return {
        (juror.pk, entry.pk)
        for entry in Entry.objects.filter(category=category).exclude(
            status__in=["draft", "withdrawn"]
        )
        for juror in jurors
        if conflicts.conflicts(profiles.get(juror.pk), entry.institution)
    }


def automatic_conflicts(category) -> set[tuple[int, int]]:
    return set(
        Recusal.objects.filter(
            entry__category=category, kind=RecusalKind.AUTOMATIC, lifted_at__isnull=True
        ).values_list("juror_id", "entry_id")
    )


def gmina(jury):
    """The gmina the second juror of `county_jury` works for."""
    return JurorProfile.objects.get(user=jury[1]).affiliation


@pytest.fixture
def county_jury(category):
    """Two jurors with affiliations (a county, a gmina inside it) and one without."""
    wojt = UserFactory(username="wojt")
    JurorProfile.objects.create(user=wojt, affiliation=InstitutionFactory(terc="1421042"))
    jury = [affiliated("starosta", K.POWIAT, "1421"), wojt, UserFactory(username="bez_profilu")]
    for user in jury:
        permissions.appoint_juror(category=category, user=user)
    return jury


def test_entry_save_applies_the_rule_to_its_category_jurors(
    category, county_jury, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        inside = EntryFactory(category=category, status="submitted", institution=gmina(county_jury))
        other = EntryFactory(category=category, status="submitted", institution__terc="1421011")
        outside = EntryFactory(category=category, status="submitted", institution__terc="1408011")
        EntryFactory(category=category, status="draft", institution__terc="1421052")

    assert automatic_conflicts(category) == expected_conflicts(category)
    assert automatic_conflicts(category) == {
        (county_jury[0].pk, inside.pk),
        (county_jury[1].pk, inside.pk),
        (county_jury[0].pk, other.pk),
    }
    assert not Recusal.objects.filter(entry=outside).exists()


def test_entry_save_drops_a_stale_conflict_and_keeps_lifted_and_declared_ones(
    category, county_jury, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        entry = EntryFactory(category=category, status="submitted", institution=gmina(county_jury))
    lifted = Recusal.objects.get(juror=county_jury[1], entry=entry)
    lifted.lifted_at, lifted.lift_justification = timezone.now(), "Inny wydział."
    lifted.save()
    declared = Recusal.objects.create(
        juror=county_jury[2], entry=entry, kind=RecusalKind.DECLARED, reason="Znam autorów."
    )

    entry.institution = InstitutionFactory(terc="1408011")
    with django_capture_on_commit_callbacks(execute=True):
        entry.save()

    assert set(Recusal.objects.filter(entry=entry)) == {lifted, declared}


def test_entry_save_touches_only_that_entry(
    category, county_jury, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        first = EntryFactory(category=category, status="submitted", institution=gmina(county_jury))
        second = EntryFactory(category=category, status="submitted", institution__terc="1421011")
    # A conflict of `second` goes missing behind the rule's back (as if made before the rule).
    Recusal.objects.filter(entry=second).delete()

    with django_capture_on_commit_callbacks(execute=True):
        first.save()

    assert not Recusal.objects.filter(entry=second).exists()
    assert Recusal.objects.filter(entry=first).count() == 2


def test_entry_conflicts_query_count_does_not_grow_with_the_category(category, county_jury):
    entry = EntryFactory(category=category, status="submitted", institution=gmina(county_jury))
    Recusal.objects.all().delete()
    with CaptureQueriesContext(connection) as small:
        conflicts.apply_for_entry(entry)
    for _ in range(30):
        EntryFactory(category=category, status="submitted")
    Recusal.objects.filter(entry=entry).delete()

    with CaptureQueriesContext(connection) as large:
        conflicts.apply_for_entry(entry)

    assert len(large) == len(small)
    assert Recusal.objects.filter(entry=entry).count() == 2


def test_juror_profile_save_applies_the_rule_to_every_entry_of_their_categories(
    category, county_jury, django_capture_on_commit_callbacks
):
    entries = [
        EntryFactory(category=category, status="submitted", institution=institution)
        for institution in (
            gmina(county_jury),
            InstitutionFactory(terc="1408011"),
            InstitutionFactory(terc="1408042"),
        )
    ]
    Recusal.objects.all().delete()
    profile = JurorProfile.objects.get(user=county_jury[0])

    profile.affiliation = InstitutionFactory(kind=K.POWIAT, terc="1408")
    with django_capture_on_commit_callbacks(execute=True):
        profile.save()

    assert {e for j, e in automatic_conflicts(category) if j == county_jury[0].pk} == {
        entries[1].pk,
        entries[2].pk,
    }


def test_entries_saved_in_bulk_get_their_conflicts_once_at_the_end_of_the_block(
    category, county_jury, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        with transaction.atomic(), saving_in_bulk():
            made = [
                EntryFactory(category=category, status="submitted", institution=institution)
                for institution in (
                    gmina(county_jury),
                    InstitutionFactory(terc="1421011"),
                    InstitutionFactory(terc="1408011"),
                )
            ]
            during = automatic_conflicts(category)
        after = automatic_conflicts(category)

    assert during == set()
    assert after == expected_conflicts(category)
    assert len(after) == 3 and {e for _, e in after} == {made[0].pk, made[1].pk}
    assert callbacks == []  # nothing left for after the commit: it ran inside the transaction


def test_saving_in_bulk_that_fails_applies_nothing(category, county_jury):
    with pytest.raises(RuntimeError), transaction.atomic(), saving_in_bulk():
        EntryFactory(category=category, status="submitted", institution=gmina(county_jury))
        raise RuntimeError

    assert not Recusal.objects.exists()
