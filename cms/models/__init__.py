"""Wagtail page models of the public site."""

from __future__ import annotations

# The vote's models live with the vote (cms/vote) and belong to this app.
from ..vote.models import PublicVote, PublicVoteResult, Vote
from .competitions import CompetitionPage, EditionPage
from .content import SiteFooter, StandardPage
from .diplomas import DiplomaArchive
from .home import HomePage
from .news import NewsIndexPage, NewsPage
from .results import AnnouncementPage, ArchivePage, LaureateImage, LaureateLink, LaureatePage

__all__ = [
    "AnnouncementPage",
    "ArchivePage",
    "CompetitionPage",
    "DiplomaArchive",
    "EditionPage",
    "HomePage",
    "LaureateImage",
    "LaureateLink",
    "LaureatePage",
    "NewsIndexPage",
    "NewsPage",
    "PublicVote",
    "PublicVoteResult",
    "SiteFooter",
    "StandardPage",
    "Vote",
]
