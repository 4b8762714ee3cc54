"""``manage.py load_demo``: the demo data of DESIGN.md (idempotent; refused in production).

It says what it made in a few lines: what it created or brought up to date, by kind, and what the database holds.
The logs of what it sets in motion (Wagtail's page events, the search index and reference index tasks, Celery's)
are kept to warnings meanwhile; ``-v 2`` lists each row and lets them through, ``-v 0`` prints nothing but errors.
"""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager

from django.core.exceptions import ImproperlyConfigured
from django.core.management.base import BaseCommand, CommandError

from sandbox.demo import load_demo
from sandbox.selectors import database_counts

# Loggers that report each page saved and each task run: one line each, about 200 for the demo site.
CHATTY_LOGGERS = ("", "django_tasks", "wagtail", "modelsearch", "celery")

# The kinds of rows the demo data reports (label prefix, singular, plural), in the order printed.
KINDS = (
    ("établissement", "établissement", "établissements"),
    ("personne détenue", "personne détenue", "personnes détenues"),
    ("permis", "permis de visite", "permis de visite"),
    ("banque", "banque", "banques"),
    ("compte", "compte d'agent", "comptes d'agents"),
    ("page", "page", "pages"),
    ("image", "image", "images"),
    ("document", "document", "documents"),
    ("règles de réservation", "règles de réservation", "règles de réservation"),
    ("espace de visite", "espace de visite", "espaces de visite"),
    ("créneau hebdomadaire", "créneau hebdomadaire", "créneaux hebdomadaires"),
)


@contextmanager
def warnings_only(names: tuple[str, ...]) -> Iterator[None]:
    """These loggers at WARNING for the time of the block, then back to their level."""
    loggers = [logging.getLogger(name or None) for name in names]
    saved = [logger.level for logger in loggers]
    for logger in loggers:
        logger.setLevel(logging.WARNING)
    try:
        yield
    finally:
        for logger, level in zip(loggers, saved, strict=True):
            logger.setLevel(level)


def _counted(singular: str, plural: str, count: int) -> str:
    return f"{count} {singular if count < 2 else plural}"


def by_kind(labels: list[str]) -> str:
    """« 1 établissement, 2 permis de visite, 13 pages… » from the report's labels (« permis PV-2026-000123 »)."""
    counts: Counter[tuple[str, str]] = Counter()
    for label in labels:
        for prefix, singular, plural in KINDS:
            if label.startswith(f"{prefix} "):
                counts[(singular, plural)] += 1
                break
        else:  # a kind added to the demo data since: its first word
            word = label.split(" ", 1)[0]
            counts[(word, word if word.endswith(("s", "x", "z")) else f"{word}s")] += 1
    order = [(singular, plural) for _prefix, singular, plural in KINDS]
    ranked = sorted(counts.items(), key=lambda item: order.index(item[0]) if item[0] in order else len(order))
    return ", ".join(_counted(singular, plural, count) for (singular, plural), count in ranked)


class Command(BaseCommand):
    help = "Charge les données de démonstration (idempotent ; refusé en production)."

    def handle(self, *args, **options):
        verbosity = options["verbosity"]
        try:
            with warnings_only(CHATTY_LOGGERS if verbosity < 2 else ()):
                report = load_demo()
        except ImproperlyConfigured as exc:
            raise CommandError(str(exc)) from exc
        if verbosity >= 2:
            for label in report.created:
                self.stdout.write(f"créé : {label}")
            for label in report.updated:
                self.stdout.write(f"mis à jour : {label}")
        if verbosity < 1:
            return
        self.stdout.write(
            self.style.SUCCESS(
                f"Données de démonstration : {len(report.created)} créées, {len(report.updated)} mises à jour, "
                f"{len(report.unchanged)} inchangées."
            )
        )
        if report.created:
            self.stdout.write(f"  Créé : {by_kind(report.created)}.")
        if report.updated:
            self.stdout.write(f"  Mis à jour : {by_kind(report.updated)}.")
        held = ", ".join(_counted(singular, plural, count) for singular, plural, count in database_counts())
        self.stdout.write(f"  Dans la base : {held}.")
        self.stdout.write(
            "  Pour essayer le portail (identités FranceConnect, permis, comptes des agents) : README.md, "
            "« Essayer le portail »."
        )
