"""The multi-node check (`make test-multinode`): two app servers, one worker, shared services.

Starts Redis and an S3-compatible server (moto) here, uses the running PostgreSQL with its own
database, loads the demo, then speaks HTTP (bounded, to 127.0.0.1 only) to two gunicorn app
servers with `cms.settings.production`. Prints one summary line; exits 1 on any difference.

    python tests/multinode/run.py [--database judging_c]
"""

from __future__ import annotations

import argparse
import json
import os
import re
import signal
import sys
import time
from pathlib import Path

import requests

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from tests.multinode.cluster import PROXY_HEADERS, TIMEOUT, Browser, Cluster

A, B = 0, 1
PDF_HEAD = b"%PDF-1.4\n% multinode check\n"


class Checks:
    def __init__(self) -> None:
        self.results: list[tuple[str, bool, str]] = []

    def check(self, name: str, ok: bool, detail: str = "") -> bool:
        self.results.append((name, bool(ok), detail))
        print(f"{'ok  ' if ok else 'FAIL'} {name}{' — ' + detail if detail else ''}", flush=True)
        return bool(ok)


def wait_until(predicate, timeout: float, interval: float = 0.05):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(interval)
    return None


def attachments(c: Cluster, checks: Checks) -> None:
    entry_id, category_id = json.loads(
        c.shell(
            "import json; from entries.models import Entry; "
            "e = Entry.objects.get(title='Geoportal Legionowa', edition__number=7); "
            "print(json.dumps([e.pk, e.category_id]))"
        )
    )
    applicant = Browser()
    applicant.site_login(c.url(A, ""), "wnioskodawca@example.org", "demo-wnioskodawca")
    body = PDF_HEAD + os.urandom(300_000)
    detail = c.url(A, f"/zgloszenia/{entry_id}/")
    token = applicant.token(detail)
    upload = applicant.post(
        c.url(A, f"/zgloszenia/{entry_id}/zalaczniki/"),
        data={"csrfmiddlewaretoken": token, "description": ""},
        files={"file": ("opis-projektu.pdf", body, "application/pdf")},
    )
    found = re.findall(rf"/zgloszenia/{entry_id}/zalaczniki/(\d+)/", applicant.get(detail).text)
    if not checks.check(
        "applicant uploads an attachment on A", upload.status_code == 302 and found
    ):
        return
    attachment_id = int(found[-1])
    own = applicant.get(c.url(B, f"/zgloszenia/{entry_id}/zalaczniki/{attachment_id}/"))
    checks.check("applicant reads it back on B", own.status_code == 200 and own.content == body)

    # Arrange: the formal check passed and juror1 sits on the category's jury.
    c.shell(
        "from entries.models import Entry; from competition.models import Category; "
        "from django.contrib.auth import get_user_model; from scoring import permissions; "
        f"Entry.objects.filter(pk={entry_id}).update(status='eligible'); "
        "permissions.appoint_juror(category=Category.objects.get(pk=%d), "
        "user=get_user_model().objects.get(username='juror1'))" % category_id
    )
    juror = Browser()
    juror.site_login(c.url(B, ""), "juror1@example.org", "demo-juror1")
    path = f"/jury/zgloszenie/{entry_id}/zalaczniki/{attachment_id}/"
    got = juror.get(c.url(B, path))
    checks.check(
        "juror downloads it on B (same bytes, streamed)",
        got.status_code == 200 and got.content == body,
        f"{got.status_code}, {len(got.content)} of {len(body)} bytes",
    )
    for index, name in ((A, "A"), (B, "B")):
        for url in (path, f"/zgloszenia/{entry_id}/zalaczniki/{attachment_id}/"):
            anonymous = requests.get(
                c.url(index, url), headers=PROXY_HEADERS, timeout=TIMEOUT, allow_redirects=False
            )
            refused = anonymous.status_code in (403, 404) or (
                anonymous.status_code == 302 and "/konto/login/" in anonymous.headers["Location"]
            )
            checks.check(
                f"anonymous refused on {name} {url}",
                refused and body not in anonymous.content,
                str(anonymous.status_code),
            )
    public = requests.get(
        f"{c.env['S3_ENDPOINT_URL']}/{c.env['S3_MEDIA_BUCKET']}/", timeout=TIMEOUT
    ).text
    checks.check("the attachment is not in the public bucket", "entries/" not in public)


