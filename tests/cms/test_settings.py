from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PRODUCTION_ENV = {
    "SECRET_KEY": "x7Gk2pQ9vL0sZ4mN8rT1wY6uB3eH5jC0aD9fK2lP7qR4sV1xZ8nM3bG6hJ0yU5tE",
    "ALLOWED_HOSTS": "konkursy.example.org",
    "DATABASE_URL": "sqlite:////tmp/judging-deploy-check.sqlite3",
    "EMAIL_HOST": "smtp.example.org",
    "DEFAULT_FROM_EMAIL": "konkursy@example.org",
    "VOTE_VOTER_KEY": "d4Kq8wZ1nB6tY3pL0sX9mV2cR7hJ5fG8aE1uN4iO6kT3",
}


def manage(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    # The browser tests' async switch must never leak into a production check.
    clean = {
        k: v
        for k, v in os.environ.items()
        if k not in PRODUCTION_ENV and k != "DJANGO_ALLOW_ASYNC_UNSAFE"
    }
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={**clean, **env, "DJANGO_SETTINGS_MODULE": "cms.settings.production"},
        capture_output=True,
        text=True,
        check=False,
    )


def test_production_check_deploy_is_clean():
    result = manage("check", "--deploy", "--fail-level", "WARNING", env=PRODUCTION_ENV)

    assert result.returncode == 0, result.stderr
    assert "no issues" in result.stdout


def test_production_refuses_to_start_without_secret_key():
    env = {k: v for k, v in PRODUCTION_ENV.items() if k != "SECRET_KEY"}

    result = manage("check", env=env)

    assert result.returncode != 0
    assert "Set the SECRET_KEY environment variable." in result.stderr


def settings_value(expression: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    code = f"from django.conf import settings; print({expression})"
    return manage("shell", "-v", "0", "-c", code, env=env)


def test_production_runs_tasks_in_database_workers_by_default():
    result = settings_value('settings.TASKS["default"]["BACKEND"]', PRODUCTION_ENV)

    assert result.stdout.strip() == "django_tasks_db.DatabaseBackend", result.stderr


def test_production_uses_redis_when_told_and_the_database_cache_otherwise():
    backend = 'settings.CACHES["default"]["BACKEND"]'

    with_redis = settings_value(backend, {**PRODUCTION_ENV, "REDIS_URL": "redis://127.0.0.1:1/0"})
    without = settings_value(backend, PRODUCTION_ENV)

    assert with_redis.stdout.strip() == "django.core.cache.backends.redis.RedisCache"
    assert without.stdout.strip() == "django.core.cache.backends.db.DatabaseCache"


def test_production_puts_both_storages_in_s3_when_told():
    env = {
        **PRODUCTION_ENV,
        "FILE_STORAGE": "s3",
        "S3_ACCESS_KEY_ID": "key",
        "S3_SECRET_ACCESS_KEY": "secret",
        "S3_MEDIA_BUCKET": "media",
        "S3_PRIVATE_BUCKET": "private",
    }

    result = settings_value(
        '[(a, s["BACKEND"], s["OPTIONS"]["bucket_name"]) for a, s in settings.STORAGES.items() '
        'if a != "staticfiles"]',
        env,
    )

    assert result.stdout.strip() == (
        "[('default', 'storages.backends.s3.S3Storage', 'media'), "
        "('private', 'storages.backends.s3.S3Storage', 'private')]"
    ), result.stderr


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        ({"FILE_STORAGE": "s3"}, "Set the S3_ACCESS_KEY_ID environment variable."),
        (
            {"FILE_STORAGE": "s3", "S3_ACCESS_KEY_ID": "k", "S3_SECRET_ACCESS_KEY": "s"},
            "Set the S3_MEDIA_BUCKET environment variable.",
        ),
        ({"FILE_STORAGE": "nfs"}, "FILE_STORAGE must be 'filesystem' or 's3'."),
        ({"TASKS_BACKEND": "celery"}, "TASKS_BACKEND must be 'database' or 'immediate'."),
        ({"DATABASE_URL": ""}, "Set the DATABASE_URL environment variable."),
        ({"EMAIL_HOST": ""}, "Set the EMAIL_HOST environment variable."),
    ],
)
def test_production_refuses_to_start_with_a_service_half_configured(extra, message):
    result = manage("check", env={**PRODUCTION_ENV, **extra})

    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert message in result.stderr
