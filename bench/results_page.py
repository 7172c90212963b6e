"""Benchmark of the chair's results page, the freeze and the matrix at national scale.

Run from the repository root (figures in BENCHMARKS.md):

    .venv/bin/python bench/results_page.py [--sizes 20 400 2000] [--jurors 15] [--repeat 5]

Builds, in its own PostgreSQL database (default `judging_bench_results`, dropped at the end),
one edition with a category per size (`--sizes` eligible entries each), `--jurors` jurors per
category (the first is the chair), three criteria and every sheet submitted, then measures the
server time of each page through Django's test client (no network), with its query count:

- cold: the stored computation is dropped first (the first view after a score changed);
- warm: the same page again (what every later view costs);
- uncached: the code path before the results were stored (`--baseline`, the engine with 1,000
  bootstrap rounds on every GET) is what a cold view still does, so cold *is* that peer;
- freeze: the chair confirms every category, then the organiser freezes, once with the
  computations stored (after the chair's pages) and once after dropping them;
- the chair's matrix (`scoring:matrix`) and the organiser's entries export (.xlsx, every
  category of the edition, with its hyperlinks).
"""

from __future__ import annotations

import argparse
import statistics
import time

from own_database import run_in_own_database


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", type=int, nargs="+", default=[20, 400, 2000])
    parser.add_argument("--jurors", type=int, default=15)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--database", default="judging_bench_results")
    parser.add_argument(
        "--profile", action="store_true", help="profile one warm page, largest size"
    )
    args = parser.parse_args()
    run_in_own_database(args.database, lambda: run(args))


def run(args) -> None:
    import django

    django.setup()
    from django.core.cache import cache
    from django.core.management import call_command
    from django.db import connection, transaction
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.urls import reverse

    call_command("migrate", verbosity=0)
    edition, categories, chair, organiser = build(args)

    def timed(client: Client, url: str, *, cold: bool, repeat: int) -> tuple[float, int, int]:
        times, queries, size = [], 0, 0
        for _ in range(repeat):
            if cold:
                cache.clear()
            with CaptureQueriesContext(connection) as captured:
                start = time.perf_counter()
                response = client.get(url)
                times.append(time.perf_counter() - start)
            assert response.status_code == 200, (url, response.status_code)
            queries, size = len(captured.captured_queries), len(response.content)
        return statistics.median(times), queries, size

    chair_client, organiser_client = Client(), Client()
    chair_client.force_login(chair)
    organiser_client.force_login(organiser)
    chair_client.get(reverse("scoring:home"))  # per-process caches (content types, sites)
    print(f"jurors {args.jurors} per category, 3 criteria, every sheet submitted; PostgreSQL")
    print(f"{'page':34} {'entries':>7} {'median s':>9} {'queries':>8} {'KB':>7}")
    for size, category in zip(args.sizes, categories, strict=True):
        url = reverse("scoring:results", args=[category.pk])
        for label, cold, repeat in (("results page, cold", True, 3), ("results page, warm", False, args.repeat)):  # fmt: skip
            seconds, queries, body = timed(chair_client, url, cold=cold, repeat=repeat)
            print(f"{label:34} {size:7,} {seconds:9.3f} {queries:8} {body / 1024:7.0f}")
        matrix = reverse("scoring:matrix", args=[category.pk])
        seconds, queries, body = timed(chair_client, matrix, cold=False, repeat=args.repeat)
        print(f"{'chair matrix':34} {size:7,} {seconds:9.3f} {queries:8} {body / 1024:7.0f}")

    if args.profile:
        import cProfile
        import pstats

        url = reverse("scoring:results", args=[categories[-1].pk])
        chair_client.get(url)
        profiler = cProfile.Profile()
        profiler.runcall(chair_client.get, url)
        pstats.Stats(profiler).sort_stats("cumulative").print_stats(25)
        return

    from entries.spreadsheets import export_workbook, workbook_bytes

    times = []
    for _ in range(3):
        start = time.perf_counter()
        content = workbook_bytes(export_workbook(edition, base_url="https://konkurs.example"))
        times.append(time.perf_counter() - start)
    label = "entries export (.xlsx), all sheets"
    print(f"{label:34} {sum(args.sizes):7,} {statistics.median(times):9.3f} {'':8} {len(content) / 1024:7.0f}")  # fmt: skip

    from scoring import results

    for category in categories:
        ties = results.compute(category, bootstrap=0).result.unresolved_ties
        if ties:  # one decision orders every tied group at once
            order = [entry for group in ties for entry in group]
            results.record_tie_decision(
                category=category, by=chair, order=order, justification="bench"
            )
        results.confirm_awards(category=category, by=chair, awards={})
    for label, drop in (("freeze, computations stored", False), ("freeze, nothing stored", True)):
        if drop:
            cache.clear()
        else:
            for category in categories:
                results.compute(category)
        # Snapshots are immutable: each freeze runs in a transaction rolled back afterwards.
        with transaction.atomic():
            start = time.perf_counter()
            results.freeze_results(edition=edition, by=organiser, reason="bench")
            seconds = time.perf_counter() - start
            transaction.set_rollback(True)
        print(f"{label:34} {sum(args.sizes):7,} {seconds:9.3f}")
        edition.refresh_from_db()


