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
from wagtail.admin.menu import MenuItem
from wagtail.models import PageViewRestriction
from wagtail.signals import page_published, page_unpublished

from scoring.models import ResultSnapshot
from scoring.permissions import is_organiser

from . import cache, services
from .models import AnnouncementPage


@hooks.register("on_serve_page")
def page_cache(serve):
    return cache.serve_cached(serve)


def _invalidate(sender, **kwargs) -> None:
    cache.invalidate()


page_published.connect(_invalidate, dispatch_uid="cms_cache_published")
page_unpublished.connect(_invalidate, dispatch_uid="cms_cache_unpublished")
# Cached pages are answered before Wagtail checks privacy, so a new restriction clears them.
post_save.connect(_invalidate, sender=PageViewRestriction, dispatch_uid="cms_cache_restricted")
post_delete.connect(_invalidate, sender=PageViewRestriction, dispatch_uid="cms_cache_unrestricted")


def announcements(request: HttpRequest) -> HttpResponse:
    if not is_organiser(request.user):
        raise PermissionDenied
    snapshots = (
        ResultSnapshot.objects.filter(superseded_by__isnull=True)
        .select_related("edition__competition", "created_by")
        .order_by("-created_at")
    )
    pages = {p.snapshot_id: p for p in AnnouncementPage.objects.filter(snapshot__in=snapshots)}
    rows = [(s, pages.get(s.pk)) for s in snapshots]
    return render(request, "cms/admin/announcements.html", {"rows": rows})


@require_POST
def create_announcement(request: HttpRequest, snapshot_pk: int) -> HttpResponse:
    if not is_organiser(request.user):
        raise PermissionDenied
    snapshot = get_object_or_404(ResultSnapshot, pk=snapshot_pk)
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
        return is_organiser(request.user)


@hooks.register("register_admin_menu_item")
def announcements_menu_item():
    return OrganiserMenuItem(
        gettext_lazy("Announcements"), reverse("cms_announcements"), icon_name="doc-full", order=250
    )
