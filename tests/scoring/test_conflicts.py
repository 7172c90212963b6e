from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from competition.teryt import InstitutionKind as K
from scoring import conflicts, services
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
