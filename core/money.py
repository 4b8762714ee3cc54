"""Euros: sums always a ``Decimal`` with two places, ``0.00`` for nothing (never ``None`` or ``0``), and the one
way they are shown (``1 000,50 €``)."""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal

from django.db.models import DecimalField, QuerySet, Sum, Value
from django.db.models.functions import Coalesce

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


def format_euros(value: Decimal) -> str:
    """``Decimal("1000.5")`` → ``1 000,50 €`` (narrow no-break space between thousands)."""
    quantized = Decimal(value).quantize(Decimal("0.01"))
    sign = "-" if quantized < 0 else ""
    integer, _dot, cents = f"{abs(quantized):.2f}".partition(".")
    groups = []
    while integer:
        groups.insert(0, integer[-3:])
        integer = integer[:-3]
    return f"{sign}{THOUSANDS_SEPARATOR.join(groups)},{cents}\u00a0€"
