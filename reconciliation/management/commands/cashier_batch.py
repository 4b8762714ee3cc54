"""``manage.py cashier_batch ESTABLISHMENT_CODE [--date AAAA-MM-JJ] [--cutoff HH:MM] [--output FILE]``: a batch of
received transfers for the cashier system: by default at the current minute with every received transfer not yet
in a batch; with ``--cutoff``, the batch of that cut-off (the transfers received before it). Created once; asked
again, the same file."""

import datetime

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from core.commands import add_day_argument, add_output_argument, day_option, write_output
from core.money import format_euros
from establishments.commands import establishment_by_code
from establishments.validators import parse_cashier_cutoffs
from reconciliation.errors import ReconciliationError
from reconciliation.services.cashier import generate_batch


def cutoff_option(value: str | None) -> datetime.time | None:
    """The time given to ``--cutoff`` (« 10:00 », « 14h30 »), None when none; CommandError in French otherwise."""
    if not value:
        return None
    try:
        times = parse_cashier_cutoffs(value)
    except ValidationError as exc:
        raise CommandError(f"Heure de passage invalide : {' '.join(exc.messages)}") from exc
    if len(times) != 1:
        raise CommandError(f"Une seule heure de passage attendue (HH:MM) : {value}")
    return datetime.time.fromisoformat(times[0])


class Command(BaseCommand):
    help = "Écrit un lot des virements reçus pour la caisse (fichier CSV), à l'heure de passage donnée ou maintenant."

    def add_arguments(self, parser):
        parser.add_argument("establishment_code")
        add_day_argument(parser)
        parser.add_argument("--cutoff", help="HH:MM : le lot de cette heure de passage (par défaut : maintenant)")
        add_output_argument(parser)

    def handle(self, *args, establishment_code: str, day: str | None = None, cutoff: str | None = None,
               output: str | None = None, **options):
        establishment = establishment_by_code(establishment_code)
        batch_day = day_option(day)
        batch_cutoff = cutoff_option(cutoff)
        try:
            result = generate_batch(establishment_id=establishment.pk, day=batch_day, cutoff=batch_cutoff)
        except ReconciliationError as exc:
            raise CommandError(str(exc)) from exc
        for reference in result.sent_to_refund:
            self.stderr.write(f"{reference} : envoyé en remboursement (personne libérée ou transférée).")
        if result.batch is None:
            self.stderr.write(f"Aucun virement reçu à transmettre pour {establishment_code} au {batch_day:%d/%m/%Y}.")
            return
        batch = result.batch
        note = "créé" if result.created else "déjà créé, même fichier"
        what = (f"Lot du {batch.day:%d/%m/%Y} de {batch.cutoff:%H:%M} ({note}) : {batch.line_count} virement(s), "
                f"{format_euros(batch.total)}")
        write_output(self, batch.content, output)
        self.stderr.write(f"{what}, écrit dans {output}." if output else f"{what}.")
