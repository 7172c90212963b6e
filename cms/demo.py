"""The demo site tree: competitions, editions, the VI edition's announcement, news, statements."""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.files.images import ImageFile
from django.db import transaction
from PIL import Image as PillowImage
from PIL import ImageDraw, ImageFont
from wagtail.images.models import Image
from wagtail.models import Locale, Page, Site

from competition.models import Category, Competition, Edition, PartnerLogo
from scoring.models import ResultSnapshot

from . import services
from .models import (
    AnnouncementPage,
    ArchivePage,
    LaureateImage,
    LaureateLink,
    LaureatePage,
    NewsIndexPage,
    NewsPage,
    SiteFooter,
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
    "<h2>Skróty klawiaturowe</h2><p>Pierwsze naciśnięcie klawisza Tab pokazuje odnośnik, który pomija nawigację.</p>"
    "<h2>Informacje zwrotne i dane kontaktowe</h2><p>Problemy z dostępnością prosimy zgłaszać na "
    "adres konkursy@example.org. Na zgłoszenie odpowiadamy nie później niż w ciągu 7 dni.</p>"
    "<h2>Procedura wnioskowo-skargowa</h2><p>Jeśli odpowiedź nie jest satysfakcjonująca, można "
    "złożyć skargę do Rzecznika Praw Obywatelskich.</p>"
)

PRIVACY = (
    "<p>Administratorem danych osobowych użytkowników serwisu jest organizator konkursu, "
    "wskazany w regulaminie danej edycji. Dane przetwarzamy w celu prowadzenia konta, przyjęcia "
    "i oceny zgłoszeń oraz ogłoszenia wyników (art. 6 ust. 1 lit. b i e RODO), a dane laureatów "
    "publikujemy za zgodą (art. 6 ust. 1 lit. a RODO).</p>"
    "<h2>Prawa osób, których dane dotyczą</h2><p>Przysługuje Państwu prawo dostępu do danych, "
    "ich sprostowania, usunięcia, ograniczenia przetwarzania, przenoszenia, sprzeciwu, cofnięcia "
    "zgody oraz wniesienia skargi do Prezesa Urzędu Ochrony Danych Osobowych.</p>"
    "<h2>Kontakt z inspektorem ochrony danych</h2><p>iod@example.org</p>"
)
REGULATIONS = (
    "<p>Serwis służy do przyjmowania zgłoszeń do konkursów, ich oceny przez komisje konkursowe "
    "i publikacji wyników. Konto zakłada pracownik instytucji zgłaszającej projekt, podając "
    "służbowy e-mail.</p><h2>Zasady korzystania</h2><p>Zgłoszenia przyjmowane są "
    "wyłącznie w terminie naboru danej edycji. Szczegółowe zasady każdego konkursu określa jego "
    "regulamin, opublikowany na stronie konkursu.</p>"
)
CONTACT = (
    "<p>Sekretariat konkursów<br>ul. Przykładowa 1, 00-001 Warszawa</p>"
    "<p>E-mail: konkursy@example.org<br>Telefon: +48 22 000 00 00</p>"
    "<p>Sekretariat odpowiada w dni robocze w godzinach 8:00–16:00.</p>"
)
# Each competition's look: an accent colour with at least 4.5:1 on white, a logo, a hero picture
# and a partner, all drawn here so the demo needs no image files nor network.
BRANDING = {
    "samorzadowy-lider-cyfryzacji": ("#b0122b", "SLC", "Mazowsze. Serce Polski"),
    "innowacyjny-samorzad": ("#00695c", "IS", "Serwis Samorządowy PAP"),
}
FONT = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf")


def _font(size: int):
    # DejaVu has every Polish letter; Pillow's own default face stands in where it is missing.
    return ImageFont.truetype(str(FONT), size) if FONT.exists() else ImageFont.load_default(size)


def _png(drawing: PillowImage.Image, title: str) -> Image:
    buffer = io.BytesIO()
    drawing.save(buffer, format="PNG")
    buffer.seek(0)
    image = Image(title=title)
    image.file = ImageFile(buffer, name=f"{title.lower().replace(' ', '-')}.png")
    image.save()
    return image


