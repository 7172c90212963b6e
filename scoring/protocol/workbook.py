"""The protocol as a workbook, in openpyxl's write-only mode: a cover, the jury, a sheet per
category, every score, the decisions and the signatures.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import IO

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Border, Font, Side
from openpyxl.utils import get_column_letter

from competition.workbooks import text_cell, text_row

from .content import ProtocolContent, iter_scores

BOLD = Font(bold=True)
WRAP = Alignment(wrap_text=True, vertical="top")
SIGNATURE_LINE = Border(bottom=Side(style="thin"))


def _header(sheet, titles: list[str]) -> list:
    cells = []
    for title in titles:
        cell = text_cell(sheet, title)
        cell.font = BOLD
        cells.append(cell)
    return cells


def _sheet(workbook: Workbook, title: str, headers: list[str], widths: list[int]):
    # Write-only sheets take widths and frozen panes before the first row is written.
    sheet = workbook.create_sheet(title=title[:31])
    for index, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    sheet.freeze_panes = "A2"
    sheet.append(_header(sheet, headers))
    return sheet


def _append(sheet, values: list, *, wrap: bool = False) -> None:
    # Names, titles and justifications come from people: text cells, never formulas.
    cells = text_row(sheet, values)
    if wrap:
        cells = [_wrapped(sheet, c) for c in cells]
    sheet.append(cells)


def _wrapped(sheet, cell):
    if not hasattr(cell, "alignment"):
        cell = WriteOnlyCell(sheet, value=cell)
    cell.alignment = WRAP
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
        headers = [
            _("Position"),
            _("Rank"),
            _("Number"),
            _("Title"),
            _("Institution"),
            _("Aggregate"),
            *[j.name for j in category.jury],
            _("P(award place)"),
            _("90-percent rank interval"),
            _("Tie broken by"),
            _("Award"),
        ]
        widths = [9, 7, 15, 50, 40, 11, *[14] * len(category.jury), 14, 16, 28, 14]
        sheet = _sheet(workbook, _safe_title(category.name, used), headers, widths)
        for row in category.ranking:
            _append(
                sheet,
                [
                    row.position,
                    row.rank,
                    row.entry.number,
                    row.entry.title,
                    row.entry.institution,
                    row.aggregate,
                    *row.juror_totals,
                    row.p_award,
                    row.interval,
                    row.tie_break,
                    row.award,
                ],
            )
        tick()

    matrix = _sheet(
        workbook,
        _safe_title(_("Scores"), used),
        [_("Category"), _("Number"), _("Title"), _("Juror"), _("Criterion"), _("Score")],
        [24, 15, 50, 24, 30, 9],
    )
    # Lazily, a row at a time: the compact scores text is never expanded into a list.
    for category_id, entry_id, juror_id, criterion_id, value in iter_scores(scores):
        entry = content.entries.get(entry_id)
        _append(
            matrix,
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

    decisions = _sheet(
        workbook,
        _safe_title(_("Decisions"), used),
        [_("Category"), _("Decision"), _("Decided by"), _("Date and time"), _("Justification")],
        [24, 70, 24, 22, 70],
    )
    for decision in content.decisions:
        what = "\n".join([decision.what, *decision.details])
        _append(
            decisions,
            [decision.category, what, decision.by, decision.at, decision.justification or "—"],
            wrap=True,
        )
    tick()

    _signatures(workbook, content, _safe_title(_("Signatures"), used))
    tick()
    workbook.save(target)


def _cover(workbook: Workbook, content: ProtocolContent) -> None:
    cover = _sheet(workbook, _("Protocol"), [_("Item"), _("Value")], [40, 100])
    for label, value in [
        (_("Competition"), content.competition),
        (_("Edition"), content.edition),
        (_("Aggregation method"), content.method),
        (_("Frozen at"), content.frozen_at),
        (_("Frozen by"), content.frozen_by),
        (_("Digest (SHA-256)"), content.digest),
        (_("Reason for the correction"), content.reason or "—"),
    ]:
        _append(cover, [label, value])
    for category in content.categories:
        exclusions = "\n".join(f"{j.name} — {x}" for j, x in category.exclusions)
        _append(cover, [_("Jury: %(name)s") % {"name": category.name}, _names(category.jury)])
        _append(cover, [_("Chair"), ", ".join(category.chairs) or "—"])
        _append(cover, [_("Appointed, scored no entry"), _names(category.idle) or "—"])
        _append(cover, [_("Conflicts of interest"), exclusions or "—"], wrap=True)
        _append(cover, [_("Order of tie-breaks"), "\n".join(category.tie_break_steps)], wrap=True)


def _names(jurors) -> str:
    return ", ".join(j.name for j in jurors)


def _jury(workbook: Workbook, content: ProtocolContent, title: str) -> None:
    sheet = _sheet(
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
            _append(
                sheet,
                [category.name, juror.name, juror.function, juror.scored, excluded],
                wrap=True,
            )


def _signatures(workbook: Workbook, content: ProtocolContent, title: str) -> None:
    sheet = _sheet(
        workbook,
        title,
        [_("Full name"), _("Function"), _("Signature"), _("Date")],
        [32, 26, 40, 20],
    )
    for person in content.signatories:
        line = []
        for _column in range(2):
            cell = WriteOnlyCell(sheet, value=None)
            cell.border = SIGNATURE_LINE
            line.append(cell)
        sheet.append([*text_row(sheet, [person.name, person.function]), *line])
