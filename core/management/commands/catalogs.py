"""``catalogs extract``: reads the relatives' new texts into locale/<lang>/LC_MESSAGES/django.po (to translate
there); ``catalogs extract --add CODE``: starts a new language's catalog (the portal speaks it once it exists:
settings.LANGUAGES follows locale/); ``catalogs check``: fails while a text is untranslated or fuzzy in a
language (CI runs it as a test: tests/core/test_catalogs.py)."""

from django.conf.locale import LANG_INFO
from django.core.management.base import BaseCommand, CommandError

from core import catalogs


class Command(BaseCommand):
    help = "Catalogues de traduction des pages des proches : extract (lire les textes), check (vérifier)."

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["extract", "check"])
        parser.add_argument(
            "--add", metavar="CODE", help="extract : créer le catalogue d'une nouvelle langue (es, pt…)",
        )

    def handle(self, *args, action, add=None, **options):
        if action == "extract":
            if add and add not in LANG_INFO:
                raise CommandError(f"Code de langue inconnu de Django : {add}")
            languages = sorted({*catalogs.translated_languages(), *([add] if add else [])})
            catalogs.extract(languages=languages)
            for language in languages:
                self.stdout.write(f"Catalogue {language} à jour : {catalogs.catalog_path('locale', language)}")
            return
        problems = catalogs.check()
        for found in problems:
            for text in found.untranslated:
                self.stdout.write(f"[{found.language}] non traduit : {text}")
            for text in found.fuzzy:
                self.stdout.write(f"[{found.language}] traduction à revoir (fuzzy) : {text}")
            if found.invalid:
                self.stdout.write(f"[{found.language}] catalogue refusé par msgfmt : {found.invalid}")
        if problems:
            raise CommandError("Des textes visibles des proches ne sont pas traduits (voir ci-dessus).")
        self.stdout.write("Catalogues complets.")
