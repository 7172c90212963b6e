"""Site search that finds a page whatever case a Polish word is in, with or without diacritics.

Polish inflects place names ("Ostrołęka", "w Ostrołęce", "Urząd Miasta Ostrołęki"), and people
type them without diacritics ("Ostroleka"). Wagtail's database backend compares words as they are,
so each database gets its own answer:

- PostgreSQL: the text search configuration `polish` (made by `install_polish_config`, from the
  migration or `manage.py setup_search`) maps every word through `unaccent` and then an ispell
  dictionary built from Debian's hunspell-pl with its diacritics folded the same way
  (deploy/polish_search_dictionary.py). Both the index and the query go through it, so the three
  forms above and "Ostroleka" all become the lexeme "ostroleka". Without the dictionary files on
  the database server the configuration is `unaccent, simple`: diacritics are folded, inflected
  forms are not found.
- SQLite (development and tests): see `cms.search.sqlite.PolishSQLiteSearchBackend`, a best
  effort with the word helpers below.
"""

from __future__ import annotations

import itertools
import logging
import unicodedata

from django.db import DatabaseError, connection, transaction
from modelsearch.backends.database import SearchBackend as database_backend

logger = logging.getLogger(__name__)

POLISH_CONFIG = "polish"
POLISH_DICTIONARY = "polish_ispell"
# polish_unaccent.dict and .affix in the server's tsearch_data folder.
DICTIONARY_FILES = "polish_unaccent"
# Token types of the default parser that carry letters; the rest (numbers, e-mails, URLs) stay
# as `simple` copied them.
WORD_TOKENS = (
    "asciiword",
    "word",
    "numword",
    "asciihword",
    "hword",
    "numhword",
    "hword_asciipart",
    "hword_part",
    "hword_numpart",
)


def install_polish_config(*, using=None) -> str:
    """(Re)create the `polish` text search configuration; returns its dictionary chain.

    Safe to run again, e.g. after hunspell-pl is installed on a server that lacked it (then run
    `manage.py update_index`: stored vectors keep the lexemes they were made with). Each optional
    part is tried in a savepoint, so a server without the extension or the files still gets a
    working configuration.
    """
    from django.db import connections

    db = connections[using] if using else connection
    with db.cursor() as cursor:
        cursor.execute(f"DROP TEXT SEARCH CONFIGURATION IF EXISTS {POLISH_CONFIG}")
        cursor.execute(f"DROP TEXT SEARCH DICTIONARY IF EXISTS {POLISH_DICTIONARY}")
        unaccent = _try(db, cursor, "CREATE EXTENSION IF NOT EXISTS unaccent")
        # The dictionary's words are unaccented, so it is only of use behind unaccent.
        ispell = unaccent and _try(
            db,
            cursor,
            f"CREATE TEXT SEARCH DICTIONARY {POLISH_DICTIONARY} (TEMPLATE = ispell, "
            f"DictFile = {DICTIONARY_FILES}, AffFile = {DICTIONARY_FILES})",
        )
        chain = [*(["unaccent"] if unaccent else []), *([POLISH_DICTIONARY] if ispell else [])]
        chain.append("simple")
        cursor.execute(f"CREATE TEXT SEARCH CONFIGURATION {POLISH_CONFIG} (COPY = simple)")
        cursor.execute(
            f"ALTER TEXT SEARCH CONFIGURATION {POLISH_CONFIG} "
            f"ALTER MAPPING FOR {', '.join(WORD_TOKENS)} WITH {', '.join(chain)}"
        )
    if not ispell:
        logger.warning(
            "Search: no Polish dictionary (%s.dict) on the database server, inflected forms "
            "will not be found; see README, 'Search in Polish'. Configuration: %s.",
            DICTIONARY_FILES,
            ", ".join(chain),
        )
    return ", ".join(chain)


def _try(db, cursor, sql: str) -> bool:
    try:
        with transaction.atomic(using=db.alias):
            cursor.execute(sql)
    except DatabaseError as error:
        logger.info("Search: %s failed: %s", sql, error)
        return False
    return True


# Word helpers of the SQLite best effort (cms.search.sqlite).

# Case and number endings, diacritics folded, longest first; enough to reach the stem of the
# nouns and adjectives that place and institution names are made of.
ENDINGS = tuple(
    sorted(
        (
            *("ach", "ami", "ego", "emu", "iej", "iem", "owi", "ich", "ych", "imi", "ymi"),
            *("ie", "om", "ow", "ej", "em", "im", "ym", "mi"),
            *("a", "e", "i", "o", "u", "y"),
        ),
        key=len,
        reverse=True,
    )
)
SHORTEST_STEM = 4
# Each "l" of a stem may stand for "ł" in the index; variants grow as 2**n, so only so many.
MOST_L_VARIANTS = 3


def fold(text: str) -> str:
    """Lower case without diacritics: "Ostrołęce" → "ostrolece" (ł has no decomposition)."""
    decomposed = unicodedata.normalize("NFKD", text.lower().replace("ł", "l"))
    return "".join(char for char in decomposed if not unicodedata.combining(char))


def stem_prefix(word: str) -> str:
    """The prefix that the forms of a word share: "Ostrołęki", "Ostrołęce" → "ostrole".

    The ending is cut, then one more letter, since the last consonant of a stem often
    alternates (Ostrołęka, Ostrołęce). Words of up to four letters are kept whole.
    """
    word = fold(word)
    for ending in ENDINGS:
        if word.endswith(ending) and len(word) - len(ending) >= SHORTEST_STEM:
            word = word[: -len(ending)]
            break
    if len(word) > SHORTEST_STEM:
        word = word[:-1]
    return word


def spellings(prefix: str) -> list[str]:
    """SQLite's FTS5 tokenizer folds ą, ę, ó, ś... but keeps ł: ask for both letters."""
    positions = [index for index, char in enumerate(prefix) if char == "l"][:MOST_L_VARIANTS]
    result = []
    for letters in itertools.product("lł", repeat=len(positions)):
        chars = list(prefix)
        for position, letter in zip(positions, letters, strict=True):
            chars[position] = letter
        result.append("".join(chars))
    return result


def SearchBackend(params):
    # Wagtail imports BACKEND as a module and calls its SearchBackend, like its own database one.
    backend = database_backend(params)
    if connection.vendor != "sqlite":
        return backend
    # Imported here: modelsearch's SQLite module needs the FTS model, absent on PostgreSQL.
    from .sqlite import PolishSQLiteSearchBackend, SQLiteSearchBackend

    if isinstance(backend, SQLiteSearchBackend):
        return PolishSQLiteSearchBackend(params)
    return backend