def protocol(c: Cluster, checks: Checks) -> None:
    snapshot_id, edition_id = json.loads(
        c.shell(
            "import json; from scoring.models import ResultSnapshot as R; "
            "s = R.objects.filter(superseded_by__isnull=True).order_by('pk').last(); "
            "print(json.dumps([s.pk, s.edition_id]))"
        )
    )
    organiser = Browser()
    login = organiser.admin_login(c.url(A, ""), "organizator", "demo-organizator")
    checks.check("organiser logs in to the admin on A", login.status_code == 302)
    results_page = f"/jury/wyniki/edycja/{edition_id}/"

    def request_on(index: int) -> int:
        token = organiser.token(c.url(index, results_page))
        before = latest_export()
        organiser.post(
            c.url(index, f"/jury/wyniki/migawka/{snapshot_id}/protokol/"),
            data={"csrfmiddlewaretoken": token},
        )
        after = latest_export()
        return after if after != before else 0

    def latest_export() -> int:
        page = organiser.get(c.url(B, results_page)).text
        ids = [int(i) for i in re.findall(r"/jury/wyniki/protokol/(\d+)/status/", page)]
        return max(ids, default=0)

    def status(export_id: int) -> dict:
        return organiser.get(c.url(B, f"/jury/wyniki/protokol/{export_id}/status/")).json()

    started = time.monotonic()
    first = request_on(A)
    done = wait_until(lambda: status(first)["status"] == "done", timeout=120, interval=0.2)
    checks.check(
        "the worker builds the protocol requested on A",
        first and done,
        f"{time.monotonic() - started:.1f} s",
    )
    for suffix, magic in (("", b"PK"), ("pdf/", b"%PDF")):
        got = organiser.get(c.url(B, f"/jury/wyniki/protokol/{first}/{suffix}"))
        checks.check(
            f"the protocol ({magic.decode()}) downloads from B",
            got.status_code == 200 and got.content.startswith(magic),
            f"{got.status_code}, {len(got.content)} bytes",
        )

    # The worker dies mid-build: the export must not stay "in progress" forever.
    second = request_on(A)
    running = wait_until(lambda: status(second)["status"] == "running", timeout=60, interval=0.02)
    c.stop("worker", signal.SIGKILL)
    after_kill = status(second)["status"]
    checks.check(
        "worker killed while the build runs", running and after_kill == "running", after_kill
    )
    failed = wait_until(lambda: status(second)["status"] == "failed", timeout=30, interval=0.5)
    checks.check("the killed build shows failed (stale heartbeat)", failed)
    page = organiser.get(c.url(B, results_page)).text
    offer = f'action="/jury/wyniki/migawka/{snapshot_id}/protokol/"'
    checks.check("the failed export offers 'try again'", page.count(offer) >= 2)
    third = request_on(B)
    c.start_worker("worker2")
    done = wait_until(lambda: status(third)["status"] == "done", timeout=120, interval=0.2)
    got = organiser.get(c.url(A, f"/jury/wyniki/protokol/{third}/"))
    checks.check(
        "requested again, a new worker finishes it; it downloads from A",
        done and got.status_code == 200 and got.content.startswith(b"PK"),
    )


