"""``manage.py sandbox_statement ESTABLISHMENT_CODE [--date AAAA-MM-JJ] [--output FILE]``: the sandbox
bank's camt.053.001.08 statement of that establishment's régie account for that day, to stdout."""

from django.core.management.base import BaseCommand, CommandError

from core.commands import add_day_argument, add_output_argument, day_option, write_output
from establishments.commands import establishment_by_code
from sandbox.bank.statements import SandboxStatementError, statement_of_day


class Command(BaseCommand):
    help = "Écrit le relevé camt.053.001.08 de la banque simulée pour le compte de la régie d'un établissement."

    def add_arguments(self, parser):
        parser.add_argument("establishment_code")
        add_day_argument(parser)
        add_output_argument(parser)

    def handle(self, *args, establishment_code: str, day: str | None = None, output: str | None = None, **options):
        establishment = establishment_by_code(establishment_code)
        statement_day = day_option(day)
        try:
            xml = statement_of_day(establishment=establishment, day=statement_day)
        except SandboxStatementError as exc:
            raise CommandError(str(exc)) from exc
        write_output(self, xml, output)
        if output:
            self.stderr.write(f"Relevé du {statement_day:%d/%m/%Y} écrit dans {output}.")
