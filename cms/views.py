"""Public site views that are not Wagtail pages: search and robots.txt."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.templatetags.static import static
from django.urls import reverse
from wagtail.models import Locale, Page

from .forms import SearchForm


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


def favicon(request: HttpRequest) -> HttpResponse:
    # Browsers ask for /favicon.ico whatever the page links; the icon itself is a static SVG.
    return redirect(static("favicon.svg"))


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
