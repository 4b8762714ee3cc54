"""``manage.py sandbox_statement ESTABLISHMENT_CODE [--date AAAA-MM-JJ]``: the sandbox bank's
camt.053.001.08 statement of that establishment's régie account for that day, to stdout."""

import datetime

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from establishments.models import Establishment
from sandbox.bank.statements import SandboxStatementError, statement_of_day


class Command(BaseCommand):
    help = "Écrit le relevé camt.053.001.08 de la banque simulée pour le compte de la régie d'un établissement."

    def add_arguments(self, parser):
        parser.add_argument("establishment_code")
        parser.add_argument("--date", dest="day", help="AAAA-MM-JJ (par défaut : aujourd'hui)")
        parser.add_argument("--output", help="fichier à écrire (par défaut : la sortie standard)")

    def handle(self, *args, establishment_code: str, day: str | None = None, output: str | None = None, **options):
        establishment = Establishment.objects.filter(code=establishment_code).first()
        if establishment is None:
            raise CommandError(f"Établissement inconnu : {establishment_code}")
        try:
            statement_day = datetime.date.fromisoformat(day) if day else timezone.localdate()
        except ValueError as exc:
            raise CommandError(f"Date invalide (AAAA-MM-JJ attendu) : {day}") from exc
        try:
            xml = statement_of_day(establishment=establishment, day=statement_day)
        except SandboxStatementError as exc:
            raise CommandError(str(exc)) from exc
        if output:
            with open(output, "wb") as handle:
                handle.write(xml)
            self.stderr.write(f"Relevé du {statement_day:%d/%m/%Y} écrit dans {output}.")
        else:
            self.stdout.write(xml.decode("utf-8"), ending="")
