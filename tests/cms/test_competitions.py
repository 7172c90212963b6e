from __future__ import annotations

import datetime as dt

from django.utils import timezone

from cms.services import ensure_competition_page, ensure_edition_page
from tests.factories import EditionFactory


def test_edition_timeline_marks_passed_steps_done_and_the_first_ahead_next(client, home):
    now = timezone.now()
    edition = EditionFactory(
        call_opens_at=now - dt.timedelta(days=10), submission_deadline=now + dt.timedelta(days=2)
    )
    parent = ensure_competition_page(competition=edition.competition, home=home)
    page = ensure_edition_page(edition=edition, parent=parent)

    body = client.get(page.url).content.decode()

    assert body.count('class="step-done"') == 1
    assert body.count('aria-current="step"') == 1
    assert body.count('class="step-upcoming"') == 4
