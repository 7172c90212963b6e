"""A PostgreSQL database of a benchmark's own, created empty and dropped afterwards."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PSQL = ["psql", "-h", "127.0.0.1", "-U", "postgres", "-q", "-c"]


def run_in_own_database(name: str, run: Callable[[], None]) -> None:
    """Point Django's test settings at a fresh database `name`, call `run`, drop it."""
    if name in ("judging", "test_judging"):
        sys.exit("refusing to use the project's own database")
    subprocess.run([*PSQL, f"DROP DATABASE IF EXISTS {name}"], check=True)
    subprocess.run([*PSQL, f"CREATE DATABASE {name}"], check=True)
    os.environ["DATABASE_URL"] = f"postgres://postgres@127.0.0.1:5432/{name}"
    os.environ["DJANGO_SETTINGS_MODULE"] = "cms.settings.test"
    sys.path.insert(0, str(ROOT))
    try:
        run()
    finally:
        from django.db import connections

        connections.close_all()
        subprocess.run([*PSQL, f"DROP DATABASE IF EXISTS {name}"], check=True)
