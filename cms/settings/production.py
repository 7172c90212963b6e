"""Production reads everything from the environment and refuses to start without its secrets."""

from __future__ import annotations

import os

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F403


def env(name: str, default: str | None = None) -> str:
    value = os.environ.get(name, default)
    if value is None or value == "":
        raise ImproperlyConfigured(f"Set the {name} environment variable.")
    return value


def env_bool(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None:
        return default
    return raw.strip().lower() in {"1", "true", "yes", "on"}


DEBUG = False
SECRET_KEY = env("SECRET_KEY")
# The people's-choice vote hashes voters' addresses with it (base.py says why it must not change).
VOTE_VOTER_KEY = env("VOTE_VOTER_KEY")
ALLOWED_HOSTS = [h.strip() for h in env("ALLOWED_HOSTS").split(",") if h.strip()]
CSRF_TRUSTED_ORIGINS = [f"https://{host}" for host in ALLOWED_HOSTS]
DATABASES = {"default": dj_database_url.parse(env("DATABASE_URL"), conn_max_age=600)}
WAGTAILADMIN_BASE_URL = env("SITE_URL", f"https://{ALLOWED_HOSTS[0]}")
if os.environ.get("STATIC_ROOT"):
    STATIC_ROOT = os.environ["STATIC_ROOT"]

# The cache holds allauth's rate limits and the page cache, so every app server must share it:
# Redis when REDIS_URL is set, otherwise a database table (`manage.py createcachetable`).
# A publish bumps the page cache's generation there, so every server sees it at once.
if os.environ.get("REDIS_URL"):
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": env("REDIS_URL"),
            # A Redis that is down must fail a request (and /health/) quickly, not hang it.
            "OPTIONS": {"socket_connect_timeout": 2, "socket_timeout": 2},
        }
    }
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": "django_cache",
        }
    }

# Files: both storages on the local disk (one server, or a shared mount), or in an
# S3-compatible object store that every app server and worker reaches (django-storages).
FILE_STORAGE = env("FILE_STORAGE", "filesystem")
if FILE_STORAGE == "s3":
    _s3 = {
        "endpoint_url": os.environ.get("S3_ENDPOINT_URL") or None,
        "region_name": os.environ.get("S3_REGION") or None,
        "access_key": env("S3_ACCESS_KEY_ID"),
        "secret_key": env("S3_SECRET_ACCESS_KEY"),
        "default_acl": None,
        "file_overwrite": False,
    }
    STORAGES = {
        "default": {
            "BACKEND": "storages.backends.s3.S3Storage",
            "OPTIONS": {**_s3, "bucket_name": env("S3_MEDIA_BUCKET"), "querystring_auth": False},
        },
        # Never public: no ACL, signed URLs are not handed out; the permission-checked views
        # stream the objects through the app server.
        "private": {
            "BACKEND": "storages.backends.s3.S3Storage",
            "OPTIONS": {**_s3, "bucket_name": env("S3_PRIVATE_BUCKET"), "querystring_auth": True},
        },
        "staticfiles": STORAGES["staticfiles"],  # noqa: F405
    }
elif FILE_STORAGE == "filesystem":
    MEDIA_ROOT = env("MEDIA_ROOT", str(MEDIA_ROOT))  # noqa: F405
    PRIVATE_MEDIA_ROOT = env("PRIVATE_MEDIA_ROOT", str(PRIVATE_MEDIA_ROOT))  # noqa: F405
    STORAGES = filesystem_storages(  # noqa: F405
        MEDIA_ROOT, PRIVATE_MEDIA_ROOT, STORAGES["staticfiles"]["BACKEND"]
    )
else:
    raise ImproperlyConfigured("FILE_STORAGE must be 'filesystem' or 's3'.")

# Reverse proxies in front of gunicorn whose X-Forwarded-For names the client (login throttling).
TRUSTED_PROXY_COUNT = int(os.environ.get("TRUSTED_PROXY_COUNT", "1"))

# Another backend only for a rehearsal (the multi-node check); production sends through SMTP.
EMAIL_BACKEND = env("EMAIL_BACKEND", "django.core.mail.backends.smtp.EmailBackend")
EMAIL_HOST = env("EMAIL_HOST")
EMAIL_PORT = int(env("EMAIL_PORT", "587"))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", True)
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# Protocols and mailings run in `manage.py db_worker` processes (django-tasks-db: the queue is
# a table in the same PostgreSQL, no extra service). TASKS_BACKEND=immediate runs them inside
# the request instead, for a one-process installation only.
TASKS_BACKEND = env("TASKS_BACKEND", "database")
if TASKS_BACKEND == "database":
    TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
elif TASKS_BACKEND == "immediate":
    TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
else:
    raise ImproperlyConfigured("TASKS_BACKEND must be 'database' or 'immediate'.")
EXPORT_STALE_SECONDS = int(env("EXPORT_STALE_SECONDS", "900"))

# A caching proxy (nginx, Varnish) in front: publishing purges the page's URLs there.
if os.environ.get("FRONTEND_CACHE_URL"):
    INSTALLED_APPS = [*INSTALLED_APPS, "wagtail.contrib.frontend_cache"]  # noqa: F405
    WAGTAILFRONTENDCACHE = {
        "default": {
            "BACKEND": "wagtail.contrib.frontend_cache.backends.HTTPBackend",
            "LOCATION": env("FRONTEND_CACHE_URL"),
        }
    }

# JSON lines on stdout, one per request and one per action of consequence.
LOGGING["handlers"]["stdout"]["formatter"] = "json"  # noqa: F405
LOGGING["loggers"]["judging.requests"]["level"] = env("REQUEST_LOG_LEVEL", "INFO")  # noqa: F405

SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", "31536000"))
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
