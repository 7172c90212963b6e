"""Settings shared by every environment; the environment modules only override."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import dj_database_url
from csp.constants import NONE, SELF
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent.parent

INSTALLED_APPS = [
    "competition",
    "entries",
    "scoring",
    "cms",
    "wagtail.contrib.forms",
    "wagtail.contrib.redirects",
    "wagtail.contrib.settings",
    "wagtail.contrib.sitemaps",
    "wagtail.contrib.simple_translation",
    "django.contrib.sitemaps",
    "django.contrib.syndication",
    "wagtail.embeds",
    "wagtail.sites",
    "wagtail.users",
    "wagtail.snippets",
    "wagtail.documents",
    "wagtail.images",
    "wagtail.search",
    "wagtail.admin",
    "wagtail",
    "modelcluster",
    "taggit",
    "django_tasks_db",
    "health_check",
    "django_filters",
    "guardian",
    "allauth",
    "allauth.account",
    "axes",
    "csp",
    "django_tasks",
    "rest_framework",
    "drf_spectacular",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
]

MIDDLEWARE = [
    # First: times every request and logs it as one line (cms/logging.py).
    "cms.logging.RequestLogMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "cms.headers.SecurityHeadersMiddleware",
    "cms.headers.ContentSecurityPolicyMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "cms.cache.PageCacheMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "cms.accounts.AdminLanguageMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "wagtail.contrib.redirects.middleware.RedirectMiddleware",
    # Last, as django-axes asks: turns a locked-out login into its 429 answer.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "cms.urls"
WSGI_APPLICATION = "cms.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.debug",
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "cms.accounts.panels",
            ],
        },
    },
    {
        # Plain-text e-mails: "Kraków & okolice" must not arrive as "Kraków &amp; okolice".
        # Only `competition.mail.render_email` uses it; HTML always goes through the first engine.
        "NAME": "text",
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {"autoescape": False},
    },
]

# SQLite is the embedded default so a first run needs nothing; DATABASE_URL selects PostgreSQL.
DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=60,
    )
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTHENTICATION_BACKENDS = [
    # First: refuses a locked-out address + login name before any password is checked.
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
    "guardian.backends.ObjectPermissionBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
# Guardian's anonymous user row is not needed: anonymous visitors never hold object permissions.
ANONYMOUS_USER_NAME = None
GUARDIAN_MONKEY_PATCH_USER = False

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "pl"
LANGUAGES = [("pl", _("Polish")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Europe/Warsaw"
USE_I18N = True
USE_TZ = True
# Polish numbers group thousands with a thin space, not Django's full one (cms/formats/pl).
FORMAT_MODULE_PATH = ["cms.formats"]

# Wagtail's built-in locales (with simple_translation to copy a page tree): no extra dependency,
# and the content here is few pages edited by one office, not a translation workflow.
WAGTAIL_I18N_ENABLED = True
WAGTAIL_CONTENT_LANGUAGES = LANGUAGES
WAGTAILADMIN_PERMITTED_LANGUAGES = LANGUAGES

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "static_collected"
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = BASE_DIR / "media"
# Entry attachments and protocols live outside the web root, in the "private" storage, and are
# served only by permission-checked views; production may put both storages in S3 instead.
PRIVATE_MEDIA_ROOT = BASE_DIR / "private_media"


def filesystem_storages(media_root, private_root, staticfiles: str) -> dict:
    return {
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(media_root)},
        },
        "private": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            # No URL serves this folder: only the permission-checked views read it.
            "OPTIONS": {"location": str(private_root)},
        },
        "staticfiles": {"BACKEND": staticfiles},
    }


STORAGES = filesystem_storages(
    MEDIA_ROOT, PRIVATE_MEDIA_ROOT, "whitenoise.storage.CompressedManifestStaticFilesStorage"
)

WAGTAIL_SITE_NAME = _("Digitalisation competitions")
WAGTAILADMIN_BASE_URL = "http://127.0.0.1:8000"
# cms.search wraps Wagtail's database backend: PostgreSQL's full-text search with the "polish"
# configuration (cms migration 0004), or SQLite's FTS with a prefix-matching best effort.
WAGTAILSEARCH_BACKENDS = {"default": {"BACKEND": "cms.search", "SEARCH_CONFIG": "polish"}}
PAGE_CACHE_SECONDS = 600
# Cache-Control max-age of live public pages for browsers and a proxy cache.
PUBLIC_PAGE_MAX_AGE = 60
WAGTAILDOCS_EXTENSIONS = ["pdf", "docx", "odt", "xlsx"]

LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "entries:dashboard"
ACCOUNT_ADAPTER = "cms.accounts.AccountAdapter"
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_CONFIRM_EMAIL_ON_GET = False
ACCOUNT_LOGOUT_REDIRECT_URL = "/"
ACCOUNT_EMAIL_SUBJECT_PREFIX = "[Konkursy] "
ACCOUNT_SIGNUP_FORM_CLASS = "entries.forms.SignupForm"
# Named as the controller in the sign-up form's personal-data (RODO) clause; set per deployment.
DATA_CONTROLLER = _("the organiser who runs this site")
ACCOUNT_PREVENT_ENUMERATION = True
ACCOUNT_FORMS = {"signup": "cms.auth.SignupForm"}

# Logging in (SECURITY.md): every login form follows allauth's rule on confirmed e-mail
# addresses; Wagtail's front-end login redirects to allauth's, the admin's form asks the same
# rule, and the admin's own password reset is off (allauth's is the one, rate-limited).
WAGTAILADMIN_USER_LOGIN_FORM = "cms.auth.AdminLoginForm"
WAGTAIL_FRONTEND_LOGIN_URL = "/konto/login/"
WAGTAIL_PASSWORD_RESET_ENABLED = False
# Failed logins on every form (allauth's, the admin's) are counted in the database, shared by
# all workers: 5 failures of one login name from one address lock that pair for 15 minutes.
# The pair, not the account: an attacker elsewhere cannot lock a juror out before a deadline.
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = dt.timedelta(minutes=15)
AXES_LOCKOUT_PARAMETERS = [["ip_address", "username"]]
AXES_RESET_ON_SUCCESS = True
AXES_CLIENT_IP_CALLABLE = "cms.auth.client_ip"
AXES_USERNAME_CALLABLE = "cms.auth.login_name"
AXES_LOCKOUT_TEMPLATE = "account/locked_out.html"
# Number of reverse proxies in front of the site whose X-Forwarded-For is trusted (production).
TRUSTED_PROXY_COUNT = 0
# allauth's own limits (per address and per account/e-mail, in the default cache: Redis or the
# database in production) on failed logins, sign-ups and password resets.
ACCOUNT_RATE_LIMITS = {
    "login": "30/m/ip",
    # Per address only: a limit per account would let anyone lock a juror out.
    "login_failed": "10/m/ip",
    "signup": "20/m/ip",
    "reset_password": "20/m/ip,5/m/key",
    "reset_password_from_key": "20/m/ip",
    "confirm_email": "1/3m/key",
}

TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
# A protocol export whose progress has not moved for this long is taken for dead (its worker
# was killed) and shown as failed, so the organiser can ask again.
EXPORT_STALE_SECONDS = 900
# The scheduled job reminds jurors with missing sheets daily once scoring closes within this many
# days (`manage.py send_due_reminders`, deploy/systemd/judging-reminders.timer).
REMINDER_DAYS_BEFORE_CLOSE = 3
# /health/ reports tasks that waited longer than this for a worker.
HEALTH_TASK_MAX_WAIT_SECONDS = 600
# A load balancer probes the app servers directly, over plain HTTP (SECURE_SSL_REDIRECT).
SECURE_REDIRECT_EXEMPT = [r"^health/$"]

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"},
        "json": {"()": "cms.logging.JsonFormatter"},
    },
    "handlers": {"stdout": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["stdout"], "level": "WARNING"},
    "loggers": {
        # One line per request (cms.logging.RequestLogMiddleware), at INFO.
        "judging.requests": {"level": "WARNING", "propagate": True},
        # The services' actions of consequence (freeze, publish, formal check, appointments).
        "judging": {"level": "INFO", "propagate": True},
        "django_tasks_db": {"level": "INFO", "propagate": True},
    },
}

DEFAULT_FROM_EMAIL = "konkursy@example.org"

# Entry attachments: how many, how large, which types (checked from the file's content).
ENTRY_MAX_ATTACHMENTS = 5
ENTRY_MAX_ATTACHMENT_MB = 10

# Headers (SECURITY.md). The public pages run no inline script; matplotlib's SVG charts carry
# an inline <style>, hence 'unsafe-inline' for styles only.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF, "'unsafe-inline'"],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "frame-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [SELF],
    }
}
# Wagtail's admin is not yet compatible with a strict policy (inline scripts, eval in choosers).
ADMIN_CSP_REPLACE = {
    "script-src": [SELF, "'unsafe-inline'", "'unsafe-eval'"],
    "img-src": [SELF, "data:", "blob:"],
}
WAGTAIL_GRAVATAR_PROVIDER_URL = None  # no third-party avatars in the admin
PERMISSIONS_POLICY = (
    "accelerometer=(), camera=(), geolocation=(), gyroscope=(), magnetometer=(), "
    "microphone=(), payment=(), usb=(), browsing-topics=()"
)
# Request bodies: form fields in memory up to Django's 2.5 MB (DATA_UPLOAD_MAX_MEMORY_SIZE);
# a whole request at most an attachment plus the form on the site, more for the organisers'
# documents and images in the admin. The proxy should enforce the larger of the two.
DATA_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
SITE_MAX_REQUEST_BODY_BYTES = (ENTRY_MAX_ATTACHMENT_MB + 2) * 2**20
ADMIN_MAX_REQUEST_BODY_BYTES = 32 * 2**20


# The public read-only API (cms/api.py): anonymous, JSON only, pages of 50.
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.AllowAny"],
    "UNAUTHENTICATED_USER": None,
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": [],
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Laureates of digitalisation competitions",
    "DESCRIPTION": "Published editions and their laureates; data under CC BY 4.0.",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    # The schema (and `check --deploy`, which builds it) covers the public API, not Wagtail's.
    "DEFAULT_GENERATOR_CLASS": "cms.api.PublicSchemaGenerator",
}

# The people's-choice vote (cms/vote, README "People's choice"). VOTE_VOTER_KEY keys the HMAC
# that stands for a voter's address; it must stay the same for as long as any vote runs, or one
# address would count as a new person. Set it per deployment (production refuses to start
# without it).
VOTE_VOTER_KEY = ""
VOTE_CONFIRMATION_HOURS = 24
# (requests, seconds) per voter address and per client address, counted in the default cache.
VOTE_RATE_LIMITS = {"address": (5, 3600), "ip": (30, 3600)}
# The proof-of-work's range: a browser tries on average half of it (about a second at 50,000).
VOTE_CHALLENGE_MAX_NUMBER = 50_000
VOTE_CHALLENGE_SECONDS = 600
