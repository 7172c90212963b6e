"""Benchmark of the organiser's dashboard panel at national scale; figures in BENCHMARKS.md.

Run from the repository root:

    .venv/bin/python bench/dashboard.py [--editions 4] [--categories 5] [--entries 2000]

Builds, in its own PostgreSQL database (default `judging_bench_dashboard`, dropped at the end),
`--editions` live editions with `--categories` categories of `--entries` eligible entries each,
a jury of 5 per category and a submitted sheet for 60 % of the juror × entry pairs (two scores
a sheet), then times `cms.dashboard.live_editions()` (what the panel renders) and counts its
queries. Side by side, in the same run, the naive way a view would write it (count per edition
and per category with `.count()`), which is what the panel replaced.
"""

from __future__ import annotations

import argparse
import statistics
import time

from own_database import run_in_own_database


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--editions", type=int, default=4)
    parser.add_argument("--categories", type=int, default=5)
    parser.add_argument("--entries", type=int, default=2000)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--database", default="judging_bench_dashboard")
    args = parser.parse_args()
    run_in_own_database(args.database, lambda: run(args))


def run(args) -> None:
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    call_command("migrate", verbosity=0)
    entries, sheets = build(args)

    from types import SimpleNamespace

    from cms.dashboard import live_editions as panel_editions

    # The panel as a superuser sees it: every live edition.
    everyone = SimpleNamespace(is_authenticated=True, is_superuser=True)

    def live_editions():
        return panel_editions(everyone)

    def timed(function) -> tuple[float, int]:
        times = []
        queries = 0
        for _ in range(args.repeat):
            with CaptureQueriesContext(connection) as captured:
                start = time.perf_counter()
                function()
                times.append(time.perf_counter() - start)
            queries = len(captured.captured_queries)
        return statistics.median(times), queries

    panel = timed(live_editions)
    naive = timed(naive_counts)
    with CaptureQueriesContext(connection) as captured:
        live_editions()
    slowest = sorted(captured.captured_queries, key=lambda q: -float(q["time"]))[:3]
    print(f"editions {args.editions}, categories {args.editions * args.categories}, "
          f"entries {entries:,}, submitted sheets {sheets:,}")  # fmt: skip
    print(f"{'':28} {'median s':>9} {'queries':>8}")
    print(f"{'panel (live_editions)':28} {panel[0]:9.3f} {panel[1]:8}")
    print(f"{'naive counts per row':28} {naive[0]:9.3f} {naive[1]:8}")
    for query in slowest:
        print(f"  {float(query['time']):.3f} s  {query['sql'][:110]}")


def naive_counts() -> list:
    """What a view counting row by row would do: the peer the panel is compared with."""
    from competition.models import Edition
    from entries.models import EntryStatus
    from scoring import permissions
    from scoring.models import ScoreSheet

    rows = []
    for edition in Edition.objects.filter(archived_at__isnull=True):
        counts = {s: edition.entries.filter(status=s).count() for s in EntryStatus.values}
        for category in edition.categories.all():
            eligible = category.entries.filter(status=EntryStatus.ELIGIBLE).count()
            done = ScoreSheet.objects.filter(
                entry__category=category, status="submitted", entry__status="eligible"
            ).count()
            jurors = permissions.jurors_of(category).count()
            rows.append((edition.pk, counts, category.pk, done, eligible * jurors))
    return rows


def build(args) -> tuple[int, int]:
    import datetime as dt
    import random
    from decimal import Decimal

    from django.contrib.auth import get_user_model
    from django.utils import timezone

    from competition.models import Category, Competition, Criterion, Edition, Institution
    from entries.models import Entry, EntryStatus
    from scoring import permissions
    from scoring.models import Score, ScoreSheet

    rng = random.Random(2026)
    now = timezone.now()
    day = dt.timedelta(days=1)
    institutions = Institution.objects.bulk_create(
        Institution(name=f"Urząd {n}", kind="other") for n in range(args.entries)
    )
    User = get_user_model()
    entries_total = sheets_total = 0
    for e in range(args.editions):
        competition = Competition.objects.create(
            name=f"Konkurs {e}", slug=f"konkurs-{e}", code=f"K{e}", organiser_name="Biuro"
        )
        edition = Edition.objects.create(
            competition=competition, number=1, year=2026,
            call_opens_at=now - 90 * day, submission_deadline=now - 60 * day,
            formal_check_ends_at=now - 50 * day, scoring_opens_at=now - 40 * day,
            scoring_closes_at=now + 10 * day, results_date=now + 20 * day,
        )  # fmt: skip
        criteria = [
            Criterion.objects.create(edition=edition, name=f"K{n}", weight=Decimal(1), order=n)
            for n in range(2)
        ]
        for c in range(args.categories):
            category = Category.objects.create(edition=edition, name=f"Kategoria {c}")
            jurors = [
                User.objects.create(username=f"j{e}-{c}-{n}", email=f"j{e}-{c}-{n}@example.org")
                for n in range(5)
            ]
            for juror in jurors:
                permissions.appoint_juror(category=category, user=juror)
            entries = Entry.objects.bulk_create(
                Entry(
                    edition=edition,
                    category=category,
                    institution=institutions[n],
                    status=EntryStatus.ELIGIBLE,
                    title=f"Projekt {n}",
                    sequence=c * args.entries + n + 1,
                    number=f"K{e}-{c}-{n}",
                )
                for n in range(args.entries)
            )
            entries_total += len(entries)
            pairs = [(j, en) for j in jurors for en in entries if rng.random() < 0.6]
            sheets = ScoreSheet.objects.bulk_create(
                ScoreSheet(juror=j, entry=en, status="submitted", version=1) for j, en in pairs
            )
            sheets_total += len(sheets)
            Score.objects.bulk_create(
                Score(sheet=s, criterion=k, value=Decimal(rng.randint(0, 10)))
                for s in sheets
                for k in criteria
            )
    return entries_total, sheets_total


if __name__ == "__main__":
    main()
