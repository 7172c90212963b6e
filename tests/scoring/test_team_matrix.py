"""The role matrix's "organiser of another competition": no read and no write across teams.

One competition is run to its frozen results and protocol (entries, an attachment, a jury with a
chair, a declared conflict, score sheets and their audit log, a snapshot, a protocol export).
Its organiser gets every admin and site address of it; an organiser whose team runs another
competition gets none (404, or a listing without it), and their writes change nothing.
"""

from __future__ import annotations

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from cms.models import AnnouncementPage
from competition.models import Edition
from entries import exports
from entries.models import Attachment, EntriesExport, Entry
from scoring import permissions, services
from scoring.models import JurorProfile, ProtocolExport, Recusal, ScoreSheetAudit
from tests.conftest import close_response
from tests.factories import UserFactory
from tests.scoring.conftest import DURING_SCORING
from tests.scoring.test_results import DELIBERATION, freeze, score_all

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n% plan\n" + bytes(range(256)) * 8


@pytest.fixture
def run(category, criteria, entries, juror, chair, organiser, client):
    """The competition of `organiser`, frozen, with a protocol; what the addresses need."""
    competition = category.edition.competition
    competition.name = "Samorządowy Lider Cyfryzacji"
    competition.save()
    attachment = Attachment(
        entry=entries[0], original_name="plan.pdf", content_type="application/pdf", size=len(PDF)
    )
    attachment.file.save("plan.pdf", SimpleUploadedFile("plan.pdf", PDF), save=True)
    with time_machine.travel(DURING_SCORING, tick=False):
        services.declare_recusal(juror=juror, entry=entries[2], reason="Pracuję w tej gminie.")
    score_all([juror, chair], entries, criteria, [[(8, 6), (5, 5), None], [(9, 7), (5, 5), (3, 3)]])
    snapshot = freeze(category, organiser, entries)
    client.force_login(organiser)
    client.post(reverse("scoring:protocol", args=[snapshot.pk]))
    client.logout()
    entries_export = EntriesExport.objects.create(edition=category.edition, requested_by=organiser)
    exports.build(entries_export, base_url="http://testserver")
    return {
        "edition": category.edition,
        "category": category,
        "entry": entries[0],
        "attachment": attachment,
        "juror": juror,
        "recusal": Recusal.objects.get(),
        "profile": JurorProfile.objects.create(user=juror),
        "audit": ScoreSheetAudit.objects.first(),
        "snapshot": snapshot,
        "export": ProtocolExport.objects.get(),
        "entries export": entries_export,
    }


def read_urls(run) -> dict[str, str]:
    """Addresses that show one thing of the competition: its organiser gets 200."""
    edition, category, entry = run["edition"], run["category"], run["entry"]
    return {
        "entry inspect": reverse("entries_admin:inspect", args=[entry.pk]),
        "entry edit": reverse("entries_admin:edit", args=[entry.pk]),
        "attachment (admin)": reverse("entries_admin:attachment", args=[run["attachment"].pk]),
        "attachment (site)": reverse(
            "entries:attachment_download", args=[entry.pk, run["attachment"].pk]
        ),
        "competition edit": reverse("competitions:edit", args=[edition.competition_id]),
        "edition edit": reverse("editions:edit", args=[edition.pk]),
        "edition history": reverse("editions:history", args=[edition.pk]),
        "category edit": reverse("categories:edit", args=[category.pk]),
        "criterion edit": reverse("criteria:edit", args=[category.edition.criteria.first().pk]),
        "jury of the category": reverse("jury_appointments:category", args=[category.pk]),
        "juror profile edit": reverse("juror_profiles:edit", args=[run["profile"].pk]),
        "juror profile history": reverse("juror_profiles:history", args=[run["profile"].pk]),
        "conflict inspect": reverse("conflicts:inspect", args=[run["recusal"].pk]),
        "audit inspect": reverse("score_sheet_audit:inspect", args=[run["audit"].pk]),
        "category results": reverse("scoring:results", args=[category.pk]),
        "edition results": reverse("scoring:edition_results", args=[edition.pk]),
        "protocol status": reverse("scoring:protocol_status", args=[run["export"].pk]),
        "protocol workbook": reverse("scoring:protocol_download", args=[run["export"].pk]),
        "protocol PDF": reverse("scoring:protocol_download_pdf", args=[run["export"].pk]),
        "entries export status": reverse(
            "entry_spreadsheets:export_status", args=[run["entries export"].pk]
        ),
        "entries export file": reverse(
            "entry_spreadsheets:export_download", args=[run["entries export"].pk]
        ),
        "entry chosen": reverse("wagtailsnippetchoosers_entries_entry:chosen", args=[entry.pk]),
    }


def listing_urls() -> list[str]:
    """Listings that both organisers open; the other one's must not name the competition."""
    return [
        reverse("wagtailadmin_home"),
        reverse("entries_admin:list"),
        reverse("entry_spreadsheets:index"),
        reverse("competitions:index"),
        reverse("editions:index"),
        reverse("categories:index"),
        reverse("criteria:index"),
        reverse("jury_appointments:index"),
        reverse("juror_profiles:index"),
        reverse("conflicts:index"),
        reverse("conflicts:record"),
        reverse("score_sheet_audit:index"),
        reverse("cms_announcements"),
        reverse("wagtailsnippetchoosers_entries_entry:choose"),
        reverse("wagtailsnippetchoosers_entries_entry:choose_results") + "?q=E",
    ]


