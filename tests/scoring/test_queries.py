from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from scoring import services
from scoring.queries import sheets_progress
from tests.factories import CategoryFactory, EntryFactory
from tests.scoring.conftest import AFTER_SCORING

pytestmark = pytest.mark.django_db


def test_sheets_progress_leaves_out_conflicts_and_their_sheets(
    juror, second_juror, entries, criteria, organiser, during_scoring
):
    for entry in entries[:2]:
        services.save_score_sheet(
            juror=juror,
            entry=entry,
            scores={str(c.pk): "5" for c in criteria},
            justification="Uzasadnienie oceny.",
            version=0,
            submit=True,
        )
    services.declare_recusal(juror=second_juror, entry=entries[2], reason="Mój były urząd")
    during_scoring.move_to(AFTER_SCORING)
    services.record_late_conflict(
        juror=juror, entry=entries[0], by=organiser, reason="Doradzał gminie w 2025 r."
    )

    progress = sheets_progress([entries[0].category])

    # 3 entries × 2 jurors, less 2 conflicts; one of juror's 2 sheets no longer counts.
    assert progress == {entries[0].category_id: (1, 4)}


def test_sheets_progress_queries_do_not_grow_with_categories(juror):
    one = [CategoryFactory(name="A")]
    many = [CategoryFactory(name=f"B{n}") for n in range(20)]
    for category in many:
        EntryFactory(category=category, status="eligible")

    with CaptureQueriesContext(connection) as for_one:
        sheets_progress(one)
    with CaptureQueriesContext(connection) as for_many:
        sheets_progress(many)

    assert len(for_many.captured_queries) == len(for_one.captured_queries)
