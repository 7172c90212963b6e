from __future__ import annotations

import threading
from decimal import Decimal

import pytest
import time_machine
from django.contrib.auth import get_user_model
from django.core import mail
from django.core.exceptions import ValidationError
from django.db import connection

from competition.teryt import InstitutionKind as K
from entries.models import Entry
from scoring import services
from scoring.models import JurorProfile, Recusal, ScoreSheet, ScoreSheetAudit
from tests.conftest import run_in_parallel
from tests.factories import EntryFactory, InstitutionFactory, UserFactory
from tests.scoring.conftest import AFTER_SCORING

pytestmark = pytest.mark.django_db


def scores(criteria, *values):
    return {str(c.pk): v for c, v in zip(criteria, values, strict=True)}


def save(juror, entry, criteria, *values, version=0, submit=True, justification="Solidny projekt."):
    return services.save_score_sheet(
        juror=juror,
        entry=entry,
        scores=scores(criteria, *values),
        justification=justification,
        version=version,
        submit=submit,
    )


def test_save_score_sheet_submits_and_audits(juror, entry, criteria, during_scoring):
    sheet = save(juror, entry, criteria, "8", "6.5")

    assert (sheet.status, sheet.version) == ("submitted", 1)
    assert {s.criterion.name: s.value for s in sheet.scores.all()} == {
        "Innowacyjność": Decimal("8"),
        "Rezultaty": Decimal("6.5"),
    }
    audit = ScoreSheetAudit.objects.get()
    assert (audit.by, audit.action, audit.old_values) == (juror, "submit", {})
    assert audit.new_values["scores"] == {str(criteria[0].pk): "8.00", str(criteria[1].pk): "6.50"}


def test_submitted_sheet_can_be_changed_until_window_closes(juror, entry, criteria, during_scoring):
    save(juror, entry, criteria, "8", "6")

    sheet = save(juror, entry, criteria, "9", "6", version=1)

    assert sheet.version == 2
    assert ScoreSheetAudit.objects.count() == 2
    assert ScoreSheetAudit.objects.first().old_values["scores"][str(criteria[0].pk)] == "8.00"


@pytest.mark.parametrize(
    ("values", "field", "message"),
    [
        (("11", "5"), 0, "Podaj wartość od 0 do 10 z krokiem 1."),
        (("-1", "5"), 0, "Podaj wartość od 0 do 10 z krokiem 1."),
        (("5", "5.3"), 1, "Podaj wartość od 0 do 10 z krokiem 0.5."),
        (("abc", "5"), 0, "Wpisz liczbę."),
        (("NaN", "5"), 0, "Podaj wartość od 0 do 10 z krokiem 1."),
        (("", "5"), 0, "Oceń każde kryterium przed złożeniem karty."),
    ],
)
def test_save_score_sheet_refuses_bad_values(
    juror, entry, criteria, during_scoring, values, field, message
):
    with pytest.raises(ValidationError) as excinfo:
        save(juror, entry, criteria, *values)

    assert excinfo.value.message_dict[f"score_{criteria[field].pk}"] == [message]
    assert not ScoreSheet.objects.exists()


def test_draft_may_be_incomplete(juror, entry, criteria, during_scoring):
    sheet = save(juror, entry, criteria, "7", "", submit=False, justification="")

    assert sheet.status == "draft"
    assert sheet.scores.count() == 1


def test_save_score_sheet_refuses_unknown_criterion(juror, entry, criteria, during_scoring):
    raw = {**scores(criteria, "5", "5"), "99999": "5"}

    with pytest.raises(ValidationError) as excinfo:
        services.save_score_sheet(
            juror=juror, entry=entry, scores=raw, justification="x" * 20, version=0, submit=True
        )

    assert excinfo.value.message_dict["__all__"] == ["Nieznane kryterium: 99999."]


