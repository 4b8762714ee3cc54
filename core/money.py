"""Euros: sums always a ``Decimal`` with two places, ``0.00`` for nothing (never ``None`` or ``0``), and the one
way they are shown, per language (``1 000,50 €`` in French, ``€1,000.50`` in English; ``format_euros``)."""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal

from django.db.models import DecimalField, QuerySet, Sum, Value
from django.db.models.functions import Coalesce

from core.formats import language_code

THOUSANDS_SEPARATOR = "\u202f"
ZERO = Decimal("0.00")
CENT = Decimal("0.01")


def euro_sum(amounts: Iterable[Decimal]) -> Decimal:
    """The sum of ``amounts`` in euros (``0.00`` when there are none)."""
    return sum(amounts, ZERO).quantize(CENT)


def euro_total(field: str = "amount"):
    """An aggregate expression: the sum of ``field``, ``0.00`` when no row (for ``aggregate`` / ``annotate``)."""
    return Coalesce(Sum(field), Value(ZERO), output_field=DecimalField(max_digits=14, decimal_places=2))


def queryset_euro_sum(queryset: QuerySet, field: str = "amount") -> Decimal:
    """The sum of ``field`` over ``queryset`` in the database, ``0.00`` when it is empty."""
    return queryset.aggregate(total=euro_total(field))["total"].quantize(CENT)


LEFT_TO_RIGHT_ISOLATE = "\u2066"
POP_DIRECTIONAL_ISOLATE = "\u2069"


def _groups(integer: str) -> list[str]:
    groups = []
    while integer:
        groups.insert(0, integer[-3:])
        integer = integer[:-3]
    return groups


def format_euros(value: Decimal, language: str | None = None) -> str:
    """An amount as the relative reads it, in ``language`` (the active one by default; staff pages and jobs
    speak French):

    - fr: ``Decimal("1000.5")`` → ``1 000,50 €`` (narrow no-break space between thousands, no-break space
      before the sign): unchanged, the portal's rule since its first page.
    - en: ``€1,000.50``, ``-€5.00`` (the sign before the figures, as British and Irish texts write euros).
    - ar: ``1 000,50 €``, the French layout in Western digits, wrapped in Unicode isolates (U+2066 LRI …
      U+2069 PDI). Why the French layout: the amount is the one on the relative's bank statement, on the
      establishment's letters and on the French receipt — the administration's Arabic documents keep their
      figures as written in France — and the Maghreb's Arabic usage (the portal's Arabic readers mostly) also
      writes a comma before the cents; Arabic-Indic digits or a Gulf ``1,000.50`` would differ from every
      paper she holds. The isolates keep the figures, the comma and the sign in their left-to-right order
      inside an Arabic sentence wherever it goes (HTML, plain-text e-mails, a PDF), without markup.
    """
    quantized = Decimal(value).quantize(Decimal("0.01"))
    sign = "-" if quantized < 0 else ""
    integer, _dot, cents = f"{abs(quantized):.2f}".partition(".")
    code = language_code(language)
    if code == "en":
        return f"{sign}€{','.join(_groups(integer))}.{cents}"
    text = f"{sign}{THOUSANDS_SEPARATOR.join(_groups(integer))},{cents}\u00a0€"
    if code == "ar":
        return f"{LEFT_TO_RIGHT_ISOLATE}{text}{POP_DIRECTIONAL_ISOLATE}"
    return text
