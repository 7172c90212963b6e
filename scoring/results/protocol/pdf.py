"""The protocol as a printable PDF: the same content as the workbook, laid out on A4 by WeasyPrint.

The page needs Pango and the DejaVu fonts from the system (Debian: libpango-1.0-0,
libpangoft2-1.0-0, fonts-dejavu-core); the fonts carry every Polish letter.
"""

from __future__ import annotations

from typing import IO

from django.template.loader import render_to_string
from weasyprint import HTML

from .content import CategoryContent, ProtocolContent

TEMPLATE = "scoring/protocol_pdf.html"
# Juror totals go in a table of their own, this many jurors to a table, so it fits the page.
JURORS_PER_TABLE = 6


def juror_tables(category: CategoryContent) -> list[dict]:
    """The totals per entry and juror, split into tables of at most JURORS_PER_TABLE jurors."""
    tables = []
    for offset in range(0, len(category.jury), JURORS_PER_TABLE):
        jurors = category.jury[offset : offset + JURORS_PER_TABLE]
        tables.append(
            {
                "jurors": jurors,
                "rows": [
                    (row.entry, row.juror_totals[offset : offset + len(jurors)])
                    for row in category.ranking
                ],
            }
        )
    return tables


def render_html(content: ProtocolContent) -> str:
    categories = [{"category": c, "juror_tables": juror_tables(c)} for c in content.categories]
    return render_to_string(TEMPLATE, {"protocol": content, "categories": categories})


def write_pdf(content: ProtocolContent, target: IO[bytes] | str) -> None:
    HTML(string=render_html(content)).write_pdf(target)
