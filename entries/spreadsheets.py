"""Entries in Excel workbooks: the organiser's export of an edition and the import of paper entries.

Paper entries are typed into a template by the organiser's office. The import checks every row
against the same rules as an online submission and writes nothing unless every row is good, so a
corrected file can simply be uploaded again.
"""

from __future__ import annotations

import datetime as dt
import io
import warnings
import zipfile
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import IO, Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Q, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.utils.translation import ngettext
from openpyxl import Workbook, load_workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from competition import lifecycle
from competition.lifecycle import Action
from competition.models import Category, Edition, Institution
from competition.teryt import InstitutionKind
from competition.workbooks import text_row

from . import questions
from .models import Answer, Entry, EntryStatus, Question, QuestionKind
from .queries import questions_of
from .services import EDITABLE_FIELDS, allocate_entry_number, missing_fields
from .signals import saving_in_bulk

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
MAX_IMPORT_BYTES = 5 * 1024 * 1024
MAX_IMPORT_ROWS = 2000
# What the parts of an .xlsx may unpack to, and the longest text a cell may hold (Excel's own
# limit; the longest entry field, the description, is shorter).
MAX_IMPORT_UNPACKED_BYTES = 50 * 2**20
MAX_IMPORT_CELL_CHARS = 32_767

_DATE_FORMAT = "yyyy-mm-dd"
_DATETIME_FORMAT = "yyyy-mm-dd hh:mm"
_MONEY_FORMAT = "#,##0.00"
_INTEGER_FORMAT = "0"
_NUMBER_FORMAT = "0.##"
_MIN_WIDTH, _MAX_WIDTH = 8, 60
_SHEET_TITLE_FORBIDDEN = str.maketrans({char: " " for char in "[]:*?/\\"})


# Shared workbook helpers ------------------------------------------------------------------------


def workbook_bytes(workbook: Workbook) -> bytes:
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _write_table(
    sheet: Worksheet,
    header: Sequence[str],
    rows: Iterable[Sequence[Any]],
    number_formats: Mapping[int, str] | None = None,
) -> None:
    """A header row in bold, frozen above the rows, and columns wide enough to read."""
    sheet.append(text_row(sheet, [str(label) for label in header]))
    for cell in sheet[1]:
        cell.font = Font(bold=True)
        cell.alignment = Alignment(vertical="top", wrap_text=True)
    sheet.freeze_panes = "A2"
    widths = [len(str(label)) for label in header]
    for row in rows:
        sheet.append(text_row(sheet, row))
        for index, value in enumerate(row):
            if value is not None:
                longest_line = max(len(line) for line in str(value).splitlines() or [""])
                widths[index] = max(widths[index], longest_line)
    for index, width in enumerate(widths, start=1):
        letter = get_column_letter(index)
        sheet.column_dimensions[letter].width = min(max(width + 2, _MIN_WIDTH), _MAX_WIDTH)
        number_format = (number_formats or {}).get(index - 1)
        if number_format:
            for (cell,) in sheet.iter_rows(min_row=2, min_col=index, max_col=index):
                cell.number_format = number_format


def _sheet_title(name: str, taken: set[str]) -> str:
    """Excel's sheet names: at most 31 characters, none of []:*?/\\, unique ignoring case."""
    base = " ".join(name.translate(_SHEET_TITLE_FORBIDDEN).split())[:31].strip("'") or "-"
    title, number = base, 1
    while title.casefold() in taken:
        number += 1
        suffix = f" ({number})"
        title = base[: 31 - len(suffix)] + suffix
    taken.add(title.casefold())
    return title


def _label(model: type, field_name: str) -> str:
    return capfirst(str(model._meta.get_field(field_name).verbose_name))


def _naive_local(value: dt.datetime | None) -> dt.datetime | None:
    # Excel has no time zones: write the time as the organiser reads it on the site.
    return timezone.localtime(value).replace(tzinfo=None) if value else None


def _cell(value: Any) -> Any:
    # An empty string would be written as a text cell; empty fields stay empty cells.
    return None if value == "" else value


def _yes_no(value: bool) -> str:
    return _("yes") if value else _("no")


# Export -----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _ExportColumn:
    label: Callable[[], str]
    value: Callable[[Entry], Any]
    number_format: str | None = None


