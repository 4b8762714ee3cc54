"""``manage.py import_statement FILE``: import a camt.053 statement of a régie account and match its
entries (the same checks as the back office's upload); prints what it did, non-zero on error."""

from django.core.management.base import BaseCommand, CommandError

from reconciliation.camt import CamtError
from reconciliation.errors import ReconciliationError
from reconciliation.services.statements import import_statement


class Command(BaseCommand):
    help = "Importe un relevé camt.053 d'un compte de régie et rapproche ses écritures."

    def add_arguments(self, parser):
        parser.add_argument("file")

    def handle(self, *args, file: str, **options):
        try:
            result = import_statement(path=file)
        except FileNotFoundError as exc:
            raise CommandError(f"Fichier introuvable : {file}") from exc
        except (CamtError, ReconciliationError) as exc:
            raise CommandError(f"Relevé refusé, rien n'a été enregistré. {exc}") from exc
        self.stdout.write(result.summary())
