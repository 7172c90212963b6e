"""The protocol as a legal record: the workbook and the PDF read back as a person reads them."""

from __future__ import annotations

import io
import re
import shutil
import subprocess
from pathlib import Path

import openpyxl
import pytest
import time_machine
from django.core.files.storage import storages
from django.urls import reverse

from competition.teryt import InstitutionKind
from scoring import results, services
from scoring.models import JurorProfile, ProtocolExport
from scoring.results import protocol
from tests.factories import (
    AnswerFactory,
    EntryFactory,
    InstitutionFactory,
    QuestionFactory,
    UserFactory,
)
from tests.scoring.conftest import DURING_SCORING
from tests.scoring.test_results import DELIBERATION, freeze, score_all

pytestmark = pytest.mark.django_db

ISO_MOMENT = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}")
WHEN = "11 maja 2026, 14:00"  # DELIBERATION, 12:00 UTC, as Warsaw's clocks showed it (CEST)
DECLARED = "Członek rodziny pracuje w urzędzie gminy."
TIE_REASON = "Szersze wdrożenie w urzędzie; decyzja przewodniczącego po naradzie."
AWARD_REASON = "Jury uznało, że projekt zasługuje na wyróżnienie, nie na miejsce."
PROJECTS = [
    ("SLC-2026-001", "Portal e-Mieszkańca", "Gmina Wiązowna"),
    ("SLC-2026-002", "Geoportal Legionowa", "Gmina Jabłonna"),
    ("SLC-2026-003", "Cyfrowy Urząd Stanisławów", "Gmina Stanisławów"),
]


@pytest.fixture
def entries(category, criteria):
    return [
        EntryFactory(
            category=category,
            status="eligible",
            number=number,
            sequence=n,
            title=title,
            institution=InstitutionFactory(name=institution),
        )
        for n, (number, title, institution) in enumerate(PROJECTS, start=1)
    ]


@pytest.fixture
def idle_official(category, entries):
    """Appointed, but an affiliation with the whole region keeps her from every entry."""
    user = UserFactory(username="urzednik", first_name="Ewa", last_name="Urzędnik")
    JurorProfile.objects.create(
        user=user,
        affiliation=InstitutionFactory(
            name="Urząd Marszałkowski Województwa Mazowieckiego",
            kind=InstitutionKind.WOJEWODZTWO,
            terc="14",
        ),
        feminine_titles=True,
    )
    services.appoint(category=category, user=user)
    return user


@pytest.fixture
def snapshot(category, criteria, entries, juror, chair, organiser, idle_official):
    """Jan Kowalski declares a conflict with entry 3; entries 2 and 3 tie, the chair (Anna
    Nowicka) breaks it for entry 3 and turns its place into a distinction, with reasons."""
    for user, first, last in [
        (juror, "Jan", "Kowalski"),
        (chair, "Anna", "Nowicka"),
        (organiser, "Olga", "Organizatorka"),
    ]:
        user.first_name, user.last_name = first, last
        user.save()
    JurorProfile.objects.create(user=chair, feminine_titles=True)
    with time_machine.travel(DURING_SCORING, tick=False):
        services.declare_recusal(juror=juror, entry=entries[2], reason=DECLARED)
    score_all(
        [juror, chair],
        entries,
        criteria,
        [[(8, 6), (5, 5), None], [(9, 7), (5, 5), (5, 5)]],
    )
    with time_machine.travel(DELIBERATION, tick=False):
        results.record_tie_decision(
            category=category,
            by=chair,
            order=[str(entries[2].pk), str(entries[1].pk)],
            justification=TIE_REASON,
        )
        results.confirm_awards(
            category=category,
            by=chair,
            awards={str(entries[2].pk): "distinction"},
            justification=AWARD_REASON,
        )
    return freeze(category, organiser, entries)


def workbook_of(snapshot, **kwargs) -> openpyxl.Workbook:
    buffer = io.BytesIO()
    protocol.write_protocol(snapshot, buffer, **kwargs)
    return openpyxl.load_workbook(io.BytesIO(buffer.getvalue()))


def rows(sheet) -> list[tuple]:
    return list(sheet.iter_rows(min_row=2, values_only=True))


def pdf_text(snapshot, tmp_path: Path, **kwargs) -> str:
    if shutil.which("pdftotext") is None:
        pytest.skip("pdftotext (poppler-utils) is not installed")
    path = tmp_path / "protokol.pdf"
    protocol.write_pdf(snapshot, str(path), **kwargs)
    text = subprocess.run(
        ["pdftotext", "-enc", "UTF-8", str(path), "-"], capture_output=True, check=True, text=True
    ).stdout
    return " ".join(text.split())  # table cells wrap their lines anywhere


