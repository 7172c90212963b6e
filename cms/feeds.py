"""RSS feed of news and results announcements."""

from __future__ import annotations

from django.contrib.syndication.views import Feed
from django.utils.translation import gettext_lazy as _
from wagtail.models import Locale

from .models import AnnouncementPage, NewsPage


class NewsFeed(Feed):
    title = _("Digitalisation competitions: news and announcements")
    description = _("News and laureate announcements of the competitions.")

    def link(self):
        return "/"

    def items(self):
        locale = Locale.get_active()
        news = list(NewsPage.objects.live().public().filter(locale=locale).order_by("-date")[:20])
        announcements = list(
            AnnouncementPage.objects.live()
            .public()
            .filter(locale=locale)
            .order_by("-first_published_at")[:20]
        )
        items = news + announcements
        return sorted(
            items, key=lambda p: p.last_published_at or p.first_published_at, reverse=True
        )[:20]

    def item_title(self, item):
        return item.title

    def item_description(self, item):
        return item.search_description or getattr(item, "intro", "") or ""

    def item_link(self, item):
        return item.url

    def item_pubdate(self, item):
        return item.first_published_at
