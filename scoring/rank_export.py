"""Text table, JSON and XLSX renderings of `scoring.aggregation.rank` results.

All three are made from the `to_json` payload, so the table, the JSON and the
workbook cannot disagree about a number. The workbook stores numbers as
numbers, not rounded (only the cell format rounds what Excel shows); openpyxl
writes floats with 16 significant digits, so a value read back may differ
from the JSON float in the last binary digit (relative 1e-16), far below
anything Excel displays.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from competition.workbooks import text_row
from scoring.aggregation import CategoryResult, to_json

ENTRY_HEADERS = (
    "Position",
    "Rank",
    "Entry",
    "Jurors",
    "Aggregate",
    "Award",
    "Award pending",
    "P(award)",
    "Rank low (5%)",
    "Rank high (95%)",
    "Tie-break",
)
JUROR_HEADERS = (
    "Category",
    "Juror",
    "Entries scored",
    "Mean bias",
    "Corr. with others",
    "Flagged",
)
AGREEMENT_HEADERS = (
    "Category",
    "Sheet",
    "Method",
    "Entries",
    "Jurors",
    "Krippendorff alpha (interval)",
    "ICC(2,1)",
    "ICC(2,k)",
    "Unresolved ties",
    "Incomplete sheets",
)
JURORS_SHEET = "Jurors"
AGREEMENT_SHEET = "Agreement"
_SHEET_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")
_SHEET_MAX = 31  # Excel's limit on sheet-name length


def render_json(results: Sequence[CategoryResult], *, method: str) -> str:
    # allow_nan=False: a NaN that slipped through must fail here, not in a
    # consumer's strict JSON parser.
    return json.dumps(to_json(results, method), allow_nan=False, ensure_ascii=False, indent=2)


def render_table(results: Sequence[CategoryResult], *, method: str) -> str:
    payload = to_json(results, method)
    blocks = [_category_table(category, method=method) for category in payload["categories"]]
    return "\n\n".join(blocks) if blocks else f"No scored entries (method {method})."


def _fmt(value: float | None, digits: int) -> str:
    return "-" if value is None else f"{value:.{digits}f}"


def _award_text(entry: dict[str, Any]) -> str:
    if entry.get("award_pending"):
        return "pending (chair)"
    return entry["award"] or ""


def _category_table(category: dict[str, Any], *, method: str) -> str:
    name = category["category"] or "(single category)"
    entries = category["entries"]
    lines = [
        f"Category: {name}  (method {method}, {len(entries)} entries, "
        f"{len(category['jurors'])} jurors)"
    ]
    rows = [
        [
            str(e["position"]),
            str(e["rank"]),
            e["entry"],
            str(e["n_jurors"]),
            f"{e['aggregate']:.3f}",
            _award_text(e),
            _fmt(e["p_award"], 2),
            "-" if e["rank_interval"] is None else "{}-{}".format(*e["rank_interval"]),
            e["tie_break"] or "",
        ]
        for e in entries
    ]
    lines += _aligned(
        [
            "Pos",
            "Rank",
            "Entry",
            "Jurors",
            "Aggregate",
            "Award",
            "P(award)",
            "90% rank",
            "Tie-break",
        ],
        rows,
        right={0, 1, 3, 4, 6},
    )

    icc = category["icc"]
    lines.append("")
    lines.append(
        f"Krippendorff's alpha (interval): {_fmt(category['krippendorff_alpha_interval'], 3)}"
        f"   ICC(2,1): {_fmt(icc and icc['ICC2_1'], 3)}"
        f"   ICC(2,k): {_fmt(icc and icc['ICC2_k'], 3)}"
    )
    juror_rows = [
        [
            j["juror"],
            str(j["entries_scored"]),
            f"{j['mean_bias']:+.3f}",
            _fmt(j["corr_with_others"], 3),
            "FLAGGED" if j["flagged"] else "",
        ]
        for j in category["jurors"]
    ]
    lines += _aligned(
        ["Juror", "Entries", "Mean bias", "Corr. with others", "Flag"],
        juror_rows,
        right={1, 2, 3},
    )
    flagged = [j["juror"] for j in category["jurors"] if j["flagged"]]
    if flagged:
        lines.append(
            "Flagged for the chair (negative correlation or bias beyond 2 SD): "
            + ", ".join(flagged)
        )
    for group in category.get("unresolved_ties", []):
        lines.append("Unresolved tie, only the chair can break it: " + ", ".join(group))
    incomplete = category.get("incomplete_sheets", [])
    if incomplete:
        lines.append(f"Incomplete sheets left out ({len(incomplete)}):")
        lines += [
            f"  entry {s['entry']}, juror {s['juror']}: missing {', '.join(s['missing'])}"
            for s in incomplete
        ]
    unscored = category.get("unscored_entries", [])
    if unscored:
        lines.append("Entries without a complete sheet (not ranked): " + ", ".join(unscored))
    return "\n".join(lines)


def _aligned(headers: list[str], rows: list[list[str]], *, right: set[int]) -> list[str]:
    widths = [max([len(h)] + [len(r[i]) for r in rows]) for i, h in enumerate(headers)]

    def line(cells: list[str]) -> str:
        padded = [
            cell.rjust(widths[i]) if i in right else cell.ljust(widths[i])
            for i, cell in enumerate(cells)
        ]
        return "  ".join(padded).rstrip()

    return [line(headers), line(["-" * w for w in widths]), *(line(r) for r in rows)]


# --- XLSX ------------------------------------------------------------------------


def sheet_names(categories: Sequence[str]) -> list[str]:
    """Valid, unique Excel sheet names for the categories, in order.

    Excel forbids []:*?/\\, limits names to 31 characters and compares them
    case-insensitively; the Jurors and Agreement sheets keep their names.
    """
    taken = {JURORS_SHEET.casefold(), AGREEMENT_SHEET.casefold()}
    names = []
    for category in categories:
        base = _SHEET_FORBIDDEN.sub("_", category).strip("' ") or "Results"
        candidate, n = base[:_SHEET_MAX], 1
        while candidate.casefold() in taken:
            n += 1
            suffix = f" ({n})"
            candidate = base[: _SHEET_MAX - len(suffix)] + suffix
        taken.add(candidate.casefold())
        names.append(candidate)
    return names


def write_xlsx(results: Sequence[CategoryResult], *, method: str, path: str | Path) -> None:
    """One sheet per category, then Jurors and Agreement sheets."""
    from openpyxl import Workbook

    payload = to_json(results, method)
    categories = payload["categories"]
    book = Workbook()
    book.remove(book.active)
    names = sheet_names([c["category"] for c in categories])
    for category, sheet_name in zip(categories, names, strict=True):
        rows = [
            [
                e["position"],
                e["rank"],
                e["entry"],
                e["n_jurors"],
                e["aggregate"],
                e["award"],
                "yes" if e.get("award_pending") else None,
                e["p_award"],
                None if e["rank_interval"] is None else e["rank_interval"][0],
                None if e["rank_interval"] is None else e["rank_interval"][1],
                e["tie_break"],
            ]
            for e in category["entries"]
        ]
        _add_sheet(book, sheet_name, ENTRY_HEADERS, rows, formats={4: "0.000", 7: "0.00"})
    juror_rows = [
        [
            c["category"],
            j["juror"],
            j["entries_scored"],
            j["mean_bias"],
            j["corr_with_others"],
            "yes" if j["flagged"] else "no",
        ]
        for c in categories
        for j in c["jurors"]
    ]
    _add_sheet(book, JURORS_SHEET, JUROR_HEADERS, juror_rows, formats={3: "0.000", 4: "0.000"})
    agreement_rows = [
        [
            c["category"],
            sheet_name,
            method,
            len(c["entries"]),
            len(c["jurors"]),
            c["krippendorff_alpha_interval"],
            None if c["icc"] is None else c["icc"]["ICC2_1"],
            None if c["icc"] is None else c["icc"]["ICC2_k"],
            "; ".join(", ".join(g) for g in c.get("unresolved_ties", [])) or None,
            len(c.get("incomplete_sheets", [])),
        ]
        for c, sheet_name in zip(categories, names, strict=True)
    ]
    _add_sheet(
        book,
        AGREEMENT_SHEET,
        AGREEMENT_HEADERS,
        agreement_rows,
        formats={5: "0.000", 6: "0.000", 7: "0.000"},
    )
    book.save(path)


def _add_sheet(
    book: Any,
    title: str,
    headers: Sequence[str],
    rows: list[list[Any]],
    *,
    formats: dict[int, str],
) -> None:
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    sheet = book.create_sheet(title)
    sheet.append(text_row(sheet, headers))
    bold = Font(bold=True)
    for cell in sheet[1]:
        cell.font = bold
    for row in rows:
        sheet.append(text_row(sheet, row))
    sheet.freeze_panes = "A2"
    for index, header in enumerate(headers):
        width = max([len(header), *(_width(row[index]) for row in rows)])
        sheet.column_dimensions[get_column_letter(index + 1)].width = min(width + 2, 60)
        fmt = formats.get(index)
        if fmt:
            for (cell,) in sheet.iter_rows(min_row=2, min_col=index + 1, max_col=index + 1):
                cell.number_format = fmt


def _width(value: Any) -> int:
    # Width as the number format shows it, not the 17 digits of the float.
    if value is None:
        return 0
    if isinstance(value, float):
        return len(f"{value:.3f}")
    return len(str(value))
