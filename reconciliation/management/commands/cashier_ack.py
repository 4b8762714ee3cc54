"""``manage.py cashier_ack FILE``: apply the cashier system's acknowledgement (all or nothing)."""

from django.core.management.base import BaseCommand, CommandError

from reconciliation.errors import ReconciliationError
from reconciliation.services.cashier import apply_acknowledgement


class Command(BaseCommand):
    help = "Applique le fichier d'accusé de la caisse : virements versés ou envoyés en remboursement."

    def add_arguments(self, parser):
        parser.add_argument("file")

    def handle(self, *args, file: str, **options):
        try:
            with open(file, "rb") as handle:
                data = handle.read()
        except OSError as exc:
            raise CommandError(f"Fichier illisible : {file}") from exc
        try:
            result = apply_acknowledgement(data=data)
        except ReconciliationError as exc:
            raise CommandError("Accusé refusé, rien n'a été enregistré.\n" + "\n".join(exc.messages)) from exc
        self.stdout.write(result.summary())
        for reference in result.credited:
            self.stdout.write(f"{reference} : versé")
        for reference in result.refused:
            self.stdout.write(f"{reference} : à rembourser")
