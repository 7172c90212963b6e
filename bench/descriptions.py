"""Benchmark of entry descriptions: adversarial Markdown through the renderer and the pages.

Run from the repository root:

    .venv/bin/python bench/descriptions.py

1. Renders each adversarial input (the cases of issue 18 and the usual worst cases of
   Markdown parsers: unclosed brackets and links, emphasis runs, 800 nested lists,
   nested quotes, entities, angle brackets) at the description's limit
   (`DESCRIPTION_MAX_LENGTH`) and at 100 KB with `entries.text.render_description`.
2. Through Django's test client, on a fresh SQLite test database, for each input:
   - the applicant posts the entry form with the 100 KB description (refused by the
     form's length limit, nothing rendered or saved);
   - the applicant posts it cut to the limit (accepted: rendered once and stored);
   - the applicant's entry page, the juror's entry page and the organiser's admin inspect
     page of that entry are fetched (they show the stored HTML).
   Each figure is the slowest of `--repeat` runs. The script exits 1 if a request took
   longer than `--budget` seconds (1 s).
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import sys
import time
from collections.abc import Callable
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[1]
if str(REPO_ROOT) not in sys.path:
    sys.path.insert(0, str(REPO_ROOT))

BIG = 100_000


def cases(size: int) -> dict[str, str]:
    def repeat(unit: str) -> str:
        return (unit * (size // len(unit) + 1))[:size]

    nested_lists = "".join("  " * depth + "- x\n" for depth in range(800))
    return {
        '"[" × n': repeat("["),
        '"![" × n': repeat("!["),
        '"[" × n/2 + "]" × n/2': "[" * (size // 2) + "]" * (size - size // 2),
        '"[a](" × n': repeat("[a]("),
        '"*a_" × n': repeat("*a_"),
        '"[x](y) " × n': repeat("[x](y) "),
        '"<" × n': repeat("<"),
        '"`" × n': repeat("`"),
        '">" × n (nested quotes)': repeat(">"),
        '"&#" × n': repeat("&#"),
        "800 nested lists": repeat(nested_lists),
        "plain paragraphs": repeat("Zwykły akapit opisu projektu, bez znaczników. " * 10 + "\n\n"),
    }


def slowest(action: Callable[[], object], repeat: int) -> float:
    worst = 0.0
    for _ in range(repeat):
        start = time.perf_counter()
        action()
        worst = max(worst, time.perf_counter() - start)
    return worst


def measure(name, text, at_limit, clients, category, membership, repeat) -> list[float]:
    """Render times at the limit and at 100 KB, then the five requests, for one input."""
    from django.urls import reverse

    from entries.models import Entry, EntryStatus
    from entries.services import EDITABLE_FIELDS
    from entries.text import render_description
    from tests.factories import EntryFactory

    entry = EntryFactory(category=category, institution=membership.institution)
    form = {field: getattr(entry, field) or "" for field in EDITABLE_FIELDS}
    form.update(category=category.pk, institution=entry.institution_id, consent_to_publish="on")
    edit = reverse("entries:edit", args=[entry.pk])

    def post(description: str, expected: int) -> None:
        response = clients["applicant"].post(edit, {**form, "description": description})
        assert response.status_code == expected, (name, response.status_code)

    def get(role: str, url: str) -> None:
        assert clients[role].get(url).status_code == 200, (name, url)

    render_limit = slowest(lambda: render_description(at_limit), repeat)
    render_big = slowest(lambda: render_description(text), repeat)
    refused = slowest(lambda: post(text, 200), repeat)
    saved = 0.0
    for _ in range(repeat):
        # Each run saves a changed description, so each run renders it.
        Entry.objects.filter(pk=entry.pk).update(description="", description_html="")
        saved = max(saved, slowest(lambda: post(at_limit, 302), 1))
    assert Entry.objects.get(pk=entry.pk).description_html, name
    Entry.objects.filter(pk=entry.pk).update(status=EntryStatus.ELIGIBLE)
    pages = [
        slowest(lambda r=role, u=url: get(r, u), repeat)
        for role, url in (
            ("applicant", reverse("entries:detail", args=[entry.pk])),
            ("juror", reverse("scoring:entry", args=[entry.pk])),
            ("organiser", reverse("entries_admin:inspect", args=[entry.pk])),
        )
    ]
    return [render_limit, render_big, refused, saved, *pages]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--budget", type=float, default=1.0)
    args = parser.parse_args()

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cms.settings.test")
    os.environ.pop("DATABASE_URL", None)  # always a fresh in-memory SQLite test database
    import django

    django.setup()
    from django.db import connection
    from django.test import Client
    from django.test.utils import setup_test_environment
    from django.utils import timezone

    from entries.models import DESCRIPTION_MAX_LENGTH

    setup_test_environment()
    connection.creation.create_test_db(verbosity=0, autoclobber=True)

    from scoring import services as scoring_services
    from tests.conftest import organise_everything
    from tests.factories import CategoryFactory, EditionFactory, MembershipFactory, UserFactory

    now = timezone.now()
    edition = EditionFactory(call_opens_at=now - dt.timedelta(days=1))
    category = CategoryFactory(edition=edition)
    membership = MembershipFactory(user__username="applicant")
    applicant = membership.user
    juror = UserFactory(username="juror")
    scoring_services.appoint(category=category, user=juror)
    organiser = UserFactory(username="organiser", is_staff=True)
    organise_everything(organiser)
    clients = {"applicant": Client(), "juror": Client(), "organiser": Client()}
    clients["applicant"].force_login(applicant)
    clients["juror"].force_login(juror)
    clients["organiser"].force_login(organiser)

    print(f"Python {platform.python_version()}, {platform.machine()}, {os.cpu_count()} CPUs")
    print(f"description limit: {DESCRIPTION_MAX_LENGTH:,} characters; slowest of {args.repeat}\n")
    header = (
        "| input | render at limit | render 100 KB | POST 100 KB (refused) "
        "| POST at limit (saved) | applicant page | juror page | admin inspect |"
    )
    print(header)
    print("|" + " --- |" * 8)
    worst_request = 0.0
    limited, big = cases(DESCRIPTION_MAX_LENGTH), cases(BIG)
    for name, text in big.items():
        figures = measure(name, text, limited[name], clients, category, membership, args.repeat)
        worst_request = max(worst_request, *figures[2:])
        print(f"| {name} | " + " | ".join(f"{value:.3f} s" for value in figures) + " |")
    print(f"\nslowest request: {worst_request:.3f} s (budget {args.budget} s)")
    return 0 if worst_request <= args.budget else 1


if __name__ == "__main__":
    sys.exit(main())
