"""The chair's tables in a browser: sorting by keyboard, a header that stays in view, no sideways
scrolling at 1280 px, axe-core in both languages, and the results at 360, 768 and 1280 px."""

from __future__ import annotations

import pytest
import time_machine

from scoring import services
from tests.browser.conftest import check_axe, login, shot
from tests.browser.test_jury import DAY, PASSWORD, category_in, person

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]
ENTRIES = 24


@pytest.fixture
def scored(live_server):
    """24 entries scored by two jurors and the chair: a ranking longer than a screen."""
    category, criteria, entries = category_in("deliberation", n_entries=ENTRIES)
    jurors = [person("juror1"), person("juror2")]
    chair = person("przewodniczaca")
    for juror in jurors:
        services.appoint(category=category, user=juror)
    services.appoint(category=category, user=chair, chair=True)
    with time_machine.travel(category.edition.scoring_opens_at + DAY, tick=False):
        for j, juror in enumerate([*jurors, chair]):
            for i, entry in enumerate(entries):
                # Scores that do not follow the entries' numbers, so sorting moves rows.
                values = (str((i * 7 + j * 3) % 11), str((i * 5 + j + i // 11 * 4) % 11))
                services.save_score_sheet(
                    juror=juror,
                    entry=entry,
                    scores={str(c.pk): v for c, v in zip(criteria, values, strict=True)},
                    justification="Uzasadnienie oceny.",
                    version=0,
                    submit=True,
                )
    return category, chair


def column(page, index: int) -> list[str]:
    """The sort values of one column of the ranking, top to bottom."""
    return page.locator("#ranking tbody tr").evaluate_all(
        f"rows => rows.map(row => row.cells[{index}].dataset.sortValue)"
    )


def aria_sort(page, name: str) -> str | None:
    return (
        page.locator("#ranking thead th")
        .filter(has=page.get_by_role("button", name=name, exact=True))
        .get_attribute("aria-sort")
    )


# How far the ranking's right edge runs past the content box of <main>, in px.
RANKING_OVERFLOW = """() => {
  const main = document.querySelector("main");
  const right = main.getBoundingClientRect().right - parseFloat(getComputedStyle(main).paddingRight);
  return document.querySelector("#ranking").getBoundingClientRect().right - right;
}"""


def no_sideways_scroll(page) -> bool:
    return page.evaluate(
        "document.documentElement.scrollWidth <= document.documentElement.clientWidth"
    )


def test_chair_sorts_the_ranking_with_the_keyboard(new_page, scored):
    category, chair = scored
    page = new_page()
    page.set_viewport_size({"width": 1280, "height": 900})
    login(page, chair.email, PASSWORD)
    page.goto(f"/jury/wyniki/kategoria/{category.pk}/")
    by_position = column(page, 1)
    assert aria_sort(page, "Pozycja") == "ascending"

    page.get_by_role("button", name="Zgłoszenie", exact=True).focus()
    page.keyboard.press("Enter")

    numbers = column(page, 1)
    assert numbers == sorted(by_position) and numbers != by_position
    assert (aria_sort(page, "Zgłoszenie"), aria_sort(page, "Pozycja")) == ("ascending", None)
    assert "Zgłoszenie" in page.locator("#ranking + [aria-live=polite]").inner_text()

    page.keyboard.press("Space")

    assert column(page, 1) == sorted(by_position, reverse=True)
    assert aria_sort(page, "Zgłoszenie") == "descending"

    page.keyboard.press("Tab")  # on to the aggregate's button: a number sorts largest first
    page.keyboard.press("Enter")

    aggregates = [float(value) for value in column(page, 4)]
    assert aggregates == sorted(aggregates, reverse=True)
    assert aria_sort(page, "Wynik") == "descending"


def test_ranking_header_stays_in_view_and_the_page_fits_1280(new_page, scored):
    category, chair = scored
    page = new_page()
    page.set_viewport_size({"width": 1280, "height": 900})
    login(page, chair.email, PASSWORD)
    page.goto(f"/jury/wyniki/kategoria/{category.pk}/")
    header = page.locator("#ranking thead th").first
    table = page.locator("#ranking")

    page.evaluate(
        "window.scrollTo(0, document.querySelector('#ranking').getBoundingClientRect().top"
        " + window.scrollY + 1200)"
    )

    top = header.bounding_box()["y"]
    table_top = table.bounding_box()["y"]
    assert table_top < -100, "the page scrolled past the table's top"
    assert 0 <= top <= 1, f"the header is at {top}px, not stuck to the top"
    assert no_sideways_scroll(page)
    # Nor does the ranking run past the page's column, into the margin.
    assert page.evaluate(RANKING_OVERFLOW) <= 0.5


@pytest.mark.parametrize("prefix", ["", "/en"])
def test_chair_tables_pass_axe_in_both_languages(new_page, scored, prefix):
    category, chair = scored
    page = new_page()
    login(page, chair.email, PASSWORD)

    for path in (
        f"/jury/wyniki/kategoria/{category.pk}/",
        f"/jury/kategoria/{category.pk}/postep/",
    ):
        page.goto(prefix + path)
        check_axe(page, prefix + path)


def test_chair_results_at_three_widths(new_page, scored):
    category, chair = scored
    page = new_page()
    login(page, chair.email, PASSWORD)

    for width in (360, 768, 1280):
        page.set_viewport_size({"width": width, "height": 900})
        page.goto(f"/jury/wyniki/kategoria/{category.pk}/")
        shot(page, f"tables-results-{width}")
        # The page never scrolls sideways: on a phone the ranking scrolls in its own region.
        assert no_sideways_scroll(page), width
    page.goto(f"/jury/kategoria/{category.pk}/postep/")
    shot(page, "tables-matrix-1280")
