"""The chair's and organiser's tables: what the server renders for the sorting script
(static/js/sortable-table.js) and for a reader without it."""

from __future__ import annotations

from html.parser import HTMLParser

import pytest
from django.urls import reverse
from django.utils import translation

from scoring import services
from tests.scoring.test_results import score_all

pytestmark = pytest.mark.django_db


@pytest.fixture
def scored(juror, chair, entries, criteria):
    # Totals (weights 2 and 1), juror and chair: 22 and 25, 15 and 16, 8 and 9.
    score_all(
        [juror, chair], entries, criteria, [[(8, 6), (5, 5), (3, 2)], [(9, 7), (6, 4), (3, 3)]]
    )
    return entries


class TableCells(HTMLParser):
    """The header and body cells of the table with `table_id`, with their attributes and text."""

    def __init__(self, table_id: str) -> None:
        super().__init__()
        self.table_id = table_id
        self.depth = 0  # tables open inside the wanted one, 1 = the wanted table itself
        self.table: dict[str, str | None] = {}
        self.section = ""
        self.headers: list[dict] = []
        self.rows: list[list[dict]] = []
        self.cell: dict | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        if tag == "table" and (self.depth or found.get("id") == self.table_id):
            self.depth += 1
            if self.depth == 1:
                self.table = found
            return
        if not self.depth:
            return
        if tag in ("thead", "tbody"):
            self.section = tag
        elif tag == "tr" and self.section == "tbody":
            self.rows.append([])
        elif tag in ("th", "td"):
            self.cell = {**found, "text": ""}
            if self.section == "thead":
                self.headers.append(self.cell)
            else:
                self.rows[-1].append(self.cell)

    def handle_endtag(self, tag: str) -> None:
        if tag == "table" and self.depth:
            self.depth -= 1
        elif tag in ("th", "td"):
            self.cell = None

    def handle_data(self, data: str) -> None:
        if self.cell is not None:
            self.cell["text"] += data


def cells_of(body: str, table_id: str) -> TableCells:
    parser = TableCells(table_id)
    parser.feed(body)
    return parser


def test_ranking_marks_its_sortable_columns_and_the_order_it_shows(client, scored, category, chair):
    client.force_login(chair)

    body = client.get(reverse("scoring:results", args=[category.pk])).content.decode()

    ranking = cells_of(body, "ranking")
    assert "data-sortable" in ranking.table
    sortable = [h for h in ranking.headers if "data-sort-type" in h]
    # Position, entry, aggregate, P(award), the rank interval and the other methods' four ranks.
    assert [h["data-sort-type"] for h in sortable] == ["number", "text"] + ["number"] * 7
    assert [h.get("aria-sort") for h in sortable] == ["ascending"] + [None] * 8
    assert '<script src="/static/js/sortable-table.js" defer></script>' in body


def test_ranking_cells_carry_raw_values_to_sort_and_show_polish_numbers(
    client,
    scored,
    category,
    chair,
):
    client.force_login(chair)

    body = client.get(reverse("scoring:results", args=[category.pk])).content.decode()

    rows = cells_of(body, "ranking").rows
    assert len(rows) == 3
    assert all(len([c for c in row if "data-sort-value" in c]) == 9 for row in rows)
    position, entry, _proposed, _confirmed, aggregate = rows[0][:5]
    assert (position["data-sort-value"], position["text"].strip()) == ("1", "1")
    assert entry["data-sort-value"] == scored[0].number
    # (2·8+6 + 2·9+7) / 2: a dot to sort by, a comma to read.
    assert (aggregate["data-sort-value"], aggregate["text"]) == ("23.5", "23,500")
    assert "num" in aggregate["class"]


def test_ranking_numbers_read_in_english_on_the_english_page(
    client,
    scored,
    category,
    chair,
):
    client.force_login(chair)

    # The request leaves English active in this thread; the override puts back what was before,
    # or the next test's factories would name their prizes in English.
    with translation.override(translation.get_language()):
        response = client.get("/en" + reverse("scoring:results", args=[category.pk]))
    body = response.content.decode()

    aggregate = cells_of(body, "ranking").rows[0][4]
    assert (aggregate["data-sort-value"], aggregate["text"]) == ("23.5", "23.500")


def test_ranking_shows_the_proposed_award_as_a_tag(client, scored, category, chair):
    client.force_login(chair)

    body = client.get(reverse("scoring:results", args=[category.pk])).content.decode()

    proposed = cells_of(body, "ranking").rows[0][2]
    assert proposed["text"].strip() == "I miejsce"
    assert '<span class="tag tag-info">I miejsce</span>' in body


def test_results_tables_scroll_in_labelled_focusable_regions(client, scored, category, chair):
    client.force_login(chair)

    body = client.get(reverse("scoring:results", args=[category.pk])).content.decode()

    assert (
        '<section class="table-region fits" aria-labelledby="ranking-caption" tabindex="0">'
    ) in body
    for labelled_by in ("confirm-caption", "totals-caption", "jurors-caption"):
        assert f'aria-labelledby="{labelled_by}" tabindex="0"' in body
        assert f'id="{labelled_by}"' in body


def test_matrix_scrolls_both_ways_in_a_labelled_region_with_status_tags(
    client,
    scored,
    category,
    chair,
):
    client.force_login(chair)

    body = client.get(reverse("scoring:matrix", args=[category.pk])).content.decode()

    assert '<section class="table-region both-ways" aria-labelledby="matrix-caption"' in body
    assert '<caption id="matrix-caption">' in body
    assert body.count('<td class="status-submitted"><span class="tag tag-success">') == 6


def test_edition_results_sorts_categories_by_progress(client, scored, category, organiser):
    client.force_login(organiser)

    body = client.get(reverse("scoring:edition_results", args=[category.edition.pk])).content
    body = body.decode()

    assert '<table class="table sticky" data-sortable' in body
    # Two jurors' three sheets each of the six expected: done, so 1000 per mille.
    assert '<td data-sort-value="1000">' in body


def test_juror_list_marks_the_column_it_is_sorted_by(client, juror, entries, during_scoring):
    services.declare_recusal(juror=juror, entry=entries[1], reason="konflikt")
    client.force_login(juror)
    url = reverse("scoring:category", args=[entries[0].category_id])

    by_number = client.get(url).content.decode()
    by_title = client.get(url, {"sort": "title"}).content.decode()

    assert by_number.count("aria-sort=") == by_title.count("aria-sort=") == 1
    assert '<th scope="col" aria-sort="ascending"><a href="?sort=number' in by_number
    assert '<th scope="col" aria-sort="ascending"><a href="?sort=title' in by_title
    # Each entry's state as a tag: two not started (info), one recused (neutral).
    assert by_number.count('<span class="tag tag-info">') == 2
    assert by_number.count('<span class="tag">') == 1
