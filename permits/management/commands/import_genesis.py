"""``manage.py import_genesis detainees|permits FILE [--dry-run] [--user USERNAME]``."""

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from permits.imports.files import GenesisFileError
from permits.services import GENESIS_RESOURCES, import_genesis_file, read_genesis_path

KIND_LABELS = {"detainees": "personnes détenues", "permits": "permis de visite"}
PERMISSIONS = {"detainees": "permits.change_detainee", "permits": "permits.change_visitpermit"}


class Command(BaseCommand):
    help = (
        "Importe un export GENESIS (CSV UTF-8 ou Latin-1 séparé par « ; », ou XLSX) de personnes détenues "
        "ou de permis de visite. Tout ou rien : la moindre erreur et rien n'est enregistré."
    )

    def add_arguments(self, parser):
        parser.add_argument("kind", choices=sorted(GENESIS_RESOURCES), help="detainees ou permits")
        parser.add_argument("file", help="le fichier CSV ou XLSX")
        parser.add_argument("--dry-run", action="store_true", help="affiche l'aperçu sans rien enregistrer")
        parser.add_argument("--user", help="identifiant du membre du personnel qui importe (historique, périmètre)")

    def handle(self, *args, kind, file, dry_run=False, user=None, **options):
        acting = None
        if user:
            acting = get_user_model().objects.filter(username=user, is_active=True, is_staff=True).first()
            if acting is None:
                raise CommandError(f"Membre du personnel inconnu ou inactif : {user}.")
            if not acting.has_perm(PERMISSIONS[kind]):
                raise CommandError(f"{user} n'a pas le droit d'importer des {KIND_LABELS[kind]}.")
        try:
            content = read_genesis_path(file)
        except GenesisFileError as exc:
            raise CommandError(str(exc)) from exc
        report = import_genesis_file(kind=kind, content=content, file_name=file, user=acting, dry_run=dry_run)

        mode = " (simulation : rien n'est enregistré)" if dry_run else ""
        self.stdout.write(f"Import des {KIND_LABELS[kind]} depuis {file}{mode}")
        if report.result is not None and dry_run and report.ok:
            for row in report.result.valid_rows()[:50]:
                self.stdout.write(f"  {_type_label(row.import_type)} : {row.object_repr}")
        if not report.ok:
            for line in report.errors:
                self.stderr.write(f"  {line}")
            raise CommandError(
                f"Import refusé : {len(report.errors)} erreur(s) ; rien n'a été enregistré."
            )
        verb = "seraient" if dry_run else "ont été"
        self.stdout.write(
            f"{report.created} créé(s), {report.updated} mis à jour, {report.unchanged} inchangé(s) "
            f"— {report.created + report.updated} ligne(s) {verb} enregistrée(s)."
        )


def _type_label(import_type: str) -> str:
    return {"new": "création", "update": "mise à jour", "skip": "inchangé"}.get(import_type, import_type)
