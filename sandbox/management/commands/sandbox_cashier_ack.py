"""``manage.py sandbox_cashier_ack BATCH_FILE``: the sandbox cashier's acknowledgement of a batch, to
stdout (or ``--output``)."""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from sandbox.cashier import SandboxCashierError, acknowledge


class Command(BaseCommand):
    help = "Écrit l'accusé de la caisse simulée pour un fichier de lot."

    def add_arguments(self, parser):
        parser.add_argument("batch_file")
        parser.add_argument("--output", help="fichier à écrire (par défaut : la sortie standard)")
        parser.add_argument("--with-amounts", action="store_true", help="ajoute la colonne montant")

    def handle(self, *args, batch_file: str, output: str | None = None, with_amounts: bool = False, **options):
        if not settings.SANDBOX_ENABLED:
            raise CommandError("La caisse simulée n'est disponible que sur l'environnement de démonstration.")
        try:
            with open(batch_file, "rb") as handle:
                answer = acknowledge(handle.read(), with_amounts=with_amounts)
        except OSError as exc:
            raise CommandError(f"Fichier illisible : {batch_file} ({exc.strerror})") from exc
        except (SandboxCashierError, UnicodeDecodeError) as exc:
            raise CommandError(str(exc)) from exc
        if output:
            with open(output, "w", encoding="utf-8") as handle:
                handle.write(answer)
            self.stderr.write(f"Accusé écrit dans {output}.")
        else:
            self.stdout.write(answer, ending="")
