"""Public site views that are not Wagtail pages: search, open data, robots.txt."""

from __future__ import annotations

import logging

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.templatetags.static import static
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from wagtail.models import Locale, Page

from competition.models import Duty, Edition
from scoring.models import ResultSnapshot
from scoring.permissions import organised

from . import cache, diplomas, opendata, share_images
from .forms import SearchForm, StyleguideForm, VerificationForm
from .models import DiplomaArchive, LaureatePage
from .tasks import build_diplomas_task

logger = logging.getLogger("judging.cms")


def search(request: HttpRequest) -> HttpResponse:
    form = SearchForm(request.GET)
    query = form.query()
    results = []
    page_obj = None
    if query:
        locale = Locale.get_active()
        found = Page.objects.live().public().filter(locale=locale).specific().search(query)
        page_obj = Paginator(found, 20).get_page(form.cleaned_data["page"])
        results = list(page_obj)
    return render(
        request,
        "cms/search.html",
        {"form": form, "query": query, "results": results, "page_obj": page_obj},
    )


# The colour tokens of static/css/site.css that the styleguide shows as swatches.
STYLEGUIDE_COLOURS = (
    "--color-ink", "--color-ink-muted", "--color-surface", "--color-surface-alt",
    "--color-border", "--color-border-strong", "--color-primary", "--color-footer",
    "--accent", "--color-success", "--color-warning", "--color-danger", "--color-info",
)  # fmt: skip


def styleguide(request: HttpRequest) -> HttpResponse:
    """Every component of the site with its states, for the people who edit and build it."""
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    if not request.user.has_perm("wagtailadmin.access_admin"):
        raise PermissionDenied
    from competition.models import Phase
    from entries.models import EntryStatus
    from scoring.models import SheetStatus

    invalid = StyleguideForm(
        {"name": "", "email": "not-an-address", "kind": ""}, auto_id="sg-invalid-id_%s"
    )
    invalid.is_valid()
    return render(
        request,
        "cms/styleguide.html",
        {
            "form": StyleguideForm(auto_id="sg-id_%s"),
            "invalid_form": invalid,
            "page_obj": Paginator(range(200), 20).get_page(3),
            "statuses": [
                ("phase", list(Phase.values)),
                ("entry", list(EntryStatus.values)),
                ("sheet", list(SheetStatus.values)),
            ],
            "colours": STYLEGUIDE_COLOURS,
            "segments": range(11),
        },
    )


def favicon(request: HttpRequest) -> HttpResponse:
    # Browsers ask for /favicon.ico whatever the page links; the icon itself is a static SVG.
    return redirect(static("favicon.svg"))


def laureate_share_image(request: HttpRequest, pk: int) -> HttpResponse:
    """The drawn share card of a live, public laureate page (its og:image without a photo)."""
    page = get_object_or_404(
        LaureatePage.objects.live()
        .public()
        .select_related("locale", "category__edition__competition"),
        pk=pk,
    )
    # The card speaks the page's language, whatever address it was asked from.
    with translation.override(page.locale.language_code):
        card = share_images.card_for(page)
    return cache.public(HttpResponse(share_images.card_png(card), content_type="image/png"))


def robots_txt(request: HttpRequest) -> HttpResponse:
    lines = [
        "User-agent: *",
        "Disallow: /admin/",
        "Disallow: /konto/",
        "Disallow: /zgloszenia/",
        "Disallow: /jury/",
        f"Sitemap: {request.build_absolute_uri(reverse('sitemap'))}",
    ]
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain")


def _edition(competition: str, year: int, number: int) -> Edition:
    """A published edition by its public address; 404 for any other (results not out yet)."""
    return get_object_or_404(
        Edition.objects.select_related("competition"),
        competition__slug=competition,
        year=year,
        number=number,
        published_at__isnull=False,
    )


def _data_file(request: HttpRequest, fmt: str, *, edition: Edition | None, stem: str):
    if fmt not in opendata.FORMATS:
        raise Http404
    rows = opendata.laureate_rows(opendata.published(edition), absolute=request.build_absolute_uri)
    title = (
        _("Laureates of %(edition)s") % {"edition": edition}
        if edition
        else _("Laureates of all published editions")
    )
    if fmt == "csv":
        content = opendata.as_csv(rows)
    elif fmt == "json":
        content = opendata.as_json(rows, title=title, source=request.build_absolute_uri("/"))
    else:
        content = opendata.as_xlsx(rows, title=title)
    response = HttpResponse(content, content_type=opendata.FORMATS[fmt])
    response["Content-Disposition"] = f'inline; filename="{stem}.{fmt}"'
    response["Cache-Control"] = "public, max-age=300"
    response["Access-Control-Allow-Origin"] = "*"  # open data: any site may read it
    return response


def laureates_data(request: HttpRequest, fmt: str) -> HttpResponse:
    return _data_file(request, fmt, edition=None, stem="laureaci")


def edition_laureates_data(
    request: HttpRequest, competition: str, year: int, number: int, fmt: str
) -> HttpResponse:
    edition = _edition(competition, year, number)
    return _data_file(request, fmt, edition=edition, stem=f"laureaci-{competition}-{year}-{number}")


