"""``manage.py import_statement FILE``: import a file of a régie account — a camt.053 statement, a camt.052 intraday
report or a camt.054 notice — and match its entries (the same checks as the back office's upload); prints what it
did (which kind of file), non-zero on error."""

from django.core.management.base import BaseCommand, CommandError

from reconciliation.camt import CamtError
from reconciliation.errors import ReconciliationError
from reconciliation.services.statements import import_statement


class Command(BaseCommand):
    help = (
        "Importe un fichier d'un compte de régie — relevé camt.053, relevé intrajournalier camt.052 ou avis "
        "camt.054 — et rapproche ses écritures (une opération déjà lue dans un autre fichier n'est comptée "
        "qu'une fois)."
    )

    def add_arguments(self, parser):
        parser.add_argument("file")

    def handle(self, *args, file: str, **options):
        try:
            result = import_statement(path=file)
        except FileNotFoundError as exc:
            raise CommandError(f"Fichier introuvable : {file}") from exc
        except (CamtError, ReconciliationError) as exc:
            raise CommandError(f"Fichier refusé, rien n'a été enregistré. {exc}") from exc
        self.stdout.write(result.summary())