def test_workbook_cover_in_polish_with_warsaw_time_and_full_names(snapshot, category):
    workbook = workbook_of(snapshot)

    assert workbook.sheetnames == [
        "Protokół",
        "Skład jury",
        category.name,
        "Oceny",
        "Decyzje",
        "Podpisy",
    ]
    cover = {row[0]: row[1] for row in workbook["Protokół"].iter_rows(values_only=True)}
    assert cover["Metoda agregacji"] == "średnia sum jurorów"
    assert cover["Zatwierdzono"] == WHEN
    assert cover["Zatwierdził(a)"] == "Olga Organizatorka"
    assert cover[f"Jury: {category.name}"] == "Anna Nowicka, Jan Kowalski"
    assert cover["Przewodniczący"] == "Anna Nowicka"
    assert cover["Powołani, nie ocenili żadnego zgłoszenia"] == "Ewa Urzędnik"
    assert cover["Kolejność rozstrzygania remisów"] == (
        "1. liczba pierwszych miejsc\n2. decyzja przewodniczącego"
    )
    assert (
        f"Jan Kowalski — SLC-2026-003 Cyfrowy Urząd Stanisławów (Gmina Stanisławów): "
        f"{DECLARED} (zgłoszony przez jurora)" in cover["Konflikty interesów"].split("\n")
    )


def test_workbook_lists_each_juror_with_what_they_scored_and_why_they_were_excluded(
    snapshot, category
):
    jury = rows(workbook_of(snapshot)["Skład jury"])

    assert [row[:4] for row in jury] == [
        (category.name, "Anna Nowicka", "przewodnicząca jury", 3),
        (category.name, "Jan Kowalski", "członek jury", 2),
        (category.name, "Ewa Urzędnik", "członkini jury", 0),
    ]
    assert jury[1][4] == (
        f"SLC-2026-003 Cyfrowy Urząd Stanisławów (Gmina Stanisławów): {DECLARED} "
        "(zgłoszony przez jurora)"
    )
    assert jury[0][4] == "—"
    affiliation = "Urząd Marszałkowski Województwa Mazowieckiego (14) (automatyczny (afiliacja))"
    assert jury[2][4].split("\n") == [
        f"{number} {title} ({institution}): {affiliation}"
        for number, title, institution in PROJECTS
    ]


def test_workbook_ranking_names_entries_and_awards_in_polish(snapshot, category):
    workbook = workbook_of(snapshot)

    ranking = rows(workbook[category.name])
    headers = next(workbook[category.name].iter_rows(max_row=1, values_only=True))
    assert [(r[2], r[3], r[4]) for r in ranking] == [
        ("SLC-2026-001", "Portal e-Mieszkańca", "Gmina Wiązowna"),
        ("SLC-2026-003", "Cyfrowy Urząd Stanisławów", "Gmina Stanisławów"),
        ("SLC-2026-002", "Geoportal Legionowa", "Gmina Jabłonna"),
    ]
    assert [r[-1] for r in ranking] == ["I miejsce", "Wyróżnienie", "III miejsce"]
    assert [r[-2] for r in ranking] == [
        None,
        "decyzja przewodniczącego",
        "decyzja przewodniczącego",
    ]
    assert headers[6:8] == ("Anna Nowicka", "Jan Kowalski")
    assert "Ewa Urzędnik" not in headers


def test_workbook_decisions_name_entries_people_and_justifications(snapshot):
    decisions = rows(workbook_of(snapshot)["Decyzje"])

    tie, awards = decisions
    assert tie[1].split("\n") == [
        "Remis rozstrzygnięty przez przewodniczącego jury; ustalona kolejność:",
        "1. SLC-2026-003 Cyfrowy Urząd Stanisławów (Gmina Stanisławów)",
        "2. SLC-2026-002 Geoportal Legionowa (Gmina Jabłonna)",
    ]
    assert tie[2:] == ("Anna Nowicka", WHEN, TIE_REASON)
    assert awards[1].split("\n") == [
        "Nagrody zmienione względem propozycji",
        "I miejsce: SLC-2026-001 Portal e-Mieszkańca (Gmina Wiązowna)",
        "SLC-2026-003 Cyfrowy Urząd Stanisławów (Gmina Stanisławów): "
        "w propozycji II miejsce, przyznano Wyróżnienie",
        "III miejsce: SLC-2026-002 Geoportal Legionowa (Gmina Jabłonna)",
    ]
    assert awards[2:] == ("Anna Nowicka", WHEN, AWARD_REASON)


def test_workbook_signatures_are_the_chair_and_the_jurors_who_scored(snapshot):
    signatures = rows(workbook_of(snapshot)["Podpisy"])

    assert [row[:2] for row in signatures] == [
        ("Anna Nowicka", "przewodnicząca jury"),
        ("Jan Kowalski", "członek jury"),
    ]
    assert all(row[2:] == (None, None, None) for row in signatures)


def test_workbook_shows_no_internal_codes_or_ids(snapshot, entries, juror):
    workbook = workbook_of(snapshot)

    texts = [
        str(value)
        for name in ["Protokół", "Skład jury", "Decyzje", "Podpisy"]
        for row in workbook[name].iter_rows(values_only=True)
        for value in row
        if isinstance(value, str)
    ]
    assert not {"mean", "chair", "place_1", "distinction", "juror"} & set(texts)
    assert not [text for text in texts if "✕" in text or ISO_MOMENT.search(text)]
    ids = {str(e.pk) for e in entries} | {str(juror.pk)}
    tokens = {token for text in texts for token in text.replace(",", " ").split()}
    assert not ids & tokens