def _datasets(request: HttpRequest) -> list[tuple[str, str, dict[str, str]]]:
    return opendata.datasets(
        request.build_absolute_uri, request.build_absolute_uri(reverse("open_data"))
    )


def open_data(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "cms/open_data.html",
        {
            "datasets": _datasets(request),
            "licence_name": opendata.LICENCE_NAME,
            "licence_url": opendata.LICENCE_URL,
            "columns": opendata.COLUMNS,
        },
    )


def open_data_catalogue(request: HttpRequest) -> JsonResponse:
    document = opendata.catalogue(
        site_name=str(settings.WAGTAIL_SITE_NAME),
        home=request.build_absolute_uri("/"),
        datasets=_datasets(request),
    )
    response = JsonResponse(document, json_dumps_params={"ensure_ascii": False, "indent": 1})
    response["Content-Type"] = "application/ld+json"
    return response


def verification(request: HttpRequest, code: str) -> HttpResponse:
    """What the frozen results say about the award a diploma's code stands for."""
    diploma = diplomas.find(code)
    return render(
        request,
        "cms/verification.html",
        {"diploma": diploma, "code": code},
        status=200 if diploma else 404,
    )


def verification_search(request: HttpRequest) -> HttpResponse:
    """Check a diploma by its code, or find the edition a snapshot digest belongs to."""
    form = VerificationForm(request.GET or None)
    snapshot = None
    if form.is_valid():
        if form.cleaned_data["code"]:
            return redirect("verification", code=form.cleaned_data["code"])
        snapshot = form.snapshot()
    return render(
        request,
        "cms/verification_search.html",
        {"form": form, "snapshot": snapshot, "searched": form.is_bound},
    )


def _organiser_snapshot(request: HttpRequest, pk: int):
    """A published snapshot of a competition the user's team sees results of; 404 otherwise."""
    snapshots = ResultSnapshot.objects.select_related("edition__competition")
    return get_object_or_404(
        organised(snapshots, request.user, Duty.RESULTS),
        pk=pk,
        edition__published_at__isnull=False,
    )


def _pdf_response(request: HttpRequest, items: list, filename: str) -> HttpResponse:
    content = diplomas.pdf(
        items,
        verify_url=lambda code: request.build_absolute_uri(reverse("verification", args=[code])),
        language=translation.get_language() or "pl",
    )
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@login_required
def diplomas_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    """Every diploma of a published snapshot, a page each, for the organiser to print."""
    snapshot = _organiser_snapshot(request, pk)
    return _pdf_response(request, diplomas.diplomas_of(snapshot), f"dyplomy-{snapshot.pk}.pdf")


@login_required
def diploma_pdf(request: HttpRequest, pk: int, entry: int) -> HttpResponse:
    snapshot = _organiser_snapshot(request, pk)
    found = [d for d in diplomas.diplomas_of(snapshot) if d.laureate.ranked.entry == entry]
    if not found:
        raise Http404
    return _pdf_response(request, found, found[0].filename)


@login_required
def diplomas_page(request: HttpRequest, pk: int) -> HttpResponse:
    """The organiser's diplomas of a published snapshot: one by one, all in a PDF, or a zip."""
    snapshot = _organiser_snapshot(request, pk)
    archives = snapshot.diploma_archives.all()
    archives.fail_stale()
    return render(
        request,
        "cms/diplomas.html",
        {
            "snapshot": snapshot,
            "diplomas": diplomas.diplomas_of(snapshot),
            "archives": archives.select_related("requested_by")[:10],
        },
    )


@login_required
@require_POST
def request_diplomas(request: HttpRequest, pk: int) -> HttpResponse:
    """All diplomas of a published snapshot as a zip, built by the worker; the page shows it."""
    snapshot = _organiser_snapshot(request, pk)
    archive = DiplomaArchive.objects.create(snapshot=snapshot, requested_by=request.user)
    logger.info(
        "diplomas requested",
        extra={"archive_id": archive.pk, "snapshot_id": snapshot.pk, "by": request.user.pk},
    )
    build_diplomas_task.enqueue(
        archive.pk, request.build_absolute_uri("/"), translation.get_language() or "pl"
    )
    messages.success(request, _("The diplomas are being prepared."))
    return redirect("diplomas_page", pk=snapshot.pk)


def _organiser_archive(request: HttpRequest, pk: int) -> DiplomaArchive:
    """An archive of a competition the user's team sees results of; 404 otherwise."""
    archives = organised(DiplomaArchive.objects, request.user, Duty.RESULTS)
    archives.filter(pk=pk).fail_stale()
    return get_object_or_404(archives.select_related("snapshot__edition__competition"), pk=pk)


@login_required
def diplomas_status(request: HttpRequest, pk: int) -> JsonResponse:
    return JsonResponse(_organiser_archive(request, pk).status_payload())


@login_required
def diplomas_zip(request: HttpRequest, pk: int) -> FileResponse:
    archive = _organiser_archive(request, pk)
    if archive.status != DiplomaArchive.Status.DONE:
        raise Http404
    return FileResponse(
        diplomas.open_archive(archive),
        as_attachment=True,
        filename=diplomas.archive_download_name(archive),
        content_type="application/zip",
    )
