"""The demo site tree: competitions, editions, the VI edition's announcement, news, statements."""

from __future__ import annotations

import datetime as dt

from django.contrib.auth import get_user_model
from django.db import transaction
from wagtail.models import Locale, Page

from competition.models import Competition, Edition
from scoring.models import ResultSnapshot

from . import services
from .models import (
    AnnouncementPage,
    ArchivePage,
    NewsIndexPage,
    NewsPage,
    StandardPage,
)

ABOUT = {
    "samorzadowy-lider-cyfryzacji": (
        "<p>Konkurs Samorządu Województwa Mazowieckiego dla jednostek z terenu województwa, "
        "których dokonania w sferze cyfryzacji wyróżniają się na tle innych.</p>"
    ),
    "innowacyjny-samorzad": (
        "<p>Ogólnopolski konkurs Serwisu Samorządowego PAP. Kryteria: nowatorstwo w skali kraju, "
        "rezultaty zastosowanych rozwiązań, potencjał do zainspirowania innych samorządów.</p>"
    ),
}
RULES = (
    "<p>W konkursie mogą wziąć udział jednostki samorządu terytorialnego i inne instytucje "
    "publiczne wskazane w kategorii. Zgłoszenia przyjmowane są wyłącznie przez serwis w terminie "
    "naboru. Komisja konkursowa ocenia zgłoszenia według kryteriów edycji.</p>"
)
NEWS = [
    (
        dt.date(2024, 10, 15),
        "Mazowieccy liderzy cyfryzacji wybrani",
        "Znamy laureatów VI edycji konkursu „Samorządowy Lider Cyfryzacji”.",
        "<p>Do VI edycji konkursu przystąpiło 13 instytucji. Komisja konkursowa wyłoniła laureatów "
        "w trzech kategoriach: „Poza horyzonty”, „Ponad codzienność” i „Wbrew przeszkodom”.</p>",
    ),
    (
        dt.date(2021, 4, 16),
        "Innowacyjny Samorząd 2021: 396 projektów",
        "226 samorządów zgłosiło 396 projektów; przyznano 17 nagród i 48 wyróżnień.",
        "<p>Najważniejszymi kryteriami oceny było nowatorstwo w skali kraju, rezultaty zastosowanych "
        "rozwiązań oraz potencjał do zainspirowania innych jednostek samorządu terytorialnego.</p>",
    ),
    (
        dt.date(2019, 4, 17),
        "Legionowo Samorządowym Liderem Cyfryzacji",
        "Urząd Miasta Legionowo zajął 1. miejsce i otrzymał nagrodę 15 000 zł.",
        "<p>Komisja konkursowa wyłoniła trzech laureatów i przyznała jedno wyróżnienie: I miejsce "
        "Urząd Miasta Legionowo, II Starostwo Powiatowe w Mińsku Mazowieckim, III Starostwo "
        "Powiatowe w Pruszkowie; wyróżnienie otrzymała Stacja Muzeum.</p>",
    ),
]
ACCESSIBILITY = (
    "<p>Organizator konkursów zobowiązuje się zapewnić dostępność tej strony internetowej zgodnie "
    "z ustawą z dnia 4 kwietnia 2019 r. o dostępności cyfrowej stron internetowych i aplikacji "
    "mobilnych podmiotów publicznych.</p>"
    "<h2>Stan dostępności cyfrowej</h2><p>Strona jest zgodna z WCAG 2.1 na poziomie AA. Strony "
    "publiczne są sprawdzane automatycznie narzędziem axe-core.</p>"
    "<h2>Skróty klawiaturowe</h2><p>Pierwszy klawisz Tab pokazuje odnośnik „Przejdź do treści”.</p>"
    "<h2>Informacje zwrotne i dane kontaktowe</h2><p>Problemy z dostępnością prosimy zgłaszać na "
    "adres konkursy@example.org. Na zgłoszenie odpowiadamy nie później niż w ciągu 7 dni.</p>"
    "<h2>Procedura wnioskowo-skargowa</h2><p>Jeśli odpowiedź nie jest satysfakcjonująca, można "
    "złożyć skargę do Rzecznika Praw Obywatelskich.</p>"
)


def _child(parent: Page, model, slug: str, **fields):
    page = model.objects.child_of(parent).filter(slug=slug).first()
    if page is None:
        page = model(slug=slug, **fields)
        parent.add_child(instance=page)
        page.save_revision().publish()
    return page


@transaction.atomic
def build_site() -> None:
    home = services.ensure_home_page(
        title="Konkursy cyfryzacji samorządów",
        intro="<p>Zgłoszenia, ocena jury i ogłoszenia wyników konkursów dla samorządów.</p>",
    )
    for competition in Competition.objects.order_by("name"):
        page = services.ensure_competition_page(
            competition=competition, home=home, about=ABOUT.get(competition.slug, "")
        )
        if not page.rules:
            page.rules = RULES
            page.save_revision().publish()
        for edition in competition.editions.order_by("year"):
            services.ensure_edition_page(
                edition=edition, parent=page, show_jury=bool(edition.frozen_at)
            )
    snapshot = ResultSnapshot.objects.filter(
        edition__competition__slug="samorzadowy-lider-cyfryzacji",
        edition__number=6,
        superseded_by__isnull=True,
    ).first()
    if snapshot and not AnnouncementPage.objects.filter(snapshot=snapshot).exists():
        announcement = services.create_announcement(
            snapshot=snapshot,
            by=get_user_model().objects.get(username="organizator"),
            publish=True,
        )
        # Published on the edition's results day, as it happened, not when the demo was loaded.
        published = snapshot.edition.results_date
        Edition.objects.filter(pk=snapshot.edition_id).update(published_at=published)
        Page.objects.filter(path__startswith=announcement.path).update(
            first_published_at=published, last_published_at=published
        )
    news_index = _child(home, NewsIndexPage, "aktualnosci", title="Aktualności")
    for date, title, intro, body in NEWS:
        slug = title.lower().replace(" ", "-").replace(":", "")[:50]
        _child(news_index, NewsPage, slug, title=title, date=date, intro=intro, body=body)
    _child(home, ArchivePage, "archiwum", title="Archiwum laureatów")
    _child(
        home,
        StandardPage,
        "deklaracja-dostepnosci",
        title="Deklaracja dostępności",
        body=ACCESSIBILITY,
    )
    _translate_tree(home)


def _translate_tree(home: Page) -> None:
    """English aliases of every page: the interface is translated, the content follows Polish."""
    english, _created = Locale.objects.get_or_create(language_code="en")
    for page in home.get_descendants(inclusive=True).live().order_by("path"):
        if page.get_translation_or_none(english) is None:
            page.copy_for_translation(english, copy_parents=True, alias=True)
