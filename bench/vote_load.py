"""Load test of the people's-choice confirmations (issue 15); figures go to BENCHMARKS.md.

    .venv/bin/python bench/vote_load.py [--confirmations 5000] [--seconds 60] [--duplicates 500]

Starts the multi-node cluster of tests/multinode (PostgreSQL database `judging_vote_load`,
Redis, two gunicorn app servers with `cms.settings.production`), loads the demo, records
`--confirmations` unconfirmed votes in its open vote (distinct voters, as the vote page would
have recorded them), then confirms them all over `--seconds` at an even rate, alternating the
servers, as voters following their e-mailed links. `--duplicates` of those links are followed a
second time at the same moment on the other server (a double click, a mail client's preview).

It checks that every vote was counted once: as many confirmed votes in the database as links,
each link answered "confirmed" exactly once, and the count the results are frozen from equal to
it. Prints one JSON line (latency percentiles of the confirmations, errors, the checks); exits 1
when a check fails or p95 is 300 ms or more.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import requests

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.multinode.cluster import PROXY_HEADERS, Cluster

SETUP = """
import datetime as dt, hashlib, itertools, json, secrets
from django.utils import timezone
from cms.vote import queries, services
from cms.vote.models import PublicVote, Vote
poll = PublicVote.objects.get(edition__competition__slug="innowacyjny-samorzad")
poll.closes_at = timezone.now() + dt.timedelta(hours=2)
poll.save()
Vote.objects.filter(poll=poll).delete()
candidates = itertools.cycle(list(queries.candidates(poll)))
now = timezone.now()
tokens, votes = [], []
for i in range(%(n)d):
    entry = next(candidates)
    token = secrets.token_urlsafe(32)
    tokens.append(token)
    votes.append(Vote(
        poll=poll, category_id=entry.category_id, entry=entry,
        voter=services.voter_hash(f"glosujacy{i}@example.net"),
        token_hash=services.token_hash(token), requested_at=now,
        token_expires_at=now + dt.timedelta(hours=24),
    ))
Vote.objects.bulk_create(votes, batch_size=1000)
open(%(path)r, "w").write(json.dumps(tokens))
print(len(tokens))
"""

CHECK = """
import json
from django.db.models import Count
from cms.vote import queries
from cms.vote.models import PublicVote, Vote
poll = PublicVote.objects.get(edition__competition__slug="innowacyjny-samorzad")
votes = Vote.objects.filter(poll=poll)
tally = sum(row["votes"] for category in queries.tally(poll) for row in category["entries"])
print(json.dumps({
    "votes": votes.count(),
    "confirmed": votes.filter(confirmed_at__isnull=False).count(),
    "counted": queries.counted(poll).count(),
    "tally": tally,
}))
"""


def confirm(session: requests.Session, url: str) -> tuple[float, str]:
    began = time.monotonic()
    try:
        response = session.post(url, headers=PROXY_HEADERS, timeout=30, allow_redirects=False)
        body = response.text
        if response.status_code != 200:
            outcome = f"http {response.status_code}"
        elif 'data-outcome="confirmed"' in body:
            outcome = "confirmed"
        elif 'data-outcome="already"' in body:
            outcome = "already"
        else:
            outcome = "other"
    except requests.RequestException as error:
        outcome = type(error).__name__
    return time.monotonic() - began, outcome


def run(c: Cluster, n: int, seconds: float, duplicates: int, threads: int) -> dict:
    path = c.logs / "vote_tokens.json"
    c.shell(SETUP % {"n": n, "path": str(path)})
    tokens = json.loads(path.read_text())
    local = threading.local()
    results: dict[str, list] = {token: [] for token in tokens}
    latencies: list[float] = []
    lock = threading.Lock()
    start = time.monotonic() + 1.0
    every = max(1, n // duplicates) if duplicates else 0

    def job(index: int, token: str, server: int, primary: bool) -> None:
        session = getattr(local, "session", None)
        if session is None:
            session = local.session = requests.Session()
        delay = start + index * seconds / n - time.monotonic()
        if delay > 0:
            time.sleep(delay)
        latency, outcome = confirm(session, c.url(server, f"/glosowanie/potwierdz/{token}/"))
        with lock:
            results[token].append(outcome)
            if primary:
                latencies.append(latency)

    with ThreadPoolExecutor(max_workers=threads) as pool:
        for index, token in enumerate(tokens):
            pool.submit(job, index, token, index % 2, True)
            if every and index % every == 0:
                pool.submit(job, index, token, (index + 1) % 2, False)
    wall = time.monotonic() - start
    check = json.loads(c.shell(CHECK))
    once = sum(1 for outcomes in results.values() if outcomes.count("confirmed") == 1)
    errors = [
        o for outcomes in results.values() for o in outcomes if o not in {"confirmed", "already"}
    ]
    latencies.sort()
    return {
        "confirmations": n,
        "duplicate_requests": sum(len(o) for o in results.values()) - n,
        "wall_s": round(wall, 1),
        "rate_per_s": round(n / wall, 1),
        "p50_ms": round(statistics.median(latencies) * 1000, 1),
        "p95_ms": round(statistics.quantiles(latencies, n=20)[18] * 1000, 1),
        "p99_ms": round(statistics.quantiles(latencies, n=100)[98] * 1000, 1),
        "max_ms": round(latencies[-1] * 1000, 1),
        "errors": len(errors),
        "error_kinds": sorted(set(errors))[:5],
        "links_confirmed_exactly_once": once,
        **check,
    }


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--confirmations", type=int, default=5000)
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--duplicates", type=int, default=500)
    parser.add_argument("--threads", type=int, default=48)
    parser.add_argument("--database", default="judging_vote_load")
    parser.add_argument("--workers-per-server", type=int, default=2)
    options = parser.parse_args()
    with Cluster(
        database=options.database,
        workers_per_server=options.workers_per_server,
        # One line per request would make the log, not the site, the bottleneck measured.
        request_log_level="WARNING",
    ) as c:
        c.create_database()
        c.start_redis()
        c.start_s3()
        c.release()
        c.start_app(0)
        c.start_app(1)
        c.wait_healthy()
        figures = run(
            c, options.confirmations, options.seconds, options.duplicates, options.threads
        )
    print(json.dumps(figures))
    n = options.confirmations
    ok = (
        figures["errors"] == 0
        and figures["confirmed"] == figures["counted"] == figures["tally"] == n
        and figures["links_confirmed_exactly_once"] == n
        and figures["p95_ms"] < 300
    )
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
