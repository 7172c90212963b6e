"""Template helpers of the public site: language links, money, award labels, breadcrumbs,
the footer's statements and a competition's branding."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django import template
from django.conf import settings
from django.urls import translate_url
from django.utils.formats import number_format
from django.utils.translation import get_language, get_language_info
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
def number(value, decimal_places: int | str | None = None) -> str:
    """1234567.891|number:2 → "1 234 567,89" (thin no-break spaces) in Polish, "1,234,567.89"
    in English; "—" when there is no number (None, "", NaN), as the tables mark a gap.

    Rounds half up like `floatformat`, not to even, so 2.675 reads 2,68 as a juror counts it.
    """
    if value is None or value == "":
        return "—"
    try:
        amount = Decimal(str(value))
    except (InvalidOperation, TypeError, ValueError):
        return "—"
    if not amount.is_finite():
        return "—"
    places = None if decimal_places in (None, "") else int(decimal_places)
    if places is not None:
        amount = amount.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
    if amount == 0:
        amount = abs(amount)  # no "-0,00" for a tiny negative bias
    return number_format(amount, decimal_pos=places, use_l10n=True, force_grouping=True)


@register.filter
def award_label(award: str | None) -> str:
    return label_of_award(award)


@register.filter
def place_label(place: int) -> str:
    """ "II miejsce" for 2: places as the announcement writes them."""
    return AwardCode.for_place(int(place)).label


@register.simple_tag(takes_context=True)
def page_branding(context):
    """The competition's branding on its pages (cms/branding.py), None elsewhere."""
    from wagtail.models import Page

    from cms.branding import branding_for_page

    page = context.get("page")
    if not isinstance(page, Page):
        return None
    return branding_for_page(page)


@register.inclusion_tag("includes/breadcrumbs.html", takes_context=True)
def breadcrumbs(context) -> dict:
    """Home › … › this page, for every page below the home page."""
    from wagtail.models import Page

    from cms import cache

    page = context.get("page")
    request = context.get("request")
    if not isinstance(page, Page) or page.pk is None or page.depth <= 2:
        return {"crumbs": []}

    def compute() -> list[tuple[str, str]]:
        ancestors = page.get_ancestors().filter(depth__gte=2)
        return [
            (_("Home") if ancestor.depth == 2 else ancestor.title, ancestor.get_url(request))
            for ancestor in ancestors
        ]

    crumbs = cache.remembered(f"breadcrumbs:{page.pk}:{get_language()}", compute)
    return {"crumbs": crumbs, "current": page.title}


@register.simple_tag(takes_context=True)
def footer_links(context) -> dict:
    """The footer's statements (SiteFooter settings), in the page's language."""
    from cms import cache

    request = context.get("request")
    if request is None:
        return {"links": [], "email": "", "phone": ""}
    return cache.remembered(
        f"footer:{request.get_host()}:{get_language()}", lambda: _footer_links(request)
    )


def _footer_links(request) -> dict:
    from wagtail.models import Site

    from cms.models import SiteFooter

    site = Site.find_for_request(request)
    # Not SiteFooter.for_site: it creates the row on a first visit, and the save would clear
    # the page cache under the very page being rendered.
    footer = (
        SiteFooter.objects.filter(site=site)
        .select_related("accessibility_page", "privacy_page", "regulations_page", "contact_page")
        .first()
    )
    if footer is None:
        return {"links": [], "email": "", "phone": ""}
    labelled = [
        (footer.accessibility_page, _("Accessibility statement")),
        (footer.privacy_page, _("Personal data (RODO)")),
        (footer.regulations_page, _("Regulations")),
        (footer.contact_page, _("Contact")),
    ]
    links = []
    for page, label in labelled:
        if page is not None and page.live:
            links.append({"label": label, "url": page.localized.get_url(request)})
    return {"links": links, "email": footer.contact_email, "phone": footer.contact_phone}


def _status_kinds() -> dict:
    from competition.models import Phase
    from entries.models import EntryStatus
    from scoring.models import SheetStatus

    return {"phase": Phase, "entry": EntryStatus, "sheet": SheetStatus}


# How a status reads at a glance: done and good (success), waiting on someone (warning),
# under way (info), refused (danger); the rest neutral. The label always says it in words.
STATUS_TONES = {
    "phase": {
        "call_open": "success",
        "submission_closed": "info",
        "formal_check": "info",
        "scoring": "info",
        "deliberation": "info",
        "frozen": "warning",
        "published": "success",
    },
    "entry": {"draft": "warning", "submitted": "info", "eligible": "success", "rejected": "danger"},
    "sheet": {"draft": "warning", "submitted": "success"},
}


@register.inclusion_tag("includes/tag.html")
def status_tag(value, kind: str) -> dict:
    """A phase, an entry's or a score sheet's status as a tag: {% status_tag edition.phase "phase" %}."""
    choices = _status_kinds()[kind]
    return {"label": choices(value).label, "tone": STATUS_TONES[kind].get(str(value), "")}