_EXPORT_COLUMNS = (
    _ExportColumn(lambda: _label(Entry, "number"), lambda e: e.number),
    _ExportColumn(lambda: _label(Entry, "title"), lambda e: e.title),
    _ExportColumn(lambda: _label(Entry, "institution"), lambda e: e.institution.name),
    _ExportColumn(lambda: _label(Institution, "kind"), lambda e: e.institution.get_kind_display()),
    _ExportColumn(lambda: _label(Institution, "terc"), lambda e: e.institution.terc),
    _ExportColumn(
        lambda: _label(Institution, "voivodeship"), lambda e: e.institution.voivodeship_name
    ),
    _ExportColumn(lambda: _label(Entry, "status"), lambda e: e.get_status_display()),
    _ExportColumn(
        lambda: _label(Entry, "submitted_at"),
        lambda e: _naive_local(e.submitted_at),
        _DATETIME_FORMAT,
    ),
    _ExportColumn(lambda: _label(Entry, "summary"), lambda e: e.summary),
    _ExportColumn(lambda: _label(Entry, "budget"), lambda e: e.budget, _MONEY_FORMAT),
    _ExportColumn(lambda: _label(Entry, "funding_sources"), lambda e: e.funding_sources),
    _ExportColumn(lambda: _label(Entry, "public_url"), lambda e: e.public_url),
    _ExportColumn(lambda: _label(Entry, "users_count"), lambda e: e.users_count, _INTEGER_FORMAT),
    _ExportColumn(lambda: _label(Entry, "contact_name"), lambda e: e.contact_name),
    _ExportColumn(lambda: _label(Entry, "contact_email"), lambda e: e.contact_email),
    _ExportColumn(lambda: _label(Entry, "contact_phone"), lambda e: e.contact_phone),
    _ExportColumn(
        lambda: _label(Entry, "consent_to_publish"), lambda e: _yes_no(e.consent_to_publish)
    ),
    _ExportColumn(lambda: _label(Entry, "rejection_reason"), lambda e: e.rejection_reason),
)


def entries_for_export(edition: Edition) -> QuerySet[Entry]:
    """Everything applicants sent in (drafts are still theirs), in the order of their numbers."""
    return (
        Entry.objects.filter(edition=edition)
        .exclude(status=EntryStatus.DRAFT)
        .select_related("institution")
        .order_by("sequence", "pk")
    )


def admin_entry_url(entry: Entry, *, base_url: str) -> str:
    return base_url.rstrip("/") + reverse("entries_admin:inspect", args=[entry.pk])


