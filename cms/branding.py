"""A competition's look on its pages: accent colour, logo, hero image, partners' logos.

The organiser sets them on the competition (competition.models.Competition); this module turns
them into what a template draws (image renditions with their sizes and alternative texts), once
per page until the next change (cms.cache.remembered), so the branding costs a fresh page render
no queries after the first.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Prefetch

from competition.models import Competition, PartnerLogo

from . import cache

LOGO_FILTER = "height-96"  # drawn 48 px high: sharp on 2x screens
PARTNER_FILTER = "max-240x96"
HERO_FILTERS = ("fill-800x250-c50|format-webp", "fill-1600x500-c50|format-webp")


@dataclass(frozen=True)
class Picture:
    url: str
    width: int
    height: int
    alt: str
    srcset: str = ""


@dataclass(frozen=True)
class Partner:
    name: str
    url: str
    logo: Picture


@dataclass(frozen=True)
class Branding:
    competition: str
    accent: str
    logo: Picture | None
    hero: Picture | None
    partners: tuple[Partner, ...]


def _picture(image, spec: str, alt: str) -> Picture:
    rendition = image.get_rendition(spec)
    return Picture(url=rendition.url, width=rendition.width, height=rendition.height, alt=alt)


def _hero(competition: Competition) -> Picture | None:
    if competition.hero_image is None:
        return None
    small, large = (competition.hero_image.get_rendition(spec) for spec in HERO_FILTERS)
    return Picture(
        url=large.url,
        width=large.width,
        height=large.height,
        alt=competition.hero_alt_text,
        srcset=f"{small.url} {small.width}w, {large.url} {large.width}w",
    )


def branding_of(competition_id: int) -> Branding | None:
    competition = (
        Competition.objects.select_related("logo", "hero_image")
        .prefetch_related(
            Prefetch(
                "partner_logos",
                queryset=PartnerLogo.objects.select_related("image").order_by("sort_order"),
            )
        )
        .filter(pk=competition_id)
        .first()
    )
    if competition is None:
        return None
    return Branding(
        competition=competition.name,
        accent=competition.accent_colour,
        # The logo says whose pages these are: its alternative text is the competition's name.
        logo=_picture(competition.logo, LOGO_FILTER, competition.name)
        if competition.logo
        else None,
        hero=_hero(competition),
        partners=tuple(
            Partner(
                name=partner.name,
                url=partner.url,
                logo=_picture(partner.image, PARTNER_FILTER, partner.name),
            )
            for partner in competition.partner_logos.all()
        ),
    )


def branding_for_page(page) -> Branding | None:
    """The branding of the competition a page belongs to; None for pages of the whole site."""
    competition_id = getattr(page, "branding_competition_id", None)
    if competition_id is None or page.pk is None:
        return None
    return cache.remembered(f"branding:{page.pk}", lambda: branding_of(competition_id()))
