"""Open data of laureates: every published award as CSV, JSON and XLSX, and a DCAT-AP catalogue.

The rows come from the award table, which the freeze writes from each frozen snapshot (the
record) and which holds the published results of editions judged on paper before the site;
only editions whose results are published are listed (`competition.queries.published_awards`).
Column names are stable ASCII keys a program can rely on; the XLSX file adds a header row in
the reader's language. Published under CC BY 4.0.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl import Workbook

from competition.models import Award, AwardKind, Edition
from competition.queries import published_awards
from competition.workbooks import text_row
from scoring.results.snapshot import AwardCode

from .models import LaureatePage

LICENCE_NAME = "CC BY 4.0"
LICENCE_URL = "https://creativecommons.org/licenses/by/4.0/"
FORMATS = {
    "csv": "text/csv; charset=utf-8",
    "json": "application/json",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


@dataclass(frozen=True)
class Column:
    key: str  # stable, ASCII: the CSV header and the JSON key
    label: Any  # lazy translation: the XLSX header


COLUMNS = (
    Column("competition", gettext_lazy("competition")),
    Column("edition", gettext_lazy("edition")),
    Column("year", gettext_lazy("year")),
    Column("category", gettext_lazy("category")),
    Column("award", gettext_lazy("award")),
    Column("place", gettext_lazy("place")),
    Column("institution", gettext_lazy("institution")),
    Column("terc", gettext_lazy("TERC code")),
    Column("institution_kind", gettext_lazy("kind of institution")),
    Column("voivodeship", gettext_lazy("voivodeship")),
    Column("project_title", gettext_lazy("project title")),
    Column("laureate_page", gettext_lazy("laureate page")),
    Column("prize_pln", gettext_lazy("prize (PLN)")),
)


def _award_code(award: Award) -> AwardCode:
    if award.kind == AwardKind.DISTINCTION:
        return AwardCode(is_distinction=True, place=None)
    return AwardCode.for_place(award.place)


def published(edition: Edition | None = None):
    """The awards open data lists: of published editions, or of one (a queryset)."""
    awards = published_awards()
    return awards if edition is None else awards.filter(category__edition=edition)


def filtered(awards, filters: dict[str, str]):
    """The archive's and the API's filters (year, category name, kind, województwo code)."""
    if filters.get("year"):
        awards = awards.filter(category__edition__year=int(filters["year"]))
    if filters.get("category"):
        awards = awards.filter(category__name=filters["category"])
    if filters.get("kind"):
        awards = awards.filter(institution__kind=filters["kind"])
    if filters.get("voivodeship"):
        awards = awards.filter(institution__voivodeship=filters["voivodeship"])
    return awards


def laureate_rows(
    awards: Iterable[Award], *, absolute: Callable[[str], str]
) -> list[dict[str, Any]]:
    """The rows of the files and of the API for `awards`, plus one query for laureate pages.

    `absolute` turns a page's path into a full URL (the request's host).
    """
    awards = list(awards)
    pages = {
        (page.category_id, page.institution_id): page
        for page in LaureatePage.objects.live()
        .public()
        .filter(locale__language_code="pl", category__in={a.category_id for a in awards})
    }
    rows = []
    for award in awards:
        category = award.category
        prizes = {prize.place: prize.amount for prize in category.prizes.all()}
        page = pages.get((award.category_id, award.institution_id))
        prize: Decimal | None = prizes.get(award.place) if award.place else None
        rows.append(
            {
                "competition": category.edition.competition.name,
                "edition": category.edition.roman_number,
                "year": category.edition.year,
                "category": category.name,
                "award": _award_code(award).label,
                "place": award.place,
                "institution": award.institution.name,
                "terc": award.institution.terc or None,
                "institution_kind": award.institution.get_kind_display(),
                "voivodeship": award.institution.voivodeship_name or None,
                "project_title": award.project_title or None,
                "laureate_page": absolute(page.url) if page and page.url else None,
                "prize_pln": str(prize) if prize is not None else None,
            }
        )
    return rows


def as_csv(rows: Iterable[dict[str, Any]]) -> bytes:
    # UTF-8 with a byte order mark: Excel then opens Polish letters correctly, other readers
    # skip the mark.
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=[c.key for c in COLUMNS], lineterminator="\r\n")
    writer.writeheader()
    for row in rows:
        writer.writerow({key: "" if value is None else value for key, value in row.items()})
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def as_json(rows: list[dict[str, Any]], *, title: str, source: str) -> bytes:
    document = {
        "title": title,
        "source": source,
        "license": {"name": LICENCE_NAME, "url": LICENCE_URL},
        "columns": [{"key": c.key, "label": str(c.label)} for c in COLUMNS],
        "count": len(rows),
        "laureates": rows,
    }
    return json.dumps(document, ensure_ascii=False, indent=1).encode("utf-8")


def as_xlsx(rows: Iterable[dict[str, Any]], *, title: str) -> bytes:
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(_("Laureates")[:31])
    sheet.freeze_panes = "A2"
    sheet.append(text_row(sheet, [str(c.label) for c in COLUMNS]))
    for row in rows:
        sheet.append(text_row(sheet, [row[c.key] for c in COLUMNS]))
    about = workbook.create_sheet(_("About the data")[:31])
    about.append(text_row(about, [title]))
    about.append(text_row(about, [_("Licence"), f"{LICENCE_NAME} ({LICENCE_URL})"]))
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def data_links(absolute: Callable[[str], str], edition: Edition | None = None) -> dict[str, str]:
    """The download address of each format, for all published editions or for one."""
    if edition is None:
        return {fmt: absolute(reverse("laureates_data", args=[fmt])) for fmt in FORMATS}
    args = [edition.competition.slug, edition.year, edition.number]
    return {fmt: absolute(reverse("edition_laureates_data", args=[*args, fmt])) for fmt in FORMATS}


def datasets(absolute: Callable[[str], str], landing: str) -> list[tuple[str, str, dict[str, str]]]:
    """(title, landing page, {format: URL}): all published editions, then each one."""
    found = [(_("Laureates of all published editions"), landing, data_links(absolute))]
    for edition in (
        Edition.objects.filter(published_at__isnull=False)
        .select_related("competition")
        .order_by("-year", "competition__name")
    ):
        found.append(
            (
                _("Laureates of %(edition)s") % {"edition": edition},
                landing,
                data_links(absolute, edition),
            )
        )
    return found


def catalogue(
    *, site_name: str, home: str, datasets: list[tuple[str, str, dict[str, str]]]
) -> dict[str, Any]:
    """A DCAT-AP catalogue (JSON-LD) of the laureate files, for national open data portals.

    `datasets` are (title, landing page URL, {format: download URL}).
    """
    return {
        "@context": {
            "dcat": "http://www.w3.org/ns/dcat#",
            "dct": "http://purl.org/dc/terms/",
            "foaf": "http://xmlns.com/foaf/0.1/",
        },
        "@type": "dcat:Catalog",
        "dct:title": site_name,
        "foaf:homepage": home,
        "dct:license": LICENCE_URL,
        "dcat:dataset": [
            {
                "@type": "dcat:Dataset",
                "dct:title": title,
                "dct:language": "pl",
                "dct:license": LICENCE_URL,
                "dcat:landingPage": landing,
                "dcat:keyword": ["cyfryzacja", "samorząd", "konkurs", "laureaci"],
                "dcat:distribution": [
                    {
                        "@type": "dcat:Distribution",
                        "dct:format": fmt.upper(),
                        "dcat:mediaType": FORMATS[fmt].split(";")[0],
                        "dcat:downloadURL": url,
                        "dct:license": LICENCE_URL,
                    }
                    for fmt, url in links.items()
                ],
            }
            for title, landing, links in datasets
        ],
    }


@dataclass(frozen=True)
class RegionTable:
    """Laureates counted by województwo (rows) and kind of institution (columns)."""

    kinds: list[str]  # column labels, only kinds with a laureate
    rows: list[tuple[str, list[int]]]  # (województwo, counts in the order of `kinds`)

    @property
    def totals(self) -> list[int]:
        return [sum(counts[i] for _region, counts in self.rows) for i in range(len(self.kinds))]


def by_region_and_kind(awards: Iterable[Award]) -> RegionTable:
    """The archive's summary of the awards it lists; institutions without a TERC code (a
    university, a museum) have a row of their own."""
    counts: dict[str, dict[str, int]] = {}
    kinds: dict[str, str] = {}
    for award in awards:
        institution = award.institution
        region = institution.voivodeship_name or _("no TERC code")
        kinds.setdefault(institution.kind, institution.get_kind_display())
        row = counts.setdefault(region, {})
        row[institution.kind] = row.get(institution.kind, 0) + 1
    order = sorted(kinds)
    rows = sorted(
        ((region, [row.get(kind, 0) for kind in order]) for region, row in counts.items()),
        key=lambda item: (-sum(item[1]), item[0]),
    )
    return RegionTable(kinds=[kinds[k] for k in order], rows=rows)