def _status(client, url: str) -> int:
    response = client.get(url)
    close_response(response)
    return response.status_code


def test_organiser_reads_every_address_of_their_competition(client, run, organiser):
    client.force_login(organiser)

    statuses = {name: _status(client, url) for name, url in read_urls(run).items()}

    assert statuses == dict.fromkeys(statuses, 200)


def test_other_organiser_reads_nothing_of_another_teams_competition(client, run, other_organiser):
    client.force_login(other_organiser)
    competition = run["edition"].competition

    statuses = {name: _status(client, url) for name, url in read_urls(run).items()}
    shown = {url: client.get(url).content.decode() for url in listing_urls()}

    assert statuses == dict.fromkeys(statuses, 404)
    assert {url: competition.name in html for url, html in shown.items()} == dict.fromkeys(
        shown, False
    )
    assert {url: run["entry"].title in html for url, html in shown.items()} == dict.fromkeys(
        shown, False
    )
    assert run["juror"].email not in shown[reverse("juror_profiles:index")]


def test_other_organiser_menus_offer_nothing_of_another_teams_competition(
    client, run, other_organiser
):
    client.force_login(other_organiser)

    html = client.get(reverse("wagtailadmin_home")).content.decode()

    assert reverse("scoring:edition_results", args=[run["edition"].pk]) not in html
    assert str(run["edition"]) not in html


def test_other_organiser_writes_change_nothing(client, run, other_organiser):
    client.force_login(other_organiser)
    edition, category, entry, snapshot = (
        run["edition"],
        run["category"],
        run["entry"],
        run["snapshot"],
    )
    newcomer = UserFactory(username="nowy-juror")
    before = {
        "entry": Entry.objects.values().get(pk=entry.pk),
        "edition": Edition.objects.values().get(pk=edition.pk),
        "jurors": list(permissions.jurors_of(category).values_list("pk", flat=True)),
        "chairs": list(permissions.chairs_of(category).values_list("pk", flat=True)),
        "recusals": list(Recusal.objects.values()),
        "exports": ProtocolExport.objects.count(),
        "announcements": AnnouncementPage.objects.count(),
        "snapshots": edition.snapshots.count(),
    }
    juror = run["juror"]
    posts = {
        "mark eligible": (reverse("entries_admin:mark_eligible", args=[entry.pk]), {}),
        "reject": (reverse("entries_admin:reject", args=[entry.pk]), {"reason": "Brak podpisu."}),
        "edit entry": (reverse("entries_admin:edit", args=[entry.pk]), {"title": "Zmieniony"}),
        "edit edition": (reverse("editions:edit", args=[edition.pk]), {"number": "99"}),
        "delete category": (reverse("categories:delete", args=[category.pk]), {}),
        "reopen rules": (
            reverse("edition_reopen_rules", args=[edition.pk]),
            {"reason": "Błąd w kryteriach oceny."},
        ),
        "appoint": (
            reverse("jury_appointments:appoint", args=[category.pk]),
            {"user": newcomer.pk},
        ),
        "invite": (
            reverse("jury_appointments:invite", args=[category.pk]),
            {"email": "zaproszony@example.org"},
        ),
        "dismiss": (reverse("jury_appointments:dismiss", args=[category.pk, juror.pk]), {}),
        "make chair": (reverse("jury_appointments:make_chair", args=[category.pk, juror.pk]), {}),
        "lift conflict": (
            reverse("conflicts:lift", args=[run["recusal"].pk]),
            {"justification": "Konflikt nie istnieje naprawdę."},
        ),
        "remind": (reverse("scoring:remind", args=[category.pk]), {}),
        "break tie": (reverse("scoring:break_tie", args=[category.pk]), {}),
        "confirm awards": (reverse("scoring:confirm_awards", args=[category.pk]), {}),
        "freeze": (reverse("scoring:freeze", args=[edition.pk]), {"reason": "Korekta wyniku."}),
        "protocol": (reverse("scoring:protocol", args=[snapshot.pk]), {}),
        "announcement": (reverse("cms_create_announcement", args=[snapshot.pk]), {}),
        "archive": (reverse("edition_archive", args=[edition.pk]), {}),
    }

    with time_machine.travel(DELIBERATION, tick=False):
        statuses = {name: client.post(url, data).status_code for name, (url, data) in posts.items()}
        late = client.post(
            reverse("conflicts:record"),
            {"juror": juror.pk, "entry": entry.number, "reason": "Konflikt wykryty później."},
        )

    assert statuses == dict.fromkeys(statuses, 404)
    assert late.status_code == 200  # the form: neither the juror nor the entry is offered
    assert before == {
        "entry": Entry.objects.values().get(pk=entry.pk),
        "edition": Edition.objects.values().get(pk=edition.pk),
        "jurors": list(permissions.jurors_of(category).values_list("pk", flat=True)),
        "chairs": list(permissions.chairs_of(category).values_list("pk", flat=True)),
        "recusals": list(Recusal.objects.values()),
        "exports": ProtocolExport.objects.count(),
        "announcements": AnnouncementPage.objects.count(),
        "snapshots": edition.snapshots.count(),
    }