def test_save_score_sheet_refuses_short_justification(juror, entry, criteria, during_scoring):
    with pytest.raises(ValidationError) as excinfo:
        save(juror, entry, criteria, "5", "5", justification="krótko")

    assert excinfo.value.message_dict == {
        "justification": ["Napisz uzasadnienie o długości co najmniej 10 znaków."]
    }


def test_save_score_sheet_refuses_stale_version(juror, entry, criteria, during_scoring):
    save(juror, entry, criteria, "5", "5", submit=False)
    save(juror, entry, criteria, "6", "5", submit=False, version=1)

    with pytest.raises(services.StaleSheet):
        save(juror, entry, criteria, "9", "9", version=1)

    sheet = ScoreSheet.objects.get()
    assert sheet.version == 2
    assert sheet.scores.get(criterion=criteria[0]).value == Decimal("6")


def test_save_score_sheet_refuses_after_window(juror, entry, criteria):
    with time_machine.travel(AFTER_SCORING, tick=False), pytest.raises(ValidationError) as excinfo:
        save(juror, entry, criteria, "5", "5")

    assert excinfo.value.code == "phase_score"
    assert not ScoreSheet.objects.exists()


def test_save_score_sheet_refuses_other_category_juror(
    other_juror, entry, criteria, during_scoring
):
    with pytest.raises(ValidationError) as excinfo:
        save(other_juror, entry, criteria, "5", "5")

    assert excinfo.value.code == "not_juror"


def test_save_score_sheet_refuses_recused_juror(juror, entry, criteria, during_scoring):
    services.declare_recusal(juror=juror, entry=entry, reason="Mój dawny pracodawca")

    with pytest.raises(ValidationError) as excinfo:
        save(juror, entry, criteria, "5", "5")

    assert excinfo.value.code == "recused"


def test_audit_log_cannot_be_edited_or_deleted(juror, entry, criteria, during_scoring):
    save(juror, entry, criteria, "5", "5")
    audit = ScoreSheetAudit.objects.get()

    audit.action = "forged"
    with pytest.raises(ValidationError):
        audit.save()
    with pytest.raises(ValidationError):
        audit.delete()
    with pytest.raises(ValidationError):
        ScoreSheetAudit.objects.all().delete()
    with pytest.raises(ValidationError):
        ScoreSheetAudit.objects.update(action="forged")

    assert ScoreSheetAudit.objects.get().action == "submit"


@pytest.mark.parametrize(
    ("affiliation", "entrant", "conflict"),
    [
        (("powiat", "1421"), ("gmina_wiejska", "1421042"), True),
        (("wojewodztwo", "14"), ("gmina_miejska", "1408011"), True),
        (("gmina_wiejska", "1421042"), ("powiat", "1421"), True),
        (("gmina_wiejska", "1421042"), ("wojewodztwo", "14"), True),
        (("powiat", "1412"), ("gmina_wiejska", "1421042"), False),
        (("wojewodztwo", "30"), ("gmina_miejska", "1408011"), False),
        (("gmina_miejska", "1408011"), ("gmina_wiejska", "1421042"), False),
    ],
)
def test_automatic_conflicts_follow_terc_hierarchy(category, affiliation, entrant, conflict):
    office = InstitutionFactory(kind=affiliation[0], terc=affiliation[1])
    entry = EntryFactory(
        category=category,
        status="eligible",
        institution=InstitutionFactory(kind=entrant[0], terc=entrant[1]),
    )
    juror = UserFactory()
    JurorProfile.objects.create(user=juror, affiliation=office)

    services.appoint(category=category, user=juror)

    assert Recusal.objects.filter(juror=juror, entry=entry, kind="automatic").exists() is conflict


def test_automatic_conflict_with_own_institution(category):
    museum = InstitutionFactory(kind=K.OTHER, terc="", name="Muzeum")
    entry = EntryFactory(category=category, status="eligible", institution=museum)
    juror = UserFactory()
    JurorProfile.objects.create(user=juror, affiliation=museum)

    services.appoint(category=category, user=juror)

    assert Recusal.objects.get(juror=juror).entry == entry


