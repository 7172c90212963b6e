"""Figures for BENCHMARKS.md on the multi-node cluster (cluster.py): the public announcement's
requests/s with one and with two app servers (wrk), and a submission rush (applicants
uploading a 5 MB attachment and submitting, spread over one minute, across both servers).

    python tests/multinode/bench.py [--applicants 200] [--database judging_c2]
"""

from __future__ import annotations

import argparse
import json
import os
import re
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from tests.multinode.cluster import Browser, Cluster

SETUP = """
import json
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY, get_user_model
from django.contrib.sessions.backends.db import SessionStore
from competition.models import Edition, Institution
from entries.models import Entry, Membership, MembershipStatus
edition = Edition.objects.get(competition__slug="samorzadowy-lider-cyfryzacji", number=7)
categories = [c for c in edition.categories.order_by("sort_order") if not c.eligible_kinds]
category = categories[0] if categories else edition.categories.order_by("sort_order").first()
used = Entry.objects.filter(edition=edition).values_list("institution_id", flat=True)
institutions = Institution.objects.exclude(pk__in=used).order_by("pk")[:%(n)d]
out = []
for i, institution in enumerate(institutions):
    user, _ = get_user_model().objects.get_or_create(
        username=f"rush{i:03d}", defaults={"email": f"rush{i:03d}@example.org"}
    )
    user.set_unusable_password(); user.save()
    Membership.objects.update_or_create(
        user=user, institution=institution, defaults={"status": MembershipStatus.APPROVED}
    )
    entry = Entry.objects.create(
        edition=edition, category=category, institution=institution, created_by=user,
        title=f"Projekt {i}", summary="Streszczenie.", description="Opis.", results="Wyniki.",
        contact_name="Jan Nowak", contact_email=user.email, consent_to_publish=True,
    )
    # A logged-in session, as after the login page (the rush measures submitting, not PBKDF2).
    session = SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session.create()
    out.append([entry.pk, session.session_key])
print(json.dumps(out))
"""

NUMBERS = """
import json
from entries.models import Entry
qs = Entry.objects.filter(edition__number=7, edition__competition__slug="samorzadowy-lider-cyfryzacji")
print(json.dumps(list(qs.exclude(sequence=None).values_list("sequence", "number"))))
"""


def wrk(urls: list[str], seconds: int = 15, connections: int = 32) -> float:
    """Requests/s of simultaneous wrk runs, one per URL, summed."""
    runs = [
        subprocess.Popen(
            [
                "wrk",
                "-t1",
                f"-c{connections}",
                f"-d{seconds}s",
                "--timeout",
                "10s",
                "-H",
                "X-Forwarded-Proto: https",
                url,
            ],
            stdout=subprocess.PIPE,
            text=True,
        )
        for url in urls
    ]
    total = 0.0
    for run in runs:
        out, _ = run.communicate(timeout=seconds + 60)
        total += float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
        errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
        if errors:
            print("wrk non-2xx:", errors.group(1))
    return total


def rush(c: Cluster, applicants: int, spread: float = 60.0) -> dict:
    prepared = json.loads(c.shell(SETUP % {"n": applicants}))
    body = b"%PDF-1.4\n% rush\n" + os.urandom(5 * 2**20 - 16)
    latencies: list[float] = []
    errors: list[str] = []
    lock = threading.Lock()
    start = time.monotonic() + 1

    def applicant(index: int, entry_id: int, session_key: str) -> None:
        server = index % 2
        browser = Browser()
        browser.cookies.set("sessionid", session_key, domain="127.0.0.1", path="/")
        time.sleep(max(0.0, start + index * spread / len(prepared) - time.monotonic()))
        began = time.monotonic()
        try:
            token = browser.token(c.url(server, f"/zgloszenia/{entry_id}/"))
            upload = browser.post(
                c.url(server, f"/zgloszenia/{entry_id}/zalaczniki/"),
                data={"csrfmiddlewaretoken": token, "description": ""},
                files={"file": ("zalacznik.pdf", body, "application/pdf")},
                timeout=120,
            )
            submit = browser.post(
                c.url(server, f"/zgloszenia/{entry_id}/zglos/"),
                data={"csrfmiddlewaretoken": token},
                timeout=120,
            )
            outcome = f"{upload.status_code}/{submit.status_code}"
            # A refused submit redirects to the form; a submitted entry back to its page.
            ok = (
                upload.status_code == 302
                and submit.status_code == 302
                and submit.headers["Location"].endswith(f"/zgloszenia/{entry_id}/")
            )
        except Exception as error:
            ok, outcome = False, repr(error)
        with lock:
            latencies.append(time.monotonic() - began)
            if not ok:
                errors.append(outcome)

    threads = [
        threading.Thread(target=applicant, args=(i, entry_id, key))
        for i, (entry_id, key) in enumerate(prepared)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=600)
    wall = time.monotonic() - start
    numbers = json.loads(c.shell(NUMBERS))
    sequences = sorted(s for s, _ in numbers)
    return {
        "applicants": len(prepared),
        "wall_s": round(wall, 1),
        "p50_s": round(statistics.median(latencies), 2),
        "p95_s": round(statistics.quantiles(latencies, n=20)[18], 2),
        "max_s": round(max(latencies), 2),
        "errors": len(errors),
        "error_kinds": sorted(set(errors))[:5],
        "numbers": len(numbers),
        "unique_numbers": len({n for _, n in numbers}),
        "gap_free": sequences == list(range(1, len(sequences) + 1)),
    }


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--applicants", type=int, default=200)
    parser.add_argument("--database", default="judging_c2")
    parser.add_argument("--workers-per-server", type=int, default=2)
    options = parser.parse_args()
    with Cluster(
        database=options.database,
        workers_per_server=options.workers_per_server,
        # One line per request would make the log, not the site, the bottleneck being measured.
        request_log_level="WARNING",
    ) as c:
        c.create_database()
        c.start_redis()
        c.start_s3()
        c.release()
        c.start_app(0)
        c.start_app(1)
        c.start_worker()
        c.wait_healthy()
        url = json.loads(
            c.shell(
                "import json; from cms.models import AnnouncementPage; "
                "print(json.dumps(AnnouncementPage.objects.live()"
                ".filter(locale__language_code='pl').first().url))"
            )
        )
        one = wrk([c.url(0, url)])
        two = wrk([c.url(0, url), c.url(1, url)])
        print(json.dumps({"announcement_rps_1_server": one, "announcement_rps_2_servers": two}))
        print(json.dumps(rush(c, options.applicants)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
