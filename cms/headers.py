"""Response headers every page gets, and the request-size refusal (see SECURITY.md).

Both middlewares sit just inside SecurityMiddleware, outside the page cache, so cached pages
carry the same headers as fresh ones.
"""

from __future__ import annotations

from csp.middleware import CSPMiddleware
from django.conf import settings
from django.http import HttpResponse
from django.utils.cache import patch_cache_control
from django.utils.translation import gettext as _

ADMIN_PREFIX = "/admin/"


class SecurityHeadersMiddleware:
    """Permissions-Policy on everything, no-store for logged-in people, oversized bodies refused.

    A body longer than the limit is refused from its Content-Length, before Django reads it
    (a 60 MB upload used to be read in full before the 10 MB attachment check refused it).
    The proxy in front must also cap bodies, for requests without a Content-Length.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        limit = (
            settings.ADMIN_MAX_REQUEST_BODY_BYTES
            if request.path_info.startswith(ADMIN_PREFIX)
            else settings.SITE_MAX_REQUEST_BODY_BYTES
        )
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        if length > limit:
            response = HttpResponse(
                _("The request is too large: at most %(mb)d MB.") % {"mb": limit // 2**20},
                status=413,
                content_type="text/plain; charset=utf-8",
            )
        else:
            response = self.get_response(request)
        response.setdefault("Permissions-Policy", settings.PERMISSIONS_POLICY)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            # What a logged-in person sees (their entries, sheets, downloads) stays off shared
            # and browser caches.
            patch_cache_control(response, private=True, no_store=True)
        return response


class ContentSecurityPolicyMiddleware(CSPMiddleware):
    """django-csp with the site's strict policy, and Wagtail's admin's relaxed one.

    The public site and the applicants' and jurors' pages run no inline script; Wagtail's admin
    still needs inline scripts and eval (its choosers), so /admin/ gets `ADMIN_CSP_REPLACE`.
    """

    def get_policy_parts(self, request, response, report_only=False):
        parts = super().get_policy_parts(request, response, report_only)
        if request.path_info.startswith(ADMIN_PREFIX) and not report_only:
            parts.replace = {**settings.ADMIN_CSP_REPLACE, **(parts.replace or {})}
        return parts
