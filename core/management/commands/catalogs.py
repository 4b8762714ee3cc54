"""``catalogs extract``: reads the relatives' new texts into locale/<lang>/LC_MESSAGES/django.po (to translate
there); ``catalogs check``: fails while one of them is untranslated or fuzzy in a language (CI runs it as a test)."""

from django.core.management.base import BaseCommand, CommandError

from core import catalogs


class Command(BaseCommand):
    help = "Catalogues de traduction des pages des proches : extract (lire les textes), check (vérifier)."

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["extract", "check"])

    def handle(self, *args, action, **options):
        if action == "extract":
            catalogs.extract()
            for language in catalogs.translated_languages():
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
