"""Site-level actions: the page tree, announcements made from frozen results."""

from __future__ import annotations

import datetime as dt

from django.contrib.auth.models import Permission
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from wagtail.models import (
    Collection,
    GroupCollectionPermission,
    GroupPagePermission,
    Locale,
    Page,
    Site,
)

from competition import lifecycle
from competition.lifecycle import Action
from competition.models import Competition, Edition, Team
from entries.models import Entry
from scoring.models import ResultSnapshot
from scoring.results.snapshot import Snapshot

from .models import AnnouncementPage, CompetitionPage, EditionPage, HomePage, LaureatePage

# What a team's "publish pages" duty gives on its competitions' page trees: drafting; the
# laureate announcement and other pages go live when Wagtail's moderators approve them.
TEAM_PAGE_PERMISSIONS = ("add_page", "change_page")
# What every team may do in its own collection: upload, edit and choose images (logos, heroes,
# laureates' pictures, jurors' photos) and documents (rules). Wagtail grants these per collection
# (GroupCollectionPermission, Wagtail's own table, not django-guardian's), so a team sees its
# collection's files and no other team's. Wagtail lets whoever uploaded a file delete it; deleting
# the rest stays with superusers.
TEAM_COLLECTION_PERMISSIONS = {
    "wagtailimages": ("add_image", "change_image", "choose_image"),
    "wagtaildocs": ("add_document", "change_document", "choose_document"),
}


@transaction.atomic
def grant_team_pages(*, team: Team) -> None:
    """The team's group may edit the page trees of its competitions, in every locale, and no other.

    Called when a team is saved and when a competition page is made (cms.wagtail_hooks).
    """
    pages = set()
    if team.publish:
        pages = set(
            CompetitionPage.objects.filter(competition__teams=team).values_list("pk", flat=True)
        )
    GroupPagePermission.objects.filter(group=team.group).exclude(page_id__in=pages).delete()
    permissions = Permission.objects.filter(
        content_type__app_label="wagtailcore", codename__in=TEAM_PAGE_PERMISSIONS
    )
    for page_id in pages:
        for permission in permissions:
            GroupPagePermission.objects.get_or_create(
                group=team.group, page_id=page_id, permission=permission
            )


@transaction.atomic
def grant_team_collection(*, team: Team) -> Collection:
    """The team's collection, made under the root on first save, with its group's permissions.

    Called when a team is saved (cms.wagtail_hooks); the migration that introduced it did the
    same for the teams that existed (competition/migrations/0013_team_collection.py).
    """
    if team.collection_id is None:
        # Wagtail's migration makes the root; a database flushed between tests has none.
        root = Collection.get_first_root_node() or Collection.add_root(name="Root")
        team.collection = root.add_child(name=team.name)
        team.save(update_fields=["collection"])
    elif team.collection.name != team.name:
        team.collection.name = team.name
        team.collection.save(update_fields=["name"])
    for app_label, codenames in TEAM_COLLECTION_PERMISSIONS.items():
        for permission in Permission.objects.filter(
            content_type__app_label=app_label, codename__in=codenames
        ):
            GroupCollectionPermission.objects.get_or_create(
                group=team.group, collection=team.collection, permission=permission
            )
    return team.collection


@transaction.atomic
def ensure_home_page(*, title: str, intro: str = "") -> HomePage:
    """Make a HomePage the root of the default site, replacing Wagtail's welcome page."""
    home = HomePage.objects.filter(locale=Locale.get_default()).first()
    if home is None:
        root = Page.get_first_root_node()
        home = HomePage(title=title, slug="start", intro=intro)
        root.add_child(instance=home)
        home.save_revision().publish()
    site = Site.objects.filter(is_default_site=True).first()
    if site is None:
        site = Site(hostname="localhost", port=80, is_default_site=True, site_name=title)
    site.root_page = home
    site.save()
    # Wagtail's welcome page only gets in the way once the real home page exists.
    Page.objects.filter(depth=2, content_type__model="page").exclude(pk=home.pk).delete()
    return home


