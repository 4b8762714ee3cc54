"""The portal's search backend (settings.WAGTAILSEARCH_BACKENDS): Wagtail's database backend, with what people
type made safe for SQLite's full-text index (FTS5) first.

Wagtail's SQLite backend puts each word between double quotes in the FTS5 MATCH expression without escaping
them: a quote typed in a search box (``l'"aide``) ended the string early and SQLite answered "unterminated
string" (a 500), on the site search, the FAQ's search and every search box of /cms/. FTS5's tokenizer splits
words on punctuation anyway, so ``search_terms`` keeps letters and digits only (and at most MAX_TERMS words):
the same pages match, and nothing typed can break the expression. PostgreSQL's backend escapes its input
itself and is used as it is.
"""

from __future__ import annotations

import re

from modelsearch.backends.database import SearchBackend as database_backend
from modelsearch.query import And, Boost, MatchAll, Not, Or, Phrase, PlainText

MAX_TERMS = 32
NOT_A_WORD = re.compile(r"[^\w]+|_+")


def search_terms(text: str) -> str:
    """The words of ``text`` (letters and digits), separated by single spaces, at most MAX_TERMS of them."""
    return " ".join(NOT_A_WORD.sub(" ", text or "").split()[:MAX_TERMS])


def fts_safe(query):
    """``query`` (a string or a search query tree) with every typed string reduced to its words; a string
    left with no word matches nothing."""
    if isinstance(query, str):
        return search_terms(query) or Not(MatchAll())
    if isinstance(query, PlainText):
        terms = search_terms(query.query_string)
        return PlainText(terms, operator=query.operator, boost=query.boost) if terms else Not(MatchAll())
    if isinstance(query, Phrase):
        terms = search_terms(query.query_string)
        return Phrase(terms) if terms else Not(MatchAll())
    if isinstance(query, (And, Or)):
        return type(query)([fts_safe(subquery) for subquery in query.subqueries])
    if isinstance(query, Not):
        return Not(fts_safe(query.subquery))
    if isinstance(query, Boost):
        return Boost(fts_safe(query.subquery), query.boost)
    return query


def SearchBackend(params):  # noqa: N802 (the name Wagtail looks for)
    """Wagtail's database backend for the default database, the FTS5-safe one on SQLite."""
    backend = database_backend(params)
    if type(backend).__name__ == "SQLiteSearchBackend":  # its module cannot be imported on another database
        from .search_sqlite import SafeSQLiteSearchBackend

        return SafeSQLiteSearchBackend(params)
    return backend
