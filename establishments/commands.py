"""The establishment an operator command names by its code."""

from __future__ import annotations

from django.core.management.base import CommandError

from .models import Establishment


def establishment_by_code(code: str) -> Establishment:
    """The establishment of that code; CommandError in French when there is none."""
    establishment = Establishment.objects.filter(code=code).first()
    if establishment is None:
        raise CommandError(f"Établissement inconnu : {code}")
    return establishment
