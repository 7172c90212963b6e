"""Lighthouse scores of the public pages; figures go to BENCHMARKS.md ("Lighthouse").

Run from the repository root (about 4 minutes):

    .venv/bin/python bench/lighthouse.py

What it does, with production settings and only its own resources (the set-up is bench/pages.py's:
its own PostgreSQL database, `migrate`, `load_demo`, `collectstatic`, gunicorn on a free loopback
port, plain http with SECURE_SSL_REDIRECT=0), and the public media served beside the site as
the production proxy does (bench/media_wsgi.py):

1. Runs Lighthouse 12.2.3 from the npm registry (`npx --yes lighthouse@12.2.3`, the last release
   that runs on this Node 20) against Debian's Chromium (`/usr/bin/chromium`, headless) for the
   home page, an edition, the announcement, a laureate page and the archive, in Polish and in
   English, with the desktop preset and again with the default mobile emulation.
2. Prints a table of the four category scores per page and the audits that cost points, and
   fails (exit 1) when accessibility is below 100 or best practices or SEO below 95 (issue 17).

The loopback origin is plain http, which Lighthouse treats as secure (localhost), so the
"uses HTTPS" audit measures what production serves behind its TLS proxy.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import re
import secrets
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from pages import (
    PROTECTED_DATABASES,
    PYTHON,
    REPO_ROOT,
    STATIC_ROOT,
    Server,
    django_env,
    log,
    psql,
    run,
)

LIGHTHOUSE = "lighthouse@12.2.3"
CATEGORIES = ("performance", "accessibility", "best-practices", "seo")
TARGETS = {"accessibility": 100, "best-practices": 95, "seo": 95}
PAGES = {
    "home": "/",
    "edition": "/samorzadowy-lider-cyfryzacji/2024-6/",
    "announcement": "/samorzadowy-lider-cyfryzacji/2024-6/laureaci/",
    "laureate": "/samorzadowy-lider-cyfryzacji/2024-6/laureaci/slc-2024-001/",
    "archive": "/archiwum/",
}


def lighthouse(url: str, *, chromium: str, desktop: bool, out: Path) -> dict:
    command = [
        "npx",
        "--yes",
        LIGHTHOUSE,
        url,
        f"--chrome-path={chromium}",
        "--chrome-flags=--headless --no-sandbox --disable-gpu --disable-background-networking",
        f"--only-categories={','.join(CATEGORIES)}",
        "--output=json",
        f"--output-path={out}",
        "--quiet",
    ]
    if desktop:
        command.append("--preset=desktop")
    # On a busy machine Chromium now and then fails to start in time: one more try, then fail.
    for attempt in (1, 2):
        done = subprocess.run(command, capture_output=True, text=True, timeout=300, check=False)
        if done.returncode == 0:
            break
        log(f"lighthouse failed (attempt {attempt}): {done.stderr.strip()[-500:]}")
    else:
        raise RuntimeError(f"lighthouse failed twice on {url}")
    report = json.loads(out.read_text(encoding="utf-8"))
    scores = {c: round(report["categories"][c]["score"] * 100) for c in CATEGORIES}
    console = [
        item.get("url") or item.get("description", "")
        for item in report["audits"]["errors-in-console"].get("details", {}).get("items", [])
    ]
    lost = sorted(
        audit_id
        for category in ("accessibility", "best-practices", "seo")
        for ref in report["categories"][category]["auditRefs"]
        if ref["weight"] > 0
        and (audit_id := ref["id"])
        and report["audits"][audit_id]["score"] not in (None, 1)
    )
    return {"scores": scores, "lost": lost, "console": console}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", default="judging_bench_lighthouse")
    parser.add_argument("--pg-host", default="127.0.0.1")
    parser.add_argument("--pg-port", type=int, default=5432)
    parser.add_argument("--settings", default="cms.settings.production")
    parser.add_argument("--port", type=int, default=0, help="0: a free port")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--chromium", default=os.environ.get("CHROMIUM", "/usr/bin/chromium"))
    parser.add_argument("--languages", default="pl,en")
    parser.add_argument("--modes", default="desktop,mobile")
    parser.add_argument("--skip-setup", action="store_true", help="reuse the database as it is")
    parser.add_argument("--json", help="also write the raw figures to this file")
    args = parser.parse_args()
    args.secret_key = secrets.token_urlsafe(50)
    args.redis_pythonpath_in_use = False
    if args.db in PROTECTED_DATABASES or not re.fullmatch(r"[a-z_][a-z0-9_]*", args.db):
        parser.error(f"refusing to use database {args.db!r}")
    if shutil.which("npx") is None:
        parser.error("npx (Node.js) is missing")

    static_existed = STATIC_ROOT.exists()
    results: list[dict] = []
    server = Server(args, redis=False, label="lighthouse")
    server.app = "bench.media_wsgi:application"
    try:
        env = django_env(args, redis=False)
        if not args.skip_setup:
            log(f"database {args.db}: drop, create, migrate, load_demo")
            psql(args, f'DROP DATABASE IF EXISTS "{args.db}" WITH (FORCE)')
            psql(args, f'CREATE DATABASE "{args.db}"')
            run([PYTHON, "manage.py", "migrate", "--noinput"], env=env)
            # Without REDIS_URL production caches in a database table (cms/settings/production).
            run([PYTHON, "manage.py", "createcachetable"], env=env)
            run([PYTHON, "manage.py", "load_demo"], env=env)
        run([PYTHON, "manage.py", "collectstatic", "--noinput"], env=env)
        server.start()
        with tempfile.TemporaryDirectory() as folder:
            for language in args.languages.split(","):
                prefix = "" if language == "pl" else f"/{language}"
                for name, path in PAGES.items():
                    for mode in args.modes.split(","):
                        url = f"{server.base}{prefix}{path}"
                        log(f"{mode} {language} {name}: {url}")
                        result = lighthouse(
                            url,
                            chromium=args.chromium,
                            desktop=mode == "desktop",
                            out=Path(folder) / "report.json",
                        )
                        results.append({"page": name, "language": language, "mode": mode} | result)
    finally:
        server.stop()
        if not args.skip_setup:
            with contextlib.suppress(Exception):
                psql(args, f'DROP DATABASE IF EXISTS "{args.db}" WITH (FORCE)')
        if not static_existed and STATIC_ROOT.exists():
            shutil.rmtree(STATIC_ROOT, ignore_errors=True)

    header = "| page | lang | mode | performance | accessibility | best practices | SEO | lost |"
    print("\n" + header + "\n|" + "---|" * 8)
    failed = False
    for r in results:
        s = r["scores"]
        below = [c for c, target in TARGETS.items() if s[c] < target]
        failed |= bool(below)
        if r["console"]:
            print(f"<!-- console errors on {r['page']} {r['language']}: {r['console']} -->")
        print(
            f"| {r['page']} | {r['language']} | {r['mode']} | {s['performance']} | "
            f"{s['accessibility']} | {s['best-practices']} | {s['seo']} | "
            f"{', '.join(r['lost']) or '—'} |"
        )
    if args.json:
        Path(args.json).write_text(json.dumps(results, indent=2), encoding="utf-8")
    print(f"\nrepository: {REPO_ROOT}; targets {TARGETS}: {'MISSED' if failed else 'met'}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
