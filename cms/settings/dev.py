"""Local development: debug on, console e-mail, a key that is only ever used on a laptop."""

from __future__ import annotations

from .base import *  # noqa: F403

DEBUG = True
SECRET_KEY = "dev-only-not-secret-3b8f0c1e"  # only ever used by `make run`
ALLOWED_HOSTS = ["127.0.0.1", "localhost"]
EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
STORAGES = filesystem_storages(  # noqa: F405
    MEDIA_ROOT,  # noqa: F405
    PRIVATE_MEDIA_ROOT,  # noqa: F405
    "django.contrib.staticfiles.storage.StaticFilesStorage",
)
VOTE_VOTER_KEY = "dev-only-vote-key-5d1c"  # only ever used by `make run`