def _logo(colour: str, initials: str, title: str) -> Image:
    drawing = PillowImage.new("RGBA", (192, 192), (0, 0, 0, 0))
    draw = ImageDraw.Draw(drawing)
    draw.rounded_rectangle((0, 0, 191, 191), radius=36, fill=colour)
    draw.rectangle((24, 140, 168, 152), fill="#ffffff")
    draw.text(
        (96, 80), initials, font=_font(76 if len(initials) > 2 else 96), anchor="mm", fill="#ffffff"
    )
    return _png(drawing, title)


def _hero(colour: str, title: str) -> Image:
    drawing = PillowImage.new("RGB", (1600, 500), "#f2f5f8")
    draw = ImageDraw.Draw(drawing)
    for index in range(14):
        x = 620 + index * 70
        draw.rounded_rectangle((x, 60 + (index % 4) * 60, x + 48, 500), radius=24, fill=colour)
    for row in range(4):
        for column in range(8):
            draw.ellipse(
                (80 + column * 60, 90 + row * 80, 104 + column * 60, 114 + row * 80),
                fill="#c8d0d9",
            )
    return _png(drawing, title)


def _wordmark(text: str, title: str) -> Image:
    font = _font(34)
    width = int(font.getlength(text)) + 40
    drawing = PillowImage.new("RGBA", (width, 96), (0, 0, 0, 0))
    ImageDraw.Draw(drawing).text((20, 48), text, font=font, anchor="lm", fill="#1b1f24")
    return _png(drawing, title)


def brand_competitions() -> None:
    """Give the demo's competitions their colours, logos, hero pictures and a partner."""
    for competition in Competition.objects.filter(slug__in=BRANDING, logo__isnull=True):
        colour, initials, partner = BRANDING[competition.slug]
        competition.accent_colour = colour
        competition.logo = _logo(colour, initials, f"Logo {competition.slug}")
        competition.hero_image = _hero(colour, f"Baner {competition.slug}")
        competition.hero_alt_text = (
            f"Baner konkursu „{competition.name}”: kolumny w barwie konkursu rosnące od lewej "
            "do prawej."
        )
        competition.full_clean()
        competition.save()
        PartnerLogo.objects.create(
            competition=competition,
            image=_wordmark(partner, f"Partner {competition.slug}"),
            name=partner,
            sort_order=0,
        )


# Pictures and links for the first laureates, so the demo shows a laureate page with images and a
# link to the service, the archive's cards with pictures, and cards without.
ILLUSTRATED_LAUREATES = 3
SERVICE_LINKS = [
    ("Skorzystaj z e-usługi", "https://www.gov.pl/web/gov/uslugi-dla-obywatela"),
    ("Portal mapowy gminy", "https://www.geoportal.gov.pl/"),
]


def _project_picture(colour: str, seed: int, title: str) -> Image:
    """A screen of an e-service: a header bar, a map of plots and a few buttons."""
    drawing = PillowImage.new("RGB", (1600, 900), "#eef2f6")
    draw = ImageDraw.Draw(drawing)
    draw.rectangle((0, 0, 1600, 110), fill=colour)
    draw.text((60, 55), "e-Urząd", font=_font(56), anchor="lm", fill="#ffffff")
    for row in range(5):
        for column in range(6):
            shade = 200 - ((row * 7 + column * 3 + seed * 5) % 6) * 18
            draw.rectangle(
                (80 + column * 150, 170 + row * 130, 210 + column * 150, 280 + row * 130),
                fill=(shade, shade + 20, shade + 30),
            )
    for index in range(4):
        y = 190 + index * 150
        draw.rounded_rectangle(
            (1060, y, 1520, y + 100), radius=20, fill="#ffffff", outline=colour, width=4
        )
        draw.rectangle((1100, y + 40, 1300 + (index + seed) % 3 * 50, y + 60), fill="#9aa5b1")
    return _png(drawing, title)


def _portrait(colour: str, title: str) -> Image:
    drawing = PillowImage.new("RGB", (400, 400), "#dfe6ee")
    draw = ImageDraw.Draw(drawing)
    draw.ellipse((130, 70, 270, 210), fill="#8a6e5a")
    draw.ellipse((60, 240, 340, 520), fill=colour)
    return _png(drawing, title)


