from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from sandbox.demo import DEMO_TOTP_SECRET, demo_totp_code


class Command(BaseCommand):
    help = ("Affiche le code à 6 chiffres du moment des comptes agents de démonstration (second facteur), "
            "ou avec --secret leur clé TOTP pour une application d'authentification (refusé en production).")

    def add_arguments(self, parser):
        parser.add_argument("--secret", action="store_true", help="affiche la clé TOTP (base32) au lieu du code")

    def handle(self, *args, **options):
        if not settings.DEMO_DATA_ALLOWED:
            raise CommandError("Les comptes de démonstration (et leur second facteur) sont interdits en production.")
        self.stdout.write(DEMO_TOTP_SECRET if options["secret"] else demo_totp_code())