def test_workbook_in_english_when_asked_in_english(snapshot, category):
    cover = {
        row[0]: row[1]
        for row in workbook_of(snapshot, language="en")["Protocol"].iter_rows(values_only=True)
    }

    assert cover["Aggregation method"] == "mean of juror totals"
    assert cover["Frozen at"] == "11 May 2026, 14:00"


def test_pdf_reads_back_with_the_same_record(snapshot, category, tmp_path):
    text = pdf_text(snapshot, tmp_path)

    for expected in [
        "Protokół z prac jury",
        "Metoda agregacji średnia sum jurorów",
        f"Zatwierdzono {WHEN}",
        "Zatwierdził(a) Olga Organizatorka",
        f"Kategoria: {category.name}",
        *[part for project in PROJECTS for part in project],
        "Jan Kowalski",
        "Anna Nowicka",
        "przewodnicząca jury",
        "Powołani, nie ocenili żadnego zgłoszenia",
        "Ewa Urzędnik",
        DECLARED,
        "Urząd Marszałkowski Województwa Mazowieckiego (14)",
        "I miejsce",
        "III miejsce",
        "Wyróżnienie",
        "1. liczba pierwszych miejsc 2. decyzja przewodniczącego",
        TIE_REASON,
        AWARD_REASON,
        "Podpisy",
        "Podpis",
        snapshot.digest,
    ]:
        assert expected in text, expected
    assert "mean" not in text.split()
    assert "place_1" not in text


def test_libreoffice_converts_the_workbook(snapshot, tmp_path):
    binary = shutil.which("libreoffice") or shutil.which("soffice")
    if binary is None:
        pytest.skip("LibreOffice is not installed")
    workbook = tmp_path / "protokol.xlsx"
    protocol.write_protocol(snapshot, str(workbook))

    subprocess.run(
        [
            binary,
            f"-env:UserInstallation={(tmp_path / 'profile').as_uri()}",
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
            str(tmp_path),
            str(workbook),
        ],
        capture_output=True,
        check=True,
        timeout=180,
    )

    converted = tmp_path / "protokol.pdf"
    assert converted.exists()
    assert converted.stat().st_size > 0
    assert converted.read_bytes().startswith(b"%PDF")


@pytest.fixture
def export(snapshot, organiser, client):
    client.force_login(organiser)
    client.post(reverse("scoring:protocol", args=[snapshot.pk]))
    client.logout()
    return ProtocolExport.objects.get()


PDF_ROLES = {
    "anonymous": 302,
    "applicant": 404,
    "juror": 404,
    "other_juror": 404,
    "chair": 404,
    "organiser": 200,
    "other_organiser": 404,
}


@pytest.mark.parametrize(("role", "status"), list(PDF_ROLES.items()))
def test_pdf_download_for_each_role(client, request, export, role, status):
    if role != "anonymous":
        client.force_login(request.getfixturevalue(role))

    response = client.get(reverse("scoring:protocol_download_pdf", args=[export.pk]))

    assert response.status_code == status
    if status == 200:
        assert response["Content-Type"] == "application/pdf"
        assert "attachment" in response["Content-Disposition"]
        assert ".pdf" in response["Content-Disposition"]
        assert b"".join(response.streaming_content).startswith(b"%PDF")


def test_edition_results_offer_the_pdf_beside_the_workbook(client, export, organiser, category):
    client.force_login(organiser)

    page = client.get(reverse("scoring:edition_results", args=[category.edition.pk]))

    body = page.content.decode()
    assert reverse("scoring:protocol_download", args=[export.pk]) in body
    assert reverse("scoring:protocol_download_pdf", args=[export.pk]) in body
    assert "Pobierz protokół do druku (.pdf)" in body


def test_pdf_of_an_export_made_before_pdfs_is_not_found(client, export, organiser):
    storages["private"].delete(protocol.file_path(export, protocol.PDF))
    client.force_login(organiser)

    response = client.get(reverse("scoring:protocol_download_pdf", args=[export.pk]))

    assert response.status_code == 404


def test_protocol_records_only_the_answers_marked_for_the_jury(
    category, criteria, entries, juror, chair, organiser, tmp_path
):
    shown = QuestionFactory(edition=category.edition, label="Liczba e-usług", for_jury=True)
    internal = QuestionFactory(edition=category.edition, label="Numer faktury", for_jury=False)
    AnswerFactory(entry=entries[0], question=shown, value="14 e-usług")
    AnswerFactory(entry=entries[0], question=internal, value="FV/1/2026")
    score_all([juror, chair], entries, criteria, [[(8, 6), (5, 5), (4, 4)]] * 2)
    snapshot = freeze(category, organiser, entries)

    workbook = workbook_of(snapshot)
    text = pdf_text(snapshot, tmp_path)

    sheet = workbook[workbook.sheetnames[-2]]
    assert rows(sheet) == [("SLC-2026-001", "Portal e-Mieszkańca", "Liczba e-usług", "14 e-usług")]
    assert "14 e-usług" in text
    assert "FV/1/2026" not in text
