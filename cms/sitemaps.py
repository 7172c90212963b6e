"""Every language's pages in sitemap.xml, each with its translations as hreflang alternates.

Wagtail's sitemap walks the site's root page only, which is the Polish home page: the English
tree (a sibling made by simple_translation) was never listed. The same alternates go into each
page's <head> (`page_alternates` in site_tags), so search engines read one answer in both places.
"""

from __future__ import annotations

from collections import defaultdict

from django.conf import settings
from django.db.models import Q
from django.http import HttpRequest
from wagtail.contrib.sitemaps import Sitemap
from wagtail.models import Page


def live_public_pages():
    return Page.objects.live().public().select_related("locale")


def alternates(pages: list[Page], request: HttpRequest | None) -> dict[int, list[dict]]:
    """Page id → [{"lang_code", "location"}] of its live, public translations, itself included.

    One query for any number of pages. A page with no such translation gets an empty list: an
    hreflang set of one language says nothing. "x-default" points to the Polish page, the
    site's default language.
    """
    keys = {page.translation_key for page in pages}
    translations = defaultdict(list)
    for translation in live_public_pages().filter(translation_key__in=keys):
        translations[translation.translation_key].append(translation)
    order = [code for code, _name in settings.LANGUAGES]
    result = {}
    for page in pages:
        group = sorted(
            translations[page.translation_key],
            key=lambda item: _position(order, item.locale.language_code),
        )
        if len(group) < 2:
            result[page.pk] = []
            continue
        links = [
            {"lang_code": item.locale.language_code, "location": item.get_full_url(request)}
            for item in group
        ]
        default = [link for link in links if link["lang_code"] == settings.LANGUAGE_CODE]
        if default:
            links.append({"lang_code": "x-default", "location": default[0]["location"]})
        result[page.pk] = links
    return result


def _position(order: list[str], code: str) -> int:
    return order.index(code) if code in order else len(order)


class MultilingualSitemap(Sitemap):
    def items(self):
        roots = self.get_wagtail_site().root_page.get_translations(inclusive=True)
        in_a_tree = Q()
        for root in roots:
            in_a_tree |= Q(path__startswith=root.path)
        return live_public_pages().filter(in_a_tree).order_by("path")

    def _urls(self, page, protocol, domain):
        pages = list(self.paginator.page(page).object_list)
        links = alternates(pages, self.request)
        urls = []
        for item in pages:
            for url_info in item.get_sitemap_urls(self.request):
                urls.append({**url_info, "alternates": links[item.pk]})
        last_mods = {url_info.get("lastmod") for url_info in urls}
        if last_mods and None not in last_mods:
            self.latest_lastmod = max(last_mods)
        return urls