def _add(parent: Page, page: Page, *, publish: bool) -> Page:
    parent.add_child(instance=page)
    revision = page.save_revision()
    if publish:
        revision.publish()
    return page


@transaction.atomic
def ensure_competition_page(
    *, competition: Competition, home: HomePage, about: str = ""
) -> CompetitionPage:
    page = CompetitionPage.objects.filter(competition=competition, locale=home.locale).first()
    if page is None:
        page = _add(
            home,
            CompetitionPage(
                title=competition.name, slug=competition.slug, competition=competition, about=about
            ),
            publish=True,
        )
    return page


@transaction.atomic
def ensure_edition_page(
    *, edition: Edition, parent: CompetitionPage, show_jury: bool = False
) -> EditionPage:
    page = EditionPage.objects.filter(edition=edition, locale=parent.locale).first()
    if page is None:
        page = _add(
            parent,
            EditionPage(
                title=f"{edition.competition.name} — {edition.label} ({edition.year})",
                slug=f"{edition.year}-{edition.number}",
                edition=edition,
                show_jury=show_jury,
            ),
            publish=True,
        )
    return page


@transaction.atomic
def create_announcement(
    *, snapshot: ResultSnapshot, by, go_live_at: dt.datetime | None = None, publish: bool = False
) -> AnnouncementPage:
    """A draft announcement with a laureate page per awarded entry whose institution consented.

    The draft goes to the moderation workflow; it goes live at `go_live_at` once approved.
    """
    if _superseded(snapshot):
        raise ValidationError(
            _("This snapshot was superseded; use the newest one."), code="superseded"
        )
    edition = snapshot.edition
    lifecycle.require(Action.PUBLISH, edition)
    edition_page = EditionPage.objects.filter(edition=edition, locale=Locale.get_default()).first()
    if edition_page is None:
        home = HomePage.objects.filter(locale=Locale.get_default()).first()
        if home is None:
            raise ValidationError(_("The site has no home page yet."))
        edition_page = ensure_edition_page(
            edition=edition,
            parent=ensure_competition_page(competition=edition.competition, home=home),
        )
    announcement = AnnouncementPage(
        title=_("Laureates: %(edition)s") % {"edition": edition_page.title},
        slug="laureaci"
        if not AnnouncementPage.objects.child_of(edition_page).exists()
        else f"laureaci-{snapshot.pk}",
        edition=edition,
        snapshot=snapshot,
        # The date the jury froze the results is drawn from the snapshot in each page's language.
        intro="",
        go_live_at=go_live_at,
        live=False,
    )
    edition_page.add_child(instance=announcement)
    record = Snapshot.of(snapshot)
    consenting = _consenting_entries(record)
    for category in record.categories:
        for laureate in category.laureates:
            entry = consenting.get(laureate.ranked.entry)
            if entry is None:
                continue
            laureate_page = LaureatePage(
                title=entry.title,
                slug=f"{entry.number or entry.pk}".lower(),
                entry=entry,
                category_id=category.id,
                institution=entry.institution,
                institution_name=entry.institution.name,
                award=laureate.award.code,
                place=laureate.award.place,
                prize=laureate.prize,
                summary=entry.summary,
                description=entry.description_html,
                search_description=entry.summary[:250],
                live=False,
            )
            announcement.add_child(instance=laureate_page)
            revision = laureate_page.save_revision(user=by)
            if publish:
                revision.publish()
    revision = announcement.save_revision(user=by)
    if publish:
        revision.publish()
        for child in LaureatePage.objects.child_of(announcement):
            child.get_latest_revision().publish()
    else:
        workflow = announcement.get_workflow()
        if workflow is not None:
            workflow.start(announcement, by)
    return announcement


def _superseded(snapshot: ResultSnapshot) -> bool:
    return ResultSnapshot.objects.filter(supersedes=snapshot).exists()


def _consenting_entries(record: Snapshot) -> dict[int, Entry]:
    ids = record.awarded_entries
    return {
        e.pk: e
        for e in Entry.objects.filter(pk__in=ids, consent_to_publish=True).select_related(
            "institution"
        )
    }
