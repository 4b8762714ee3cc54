from django.core.exceptions import ImproperlyConfigured
from django.core.management.base import BaseCommand, CommandError

from sandbox.demo import load_demo


class Command(BaseCommand):
    help = "Charge les données de démonstration (idempotent ; refusé en production)."

    def handle(self, *args, **options):
        try:
            report = load_demo()
        except ImproperlyConfigured as exc:
            raise CommandError(str(exc)) from exc
        for label in report.created:
            self.stdout.write(f"créé : {label}")
        for label in report.updated:
            self.stdout.write(f"mis à jour : {label}")
        self.stdout.write(
            self.style.SUCCESS(
                f"Données de démonstration : {len(report.created)} créées, {len(report.updated)} mises à jour, "
                f"{len(report.unchanged)} inchangées."
            )
        )
