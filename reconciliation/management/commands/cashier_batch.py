"""``manage.py cashier_batch ESTABLISHMENT_CODE [--date AAAA-MM-JJ] [--output FILE]``: the day's batch
of received transfers for the cashier system (created once; asked again, the same file)."""

from django.core.management.base import BaseCommand, CommandError

from core.commands import add_day_argument, add_output_argument, day_option, write_output
from core.money import format_euros
from establishments.commands import establishment_by_code
from reconciliation.errors import ReconciliationError
from reconciliation.services.cashier import generate_batch


class Command(BaseCommand):
    help = "Écrit le lot du jour des virements reçus pour la caisse (fichier CSV)."

    def add_arguments(self, parser):
        parser.add_argument("establishment_code")
        add_day_argument(parser)
        add_output_argument(parser)

    def handle(self, *args, establishment_code: str, day: str | None = None, output: str | None = None, **options):
        establishment = establishment_by_code(establishment_code)
        batch_day = day_option(day)
        try:
            result = generate_batch(establishment_id=establishment.pk, day=batch_day)
        except ReconciliationError as exc:
            raise CommandError(str(exc)) from exc
        for reference in result.sent_to_refund:
            self.stderr.write(f"{reference} : envoyé en remboursement (personne libérée ou transférée).")
        if result.batch is None:
            self.stderr.write(f"Aucun virement reçu à transmettre pour {establishment_code} au {batch_day:%d/%m/%Y}.")
            return
        batch = result.batch
        note = "créé" if result.created else "déjà créé, même fichier"
        what = f"Lot du {batch.day:%d/%m/%Y} ({note}) : {batch.line_count} virement(s), {format_euros(batch.total)}"
        write_output(self, batch.content, output)
        self.stderr.write(f"{what}, écrit dans {output}." if output else f"{what}.")
