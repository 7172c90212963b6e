"""The frozen snapshot's typed contract: award codes and snapshots frozen by older code."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import pytest
from django.utils import translation

from scoring.models import ResultSnapshot
from scoring.results.snapshot import AwardCode, Snapshot, award_label, verify
from tests.factories import EditionFactory, UserFactory

OLD = Path(__file__).parent / "data" / "snapshot_c0f64d6.json"


@pytest.mark.parametrize(
    ("code", "polish", "english"),
    [
        ("place_1", "I miejsce", "1st place"),
        ("place_2", "II miejsce", "2nd place"),
        ("place_3", "III miejsce", "3rd place"),
        ("place_4", "IV miejsce", "4th place"),
        ("distinction", "Wyróżnienie", "Distinction"),
    ],
)
def test_award_code_labels_in_both_languages(code, polish, english):
    with translation.override("pl"):
        assert award_label(code) == polish
    with translation.override("en"):
        assert award_label(code) == english


def test_award_codes_sort_places_before_distinctions_and_refuse_unknown_codes():
    codes = ["distinction", "place_3", "place_1"]

    assert [a.code for a in sorted(AwardCode.parse(c) for c in codes)] == [
        "place_1",
        "place_3",
        "distinction",
    ]
    assert AwardCode.parse("") is None
    with pytest.raises(ValueError):
        AwardCode.parse("place_0")
    with pytest.raises(ValueError):
        AwardCode.parse("gold")


@pytest.fixture
def old_snapshot(db) -> ResultSnapshot:
    stored = json.loads(OLD.read_text())
    return ResultSnapshot.objects.create(
        edition=EditionFactory(),
        payload=stored["payload"],
        digest=stored["digest"],
        created_by=UserFactory(),
    )


def test_snapshot_frozen_by_the_old_code_still_verifies_and_reads(old_snapshot):
    snapshot = Snapshot.of(old_snapshot)

    assert verify(old_snapshot)
    assert [c.name for c in snapshot.categories] == [
        "Poza horyzonty",
        "Ponad codzienność",
        "Wbrew przeszkodom",
    ]
    first = snapshot.categories[0]
    with translation.override("pl"):
        assert [laureate.award.label for laureate in first.laureates][:3] == [
            "I miejsce",
            "II miejsce",
            "III miejsce",
        ]
    assert first.laureates[0].prize == Decimal("15000.00")
    assert first.published_jury[0].name == "Anna Nowicka"
    assert first.published_jury[0].chair


def test_announcement_renders_a_snapshot_frozen_by_the_old_code(old_snapshot, rf):
    from django.template.loader import render_to_string

    from cms.models import AnnouncementPage
    from cms.services import ensure_home_page

    home = ensure_home_page(title="Konkursy")
    page = AnnouncementPage(
        title="Laureaci", slug="laureaci", snapshot=old_snapshot, edition=old_snapshot.edition
    )
    home.add_child(instance=page)

    with translation.override("pl"):
        html = render_to_string(
            "cms/announcement_page.html", page.get_context(rf.get("/")), request=rf.get("/")
        )

    assert "<strong>I miejsce</strong>" in html
    assert "Anna Nowicka — przewodnicząca jury" in html
    assert old_snapshot.digest in html
