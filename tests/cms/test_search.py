from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from cms.search import fold, install_polish_config, stem_prefix

pytestmark = pytest.mark.django_db

# Towns of the demo, four forms each (base, two inflected, without diacritics), and a page that
# each form must find: laureate pages by the institution's name, news pages by their text.
TOWNS = {
    "Ostrołęka": (
        ["Ostrołęka", "Ostrołęki", "Ostrołęce", "Ostroleka"],
        "Ostrołęcka Karta Mieszkańca",
    ),
    "Piaseczno": (
        ["Piaseczno", "Piaseczna", "Piasecznie", "PIASECZNO"],
        "System dyspozytorski Urzędu Miasta i Gminy Piaseczno",
    ),
    "Białobrzegi": (
        ["Białobrzegi", "Białobrzegów", "Białobrzegach", "Bialobrzegi"],
        "Portal e-Mieszkańca (Portfel e-Mieszkańca, System Qnet, System 4Parent)",
    ),
    "Michałowice": (
        ["Michałowice", "Michałowic", "Michałowicach", "Michalowice"],
        "Poprawa jakości świadczenia usług publicznych w formie elektronicznej w Gminie Michałowice",
    ),
    "Mińsk": (
        ["Mińsk", "Mińska", "Mińsku", "Minsk"],
        "System Informacji Przestrzennej",
    ),
    "Pruszków": (
        ["Pruszków", "Pruszkowa", "Pruszkowie", "Pruszkow"],
        "Legionowo Samorządowym Liderem Cyfryzacji",
    ),
    "Legionowo": (
        ["Legionowo", "Legionowa", "Legionowie", "legionowo"],
        "Legionowo Samorządowym Liderem Cyfryzacji",
    ),
}


def titles_found(client, query: str) -> list[str]:
    response = client.get("/szukaj/", {"q": query})
    assert response.status_code == 200
    return [page.title for page in response.context["results"]]


def misses(client) -> list[str]:
    """Every form of every town that does not find its page, as 'form: what it found'."""
    missed = []
    for forms, title in TOWNS.values():
        for form in forms:
            found = titles_found(client, form)
            if title not in found:
                missed.append(f"{form}: {found}")
    return missed


def needs_polish_dictionary():
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL's text search")
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_ts_dict WHERE dictname = 'polish_ispell'")
        if cursor.fetchone() is None:
            pytest.skip("no Polish dictionary on the server (deploy/polish_search_dictionary.py)")


def lexemes(text: str) -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT to_tsvector('polish', %s)::text", [text])
        return cursor.fetchone()[0]


@pytest.mark.postgres
def test_polish_config_gives_every_form_of_a_town_one_lexeme():
    needs_polish_dictionary()

    vectors = {word: lexemes(word) for word in ["Ostrołęka", "Ostrołęki", "Ostrołęce", "Ostroleka"]}

    assert set(vectors.values()) == {"'ostroleka':1"}, vectors


@pytest.mark.postgres
def test_search_finds_demo_towns_in_every_form_on_postgresql(client):
    needs_polish_dictionary()
    call_command("load_demo", stdout=StringIO())

    assert misses(client) == []


@pytest.mark.postgres
def test_search_finds_only_the_towns_pages_on_postgresql(client):
    needs_polish_dictionary()
    call_command("load_demo", stdout=StringIO())

    found = titles_found(client, "Ostrołęce")

    assert sorted(found) == [
        "Ostrołęcka Karta Mieszkańca",
        "Urząd Miasta Ostrołęki",
        "Usługi elektroniczne Urzędu Miasta Ostrołęki",
    ]


@pytest.mark.postgres
def test_polish_config_without_dictionary_files_folds_diacritics_only(monkeypatch):
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL's text search")
    monkeypatch.setattr("cms.search.DICTIONARY_FILES", "no_such_dictionary")

    chain = install_polish_config()

    assert chain == "unaccent, simple"
    assert lexemes("Ostrołęce") == "'ostrolece':1"


def test_search_finds_demo_towns_in_every_form_on_sqlite(client):
    if connection.vendor != "sqlite":
        pytest.skip("the SQLite best effort")
    call_command("load_demo", stdout=StringIO())

    assert misses(client) == []


@pytest.mark.parametrize(
    ("word", "prefix"),
    [
        ("Ostrołęka", "ostrole"),
        ("Ostrołęki", "ostrole"),
        ("Ostrołęce", "ostrole"),
        ("Białobrzegach", "bialobrze"),
        ("Mińsk", "mins"),
        ("PW", "pw"),
    ],
)
def test_stem_prefix_cuts_ending_and_alternating_consonant(word, prefix):
    assert stem_prefix(word) == prefix


def test_fold_removes_every_polish_diacritic():
    assert fold("ZAŻÓŁĆ gęślą jaźń") == "zazolc gesla jazn"


def test_search_with_quotes_and_operators_answers(client, home):
    response = client.get("/szukaj/", {"q": 'Ostrołęka" OR "x* NEAR('})

    assert response.status_code == 200


@pytest.mark.postgres
def test_setup_search_recreates_the_polish_config():
    needs_polish_dictionary()
    out = StringIO()

    call_command("setup_search", "--no-reindex", stdout=out)

    assert out.getvalue().strip() == "polish: unaccent, polish_ispell, simple"
    assert lexemes("Ostrołęki") == "'ostroleka':1"


def test_setup_search_refuses_sqlite():
    if connection.vendor != "sqlite":
        pytest.skip("the SQLite refusal")

    with pytest.raises(CommandError, match="Only PostgreSQL"):
        call_command("setup_search", "--no-reindex")
