"""What the operator commands share: the ``--date AAAA-MM-JJ`` option (today by default; read by the portal's
one rule for days, ``core.dates``) and the ``--output FILE`` option (else the standard output), with their errors
in French."""

from __future__ import annotations

import datetime
from argparse import ArgumentParser

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from .dates import parse_day


def add_day_argument(parser: ArgumentParser) -> None:
    """``--date AAAA-MM-JJ``, read into ``options["day"]``; pass it to ``day_option``."""
    parser.add_argument("--date", dest="day", help="AAAA-MM-JJ (par défaut : aujourd'hui)")


def day_option(value: str | None) -> datetime.date:
    """The day given to ``--date`` (today when none); CommandError in French when it is no day of the portal's
    range (``core.dates.parse_day``)."""
    if not value:
        return timezone.localdate()
    day = parse_day(value)
    if day is None:
        raise CommandError(f"Date invalide (AAAA-MM-JJ attendu) : {value}")
    return day


def add_output_argument(parser: ArgumentParser) -> None:
    parser.add_argument("--output", help="fichier à écrire (par défaut : la sortie standard)")


def write_output(command: BaseCommand, content: str | bytes, output: str | None) -> None:
    """``content`` written to the file ``output``, or to the command's standard output (as text)."""
    if output:
        data = content.encode("utf-8") if isinstance(content, str) else content
        with open(output, "wb") as handle:
            handle.write(data)
    else:
        command.stdout.write(content.decode("utf-8") if isinstance(content, bytes) else content, ending="")
