"""The SQLite half of cms.search, imported only on SQLite: Wagtail's SQLite module needs its full-text index model,
which exists on SQLite only."""

from __future__ import annotations

from modelsearch.backends.database.sqlite.sqlite import (
    SQLiteAutocompleteQueryCompiler,
    SQLiteSearchBackend,
    SQLiteSearchQueryCompiler,
)

from .search import fts_safe


class SafeSQLiteSearchQueryCompiler(SQLiteSearchQueryCompiler):
    def __init__(self, queryset, query, *args, **kwargs):
        super().__init__(queryset, fts_safe(query), *args, **kwargs)


class SafeSQLiteAutocompleteQueryCompiler(SQLiteAutocompleteQueryCompiler):
    def __init__(self, queryset, query, *args, **kwargs):
        super().__init__(queryset, fts_safe(query), *args, **kwargs)


class SafeSQLiteSearchBackend(SQLiteSearchBackend):
    query_compiler_class = SafeSQLiteSearchQueryCompiler
    autocomplete_query_compiler_class = SafeSQLiteAutocompleteQueryCompiler
