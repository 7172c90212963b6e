"""The jury's protocol workbook, written from a frozen snapshot in openpyxl's write-only mode."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import IO

from django.conf import settings
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from competition.workbooks import text_cell, text_row

from .models import ProtocolExport, ResultSnapshot
from .queries import juror_label
from .results import jurors_who_scored

BOLD = Font(bold=True)


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


def _append(sheet, values: list) -> None:
    # Names, titles and justifications come from people: text cells, never formulas.
    sheet.append(text_row(sheet, values))


def _juror_label(juror: dict) -> str:
    # Snapshots frozen before dismissals were recorded have no "dismissed" key.
    return juror_label(juror["name"], dismissed=juror.get("dismissed", False))


def _award(value: str | None) -> str:
    if not value:
        return ""
    if value == "distinction":
        return _("distinction")
    return _("place %(number)s") % {"number": value.split("_")[1]}


def _safe_title(name: str, used: set[str]) -> str:
    base = "".join(ch for ch in name if ch not in "[]:*?/\\")[:28] or "?"
    title, n = base, 2
    while title in used:
        title, n = f"{base[:26]} {n}", n + 1
    used.add(title)
    return title


def iter_scores(scores: list[dict | list]) -> Iterator[tuple[int, int, int, int, float]]:
    """The (category, entry, juror, criterion, value) rows of a snapshot's `scores`, lazily.

    Reads the blocks `scoring.results.scores_payload` writes; kept here, not there, so
    the protocol task does not import pandas with `scoring.results`. Snapshots frozen
    before that form hold a list per score; they are immutable, so they are read as such.
    """
    for block in scores:
        if isinstance(block, list):
            category, entry, juror, criterion, value = block
            yield category, entry, juror, criterion, value
            continue
        category, criteria = block["category"], block["criteria"]
        for line in block["sheets"].splitlines():
            entry, juror, *values = line.split(" ")
            for criterion, value in zip(criteria, values, strict=True):
                if value != "-":  # a criterion not scored on this sheet
                    yield category, int(entry), int(juror), criterion, float(value)


def write_protocol(
    snapshot: ResultSnapshot,
    target: IO[bytes] | str,
    progress: Callable[[int], None] = lambda p: None,
) -> None:
    payload = snapshot.payload
    workbook = Workbook(write_only=True)
    categories = payload["categories"]
    steps = len(categories) + 3
    done = 0

    def tick() -> None:
        nonlocal done
        done += 1
        progress(int(100 * done / steps))

    cover = _sheet(workbook, _("Protocol"), [_("Item"), _("Value")], [34, 90])
    for label, value in [
        (_("Competition"), payload["competition"]),
        (_("Edition"), f"{payload['edition']['label']} ({payload['edition']['year']})"),
        (_("Aggregation method"), payload["method"]),
        (_("Frozen at"), timezone.localtime(snapshot.created_at).replace(tzinfo=None)),
        (_("Digest (SHA-256)"), snapshot.digest),
        (_("Reason for the correction"), snapshot.reason),
    ]:
        _append(cover, [label, value])
    for category in categories:
        jury = jurors_who_scored(category)
        # The chair leads the jury's decisions whether or not conflicts left them entries to score.
        chair = ", ".join(j["name"] for j in category["jury"] if j["chair"])
        members = ", ".join(_juror_label(j) for j in jury)
        idle = ", ".join(_juror_label(j) for j in category["jury"] if j not in jury)
        recusals = "; ".join(
            f"{r['juror']} ✕ {r['entry']} ({r['reason']})" for r in category["recusals"]
        )
        _append(cover, [_("Jury: %(name)s") % {"name": category["name"]}, members])
        _append(cover, [_("Chair"), chair])
        _append(cover, [_("Appointed, scored no entry"), idle or "—"])
        _append(cover, [_("Recusals"), recusals or "—"])
    tick()

    used: set[str] = {_("Protocol")}
    jury_names = {j["id"]: _juror_label(j) for c in categories for j in c["jury"]}
    for category in categories:
        juror_ids = [j["id"] for j in jurors_who_scored(category)]
        headers = [
            _("Position"),
            _("Rank"),
            _("Number"),
            _("Title"),
            _("Institution"),
            _("Aggregate"),
            *[jury_names[j] for j in juror_ids],
            _("P(award place)"),
            _("90-percent rank interval"),
            _("Tie broken by"),
            _("Award"),
        ]
        widths = [9, 7, 15, 50, 40, 11, *[12] * len(juror_ids), 14, 16, 18, 14]
        sheet = _sheet(workbook, _safe_title(category["name"], used), headers, widths)
        for row in category["ranking"]:
            low, high = row["rank_interval"]
            _append(
                sheet,
                [
                    row["position"],
                    row["rank"],
                    row["number"],
                    row["title"],
                    row["institution"],
                    row["aggregate"],
                    *[row["juror_totals"].get(str(j)) for j in juror_ids],
                    row["p_award"],
                    f"{low}–{high}" if low is not None else "",
                    row["tie_break"] or "",
                    _award(row["award"]),
                ],
            )
        tick()

    criteria = {c["id"]: c["name"] for c in payload["criteria"]}
    entries = {int(r["entry"]): (r["number"], r["title"]) for c in categories for r in c["ranking"]}
    names = {c["id"]: c["name"] for c in categories}
    matrix = _sheet(
        workbook,
        _safe_title(_("Scores"), used),
        [_("Category"), _("Number"), _("Title"), _("Juror"), _("Criterion"), _("Score")],
        [24, 15, 50, 24, 30, 9],
    )
    # Lazily, a row at a time: the compact scores text is never expanded into a list.
    for category_id, entry_id, juror_id, criterion_id, value in iter_scores(payload["scores"]):
        number, title = entries.get(entry_id, ("", ""))
        _append(
            matrix,
            [
                names.get(category_id, ""),
                number,
                title,
                jury_names.get(juror_id, juror_id),
                criteria.get(criterion_id, ""),
                value,
            ],
        )
    tick()

    decisions = _sheet(
        workbook,
        _safe_title(_("Decisions"), used),
        [_("Category"), _("Decision"), _("By"), _("At"), _("Justification")],
        [24, 30, 18, 22, 80],
    )
    for category in categories:
        tie = category["decisions"]["tie"]
        if tie:
            _append(
                decisions,
                [
                    category["name"],
                    _("Tie broken: %(order)s") % {"order": ", ".join(tie["order"])},
                    tie["by"],
                    _local_time(tie["at"]),
                    tie["justification"],
                ],
            )
        awards = category["decisions"]["awards"]
        if awards:
            label = (
                _("Awards changed from the proposal")
                if awards["changed"]
                else _("Awards confirmed as proposed")
            )
            _append(
                decisions,
                [
                    category["name"],
                    label,
                    awards["by"],
                    _local_time(awards["at"]),
                    awards["justification"],
                ],
            )
    tick()
    workbook.save(target)


def _local_time(moment: str) -> dt.datetime:
    """A decision's time as the jury's clock showed it; Excel cells cannot hold a time zone."""
    return timezone.localtime(dt.datetime.fromisoformat(moment)).replace(tzinfo=None)


def protocol_path(export: ProtocolExport) -> Path:
    return Path(settings.PRIVATE_MEDIA_ROOT) / "protocols" / f"protocol-{export.pk}.xlsx"


def open_file(export: ProtocolExport):
    return protocol_path(export).open("rb")


def download_name(snapshot: ResultSnapshot) -> str:
    edition = snapshot.payload["edition"]
    return f"protokol-{slugify(snapshot.payload['competition'])}-{edition['year']}-{snapshot.digest[:8]}.xlsx"


def build(export: ProtocolExport) -> ProtocolExport:
    """Write the workbook for `export`, recording progress so the page can show it."""
    path = protocol_path(export)
    path.parent.mkdir(parents=True, exist_ok=True)
    ProtocolExport.objects.filter(pk=export.pk).update(status=ProtocolExport.Status.RUNNING)

    def progress(percent: int) -> None:
        ProtocolExport.objects.filter(pk=export.pk).update(progress=percent)

    try:
        write_protocol(export.snapshot, str(path), progress)
    except Exception as error:  # recorded for the organiser, then re-raised for the task log
        ProtocolExport.objects.filter(pk=export.pk).update(
            status=ProtocolExport.Status.FAILED, error=str(error)
        )
        raise
    ProtocolExport.objects.filter(pk=export.pk).update(
        status=ProtocolExport.Status.DONE, progress=100, file_name=path.name
    )
    export.refresh_from_db()
    return export