def entries_export(c: Cluster, checks: Checks) -> None:
    """The organiser asks for an edition's entries on A; the worker writes it; B serves it."""
    edition_id = int(
        c.shell(
            "from entries.models import Entry; "
            "print(Entry.objects.exclude(status='draft').order_by('pk').last().edition_id)"
        )
    )
    organiser = Browser()
    organiser.admin_login(c.url(A, ""), "organizator", "demo-organizator")
    index = "/admin/entry-spreadsheets/"

    def latest() -> int:
        page = organiser.get(c.url(B, index)).text
        ids = re.findall(r"/admin/entry-spreadsheets/export/(\d+)/status/", page)
        return max((int(i) for i in ids), default=0)

    before = latest()
    organiser.post(
        c.url(A, index + "export/"),
        data={"csrfmiddlewaretoken": organiser.token(c.url(A, index)), "edition": edition_id},
    )
    export = latest()
    status_url = c.url(B, f"{index}export/{export}/status/")
    started = time.monotonic()
    done = wait_until(
        lambda: organiser.get(status_url).json()["status"] == "done", timeout=120, interval=0.2
    )
    checks.check(
        "the worker writes the entries export requested on A",
        export > before and done,
        f"{time.monotonic() - started:.1f} s",
    )
    got = organiser.get(c.url(B, f"{index}export/{export}/"))
    checks.check(
        "the entries export downloads from B",
        got.status_code == 200 and got.content.startswith(b"PK"),
        f"{got.status_code}, {len(got.content)} bytes",
    )
    anonymous = requests.get(
        c.url(A, f"{index}export/{export}/"),
        timeout=TIMEOUT,
        headers=PROXY_HEADERS,
        allow_redirects=False,
    )
    checks.check(
        "an anonymous request for the export is sent to the login",
        anonymous.status_code == 302 and "/admin/login/" in anonymous.headers.get("Location", ""),
        str(anonymous.status_code),
    )


def publishing(c: Cluster, checks: Checks) -> None:
    marker = f"Ogłoszenie {int(time.time())}"
    page_id, url = json.loads(
        c.shell(
            "import json; from cms.models import AnnouncementPage; "
            "p = AnnouncementPage.objects.live().filter(locale__language_code='pl').first(); "
            "print(json.dumps([p.pk, p.url]))"
        )
    )
    for _ in range(2):  # B has it in its page cache before the publish
        before = requests.get(c.url(B, url), headers=PROXY_HEADERS, timeout=TIMEOUT)
    checks.check(
        "B serves the announcement from its cache",
        before.headers.get("X-Page-Cache") == "hit"
        and "public" in before.headers.get("Cache-Control", ""),
        f"{before.headers.get('X-Page-Cache')}, {before.headers.get('Cache-Control')}",
    )
    # A draft revision with a new title, as an editor would have saved it.
    c.shell(
        "from cms.models import AnnouncementPage; "
        f"p = AnnouncementPage.objects.get(pk={page_id}); p.title = {marker!r}; "
        "p.save_revision()"
    )
    publisher = Browser()
    publisher.admin_login(c.url(A, ""), "redaktor", "demo-redaktor")
    bulk = c.url(A, f"/admin/bulk/wagtailcore/page/publish/?id={page_id}&next=/admin/")
    token = publisher.token(bulk)
    published = publisher.post(bulk, data={"csrfmiddlewaretoken": token})
    checks.check("the publisher publishes it on A", published.status_code == 302)
    start = time.monotonic()
    seen = wait_until(
        lambda: (
            marker
            in requests.get(c.url(B, url), headers=PROXY_HEADERS, timeout=TIMEOUT).content.decode()
        ),
        timeout=5,
        interval=0.05,
    )
    checks.check(
        "B serves the published version at once", seen, f"after {time.monotonic() - start:.2f} s"
    )


