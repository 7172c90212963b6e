"""Template helpers of the public site: language links, money, award labels."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from django import template
from django.conf import settings
from django.urls import translate_url
from django.utils.formats import number_format
from django.utils.translation import get_language_info
from django.utils.translation import gettext as _

from scoring.results.snapshot import AwardCode
from scoring.results.snapshot import award_label as label_of_award

register = template.Library()


@register.simple_tag(takes_context=True)
def language_links(context) -> list[dict]:
    """The same page in every language: the page's translation, else the same path re-prefixed."""
    request = context.get("request")
    page = context.get("page")
    links = []
    for code, _name in settings.LANGUAGES:
        url = translate_url(request.get_full_path(), code) if request else "/"
        if page is not None and hasattr(page, "get_translation_or_none"):
            from wagtail.models import Locale

            locale = Locale.objects.filter(language_code=code).first()
            translation = page.get_translation_or_none(locale) if locale else None
            if translation is not None and translation.live:
                url = (
                    translation.localized.url
                    if hasattr(translation, "localized")
                    else translation.url
                )
                url = translate_url(url, code)
        links.append({"code": code, "name": get_language_info(code)["name_local"], "url": url})
    return links


@register.simple_tag(takes_context=True)
def page_alternates(context) -> list[dict]:
    """The page's translations for <link rel="alternate" hreflang>, as sitemap.xml lists them."""
    from wagtail.models import Page

    from cms.sitemaps import alternates

    page = context.get("page")
    if not isinstance(page, Page) or page.pk is None:
        return []
    return alternates([page], context.get("request"))[page.pk]


@register.filter
def pln(value) -> str:
    """15000 → "15 000 zł" in Polish, "PLN 15,000" in English."""
    try:
        amount = Decimal(str(value))
    except (InvalidOperation, TypeError, ValueError):
        return ""
    whole = amount == amount.to_integral_value()
    text = number_format(amount, decimal_pos=0 if whole else 2, use_l10n=True, force_grouping=True)
    return _("%(amount)s PLN") % {"amount": text}


@register.filter
def award_label(award: str | None) -> str:
    return label_of_award(award)


@register.filter
def place_label(place: int) -> str:
    """ "II miejsce" for 2: places as the announcement writes them."""
    return AwardCode.for_place(int(place)).label
