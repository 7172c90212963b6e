"""Every button on the project's own admin screens shows its label, drawn inside the button.

A test that finds a button by its accessible name passes while the label is invisible (a huge
icon pushed it out of a teal bar); these measure what is drawn instead.
"""

from __future__ import annotations

import datetime as dt

import pytest
from allauth.account.models import EmailAddress
from django.urls import reverse
from django.utils import timezone

from entries.models import EntryStatus
from scoring import services
from scoring.models import Recusal, RecusalKind
from tests.browser.conftest import admin_login, shot
from tests.conftest import organisers_team
from tests.factories import (
    CategoryFactory,
    EntryFactory,
    InstitutionFactory,
    MembershipFactory,
    UserFactory,
)

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]
PASSWORD = "Haslo-Organizatora-2026!"
DAY = dt.timedelta(days=1)

# What the browser drew for one button: the union of its visible text's boxes, the button's box,
# the topmost element at the text's centre, the colours and the icons' sizes.
MEASURE = """
(button) => {
    button.scrollIntoView({block: 'center', behavior: 'instant'});
    const range = document.createRange();
    const walker = document.createTreeWalker(button, NodeFilter.SHOW_TEXT);
    const boxes = [];
    const words = [];
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
        if (!node.textContent.trim() || node.parentElement.closest('.w-sr-only')) continue;
        words.push(node.textContent.trim());
        range.selectNodeContents(node);
        for (const box of range.getClientRects()) boxes.push(box);
    }
    const own = button.getBoundingClientRect();
    const text = boxes.length ? {
        left: Math.min(...boxes.map((b) => b.left)),
        top: Math.min(...boxes.map((b) => b.top)),
        right: Math.max(...boxes.map((b) => b.right)),
        bottom: Math.max(...boxes.map((b) => b.bottom)),
    } : null;
    let hit = null;
    if (text) {
        const topmost = document.elementFromPoint(
            (text.left + text.right) / 2, (text.top + text.bottom) / 2
        );
        hit = topmost !== null && (topmost === button || button.contains(topmost));
    }
    let background = 'rgba(0, 0, 0, 0)';
    for (let el = button; el; el = el.parentElement) {
        const colour = getComputedStyle(el).backgroundColor;
        if (colour !== 'rgba(0, 0, 0, 0)' && colour !== 'transparent') { background = colour; break; }
    }
    return {
        label: words.join(' '),
        text,
        button: {left: own.left, top: own.top, right: own.right, bottom: own.bottom},
        hit,
        colour: getComputedStyle(button).color,
        background,
        icons: [...button.querySelectorAll('svg')].map((svg) => {
            const box = svg.getBoundingClientRect();
            return [box.width, box.height];
        }),
    };
}
"""


def _rgb(colour: str) -> tuple[float, float, float]:
    parts = colour[colour.index("(") + 1 : colour.index(")")].split(",")
    return tuple(float(part) for part in parts[:3])


def _luminance(colour: str) -> float:
    def channel(value: float) -> float:
        value /= 255
        return value / 12.92 if value <= 0.03928 else ((value + 0.055) / 1.055) ** 2.4

    red, green, blue = (channel(value) for value in _rgb(colour))
    return 0.2126 * red + 0.7152 * green + 0.0722 * blue


