"""Wagtail page models of the public site."""

from __future__ import annotations

from .competitions import CompetitionPage, EditionPage
from .content import SiteFooter, StandardPage
from .home import HomePage
from .news import NewsIndexPage, NewsPage
from .results import AnnouncementPage, ArchivePage, LaureateImage, LaureatePage

__all__ = [
    "AnnouncementPage",
    "ArchivePage",
    "CompetitionPage",
    "EditionPage",
    "HomePage",
    "LaureateImage",
    "LaureatePage",
    "NewsIndexPage",
    "NewsPage",
    "SiteFooter",
    "StandardPage",
]
