"""``manage.py cashier_batch ESTABLISHMENT_CODE [--date AAAA-MM-JJ] [--output FILE]``: the day's batch
of received transfers for the cashier system (created once; asked again, the same file)."""

import datetime

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from core.money import format_euros
from establishments.models import Establishment
from reconciliation import services


class Command(BaseCommand):
    help = "Écrit le lot du jour des virements reçus pour la caisse (fichier CSV)."

    def add_arguments(self, parser):
        parser.add_argument("establishment_code")
        parser.add_argument("--date", dest="day", help="AAAA-MM-JJ (par défaut : aujourd'hui)")
        parser.add_argument("--output", help="fichier à écrire (par défaut : la sortie standard)")

    def handle(self, *args, establishment_code: str, day: str | None = None, output: str | None = None, **options):
        establishment = Establishment.objects.filter(code=establishment_code).first()
        if establishment is None:
            raise CommandError(f"Établissement inconnu : {establishment_code}")
        try:
            batch_day = datetime.date.fromisoformat(day) if day else timezone.localdate()
        except ValueError as exc:
            raise CommandError(f"Date invalide (AAAA-MM-JJ attendu) : {day}") from exc
        try:
            result = services.generate_batch(establishment_id=establishment.pk, day=batch_day)
        except services.ReconciliationError as exc:
            raise CommandError(str(exc)) from exc
        for reference in result.sent_to_refund:
            self.stderr.write(f"{reference} : envoyé en remboursement (personne libérée ou transférée).")
        if result.batch is None:
            self.stderr.write(f"Aucun virement reçu à transmettre pour {establishment_code} au {batch_day:%d/%m/%Y}.")
            return
        batch = result.batch
        note = "créé" if result.created else "déjà créé, même fichier"
        what = f"Lot du {batch.day:%d/%m/%Y} ({note}) : {batch.line_count} virement(s), {format_euros(batch.total)}"
        if output:
            with open(output, "w", encoding="utf-8", newline="") as handle:
                handle.write(batch.content)
            self.stderr.write(f"{what}, écrit dans {output}.")
        else:
            self.stdout.write(batch.content, ending="")
            self.stderr.write(f"{what}.")
