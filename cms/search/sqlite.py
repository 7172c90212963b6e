"""SQLite best effort of the site search: stem prefixes without diacritics (see cms.search)."""

from __future__ import annotations

from modelsearch.backends.database.sqlite.query import Lexeme, SearchQueryExpression
from modelsearch.backends.database.sqlite.sqlite import (
    SQLiteSearchBackend,
    SQLiteSearchQueryCompiler,
)
from modelsearch.query import PlainText

from . import SHORTEST_STEM, fold, spellings, stem_prefix


class Spellings(Lexeme):
    """Any of the spellings of one word (or prefix), bracketed so it combines safely with AND."""

    def as_sql(self, compiler, connection):
        # FTS5 doubles a quote inside a string; the caller %-formats the template with these.
        quoted = [spelling.replace('"', '""') for spelling in self.value]
        term = '"%s"*' if self.prefix else '"%s"'
        return "(" + " OR ".join(term for _ in quoted) + ")", quoted


class PolishSQLiteQueryCompiler(SQLiteSearchQueryCompiler):
    def build_search_query_content(self, query, config=None):
        if not isinstance(query, PlainText):
            return super().build_search_query_content(query, config=config)
        terms = query.query_string.split()
        if not terms:
            return None
        combined = None
        for term in terms:
            prefix = stem_prefix(term)
            if len(prefix) < SHORTEST_STEM:
                lexeme = Spellings(spellings(fold(term)))
            else:
                lexeme = Spellings(spellings(prefix), prefix=True)
            if combined is None:
                combined = lexeme
            elif query.operator.upper() == "AND":
                combined &= lexeme
            else:
                combined |= lexeme
        return SearchQueryExpression(combined, config=config)


class PolishSQLiteSearchBackend(SQLiteSearchBackend):
    """Best effort for SQLite: every query word becomes a stem prefix without diacritics.

    "Ostroleka", "Ostrołęki" and "Ostrołęce" all ask for words beginning "ostrole" (or "ostrołe",
    as the index keeps ł). Limits: a prefix also finds unrelated words that begin the same way
    ("prusz" finds "Pruszków" and "Pruszki"); stems that change inside the word
    ("Mazowsze" / "mazowieckie") are not found; phrase queries are exact. Use PostgreSQL for
    real Polish search.
    """

    query_compiler_class = PolishSQLiteQueryCompiler
