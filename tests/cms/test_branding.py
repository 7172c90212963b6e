from __future__ import annotations

from cms import services
from competition.models import PartnerLogo
from tests.factories import CompetitionFactory, EditionFactory, ImageFactory


def competition_page(home, **branding):
    competition = CompetitionFactory(**branding)
    return services.ensure_competition_page(competition=competition, home=home)


def test_competition_page_carries_its_accent_logo_hero_and_partners(client, home):
    page = competition_page(
        home,
        accent_colour="#b0122b",
        logo=ImageFactory(),
        hero_image=ImageFactory(),
        hero_alt_text="Kolumny w barwie konkursu",
    )
    PartnerLogo.objects.create(
        competition=page.competition,
        image=ImageFactory(),
        name="Mazowsze",
        url="https://example.org/",
    )

    html = client.get(page.url).content.decode()

    assert '<body style="--accent: #b0122b">' in html
    assert f'alt="{page.competition.name}"' in html
    assert 'alt="Kolumny w barwie konkursu"' in html
    assert 'srcset="' in html
    assert '<a href="https://example.org/"><img' in html
    assert 'alt="Mazowsze"' in html


def test_edition_page_carries_its_competitions_accent(client, home):
    page = competition_page(home, accent_colour="#00695c")
    edition_page = services.ensure_edition_page(
        edition=EditionFactory(competition=page.competition), parent=page
    )

    html = client.get(edition_page.url).content.decode()

    assert '<body style="--accent: #00695c">' in html


def test_home_page_has_no_competitions_branding(client, home):
    competition_page(home, accent_colour="#00695c", logo=ImageFactory())

    html = client.get("/").content.decode()

    assert "<body>" in html
    assert 'class="brand-mark"' in html
    assert 'id="partners-heading"' not in html


def test_competition_without_branding_keeps_the_sites_look(client, home):
    page = competition_page(home)

    html = client.get(page.url).content.decode()

    assert "<body>" in html
    assert 'class="brand-mark"' in html


def test_saving_the_competition_shows_its_new_accent_at_once(client, home):
    page = competition_page(home, accent_colour="#00695c")
    client.get(page.url)
    competition = page.competition

    competition.accent_colour = "#0b4f8a"
    competition.save()
    html = client.get(page.url).content.decode()

    assert '<body style="--accent: #0b4f8a">' in html
