"""Where each person works: the panels they have, and where logging in takes them."""

from __future__ import annotations

from dataclasses import dataclass

from allauth.account.adapter import DefaultAccountAdapter
from django.urls import reverse
from django.utils import translation
from django.utils.functional import SimpleLazyObject

from entries.models import Membership
from scoring import permissions


@dataclass(frozen=True)
class Panels:
    """The site's working areas a person may open; the header links exactly these."""

    applicant: bool
    jury: bool
    admin: bool

    @property
    def home_url(self) -> str:
        if self.admin:
            return reverse("wagtailadmin_home")
        if self.jury:
            return reverse("scoring:home")
        return reverse("entries:dashboard")


def panels_for(user) -> Panels:
    if not user.is_authenticated:
        return Panels(applicant=False, jury=False, admin=False)
    jury = permissions.categories_for_juror(user).exists()
    admin = user.has_perm("wagtailadmin.access_admin")
    # Someone with no role yet is a future applicant: the dashboard lets them join an institution.
    applicant = Membership.objects.filter(user=user).exists() or not (jury or admin)
    return Panels(applicant=applicant, jury=jury, admin=admin)


class AccountAdapter(DefaultAccountAdapter):
    def get_login_redirect_url(self, request) -> str:
        """Organisers land in the admin, jurors and chairs in the jury panel, applicants at
        their entries (a `next` parameter, when given, still wins: allauth checks it first)."""
        return panels_for(request.user).home_url


def panels(request) -> dict:
    """Context processor: `panels` for the header, computed only when a template asks."""
    return {"panels": SimpleLazyObject(lambda: panels_for(request.user))}


class AdminLanguageMiddleware:
    """The admin speaks each person's chosen language from the first line of the request.

    Wagtail switches to the preferred language only inside its views, so what is decided before
    (a refusal's message, a redirect's notice) came out in the site's default language.
    """

    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request):
        if request.path.startswith("/admin/") and request.user.is_authenticated:
            from wagtail.users.models import UserProfile

            language = UserProfile.get_for_user(request.user).get_preferred_language()
            translation.activate(language)
            request.LANGUAGE_CODE = language
        return self.get_response(request)
