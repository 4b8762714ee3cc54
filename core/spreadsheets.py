"""Files that people open in a spreadsheet (CSV, XLSX): one rule against formula injection for them all.

A cell whose text starts with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return is run as a formula
by Excel or LibreOffice (OWASP "CSV injection"): such a text is written with a leading apostrophe,
which makes it plain text. Numbers, dates and other values are left as they are. Every file a person
downloads or is handed goes through here: GENESIS exports (``permits.imports``), the cashier batch
(``reconciliation.cashier.files``), the reconciliation report's CSV and XLSX (``reconciliation.exports``), the
sandbox cashier's acknowledgement (``sandbox.cashier``)."""

from __future__ import annotations

from collections.abc import Iterable

# Characters that make a spreadsheet read a cell as a formula (OWASP "CSV injection").
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def escape_formula(value):
    """A text cell a spreadsheet would run as a formula is prefixed with an apostrophe."""
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


def escaped_row(values: Iterable) -> list:
    """Every cell of a row through ``escape_formula``."""
    return [escape_formula(v) for v in values]
