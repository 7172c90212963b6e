"""Every page of the demo, as each role, in Polish and in English: no text in the wrong language.

The demo is loaded once, inside the test's transaction, and each (role, language) crawls it
by following the links a person could click, an empty search of every admin listing, and an
empty submission of every admin form (see tests/cms/language.py).
"""

from __future__ import annotations

from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from wagtail.models import Page

from tests.cms.language import (
    Crawl,
    Dictionary,
    auto_labels,
    client_for,
    model_field_names,
    raw_values,
)

ROLES = [
    "anonymous",
    "wnioskodawca",
    "juror1",
    "przewodniczaca",
    "organizator",
    # An organiser of one competition (issue 14): the other one's pages are not theirs.
    "organizator-slc",
    "redaktor",
]
LANGUAGES = ["pl", "en"]


@pytest.fixture(scope="module")
def dictionaries() -> dict[str, Dictionary]:
    names = model_field_names()
    return {
        "pl": Dictionary.english_on_polish(auto_labels(names)),
        "en": Dictionary.polish_on_english(),
    }


def _start(role: str, language: str) -> list[str]:
    prefix = "/en" if language == "en" else ""
    urls = [f"{prefix}{path}" for path in ("/", "/zgloszenia/", "/jury/", "/szukaj/?q=gmina")]
    urls.append(f"{prefix}/konto/login/")
    if role != "anonymous" or language == "pl":
        urls.append("/admin/")
    return urls


@pytest.mark.language
def test_pages_speak_one_language(db, dictionaries):
    """Every (role, language) crawls one demo: built once, it is the slow part of the crawl."""
    call_command("load_demo", stdout=StringIO())
    # Names people gave things (page titles, logins) are data, whatever language they are in.
    data = set(Page.objects.values_list("title", flat=True))
    data |= set(get_user_model().objects.values_list("username", flat=True))
    too_few, leaks = [], []
    for role in ROLES:
        for language in LANGUAGES:
            crawl = Crawl(
                client_for(role, language),
                role,
                language,
                dictionaries[language],
                model_field_names(),
                data,
            )
            leaks += [
                f"{role} {language}: {leak}"
                for leak in crawl.run(_start(role, language), limit=300)
            ]
            if crawl.pages < 20:
                too_few.append(f"{role} {language}: only {crawl.pages} pages reached")

    assert not too_few, "\n".join(too_few)
    assert not leaks, "\n".join(leaks)


# The leaks a tester reported, as the pages showed them: the check must see every one.
REPORTED_ON_POLISH = [
    "Phase label",
    "Go to the first error",
    "There are no zmiany kart oceny to display.",
    "No zgłoszenia match your query.",
    "Schedule to publish",
]
REPORTED_RAW = ["True", "None"]


@pytest.mark.parametrize("text", REPORTED_ON_POLISH)
def test_check_finds_english_on_polish_pages_reported(dictionaries, text):
    assert dictionaries["pl"].leaks([text])


@pytest.mark.parametrize("text", REPORTED_RAW)
def test_check_finds_raw_values_reported(text):
    assert raw_values([text], set()) == {text}


def test_check_finds_field_names_shown_raw():
    assert raw_values(["users_count"], model_field_names()) == {"users_count"}


@pytest.mark.parametrize(
    "text", ["Strona internetowa:", "Zapisz szkic", "Brak zgłoszeń pasujących do wyszukiwania."]
)
def test_check_finds_polish_on_english_pages(dictionaries, text):
    assert dictionaries["en"].leaks([text])


@pytest.mark.parametrize(
    "text",
    ["Urząd Gminy Wiązowna", "e-Urząd 2.0: Smart City Ostrołęka", "Status", "2024", "OK"],
)
def test_check_leaves_names_and_shared_words_alone(dictionaries, text):
    assert not dictionaries["pl"].leaks([text])