def build(args):
    import datetime as dt
    import random
    from decimal import Decimal

    from django.contrib.auth import get_user_model
    from django.utils import timezone

    from competition.models import Category, Competition, Criterion, Edition, Institution
    from entries.models import Entry, EntryStatus
    from scoring import permissions
    from scoring.models import Score, ScoreSheet
    from tests.conftest import organise_everything

    rng = random.Random(2026)
    now = timezone.now()
    day = dt.timedelta(days=1)
    User = get_user_model()
    organiser = User.objects.create(username="organiser", email="organiser@example.org")
    competition = Competition.objects.create(
        name="Konkurs", slug="konkurs", code="K", organiser_name="Biuro"
    )
    organise_everything(organiser)
    edition = Edition.objects.create(
        competition=competition, number=1, year=2026,
        call_opens_at=now - 90 * day, submission_deadline=now - 60 * day,
        formal_check_ends_at=now - 50 * day, scoring_opens_at=now - 40 * day,
        scoring_closes_at=now - 1 * day, results_date=now + 20 * day,
    )  # fmt: skip
    criteria = [
        Criterion.objects.create(edition=edition, name=f"K{n}", weight=Decimal(1), order=n)
        for n in range(3)
    ]
    institutions = Institution.objects.bulk_create(
        Institution(name=f"Urząd {n}", kind="other") for n in range(max(args.sizes))
    )
    jurors = [
        User.objects.create(
            username=f"j{n}", email=f"j{n}@example.org", first_name="Juror", last_name=str(n)
        )
        for n in range(args.jurors)
    ]
    chair = jurors[0]
    categories = []
    for c, size in enumerate(args.sizes):
        category = Category.objects.create(edition=edition, name=f"Kategoria {size}", places=3)
        for n, juror in enumerate(jurors):
            permissions.appoint_juror(category=category, user=juror, chair=n == 0)
        entries = Entry.objects.bulk_create(
            Entry(
                edition=edition,
                category=category,
                institution=institutions[n],
                status=EntryStatus.ELIGIBLE,
                title=f"Projekt {n}",
                sequence=c * 10_000 + n + 1,
                number=f"K-{c}-{n:04}",
            )
            for n in range(size)
        )
        sheets = ScoreSheet.objects.bulk_create(
            ScoreSheet(juror=j, entry=e, status="submitted", version=1, submitted_at=now)
            for j in jurors
            for e in entries
        )
        Score.objects.bulk_create(
            Score(sheet=s, criterion=k, value=Decimal(rng.randint(0, 10)))
            for s in sheets
            for k in criteria
        )
        categories.append(category)
    return edition, categories, chair, organiser


if __name__ == "__main__":
    main()
