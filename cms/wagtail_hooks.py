"""Public page cache and the organiser's "Create announcement" action."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models.signals import post_delete, post_save
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST
from wagtail import hooks
from wagtail.admin.menu import Menu, MenuItem, SubmenuMenuItem
from wagtail.contrib.settings.registry import register_setting
from wagtail.models import PageViewRestriction
from wagtail.signals import page_published, page_slug_changed, page_unpublished

from competition import lifecycle
from competition import services as competition_services
from competition.lifecycle import Action
from competition.models import Competition, Duty, Edition, PartnerLogo, Team
from competition.services import team_saved
from scoring.models import JurorProfile, ResultSnapshot
from scoring.permissions import is_organiser, organised

from . import cache, services
from .dashboard import EditionsPanel
from .models import AnnouncementPage, CompetitionPage, SiteFooter


@hooks.register("on_serve_page")
def page_cache(serve):
    return cache.serve_cached(serve)


def _invalidate(sender, **kwargs) -> None:
    cache.invalidate()


def _team_saved(sender, team, **kwargs) -> None:
    services.grant_team_pages(team=team)
    services.grant_team_collection(team=team)


def _competition_page_saved(sender, instance, **kwargs) -> None:
    """A new competition page (or its translation) is at once editable by the competition's teams."""
    for team in Team.objects.filter(competitions=instance.competition_id).select_related("group"):
        services.grant_team_pages(team=team)


team_saved.connect(_team_saved, dispatch_uid="cms_team_pages")
post_save.connect(
    _competition_page_saved, sender=CompetitionPage, dispatch_uid="cms_competition_page_teams"
)

page_published.connect(_invalidate, dispatch_uid="cms_cache_published")
page_unpublished.connect(_invalidate, dispatch_uid="cms_cache_unpublished")
# Cached pages are answered before Wagtail checks privacy, so a new restriction clears them.
post_save.connect(_invalidate, sender=PageViewRestriction, dispatch_uid="cms_cache_restricted")
post_delete.connect(_invalidate, sender=PageViewRestriction, dispatch_uid="cms_cache_unrestricted")
# Every page draws the footer, and a competition's pages its branding (cms/branding.py); both
# are remembered under the cache's generation, so a change to them clears it too.
page_slug_changed.connect(_invalidate, dispatch_uid="cms_cache_slug_changed")
# A juror's photo shows on the edition pages that list the jury.
for _model in (Competition, PartnerLogo, SiteFooter, JurorProfile):
    post_save.connect(_invalidate, sender=_model, dispatch_uid=f"cms_cache_saved_{_model.__name__}")
    post_delete.connect(
        _invalidate, sender=_model, dispatch_uid=f"cms_cache_deleted_{_model.__name__}"
    )

register_setting(SiteFooter, icon="list-ul")


def announcements(request: HttpRequest) -> HttpResponse:
    if not is_organiser(request.user, duty=Duty.PUBLISH):
        raise PermissionDenied
    snapshots = (
        organised(ResultSnapshot.objects, request.user, Duty.PUBLISH)
        .filter(superseded_by__isnull=True)
        .select_related("edition__competition", "created_by")
        .order_by("-created_at")
    )
    pages = {p.snapshot_id: p for p in AnnouncementPage.objects.filter(snapshot__in=snapshots)}
    rows = [(s, pages.get(s.pk)) for s in snapshots]
    return render(request, "cms/admin/announcements.html", {"rows": rows})


@require_POST
def create_announcement(request: HttpRequest, snapshot_pk: int) -> HttpResponse:
    if not is_organiser(request.user, duty=Duty.PUBLISH):
        raise PermissionDenied
    snapshots = organised(ResultSnapshot.objects, request.user, Duty.PUBLISH)
    snapshot = get_object_or_404(snapshots, pk=snapshot_pk)
    try:
        page = services.create_announcement(
            snapshot=snapshot, by=request.user, go_live_at=snapshot.edition.results_date
        )
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
        return redirect("cms_announcements")
    messages.success(
        request,
        _(
            "The announcement draft is created and submitted for approval; it goes live at the results date."
        ),
    )
    return redirect("wagtailadmin_pages:edit", page.pk)


@hooks.register("register_admin_urls")
def announcement_urls():
    return [
        path("announcements/", announcements, name="cms_announcements"),
        path(
            "announcements/<int:snapshot_pk>/create/",
            create_announcement,
            name="cms_create_announcement",
        ),
    ]


class OrganiserMenuItem(MenuItem):
    def is_shown(self, request):
        return is_organiser(request.user, duty=Duty.PUBLISH)


@hooks.register("register_admin_menu_item")
def announcements_menu_item():
    return OrganiserMenuItem(
        gettext_lazy("Announcements"), reverse("cms_announcements"), icon_name="doc-full", order=250
    )


# The organiser's overview: a panel per live edition, a "Results" menu, archiving -------------


@hooks.register("construct_homepage_panels")
def editions_panel(request, panels):
    if is_organiser(request.user):
        panels.insert(0, EditionsPanel(request.user))


class ResultsMenu(Menu):
    """One item per edition that is not archived: its results, decisions and freezing."""

    def menu_items_for_request(self, request):
        editions = organised(
            Edition.objects.filter(archived_at__isnull=True), request.user, Duty.RESULTS
        ).select_related("competition")
        return [
            MenuItem(
                str(edition),
                reverse("scoring:edition_results", args=[edition.pk]),
                name=f"results-{edition.pk}",
                icon_name="tasks",
                order=index,
            )
            for index, edition in enumerate(
                sorted(editions, key=lambda e: (e.competition.name, -e.number))
            )
        ]


class OrganiserSubmenuItem(SubmenuMenuItem):
    def is_shown(self, request):
        return is_organiser(request.user, duty=Duty.RESULTS) and super().is_shown(request)


@hooks.register("register_admin_menu_item")
def results_menu_item():
    return OrganiserSubmenuItem(
        gettext_lazy("Results"), ResultsMenu(items=()), icon_name="tasks", order=240
    )


def archive_edition(request: HttpRequest, pk: int) -> HttpResponse:
    """GET asks for confirmation (archiving is final); POST archives."""
    if not is_organiser(request.user, duty=Duty.PUBLISH):
        raise PermissionDenied
    editions = organised(Edition.objects.select_related("competition"), request.user, Duty.PUBLISH)
    edition = get_object_or_404(editions, pk=pk)
    verdict = lifecycle.verdict(Action.ARCHIVE, edition)
    if request.method == "POST":
        try:
            competition_services.archive_edition(edition=edition, by=request.user)
        except ValidationError as error:
            for message in error.messages:
                messages.error(request, message)
        else:
            messages.success(request, _("The edition is archived."))
            return redirect("wagtailadmin_home")
    return render(
        request, "cms/admin/archive_edition.html", {"edition": edition, "verdict": verdict}
    )


@hooks.register("register_admin_urls")
def archive_urls():
    return [path("editions/<int:pk>/archive/", archive_edition, name="edition_archive")]


def _announcement_published(sender, instance, **kwargs) -> None:
    """The announcement going live is the moment the edition's results become public."""
    if isinstance(instance.specific, AnnouncementPage) and instance.specific.edition_id:
        edition = instance.specific.edition
        if edition.published_at is None:
            competition_services.publish_results(edition=edition, by=None)


page_published.connect(_announcement_published, dispatch_uid="cms_results_published")

# The people's-choice vote registers its own admin (cms/vote/wagtail_hooks.py).
from .vote import wagtail_hooks as _vote_hooks  # noqa: E402, F401
