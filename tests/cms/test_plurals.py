"""Polish counts take three forms: 1 zgłoszenie, 2–4 (and 22–24) zgłoszenia, 5+ (and 12–14) zgłoszeń."""

from __future__ import annotations

from pathlib import Path

import polib
import pytest
from django.conf import settings
from django.utils import translation
from django.utils.translation import ngettext

COUNTS = [1, 2, 4, 5, 12, 14, 22, 25]
# The form Polish grammar asks for at each count: one, few, many.
FORM = {1: 0, 2: 1, 4: 1, 5: 2, 12: 2, 14: 2, 22: 1, 25: 2}


def _plural_entries() -> list[polib.POEntry]:
    catalogue = Path(settings.LOCALE_PATHS[0]) / "pl" / "LC_MESSAGES" / "django.po"
    return [entry for entry in polib.pofile(str(catalogue)) if entry.msgid_plural]


@pytest.mark.parametrize("entry", _plural_entries(), ids=lambda entry: entry.msgid[:40])
def test_every_counted_message_has_three_polish_forms_used_by_count(entry):
    forms = [entry.msgstr_plural.get(index, "") for index in range(3)]

    with translation.override("pl"):
        shown = {count: ngettext(entry.msgid, entry.msgid_plural, count) for count in COUNTS}

    assert all(forms), f"missing a Polish form: {forms}"
    assert shown == {count: forms[FORM[count]] for count in COUNTS}


@pytest.mark.parametrize(
    ("count", "expected"),
    [
        (1, "1 zgłoszenie złożone"),
        (2, "2 zgłoszenia złożone"),
        (4, "4 zgłoszenia złożone"),
        (5, "5 zgłoszeń złożonych"),
        (12, "12 zgłoszeń złożonych"),
        (14, "14 zgłoszeń złożonych"),
        (22, "22 zgłoszenia złożone"),
        (25, "25 zgłoszeń złożonych"),
    ],
)
def test_entries_submitted_count_reads_as_polish(count, expected):
    with translation.override("pl"):
        text = ngettext("%(counter)s entry submitted", "%(counter)s entries submitted", count) % {
            "counter": count
        }

    assert text == expected


@pytest.mark.parametrize(
    ("count", "expected"),
    [(1, "1 wyłączenie"), (3, "3 wyłączenia"), (13, "13 wyłączeń"), (24, "24 wyłączenia")],
)
def test_recusals_count_reads_as_polish(count, expected):
    with translation.override("pl"):
        text = ngettext("%(counter)s recusal", "%(counter)s recusals", count) % {"counter": count}

    assert text == expected
