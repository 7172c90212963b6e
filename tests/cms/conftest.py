from __future__ import annotations

import hashlib
import itertools

import pytest
from django.core.cache import cache
from django.utils import timezone, translation
from wagtail.models import Locale

from cms import services
from scoring.models import ResultSnapshot
from scoring.results import canonical_json
from tests.factories import CategoryFactory, EntryFactory, UserFactory


@pytest.fixture(autouse=True)
def _clear_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def _polish():
    # A request under /en/ leaves English active in the thread, so reverse() in the next test
    # would give /en/ addresses; each test starts in the site's default language.
    translation.activate("pl")
    yield
    translation.deactivate()


@pytest.fixture
def home(db):
    Locale.objects.get_or_create(language_code="en")
    return services.ensure_home_page(title="Konkursy")


def make_snapshot(category, rows, *, by=None, jury=None) -> ResultSnapshot:
    """A frozen snapshot whose ranking is `rows`: (entry, award) in position order."""
    payload = {
        "competition": category.edition.competition.name,
        "edition": {
            "id": category.edition.pk,
            "number": category.edition.number,
            "label": "I",
            "year": 2026,
        },
        "method": "mean",
        "criteria": [],
        "scores": [],
        "categories": [
            {
                "id": category.pk,
                "name": category.name,
                "places": 3,
                "max_distinctions": 30,
                "prizes": {"1": "15000.00"},
                "jury": jury or [{"id": 1, "name": "Anna Nowak", "chair": True}],
                "recusals": [],
                "agreement": {},
                "decisions": {"tie": None, "awards": None},
                "ranking": [
                    {
                        "entry": str(entry.pk),
                        "number": entry.number,
                        "title": entry.title,
                        "institution": entry.institution.name,
                        "institution_id": entry.institution_id,
                        "aggregate": 10.0 - position,
                        "rank": position + 1,
                        "position": position + 1,
                        "tie_break": None,
                        "proposed_award": award,
                        "award": award,
                        "p_award": 1.0,
                        "rank_interval": [1, 2],
                        "juror_totals": {},
                    }
                    for position, (entry, award) in enumerate(rows)
                ],
            }
        ],
    }
    text = canonical_json(payload)
    # A snapshot exists only for frozen results; the freeze service sets this with it.
    category.edition.frozen_at = category.edition.frozen_at or timezone.now()
    category.edition.save(update_fields=["frozen_at"])
    return ResultSnapshot.objects.create(
        edition=category.edition,
        payload=payload,
        digest=hashlib.sha256(text.encode()).hexdigest(),
        created_by=by or UserFactory(),
    )


NUMBERS = itertools.count(1)


def awarded(n: int, category=None, consent=True):
    category = category or CategoryFactory(name="Ponad codzienność")
    rows = []
    for i in range(n):
        entry = EntryFactory(
            category=category,
            status="eligible",
            number=f"SLC-2026-{next(NUMBERS):03d}",
            consent_to_publish=consent,
        )
        award = f"place_{i + 1}" if i < 3 else "distinction"
        rows.append((entry, award))
    return category, rows