def lockout(c: Cluster, checks: Checks) -> None:
    attempts = []
    for attempt in range(20):
        browser = Browser()
        response = browser.admin_login(c.url(attempt % 2, ""), "juror3", "wrong-password")
        attempts.append(response.status_code)
    for index, name in ((A, "A"), (B, "B")):
        right = Browser().admin_login(c.url(index, ""), "juror3", "demo-juror3")
        checks.check(
            f"20 wrong admin passwords lock the login on {name}",
            right.status_code == 429 and 429 in attempts[:6],
            f"attempts {attempts[:7]}…, right password now {right.status_code}",
        )
    attempts = [
        Browser()
        .site_login(c.url(attempt % 2, ""), "juror2@example.org", "wrong-password")
        .status_code
        for attempt in range(20)
    ]
    for index, name in ((A, "A"), (B, "B")):
        right = Browser().site_login(c.url(index, ""), "juror2@example.org", "demo-juror2")
        # django-axes answers 429; after 10 failures a minute allauth's own limit (in the
        # shared cache) refuses the address first, with its "too many failed attempts" form.
        refused = right.status_code == 429 or (
            right.status_code == 200 and "Zbyt wiele nieudanych prób" in right.text
        )
        checks.check(
            f"20 wrong site passwords lock the login on {name}",
            refused and 429 in attempts[4:6],
            f"attempts {attempts[:7]}…, right password now {right.status_code}",
        )


def logs(c: Cluster, checks: Checks) -> None:
    """The app servers' stdout is JSON lines; the upload's line names its user and timing."""
    lines = []
    for line in (c.logs / "app0.log").read_text(errors="replace").splitlines():
        if line.startswith("{"):
            lines.append(json.loads(line))
    uploads = [
        line
        for line in lines
        if line.get("logger") == "judging.requests"
        and line.get("method") == "POST"
        and line.get("path", "").endswith("/zalaczniki/")
    ]
    fields = {"time", "level", "request_id", "user_id", "status", "duration_ms", "method"}
    checks.check(
        "JSON request lines with request id, user, status and duration",
        uploads and fields <= set(uploads[-1]) and uploads[-1]["user_id"],
        json.dumps(uploads[-1]) if uploads else "no line",
    )
    actions = {line["message"] for line in lines if line.get("logger", "").startswith("judging.")}
    checks.check("the protocol request is logged", "protocol requested" in actions)


def health(c: Cluster, checks: Checks) -> None:
    for index, name in ((A, "A"), (B, "B")):
        got = requests.get(c.url(index, "/health/?format=json"), headers=PROXY_HEADERS, timeout=10)
        checks.check(f"/health/ is 200 on {name}", got.status_code == 200, got.text[:200])
    c.stop("redis")
    for index, name in ((A, "A"), (B, "B")):
        got = requests.get(c.url(index, "/health/?format=json"), headers=PROXY_HEADERS, timeout=20)
        checks.check(
            f"/health/ is 503 on {name} with Redis stopped",
            got.status_code == 503 and "Cache" in got.text,
            got.text[:200],
        )


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--database", default=os.environ.get("MULTINODE_DATABASE", "judging_c"))
    options = parser.parse_args()
    started = time.monotonic()
    checks = Checks()
    try:
        with Cluster(database=options.database) as c:
            for old in c.logs.glob("*.log"):
                old.unlink()
            c.create_database()
            c.start_redis()
            c.start_s3()
            c.release()
            c.start_app(A)
            c.start_app(B)
            c.start_worker()
            c.wait_healthy()
            checks.check("both app servers healthy", True, f"ports {c.app_ports}")
            for step in (attachments, protocol, entries_export, publishing, lockout, logs, health):
                try:
                    step(c, checks)
                except Exception as error:  # one broken step must not hide the others
                    checks.check(f"{step.__name__} ran", False, repr(error))
    except Exception as error:
        checks.check("cluster started", False, repr(error))
    failed = [name for name, ok, _ in checks.results if not ok]
    print(
        f"multinode: {len(checks.results) - len(failed)}/{len(checks.results)} checks passed "
        f"in {time.monotonic() - started:.0f} s"
        + (f"; FAILED: {', '.join(failed)}" if failed else ""),
        flush=True,
    )
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
