"""Who may log in, and how failed logins are counted: one policy for every login form.

See SECURITY.md ("Logging in"). allauth's login (`/konto/login/`) refuses an account whose
e-mail address is not confirmed; the Wagtail admin's login form asks `may_log_in` for the same
answer, and Wagtail's front-end login (`/_util/login/`) redirects to allauth's. django-axes
counts failures per client address *and* login name together, so nobody can lock a juror out
by typing wrong passwords for their address from elsewhere.
"""

from __future__ import annotations

from allauth.account.forms import SignupForm as AllauthSignupForm
from allauth.account.models import EmailAddress
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms.auth import LoginForm


def may_log_in(user) -> bool:
    """allauth's rule, for every login form: a signed-up account needs a confirmed address.

    Accounts with no allauth address at all were made by an organiser (the admin, a jury
    invitation) or on the server's command line, with an address someone vouched for; a jury
    invitation proves the address when its password link is used.
    """
    verified = list(EmailAddress.objects.filter(user=user).values_list("verified", flat=True))
    return not verified or any(verified)


def client_ip(request: HttpRequest) -> str | None:
    """The client's address: REMOTE_ADDR, or behind `TRUSTED_PROXY_COUNT` proxies the address
    the nearest trusted proxy saw (the right-most entries of X-Forwarded-For are theirs; the
    left-most can be forged by the client)."""
    proxies = getattr(settings, "TRUSTED_PROXY_COUNT", 0)
    if proxies:
        forwarded = [a.strip() for a in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
        forwarded = [address for address in forwarded if address]
        if len(forwarded) >= proxies:
            return forwarded[-proxies]
    return request.META.get("REMOTE_ADDR")


def login_name(request: HttpRequest, credentials: dict | None) -> str | None:
    """The name or e-mail a login attempt was for, as the forms post it (allauth: `login`,
    allauth's backend: `email`, the admin: `username`), case-folded so `Ala@` and `ala@`
    count as one account."""
    for source in (credentials or {}, request.POST if request is not None else {}):
        for key in ("username", "email", "login"):
            value = source.get(key)
            if value:
                return str(value).strip().casefold()[:255]
    return None


class AdminLoginForm(LoginForm):
    """Wagtail's login form (WAGTAILADMIN_USER_LOGIN_FORM) with allauth's rule.

    Wagtail's form leaves the password without a label (Django then shows the field's name,
    "Password", in every language) and puts the username's nominative into "Enter your …".
    """

    error_messages = {
        **LoginForm.error_messages,
        "invalid_login": _("The user name or the password is wrong. Try again."),
    }

    def __init__(self, request=None, *args, **kwargs) -> None:
        super().__init__(request, *args, **kwargs)
        self.fields["username"].label = _("User name")
        self.fields["username"].widget.attrs["placeholder"] = _("Enter your user name")
        self.fields["password"].label = _("Password")

    def confirm_login_allowed(self, user):
        super().confirm_login_allowed(user)
        if not may_log_in(user):
            raise ValidationError(
                _(
                    "Confirm your e-mail address first: open the link we sent you when you "
                    "signed up, or log in on the site to get a new one."
                ),
                code="unconfirmed_email",
            )


class SignupForm(AllauthSignupForm):
    """allauth's sign-up form (ACCOUNT_FORMS) that survives two sign-ups racing for one address.

    The database refuses a second account with the same e-mail address, case ignored (index
    `auth_user_email_ci_uniq`); the loser of the race gets allauth's "you already have an
    account" answer, as a later sign-up would, instead of a 500.
    """

    def try_save(self, request):
        try:
            with transaction.atomic():
                return super().try_save(request)
        except IntegrityError:
            email = self.cleaned_data.get("email", "")
            if not get_user_model().objects.filter(email__iexact=email).exists():
                raise  # not the e-mail race; nothing to say to the person but an error
            self.account_already_exists = True
            return super().try_save(request)
