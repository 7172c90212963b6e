"""Test settings: fast hashing, in-memory e-mail, tasks run immediately."""

from __future__ import annotations

import os

from .base import *  # noqa: F403
from .base import BASE_DIR

DEBUG = False
SECRET_KEY = "test-only-not-secret"
ALLOWED_HOSTS = ["testserver", "127.0.0.1", "localhost"]
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
# One directory per xdist worker: a test that clears its files must not pull another's away.
_WORKER = os.environ.get("PYTEST_XDIST_WORKER", "main")
MEDIA_ROOT = BASE_DIR / "artifacts" / "test-media" / _WORKER
PRIVATE_MEDIA_ROOT = BASE_DIR / "artifacts" / "test-private-media" / _WORKER
STORAGES = filesystem_storages(  # noqa: F405
    MEDIA_ROOT, PRIVATE_MEDIA_ROOT, "django.contrib.staticfiles.storage.StaticFilesStorage"
)
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
# Tests never run collectstatic; serve from the finders instead of the collected root.
WHITENOISE_AUTOREFRESH = True
WHITENOISE_USE_FINDERS = True
VOTE_VOTER_KEY = "test-only-vote-key"
# Small enough for the tests to solve the challenge in a few milliseconds.
VOTE_CHALLENGE_MAX_NUMBER = 500