def test_automatic_conflict_applied_when_entry_changes(
    category, django_capture_on_commit_callbacks
):
    juror = UserFactory()
    JurorProfile.objects.create(
        user=juror, affiliation=InstitutionFactory(kind="powiat", terc="1421")
    )
    services.appoint(category=category, user=juror)

    with django_capture_on_commit_callbacks(execute=True):
        EntryFactory(
            category=category,
            status="eligible",
            institution=InstitutionFactory(kind="gmina_wiejska", terc="1421042"),
        )

    assert Recusal.objects.filter(juror=juror).count() == 1


def test_automatic_conflict_follows_affiliation_change(
    category, entry, django_capture_on_commit_callbacks
):
    juror = UserFactory()
    services.appoint(category=category, user=juror)
    profile = JurorProfile.objects.create(user=juror)

    with django_capture_on_commit_callbacks(execute=True):
        profile.affiliation = entry.institution
        profile.save()
    conflicted = Recusal.objects.filter(juror=juror).count()
    with django_capture_on_commit_callbacks(execute=True):
        profile.affiliation = None
        profile.save()

    assert conflicted == 1
    assert not Recusal.objects.filter(juror=juror).exists()


def test_lifting_a_conflict_needs_justification(category, entry, during_scoring):
    juror = UserFactory()
    JurorProfile.objects.create(user=juror, affiliation=entry.institution)
    services.appoint(category=category, user=juror)
    recusal = Recusal.objects.get(juror=juror)
    organiser = UserFactory()

    with pytest.raises(ValidationError):
        services.lift_recusal(recusal=recusal, by=organiser, justification="")
    services.lift_recusal(
        recusal=recusal, by=organiser, justification="Juror odszedł z urzędu w 2019 r."
    )

    assert services.active_recusal(juror=juror, entry=entry) is None


