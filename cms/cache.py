"""Whole-page cache for anonymous visitors; published or unpublished pages bump its generation.

Django's cache middleware would also cache pages for logged-in people and pages that set
cookies; this caches only anonymous GETs of live Wagtail pages, which is what a results-day
spike is made of. The hook stores pages; the middleware answers hits before any routing.
With several worker processes use a shared cache (REDIS_URL): a local-memory cache is per
process and a publish in one process cannot clear the others.
"""

from __future__ import annotations

import hashlib
import time

from django.conf import settings
from django.core.cache import cache
from django.http import HttpResponse
from django.utils.cache import patch_cache_control
from django.utils.translation import get_language

from cms.health import HEALTH_PATH

GENERATION_KEY = "pages:generation"
# A hit costs one cache round trip, not two: each process trusts the generation it last read
# for this long, so a publish reaches every worker within a second.
GENERATION_MEMO_SECONDS = 1.0
_memo: dict[str, float] = {"generation": 0, "until": 0.0}


def _generation() -> int:
    return cache.get_or_set(GENERATION_KEY, 1, timeout=None)


def _memoised_generation() -> int | None:
    now = time.monotonic()
    if now >= _memo["until"]:
        _memo["generation"] = cache.get(GENERATION_KEY) or 0
        _memo["until"] = now + GENERATION_MEMO_SECONDS
    return int(_memo["generation"]) or None


def public(response: HttpResponse) -> HttpResponse:
    """A live page as any visitor sees it: browsers and a proxy cache may keep it briefly
    (a publish purges the proxy through wagtail.contrib.frontend_cache when configured)."""
    patch_cache_control(response, public=True, max_age=settings.PUBLIC_PAGE_MAX_AGE)
    return response


def invalidate() -> None:
    try:
        cache.incr(GENERATION_KEY)
    except ValueError:
        cache.set(GENERATION_KEY, 2, timeout=None)
    _memo["until"] = 0.0


def _key_for(request, generation: int) -> str:
    path = hashlib.sha256(request.get_full_path().encode()).hexdigest()
    return f"pages:{generation}:{get_language()}:{request.get_host()}:{path}"


def _key(request) -> str:
    return _key_for(request, _generation())


def cacheable(request) -> bool:
    return (
        request.method == "GET"
        and not request.user.is_authenticated
        and not getattr(request, "is_preview", False)
        and not request.COOKIES.get(settings.SESSION_COOKIE_NAME)
        # A pending flash message belongs to one visitor's page, never to the shared copy.
        and not request.COOKIES.get("messages")
    )


def serve_cached(serve):
    """Wrap Wagtail's serve chain (the `on_serve_page` hook)."""

    def wrapper(page, request, args, kwargs):
        if not cacheable(request):
            return serve(page, request, args, kwargs)
        key = _key(request)
        hit = cache.get(key)
        if hit is not None:
            content, content_type = hit
            response = HttpResponse(content, content_type=content_type)
            response["X-Page-Cache"] = "hit"
            return public(response)
        response = serve(page, request, args, kwargs)
        if hasattr(response, "render") and not response.is_rendered:
            response.render()
        if response.status_code == 200 and not response.cookies:
            cache.set(
                key, (response.content, response["Content-Type"]), settings.PAGE_CACHE_SECONDS
            )
            response["X-Page-Cache"] = "miss"
            public(response)
        return response

    return wrapper


class PageCacheMiddleware:
    """Answer cached pages before Wagtail routes the request (no queries on a hit).

    Sits right after LocaleMiddleware, so the language in the key is the one the page was
    stored under; only anonymous GETs without a session are looked up, and only pages the
    `on_serve_page` hook stored (live, public pages) can be found.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if (
            request.method == "GET"
            # The health probe must reach the cache check itself, even with the cache down.
            and request.path != HEALTH_PATH
            and not request.COOKIES.get(settings.SESSION_COOKIE_NAME)
            and not request.COOKIES.get("messages")
        ):
            generation = _memoised_generation()
            hit = cache.get(_key_for(request, generation)) if generation else None
            if hit is not None:
                content, content_type = hit
                response = HttpResponse(content, content_type=content_type)
                response["X-Page-Cache"] = "hit"
                # The clickjacking middleware after this one never sees the response.
                response["X-Frame-Options"] = getattr(settings, "X_FRAME_OPTIONS", "DENY")
                response["Vary"] = "Cookie"
                return public(response)
        return self.get_response(request)


_MISSING = object()


def remembered(name: str, compute):
    """A fragment many pages share (the footer's links, a page's breadcrumbs and branding).

    Kept under the page cache's generation, so whatever clears the pages (a publish, a saved
    competition or footer) clears these too, and a page rendered afresh costs no more queries
    than it did before it had a footer and breadcrumbs.
    """
    key = f"fragments:{_generation()}:{name}"
    value = cache.get(key, _MISSING)
    if value is _MISSING:
        value = compute()
        cache.set(key, value, settings.PAGE_CACHE_SECONDS)
    return value