def contrast(first: str, second: str) -> float:
    lighter, darker = sorted((_luminance(first), _luminance(second)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


def assert_labels_drawn(page, expected: list[str]) -> None:
    """Each expected label is a button in <main>, and every such button draws it legibly inside."""
    buttons = page.locator("main").locator("button, a.button")
    drawn = [buttons.nth(i).evaluate(MEASURE) for i in range(buttons.count())]
    assert set(expected) <= {item["label"] for item in drawn}, [item["label"] for item in drawn]
    for item in drawn:
        if item["label"] not in expected:
            continue
        text, box = item["text"], item["button"]
        assert text["right"] - text["left"] > 0 and text["bottom"] - text["top"] > 0, item
        assert text["left"] >= box["left"] - 1 and text["right"] <= box["right"] + 1, item
        assert text["top"] >= box["top"] - 1 and text["bottom"] <= box["bottom"] + 1, item
        assert item["hit"] is True, item
        assert item["colour"] != item["background"], item
        assert contrast(item["colour"], item["background"]) >= 4.5, item
        assert all(width <= 24 and height <= 24 for width, height in item["icons"]), item


def admin_shot(page, name: str) -> None:
    """The admin scrolls inside .content-wrapper, so a full-page shot needs a viewport as tall."""
    height = page.evaluate("() => document.querySelector('.content-wrapper').scrollHeight")
    page.set_viewport_size({"width": 1280, "height": max(900, height)})
    shot(page, name)
    page.set_viewport_size({"width": 1280, "height": 900})


@pytest.fixture
def organiser_page(new_page, live_server):
    organiser = UserFactory(username="organizator", password=PASSWORD)
    organiser.groups.add(organisers_team().group)
    page = new_page()
    page.set_viewport_size({"width": 1280, "height": 900})
    admin_login(page, organiser.username, PASSWORD)
    return page


def _formal_check_category():
    now = timezone.now()
    return CategoryFactory(
        name="Ponad codzienność",
        edition__competition__name="Samorządowy Lider Cyfryzacji",
        edition__call_opens_at=now - 40 * DAY,
        edition__submission_deadline=now - DAY,
        edition__formal_check_ends_at=now + 5 * DAY,
        edition__scoring_opens_at=now + 6 * DAY,
        edition__scoring_closes_at=now + 20 * DAY,
        edition__results_date=now + 30 * DAY,
    )


def test_entry_formal_check_buttons_show_their_labels(organiser_page):
    entry = EntryFactory(
        category=_formal_check_category(), status="submitted", number="SLC-2026-001", sequence=1
    )
    page = organiser_page

    page.goto(reverse("entries_admin:inspect", args=[entry.pk]))
    admin_shot(page, "admin-buttons-entry-inspect")

    assert_labels_drawn(page, ["Dopuść", "Odrzuć"])
    page.goto(reverse("entries_admin:mark_eligible", args=[entry.pk]))
    assert_labels_drawn(page, ["Tak, dopuść", "Anuluj"])
    page.goto(reverse("entries_admin:reject", args=[entry.pk]))
    assert_labels_drawn(page, ["Odrzuć zgłoszenie", "Anuluj"])


def test_import_and_export_buttons_show_their_labels(organiser_page):
    category = _formal_check_category()
    EntryFactory(category=category, status=EntryStatus.SUBMITTED, title="Geoportal")
    page = organiser_page

    page.goto(reverse("entry_spreadsheets:index"))
    assert_labels_drawn(page, ["Przygotuj plik .xlsx", "Importuj"])
    page.locator("#id_edition").first.select_option(str(category.edition_id))
    page.get_by_role("button", name="Przygotuj plik .xlsx").click()
    table = page.get_by_role("table", name="Ostatnie eksporty")
    table.wait_for()
    admin_shot(page, "admin-buttons-spreadsheets")

    row = table.get_by_role("row").nth(1)
    assert "zakończono (100%)" in row.inner_text()
    with page.expect_download() as download:
        row.get_by_role("link", name="Pobierz .xlsx").click()
    assert download.value.suggested_filename.endswith(".xlsx")


def test_jury_appointment_buttons_show_their_labels(organiser_page):
    category = _formal_check_category()
    for username in ("juror1", "przewodniczaca"):
        user = UserFactory(username=username, email=f"{username}@example.org")
        services.appoint(category=category, user=user, chair=username == "przewodniczaca")
    UserFactory(username="kandydat", email="kandydat@example.org", first_name="Jan")
    page = organiser_page

    page.goto(reverse("jury_appointments:category", args=[category.pk]) + "?q=kandydat")
    admin_shot(page, "admin-buttons-jury")

    assert_labels_drawn(
        page,
        [
            "Szukaj",
            "Powołaj na jurora",
            "Powołaj na przewodniczącego",
            "Powołaj",
            "Zaproś",
            "Powierz funkcję przewodniczącego",
            "Odwołaj z funkcji przewodniczącego",
            "Odwołaj z jury",
        ],
    )


def test_approval_and_recusal_buttons_show_their_labels(organiser_page):
    institution = InstitutionFactory(is_approved=False)
    applicant = UserFactory(username="wnioskodawca", email="wnioskodawca@example.org")
    EmailAddress.objects.create(user=applicant, email=applicant.email, verified=True)
    MembershipFactory(user=applicant, institution=institution, status="pending")
    entry = EntryFactory(status="eligible", number="SLC-2026-002", sequence=2)
    juror = UserFactory(username="juror1")
    recusal = Recusal.objects.create(
        juror=juror, entry=entry, kind=RecusalKind.DECLARED, reason="Pracowałem w tym urzędzie."
    )
    page = organiser_page

    page.goto(reverse("applicant_approvals:index"))
    admin_shot(page, "admin-buttons-approvals")

    assert_labels_drawn(page, ["Zatwierdź", "Odrzuć"])
    page.goto(reverse("conflicts:lift", args=[recusal.pk]))
    assert_labels_drawn(page, ["Uchyl konflikt", "Anuluj"])