def _illustrate_laureates() -> None:
    pages = LaureatePage.objects.filter(locale__language_code="pl").order_by("path")
    for index, page in enumerate(pages[:ILLUSTRATED_LAUREATES]):
        if page.images.exists():
            continue
        colour = page.category.edition.competition.accent_colour or "#0b4f8a"
        for number in range(2 if index == 0 else 1):
            page.images.add(
                LaureateImage(
                    image=_project_picture(colour, index + number, f"Projekt {page.slug} {number}"),
                    alt_text=(
                        f"Ekran usługi „{page.title}”: mapa działek po lewej i przyciski spraw "
                        "do załatwienia po prawej."
                    ),
                )
            )
        if index < 2:
            label, url = SERVICE_LINKS[index]
            page.links.add(LaureateLink(label=label, url=url))
        page.save_revision().publish()


def _photograph_jurors() -> None:
    """Photos for two jurors of each category shown with its jury; the others keep initials."""
    from scoring.models import JurorProfile
    from scoring.permissions import jurors_of

    for category in Category.objects.filter(edition__frozen_at__isnull=False):
        colour = category.edition.competition.accent_colour or "#0b4f8a"
        for juror in list(jurors_of(category))[:2]:
            profile, _created = JurorProfile.objects.get_or_create(user=juror)
            if profile.photo_id is None:
                profile.photo = _portrait(colour, f"Zdjęcie {juror.username}")
                profile.save(update_fields=["photo"])


def _file_images_with_teams() -> None:
    """Each competition's pictures go into the collection of the team that runs only it, so its
    organiser finds them in the image chooser (a team sees its own collection only)."""
    from django.db.models import Count

    from competition.models import Team
    from scoring.models import JurorProfile
    from scoring.permissions import jurors_of

    for competition in Competition.objects.all():
        team = (
            # Counted before filtering, so `runs` is every competition the team runs.
            Team.objects.annotate(runs=Count("competitions"))
            .filter(competitions=competition, collection__isnull=False)
            .order_by("runs", "name")
            .first()
        )
        if team is None:
            continue
        images = {competition.logo_id, competition.hero_image_id}
        images |= set(competition.partner_logos.values_list("image_id", flat=True))
        images |= set(
            LaureateImage.objects.filter(
                page__category__edition__competition=competition
            ).values_list("image_id", flat=True)
        )
        jurors = {
            juror.pk
            for category in Category.objects.filter(edition__competition=competition)
            for juror in jurors_of(category)
        }
        images |= set(
            JurorProfile.objects.filter(user__in=jurors, photo__isnull=False).values_list(
                "photo_id", flat=True
            )
        )
        Image.objects.filter(pk__in=images - {None}).update(collection=team.collection)


def _footer(home: Page) -> None:
    pages = {
        slug: _child(home, StandardPage, slug, title=title, body=body)
        for slug, title, body in [
            ("deklaracja-dostepnosci", "Deklaracja dostępności", ACCESSIBILITY),
            ("ochrona-danych", "Ochrona danych osobowych (RODO)", PRIVACY),
            ("regulamin", "Regulamin serwisu", REGULATIONS),
            ("kontakt", "Kontakt", CONTACT),
        ]
    }
    footer = SiteFooter.for_site(Site.objects.get(is_default_site=True))
    footer.accessibility_page = pages["deklaracja-dostepnosci"]
    footer.privacy_page = pages["ochrona-danych"]
    footer.regulations_page = pages["regulamin"]
    footer.contact_page = pages["kontakt"]
    footer.contact_email = footer.contact_email or "konkursy@example.org"
    footer.contact_phone = footer.contact_phone or "+48 22 000 00 00"
    footer.save()


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
    _footer(home)
    brand_competitions()
    _illustrate_laureates()
    _photograph_jurors()
    _file_images_with_teams()
    _translate_tree(home)


def _translate_tree(home: Page) -> None:
    """English aliases of every page: the interface is translated, the content follows Polish."""
    english, _created = Locale.objects.get_or_create(language_code="en")
    for page in home.get_descendants(inclusive=True).live().order_by("path"):
        if page.get_translation_or_none(english) is None:
            page.copy_for_translation(english, copy_parents=True, alias=True)
