"""The protocol as a workbook, in openpyxl's write-only mode: a cover, the jury, a sheet per
category, every score, the decisions and the signatures.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import IO

from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Border, Font, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from competition.workbooks import text_row

from .content import ProtocolContent, iter_scores, local_moment

BOLD = Font(bold=True)
WRAP = Alignment(wrap_text=True, vertical="top")
SIGNATURE_LINE = Border(bottom=Side(style="thin"))
BOTTOM = Alignment(vertical="bottom")
SIGNATURE_ROOM = 36  # points: a handwritten signature


LINE_HEIGHT = 13  # points per line of 11-point text


def _lines(value, width: int) -> int:
    """How many lines `value` takes in a wrapping column `width` characters wide."""
    if not isinstance(value, str) or not value:
        return 1
    return sum(max(1, -(-len(line) // max(width - 1, 1))) for line in value.split("\n"))


class ProtocolSheet:
    """A write-only sheet that wraps long text and sets its rows' heights.

    Neither Excel nor LibreOffice grows a row to fit its wrapped text when opening the file,
    so each row is given the height its longest cell needs, before it is written.
    """

    def __init__(
        self,
        workbook: Workbook,
        title: str,
        headers: list[str],
        widths: list[int],
        *,
        wrap: bool = True,
    ):
        # Write-only sheets take widths, panes and page set-up before the first row is written.
        self.sheet = sheet = workbook.create_sheet(title=title[:31])
        self.widths = widths
        self.rows = 0
        self.wrap = wrap
        for index, width in enumerate(widths, start=1):
            sheet.column_dimensions[get_column_letter(index)].width = width
        sheet.freeze_panes = "A2"
        # Printed (or converted to PDF), a sheet runs across A4 landscape pages, every column
        # on the page and the header row repeated, rather than its columns scattered over pages.
        sheet.page_setup.paperSize = Worksheet.PAPERSIZE_A4
        sheet.page_setup.orientation = Worksheet.ORIENTATION_LANDSCAPE
        sheet.page_setup.fitToWidth = 1
        sheet.page_setup.fitToHeight = 0
        sheet.sheet_properties.pageSetUpPr.fitToPage = True
        sheet.print_title_rows = "1:1"
        self.wrap = True  # the header row always
        self.append(headers, bold=True)
        self.wrap = wrap

    def append(self, values: list, *, bold: bool = False) -> None:
        # Names, titles and justifications come from people: text cells, never formulas.
        cells = text_row(self.sheet, values)
        self.rows += 1
        if not self.wrap:  # the score matrix: millions of short cells, unstyled
            self.sheet.append(cells)
            return
        cells = [_styled(self.sheet, cell, bold) for cell in cells]
        widths = [*self.widths, *[10] * (len(values) - len(self.widths))]
        lines = max((_lines(v, w) for v, w in zip(values, widths, strict=False)), default=1)
        if lines > 1:
            self.sheet.row_dimensions[self.rows].height = LINE_HEIGHT * lines + 2
        self.sheet.append(cells)


def _styled(sheet, cell, bold: bool):
    if not hasattr(cell, "alignment"):
        cell = WriteOnlyCell(sheet, value=cell)
    cell.alignment = WRAP
    if bold:
        cell.font = BOLD
    return cell


def _safe_title(name: str, used: set[str]) -> str:
    base = "".join(ch for ch in name if ch not in "[]:*?/\\")[:28] or "?"
    title, n = base, 2
    while title in used:
        title, n = f"{base[:26]} {n}", n + 1
    used.add(title)
    return title


def write_workbook(
    content: ProtocolContent,
    scores: list,
    target: IO[bytes] | str,
    progress: Callable[[int], None] = lambda p: None,
) -> None:
    """Write `content` (and the snapshot's `scores`, streamed) to `target`."""
    workbook = Workbook(write_only=True)
    steps = len(content.categories) + 4
    done = 0

    def tick() -> None:
        nonlocal done
        done += 1
        progress(int(100 * done / steps))

    used = {_("Protocol")}
    _cover(workbook, content)
    _jury(workbook, content, _safe_title(_("Jury members"), used))
    tick()
    for category in content.categories:
        # Where the pre-selection was weighted in, the combination ranked the category.
        combined = any(row.combined is not None for row in category.ranking)
        headers = [
            _("Position"),
            _("Rank"),
            _("Number"),
            _("Title"),
            _("Institution"),
            _("Aggregate"),
            *([_("Combined")] if combined else []),
            *[j.name for j in category.jury],
            _("P(award place)"),
            _("90-percent rank interval"),
            _("Tie broken by"),
            _("Award"),
        ]
        widths = [9, 9, 14, 42, 34, 9, *([9] if combined else []), *[12] * len(category.jury)]
        widths += [13, 14, 24, 13]
        sheet = ProtocolSheet(workbook, _safe_title(category.name, used), headers, widths)
        for row in category.ranking:
            sheet.append(
                [
                    row.position,
                    row.rank,
                    row.entry.number,
                    row.entry.title,
                    row.entry.institution,
                    row.aggregate,
                    *([row.combined] if combined else []),
                    *row.juror_totals,
                    row.p_award,
                    row.interval,
                    row.tie_break,
                    row.award,
                ],
            )
        tick()

    matrix = ProtocolSheet(
        workbook,
        _safe_title(_("Scores"), used),
        [_("Category"), _("Number"), _("Title"), _("Juror"), _("Criterion"), _("Score")],
        [24, 15, 50, 24, 30, 9],
        wrap=False,
    )
    # Lazily, a row at a time: the compact scores text is never expanded into a list.
    for category_id, entry_id, juror_id, criterion_id, value in iter_scores(scores):
        entry = content.entries.get(entry_id)
        matrix.append(
            [
                content.category_names.get(category_id, ""),
                entry.number if entry else "",
                entry.title if entry else "",
                content.juror_names.get(juror_id, ""),
                content.criteria.get(criterion_id, ""),
                value,
            ],
        )
    tick()

    decisions = ProtocolSheet(
        workbook,
        _safe_title(_("Decisions"), used),
        [_("Category"), _("Decision"), _("Decided by"), _("Date and time"), _("Justification")],
        [24, 70, 24, 22, 70],
    )
    for decision in content.decisions:
        what = "\n".join([decision.what, *decision.details])
        decisions.append(
            [decision.category, what, decision.by, decision.at, decision.justification or "—"],
        )
    if content.preselection:
        _shortlist_decisions(decisions, content.preselection)
        _preselection(workbook, content.preselection, _safe_title(_("Pre-selection"), used))
    tick()

    if content.answers:
        _answers(workbook, content, _safe_title(_("Answers for the jury"), used))
    _signatures(workbook, content, _safe_title(_("Signatures"), used))
    tick()
    workbook.save(target)


def _shortlist_decisions(decisions: ProtocolSheet, preselection) -> None:
    """Each category's confirmed shortlist, beside the jury's other decisions."""
    for category in preselection["categories"]:
        shortlist = category["shortlist"]
        if not shortlist:
            continue
        numbers = {row["entry"]: row["number"] for row in category["ranking"]}
        what = ngettext(
            "Shortlist for the final confirmed: %(count)d finalist",
            "Shortlist for the final confirmed: %(count)d finalists",
            len(shortlist["finalists"]),
        ) % {"count": len(shortlist["finalists"])}
        details = [", ".join(numbers.get(pk, pk) for pk in shortlist["finalists"])]
        if shortlist["tied"]:
            details.append(
                _("Tied at the cut: %(entries)s")
                % {"entries": ", ".join(numbers.get(pk, pk) for pk in shortlist["tied"])}
            )
        if shortlist["finalists"] != sorted(shortlist["proposal"], key=int):
            details.append(_("Changed from the proposal."))
        decisions.append(
            [
                category["name"],
                "\n".join([what, *details]),
                shortlist["by_name"],
                local_moment(shortlist["at"]),
                shortlist["justification"] or "—",
            ]
        )


def _preselection(workbook: Workbook, preselection, title: str) -> None:
    """The pre-selection's ranking per category: who went to the final, who did not."""
    sheet = ProtocolSheet(
        workbook,
        title,
        [
            _("Category"),
            _("Rank"),
            _("Number"),
            _("Title"),
            _("Institution"),
            _("Aggregate"),
            _("90-percent rank interval"),
            _("Final"),
        ],
        [24, 9, 14, 42, 34, 9, 14, 24],
    )
    for category in preselection["categories"]:
        tied = set((category["shortlist"] or {}).get("tied", []))
        for row in category["ranking"]:
            low, high = row["rank_interval"]
            outcome = _("finalist") if row["finalist"] else _("not qualified for the final")
            if row["entry"] in tied:
                outcome = f"{outcome} ({_('tied at the cut')})"
            sheet.append(
                [
                    category["name"],
                    row["rank"],
                    row["number"],
                    row["title"],
                    row["institution"],
                    row["aggregate"],
                    f"{low}–{high}" if low is not None else "",
                    outcome,
                ]
            )


def _answers(workbook: Workbook, content: ProtocolContent, title: str) -> None:
    """The entry form's answers the organiser marked for the jury, a row per question."""
    sheet = ProtocolSheet(
        workbook, title, [_("Number"), _("Title"), _("Question"), _("Answer")], [15, 42, 42, 70]
    )
    for entry_id, answers in content.answers.items():
        entry = content.entries[entry_id]
        for question, answer in answers:
            sheet.append([entry.number, entry.title, question, answer])


def _cover(workbook: Workbook, content: ProtocolContent) -> None:
    cover = ProtocolSheet(workbook, _("Protocol"), [_("Item"), _("Value")], [40, 100])
    for label, value in [
        (_("Competition"), content.competition),
        (_("Edition"), content.edition),
        (_("Aggregation method"), content.method),
        (_("Frozen at"), content.frozen_at),
        (_("Frozen by"), content.frozen_by),
        (_("Digest (SHA-256)"), content.digest),
        (_("Reason for the correction"), content.reason or "—"),
    ]:
        cover.append([label, value])
    for category in content.categories:
        exclusions = "\n".join(f"{j.name} — {x}" for j, x in category.exclusions)
        cover.append([_("Jury: %(name)s") % {"name": category.name}, _names(category.jury)])
        cover.append([_("Chair"), ", ".join(category.chairs) or "—"])
        cover.append([_("Appointed, scored no entry"), _names(category.idle) or "—"])
        cover.append([_("Conflicts of interest"), exclusions or "—"])
        cover.append([_("Order of tie-breaks"), "\n".join(category.tie_break_steps)])


def _names(jurors) -> str:
    return ", ".join(j.name for j in jurors)


def _jury(workbook: Workbook, content: ProtocolContent, title: str) -> None:
    sheet = ProtocolSheet(
        workbook,
        title,
        [
            _("Category"),
            _("Full name"),
            _("Function"),
            _("Entries scored"),
            _("Excluded from (conflicts of interest)"),
        ],
        [24, 30, 24, 16, 90],
    )
    for category in content.categories:
        for juror in (*category.jury, *category.idle):
            excluded = "\n".join(str(x) for x in juror.exclusions) or "—"
            sheet.append([category.name, juror.name, juror.function, juror.scored, excluded])


def _signatures(workbook: Workbook, content: ProtocolContent, title: str) -> None:
    sheet = ProtocolSheet(
        workbook,
        title,
        [_("Full name"), _("Function"), _("Signature"), "", _("Date")],
        [32, 26, 40, 3, 20],  # a narrow gap keeps the two lines apart
    )
    for person in content.signatories:
        sheet.rows += 1
        # Room to sign by hand, with a line under the signature and the date.
        sheet.sheet.row_dimensions[sheet.rows].height = SIGNATURE_ROOM
        cells = text_row(sheet.sheet, [person.name, person.function])
        for cell in cells:
            cell.alignment = BOTTOM
        for column in ("signature", "gap", "date"):
            line = WriteOnlyCell(sheet.sheet, value=None)
            if column != "gap":
                line.border = SIGNATURE_LINE
            cells.append(line)
        sheet.sheet.append(cells)