def test_invite_new_juror_sends_set_password_link(category, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        user = services.invite_juror(category=category, email="Nowy.Juror@example.org")

    assert user.email == "nowy.juror@example.org"
    assert not user.has_usable_password()
    assert "/konto/password/reset/key/" in mail.outbox[0].body


def test_invite_existing_user_just_appoints(category, django_capture_on_commit_callbacks):
    existing = UserFactory(email="jan@example.org")

    with django_capture_on_commit_callbacks(execute=True):
        user = services.invite_juror(category=category, email="jan@example.org", chair=True)

    assert user == existing
    assert mail.outbox == []


def test_reminders_go_to_jurors_with_missing_sheets(
    juror, second_juror, entries, criteria, during_scoring
):
    for entry in entries:
        save(juror, entry, criteria, "5", "5")

    mailing = services.request_reminders(category=entries[0].category, by=juror)

    sent = services.send_reminders(mailing=mailing)

    mailing.refresh_from_db()
    assert sent == 1
    assert mail.outbox[0].to == [second_juror.email]
    assert (mailing.status, mailing.recipients, mailing.sent, mailing.progress) == (
        "done",
        1,
        1,
        100,
    )


def test_reminder_mail_is_plain_text_not_html_escaped(juror, entries, criteria, during_scoring):
    category = entries[0].category
    category.name = "Kraków & okolice"
    category.save()

    services.send_reminders(mailing=services.request_reminders(category=category, by=juror))

    assert "Kraków & okolice" in mail.outbox[0].body
    assert "&amp;" not in mail.outbox[0].body


@pytest.mark.django_db(transaction=True)
def test_concurrent_saves_of_one_sheet_exactly_one_wins(category, criteria, during_scoring):
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL's row locking to be meaningful")
    juror = UserFactory(username="racer")
    services.appoint(category=category, user=juror)
    entry = EntryFactory(category=category, status="eligible")
    save(juror, entry, criteria, "1", "1", submit=False)
    barrier = threading.Barrier(6)
    outcomes: list[str] = []

    def attempt(n: int) -> None:
        try:
            barrier.wait()
            save(juror, Entry.objects.get(pk=entry.pk), criteria, str(n), "5", version=1)
            outcomes.append("won")
        except services.StaleSheet:
            outcomes.append("stale")
        finally:
            connection.close()

    threads = [threading.Thread(target=attempt, args=(n,)) for n in range(2, 8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(outcomes) == ["stale"] * 5 + ["won"]
    sheet = ScoreSheet.objects.get()
    assert sheet.version == 2
    assert ScoreSheetAudit.objects.filter(sheet=sheet).count() == 2


# Phase locks (the life cycle asked inside each service) ----------------------------------------


def test_recusal_after_submitting_the_sheet_is_refused(juror, entry, criteria, during_scoring):
    save(juror, entry, criteria, "8", "6.5")

    with pytest.raises(ValidationError) as excinfo:
        services.declare_recusal(juror=juror, entry=entry, reason="Mój były urząd")

    assert excinfo.value.code == "sheet_submitted"
    assert not Recusal.objects.exists()


def test_recusal_in_deliberation_is_refused(juror, entry, criteria):
    with time_machine.travel(AFTER_SCORING, tick=False), pytest.raises(ValidationError) as excinfo:
        services.declare_recusal(juror=juror, entry=entry, reason="Mój były urząd")

    assert excinfo.value.code == "phase_recuse"
    assert not Recusal.objects.exists()


def test_draft_save_over_a_submitted_sheet_is_refused(juror, entry, criteria, during_scoring):
    save(juror, entry, criteria, "8", "6.5")

    with pytest.raises(ValidationError) as excinfo:
        save(juror, entry, criteria, "2", "2", version=1, submit=False)

    assert excinfo.value.code == "submitted"
    assert ScoreSheet.objects.get().status == "submitted"


def test_late_conflict_is_the_organisers_with_a_reason(juror, entry, criteria, organiser):
    with time_machine.travel(AFTER_SCORING, tick=False):
        with pytest.raises(ValidationError) as by_juror:
            services.record_late_conflict(juror=juror, entry=entry, by=juror, reason="x" * 20)
        with pytest.raises(ValidationError) as no_reason:
            services.record_late_conflict(juror=juror, entry=entry, by=organiser, reason="bo")
        recusal = services.record_late_conflict(
            juror=juror, entry=entry, by=organiser, reason="Juror doradzał wnioskodawcy w 2025."
        )

    assert by_juror.value.code == "forbidden"
    assert "reason" in no_reason.value.message_dict
    assert (recusal.kind, recusal.is_active) == ("organiser", True)
    assert recusal.reason == "Juror doradzał wnioskodawcy w 2025. (organiser)"


def test_appointing_after_the_freeze_is_refused(category, organiser):
    category.edition.frozen_at = category.edition.scoring_closes_at
    category.edition.save()

    with pytest.raises(ValidationError) as excinfo:
        services.appoint(category=category, user=UserFactory(username="late"))

    assert excinfo.value.code == "phase_appoint_jury"


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_parallel_invitations_of_one_new_address_make_one_account(category):
    if connection.vendor != "postgresql":
        pytest.skip("needs parallel transactions")

    outcomes = run_in_parallel(
        lambda email: services.invite_juror(category=category, email=email),
        ["nowy.juror@example.org", "Nowy.Juror@example.org"] * 4,
    )

    assert not [o for o in outcomes if isinstance(o, BaseException)]
    assert get_user_model().objects.filter(email__iexact="nowy.juror@example.org").count() == 1
    assert len({o.pk for o in outcomes}) == 1


def test_invitation_mail_is_sent_by_a_task_only_when_the_appointment_commits(
    category, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        services.invite_juror(category=category, email="nowa@example.org")
    assert mail.outbox == []

    for callback in callbacks:
        callback()

    assert [m.to for m in mail.outbox] == [["nowa@example.org"]]