def export_workbook(
    edition: Edition, *, base_url: str, progress: Callable[[int], None] = lambda percent: None
) -> Workbook:
    """One sheet per category; the last column links each row to the entry in the admin.

    Written in openpyxl's write-only mode, each cell's style set as it is made: at 2,000
    entries a category, styling the cells of a normal workbook afterwards took most of a second.
    The workbook can be saved once. `progress` hears the share of entries written, per category.
    """
    workbook = Workbook(write_only=True)
    by_category: dict[int, list[Entry]] = defaultdict(list)
    for entry in entries_for_export(edition):
        by_category[entry.category_id].append(entry)
    # Every question and every answer of the edition in one query each, whatever their number.
    asked = list(questions_of(edition))
    answers = {
        (answer.entry_id, answer.question_id): answer
        for answer in Answer.objects.filter(entry__edition=edition).exclude(
            entry__status=EntryStatus.DRAFT
        )
    }
    total, written = sum(len(rows) for rows in by_category.values()), 0
    fixed = [column.label() for column in _EXPORT_COLUMNS]
    taken: set[str] = set()
    categories = list(edition.categories.order_by("sort_order", "name"))
    for category in categories:
        entries = by_category.get(category.pk, [])
        # A category's sheet has a column for each question its form asks, hidden ones too.
        own = [q for q in asked if q.category_id in (None, category.pk)]
        header = [*fixed, *(q.text for q in own), _("Link to the entry in the admin")]
        rows = [
            [_cell(column.value(entry)) for column in _EXPORT_COLUMNS]
            + [questions.cell(q, answers.get((entry.pk, q.pk))) for q in own]
            + [admin_entry_url(entry, base_url=base_url)]
            for entry in entries
        ]
        _write_export_sheet(
            workbook, _sheet_title(category.name, taken), header, rows, _question_formats(own)
        )
        written += len(rows)
        progress(written * 100 // total if total else 100)
    if not categories:
        header = [*fixed, _("Link to the entry in the admin")]
        _write_export_sheet(workbook, _sheet_title(_("Entries"), taken), header, [])
    return workbook


def _question_formats(asked: Sequence[Question]) -> dict[int, str]:
    """Number formats of the question columns, which follow the fixed ones."""
    formats = {QuestionKind.NUMBER: _NUMBER_FORMAT, QuestionKind.DATE: _DATE_FORMAT}
    return {
        len(_EXPORT_COLUMNS) + index: formats[question.kind]
        for index, question in enumerate(asked)
        if question.kind in formats
    }


def _write_export_sheet(
    workbook: Workbook,
    title: str,
    header: list[str],
    rows: list[list[Any]],
    extra_formats: Mapping[int, str] | None = None,
) -> None:
    sheet = workbook.create_sheet(title)
    # A write-only sheet takes its widths and frozen header before the first row.
    widths = [len(label) for label in header]
    for row in rows:
        for index, value in enumerate(row):
            if value is not None:
                longest_line = max(len(line) for line in str(value).splitlines() or [""])
                widths[index] = max(widths[index], longest_line)
    for index, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = min(
            max(width + 2, _MIN_WIDTH), _MAX_WIDTH
        )
    sheet.freeze_panes = "A2"
    bold, top = Font(bold=True), Alignment(vertical="top", wrap_text=True)
    titles = []
    for label in header:
        cell = WriteOnlyCell(sheet, value=label)
        cell.data_type = "s"
        cell.font, cell.alignment = bold, top
        titles.append(cell)
    sheet.append(titles)
    formats = {
        index: column.number_format
        for index, column in enumerate(_EXPORT_COLUMNS)
        if column.number_format
    } | dict(extra_formats or {})
    link = len(header) - 1
    for row in rows:
        cells = text_row(sheet, row)
        for index, number_format in formats.items():
            if cells[index] is not None:
                cell = WriteOnlyCell(sheet, value=cells[index])
                cell.number_format = number_format
                cells[index] = cell
        url = WriteOnlyCell(sheet, value=row[link])
        url.hyperlink, url.style = row[link], "Hyperlink"
        cells[link] = url
        sheet.append(cells)


def export_filename(edition: Edition) -> str:
    return f"{edition.competition.code}-{edition.year}-{edition.roman_number}.xlsx".lower()


# Import -----------------------------------------------------------------------------------------

# The template's header, in its order; "number" is accepted and ignored (numbers are given out
# on import, from the same counter as online submissions).
IMPORT_COLUMNS = ("number", "category", "institution", *EDITABLE_FIELDS)
REQUIRED_IMPORT_COLUMNS = ("category", "institution", "title")
_TEXT_FIELDS = (
    "title",
    "summary",
    "description",
    "funding_sources",
    "public_url",
    "results",
    "contact_name",
    "contact_email",
    "contact_phone",
)
_TRUE = {"tak", "yes", "1", "true", "prawda", "t", "y"}
_FALSE = {"nie", "no", "0", "false", "fałsz", "falsz", "n", ""}
_DATE_INPUT_FORMATS = ("%Y-%m-%d", "%d.%m.%Y", "%d-%m-%Y", "%d/%m/%Y")


@dataclass(frozen=True)
class ImportProblem:
    """One thing wrong in the uploaded sheet; `row` as Excel shows it (the header is row 1)."""

    row: int
    column: str
    field: str
    message: str

    def as_list(self) -> list[Any]:
        return [self.row, self.column, self.field, self.message]

    @classmethod
    def from_list(cls, values: Sequence[Any]) -> ImportProblem:
        row, column, field, message = values
        return cls(row=int(row), column=str(column), field=str(field), message=str(message))


class ImportRefused(Exception):
    """The sheet has problems; nothing was imported."""

    def __init__(self, problems: Sequence[ImportProblem]):
        super().__init__(f"{len(problems)} problem(s) in the imported sheet")
        self.problems = list(problems)


def import_template_workbook(edition: Edition | None = None) -> Workbook:
    """The empty sheet organisers fill in, and a second sheet explaining each column; with an
    edition, a column for each of its questions (headed by the question's code) too."""
    asked = list(questions_of(edition).filter(hidden=False)) if edition else []
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = _sheet_title(_("Entries"), set())
    _write_table(sheet, [*IMPORT_COLUMNS, *(q.code for q in asked)], [])
    notes = workbook.create_sheet(_sheet_title(_("Instructions"), {sheet.title.casefold()}))
    _write_table(
        notes,
        [_("Column"), _("Required"), _("What to write")],
        [
            *(
                (name, _yes_no(name in REQUIRED_IMPORT_COLUMNS), _column_note(name))
                for name in IMPORT_COLUMNS
            ),
            *((q.code, _yes_no(q.required), f"{q.label} ({q.get_kind_display()})") for q in asked),
            *([] if edition else [("…", "", str(IMPORT_QUESTIONS_NOTE))]),
        ],
    )
    return workbook


def _column_note(name: str) -> str:
    notes = {
        "number": _("Leave empty: numbers are given on import."),
        "category": _("The name of the category, exactly as in the edition."),
        "institution": _(
            "The TERC code of a local government, or the exact name of another institution."
        ),
        "implementation_start": _("A date, e.g. 2026-03-31."),
        "implementation_end": _("A date, e.g. 2026-03-31."),
        "budget": _("A number in PLN, e.g. 15000.50."),
        "users_count": _("A whole number."),
        "consent_to_publish": _("tak or nie (yes or no, 1 or 0)."),
    }
    if name in notes:
        return notes[name]
    return _label(Entry, name)


IMPORT_QUESTIONS_NOTE = _lazy(
    "Besides these columns, one column per question of the edition's entry form, headed by its "
    "“column in the import sheet” (Entries → Entry form questions). Several options of a "
    "multiple choice are separated by “;”."
)


def _normalise_header(value: Any) -> str:
    return "_".join(str(value or "").strip().lower().replace("-", " ").split())


def _is_blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    return str(value).strip()


def _decimal(value: Any) -> Decimal | None:
    if _is_blank(value):
        return None
    if isinstance(value, bool):
        raise ValueError(value)
    if isinstance(value, int | Decimal):
        number = Decimal(value)
    elif isinstance(value, float):
        number = Decimal(str(value))
    else:
        cleaned = "".join(str(value).split()).replace(",", ".")
        try:
            number = Decimal(cleaned)
        except InvalidOperation as error:
            raise ValueError(value) from error
    if not number.is_finite():
        raise ValueError(value)
    return number


def _integer(value: Any) -> int | None:
    number = _decimal(value)
    if number is None:
        return None
    if number != number.to_integral_value():
        raise ValueError(value)
    return int(number)


def _date(value: Any) -> dt.date | None:
    if _is_blank(value):
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    text = str(value).strip()
    for pattern in _DATE_INPUT_FORMATS:
        try:
            return dt.datetime.strptime(text, pattern).date()
        except ValueError:
            continue
    raise ValueError(value)


def _boolean(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    text = _text(value).casefold()
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    raise ValueError(value)


def _terc(value: Any) -> str:
    """A TERC code typed into a number cell loses its leading zero (dolnośląskie is 02)."""
    text = _text(value)
    if text.isdigit() and len(text) in (1, 3, 6):
        text = "0" + text
    return text


def _not_a_workbook(name: str) -> ValidationError:
    return ValidationError(
        _(
            "“%(name)s” is not an Excel workbook (.xlsx). Save the sheet as an Excel "
            "workbook and upload it again."
        )
        % {"name": name},
        code="not_xlsx",
    )


def _check_unpacked_size(workbook_file: IO[bytes], name: str) -> None:
    """Refuse a workbook whose parts would unpack to more than MAX_IMPORT_UNPACKED_BYTES.

    An .xlsx is a zip: 600 KB can hold a 600 MB shared string, which openpyxl would read into
    memory whole. The sizes come from the zip's directory, and zipfile never unpacks a part
    past its stated size, so this bound holds for what openpyxl reads afterwards.
    """
    try:
        with zipfile.ZipFile(workbook_file) as archive:
            unpacked = sum(part.file_size for part in archive.infolist())
    except (zipfile.BadZipFile, OSError, ValueError) as error:
        raise _not_a_workbook(name) from error
    finally:
        workbook_file.seek(0)
    if unpacked > MAX_IMPORT_UNPACKED_BYTES:
        raise ValidationError(
            _("The workbook unpacks to more than %(mb)d MB; split it into smaller files.")
            % {"mb": MAX_IMPORT_UNPACKED_BYTES // 2**20},
            code="too_large",
        )


def _open_sheet(workbook_file: IO[bytes]) -> list[tuple[Any, ...]]:
    name = getattr(workbook_file, "name", "") or _("the file")
    size = getattr(workbook_file, "size", None)
    if size is not None and size > MAX_IMPORT_BYTES:
        raise ValidationError(
            _("The file is larger than %(mb)d MB.") % {"mb": MAX_IMPORT_BYTES // (1024 * 1024)},
            code="too_large",
        )
    _check_unpacked_size(workbook_file, name)
    try:
        # openpyxl warns about styles and extensions it ignores; they do not matter here.
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            workbook = load_workbook(workbook_file, read_only=True, data_only=True)
    except Exception as error:  # openpyxl raises many kinds of errors on files it cannot read
        raise _not_a_workbook(name) from error
    try:
        sheet = workbook.worksheets[0]
        rows = []
        for number, row in enumerate(sheet.iter_rows(values_only=True), start=1):
            if any(isinstance(v, str) and len(v) > MAX_IMPORT_CELL_CHARS for v in row):
                raise ValidationError(
                    ngettext(
                        "Row %(row)d has a cell longer than %(count)d character.",
                        "Row %(row)d has a cell longer than %(count)d characters.",
                        MAX_IMPORT_CELL_CHARS,
                    )
                    % {"row": number, "count": MAX_IMPORT_CELL_CHARS},
                    code="cell_too_long",
                )
            rows.append(tuple(row))
            if len(rows) > MAX_IMPORT_ROWS + 1:
                raise ValidationError(
                    ngettext(
                        "A sheet can have at most %(count)d row of entries.",
                        "A sheet can have at most %(count)d rows of entries.",
                        MAX_IMPORT_ROWS,
                    )
                    % {"count": MAX_IMPORT_ROWS},
                    code="too_many_rows",
                )
    except ValidationError:
        raise
    except Exception as error:  # rows are parsed lazily: bad XML (e.g. "&#1;") shows up here
        raise _not_a_workbook(name) from error
    finally:
        workbook.close()
    return rows


def _read_header(
    header: Sequence[Any], question_codes: Iterable[str] = ()
) -> tuple[dict[str, int], list[ImportProblem]]:
    """Columns by name: the fixed ones, and one per question of the edition named by its code."""
    known = {*IMPORT_COLUMNS, *question_codes}
    columns: dict[str, int] = {}
    problems = []
    for index, value in enumerate(header):
        if _is_blank(value):
            continue
        name = _normalise_header(value)
        letter = get_column_letter(index + 1)
        if name not in known:
            problems.append(
                ImportProblem(
                    1, letter, str(value), _("Unknown column; use the names from the template.")
                )
            )
        elif name in columns:
            problems.append(ImportProblem(1, letter, name, _("This column appears twice.")))
        else:
            columns[name] = index
    for name in REQUIRED_IMPORT_COLUMNS:
        if name not in columns:
            problems.append(ImportProblem(1, "", name, _("The sheet needs this column.")))
    return columns, problems


@dataclass
class _Row:
    number: int
    cells: dict[str, Any]
    letters: dict[str, str]
    problems: list[ImportProblem]
    # The row's answers by question id, checked, for the entry once it is saved.
    answers: dict[int, Answer] = field(default_factory=dict)

    def value(self, name: str) -> Any:
        return self.cells.get(name)

    def problem(self, name: str, message: str) -> None:
        self.problems.append(ImportProblem(self.number, self.letters.get(name, ""), name, message))


def _find_institutions(rows: Sequence[_Row]) -> tuple[dict[str, Institution], dict[str, list]]:
    tercs, names = set(), set()
    for row in rows:
        reference = _terc(row.value("institution"))
        (tercs if reference.isdigit() else names).add(reference)
    by_terc = {i.terc: i for i in Institution.objects.filter(terc__in=tercs)} if tercs else {}
    by_name: dict[str, list[Institution]] = defaultdict(list)
    if names:
        query = Q()
        for name in names:
            query |= Q(name__iexact=name)
        for institution in Institution.objects.filter(query):
            by_name[institution.name.strip().casefold()].append(institution)
    return by_terc, by_name


def _build_entry(
    row: _Row,
    *,
    edition: Edition,
    categories: Mapping[str, Category],
    by_terc: Mapping[str, Institution],
    by_name: Mapping[str, list[Institution]],
    asked: Mapping[str, Question],
    by,
) -> Entry:
    entry = Entry(edition=edition, created_by=by, status=EntryStatus.SUBMITTED)

    category_name = _text(row.value("category"))
    if not category_name:
        row.problem("category", _("Write the name of the category."))
    elif category_name.casefold() not in categories:
        row.problem(
            "category",
            _("This edition has no category “%(name)s”.") % {"name": category_name},
        )
    else:
        entry.category = categories[category_name.casefold()]

    reference = _terc(row.value("institution"))
    if not reference:
        row.problem("institution", _("Write the TERC code or the name of the institution."))
    elif reference.isdigit():
        if reference in by_terc:
            entry.institution = by_terc[reference]
        else:
            row.problem(
                "institution",
                _("No institution has the TERC code %(code)s.") % {"code": reference},
            )
    else:
        found = by_name.get(reference.casefold(), [])
        if len(found) == 1:
            entry.institution = found[0]
        elif not found:
            row.problem(
                "institution",
                _("No institution is called “%(name)s”.") % {"name": reference},
            )
        else:
            row.problem(
                "institution",
                _("More than one institution is called “%(name)s”; use its TERC code.")
                % {"name": reference},
            )

    for name in _TEXT_FIELDS:
        setattr(entry, name, _text(row.value(name)))
    for name, parse, message in (
        ("budget", _decimal, _("Write a number, e.g. 15000.50.")),
        ("users_count", _integer, _("Write a whole number.")),
        ("implementation_start", _date, _("Write a date, e.g. 2026-03-31.")),
        ("implementation_end", _date, _("Write a date, e.g. 2026-03-31.")),
        ("consent_to_publish", _boolean, _("Write tak or nie.")),
    ):
        try:
            setattr(entry, name, parse(row.value(name)))
        except ValueError:
            row.problem(name, message)

    try:
        entry.clean_fields(
            exclude=["edition", "category", "institution", "created_by", "checked_by"]
        )
    except ValidationError as error:
        for name, messages in error.message_dict.items():
            for message in messages:
                row.problem(name, message)
    if entry.implementation_start and entry.implementation_end:
        if entry.implementation_end < entry.implementation_start:
            row.problem("implementation_end", _("The end cannot come before the start."))
    _read_answers(row, entry, asked)
    already_reported = {problem.field for problem in row.problems}
    codes = {questions.field_name(question): code for code, question in asked.items()}
    for name in missing_fields(entry, answers=row.answers):
        name = codes.get(name, name)
        if name not in already_reported:
            row.problem(name, _("This edition requires this field."))
    return entry


def _read_answers(row: _Row, entry: Entry, asked: Mapping[str, Question]) -> None:
    """The row's answers to the questions with a column, through the site form's own fields."""
    for code, question in asked.items():
        raw = row.value(code)
        if _is_blank(raw):
            continue
        if question.category_id and question.category_id != entry.category_id:
            row.problem(
                code,
                _("“%(question)s” is asked only in the category “%(category)s”.")
                % {"question": question.label, "category": question.category.name},
            )
            continue
        try:
            value = questions.from_cell(question, raw)
        except ValidationError as error:
            for message in error.messages:
                row.problem(code, f"{question.label}: {message}")
            continue
        if value is not None:
            row.answers[question.pk] = Answer(question=question, value=value)


def _check_limits(rows_and_entries: Sequence[tuple[_Row, Entry]], edition: Edition) -> None:
    """The kinds a category accepts and the per-institution limit, counting earlier rows too."""
    counts = Counter(
        {
            (item["institution"], item["category"]): item["total"]
            for item in Entry.objects.filter(edition=edition)
            .exclude(status=EntryStatus.WITHDRAWN)
            .values("institution", "category")
            .annotate(total=Count("pk"))
        }
    )
    limit = edition.entries_per_institution
    for row, entry in rows_and_entries:
        if entry.category_id is None or entry.institution_id is None:
            continue
        if not entry.category.accepts_kind(entry.institution.kind):
            row.problem(
                "institution",
                _("Institutions of the kind “%(kind)s” cannot enter the category “%(category)s”.")
                % {
                    "kind": InstitutionKind(entry.institution.kind).label,
                    "category": entry.category.name,
                },
            )
            continue
        key = (entry.institution_id, entry.category_id)
        counts[key] += 1
        if counts[key] > limit:
            row.problem(
                "institution",
                _(
                    "“%(institution)s” would have more entries in “%(category)s” than the "
                    "limit of %(limit)d per institution (counting the rows above)."
                )
                % {
                    "institution": entry.institution.name,
                    "category": entry.category.name,
                    "limit": limit,
                },
            )


def import_entries(*, edition: Edition, workbook_file: IO[bytes], by) -> list[Entry]:
    """Submit the entries of the sheet's rows, all of them or, if any row is wrong, none.

    Raises ValidationError when the file cannot be read at all or the edition takes no entries
    now, and ImportRefused listing every problem, by row and column, otherwise.
    """
    lifecycle.require(Action.IMPORT_ENTRIES, edition)
    sheet_rows = _open_sheet(workbook_file)
    if not sheet_rows:
        raise ValidationError(_("The sheet is empty."), code="empty")
    asked = {question.code: question for question in questions_of(edition).filter(hidden=False)}
    columns, problems = _read_header(sheet_rows[0], asked)
    if problems:
        raise ImportRefused(problems)
    letters = {name: get_column_letter(index + 1) for name, index in columns.items()}
    rows = []
    for number, values in enumerate(sheet_rows[1:], start=2):
        if all(_is_blank(value) for value in values):
            continue
        cells = {
            name: values[index] if index < len(values) else None for name, index in columns.items()
        }
        rows.append(_Row(number=number, cells=cells, letters=letters, problems=[]))
    if not rows:
        raise ValidationError(_("The sheet has no entries below its header."), code="empty")

    categories = {
        category.name.strip().casefold(): category for category in edition.categories.all()
    }
    by_terc, by_name = _find_institutions(rows)
    with transaction.atomic():
        # The phase may have moved while the file was read; ask again under the edition's lock.
        lifecycle.lock(Action.IMPORT_ENTRIES, edition.pk)
        # Lock the institutions, as online submission does, so the limits hold while we write.
        institution_ids = {i.pk for i in by_terc.values()} | {
            i.pk for found in by_name.values() for i in found
        }
        list(Institution.objects.select_for_update().filter(pk__in=institution_ids))
        planned = [
            (
                row,
                _build_entry(
                    row,
                    edition=edition,
                    categories=categories,
                    by_terc=by_terc,
                    by_name=by_name,
                    asked=asked,
                    by=by,
                ),
            )
            for row in rows
        ]
        _check_limits(planned, edition)
        problems = [problem for row in rows for problem in row.problems]
        if problems:
            raise ImportRefused(problems)
        now = timezone.now()
        entries = []
        # Work that follows an entry's save (automatic conflicts) runs once for the batch.
        with saving_in_bulk():
            for row, entry in planned:
                entry.sequence, entry.number = allocate_entry_number(edition)
                entry.submitted_at = now
                entry.save()
                for answer in row.answers.values():
                    answer.entry = entry
                entries.append(entry)
            Answer.objects.bulk_create([a for row, _entry in planned for a in row.answers.values()])
    return entries


def error_report_workbook(problems: Sequence[ImportProblem]) -> Workbook:
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = _sheet_title(_("Problems"), set())
    _write_table(
        sheet,
        [_("Row"), _("Column"), _("Field"), _("Problem")],
        [problem.as_list() for problem in problems],
        {0: _INTEGER_FORMAT},
    )
    return workbook
