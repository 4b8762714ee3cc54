"""``manage.py sandbox_statement ESTABLISHMENT_CODE [--date AAAA-MM-JJ] [--notice] [--output FILE]``: the sandbox
bank's camt.053.001.08 statement of that establishment's régie account for that day, or with ``--notice`` its
camt.054.001.08 notice of the instant payments executed to it so far that day, to stdout."""

from django.core.management.base import BaseCommand, CommandError

from core.commands import add_day_argument, add_output_argument, day_option, write_output
from establishments.commands import establishment_by_code
from sandbox.bank.statements import SandboxStatementError, notice_of_day, statement_of_day


class Command(BaseCommand):
    help = (
        "Écrit le relevé camt.053.001.08 de la banque simulée pour le compte de la régie d'un établissement, "
        "ou avec --notice son avis camt.054.001.08 des virements instantanés reçus jusqu'ici."
    )

    def add_arguments(self, parser):
        parser.add_argument("establishment_code")
        add_day_argument(parser)
        parser.add_argument(
            "--notice", action="store_true",
            help="l'avis camt.054 des virements instantanés exécutés jusqu'ici, au lieu du relevé du jour",
        )
        add_output_argument(parser)

    def handle(
        self, *args, establishment_code: str, day: str | None = None, notice: bool = False,
        output: str | None = None, **options,
    ):
        establishment = establishment_by_code(establishment_code)
        statement_day = day_option(day)
        build = notice_of_day if notice else statement_of_day
        try:
            xml = build(establishment=establishment, day=statement_day)
        except SandboxStatementError as exc:
            raise CommandError(str(exc)) from exc
        write_output(self, xml, output)
        if output:
            what = "Avis" if notice else "Relevé"
            self.stderr.write(f"{what} du {statement_day:%d/%m/%Y} écrit dans {output}.")
