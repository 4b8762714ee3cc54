"""The back office's GENESIS import form, and the admin mixin that wires the GENESIS resources,
formats and checks into the detainee and visit permit admin pages."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.admin.models import LogEntry
from django.http import HttpResponseRedirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from import_export.admin import ImportExportMixin
from import_export.forms import ImportForm
from import_export.results import RowResult

from .constants import MAX_IMPORT_BYTES, PermitAuditReason
from .imports.files import GENESIS_FORMATS, GenesisFileError, check_dataset, check_size
from .imports.resources import PREVIEW_ROWS
from .services import import_genesis_dataset


class GenesisImportForm(ImportForm):
    """The file is read and checked here (size, format, encoding, columns), so that a file that
    cannot be imported is refused on the form, in French, before any preview."""

    def __init__(self, formats, resources, **kwargs):
        super().__init__(formats, resources, **kwargs)
        self.import_formats = formats
        self.import_resources = resources
        self.fields["import_file"].label = gettext_lazy("Fichier à importer")
        self.fields["import_file"].help_text = gettext_lazy(
            "Export GENESIS : CSV (UTF-8 ou Latin-1, séparateur « ; ») ou XLSX, une ligne d'en-tête, "
            "dates JJ/MM/AAAA ou AAAA-MM-JJ. %(max)d Mo au plus."
        ) % {"max": MAX_IMPORT_BYTES // (1024 * 1024)}
        self.fields["format"].required = False
        self.fields["format"].label = gettext_lazy("Format (déduit du nom du fichier si vide)")

    def clean(self):
        cleaned = super().clean()
        upload = cleaned.get("import_file")
        if upload is None:
            return cleaned
        try:
            check_size(upload.size)
        except GenesisFileError as exc:
            self.add_error("import_file", str(exc))
            return cleaned
        index = cleaned.get("format")
        if index in (None, ""):
            extension = "xlsx" if upload.name.lower().endswith((".xlsx", ".xlsm")) else "csv"
            titles = [fmt().get_title() for fmt in self.import_formats]
            index = str(titles.index(extension)) if extension in titles else "0"
            cleaned["format"] = index
        content = b"".join(upload.chunks())
        resource = self.import_resources[int(cleaned.get("resource") or 0)]
        try:
            dataset = self.import_formats[int(index)]().create_dataset(content)
            check_dataset(dataset, resource.columns)
        except GenesisFileError as exc:
            self.add_error("import_file", str(exc))
        return cleaned


class GenesisImportExportMixin(ImportExportMixin):
    """Import (dry-run preview, then confirmation) and export of GENESIS files, scoped to the user's
    establishments: the resource gets the user, filters its export and refuses rows of other
    establishments. Exports escape formulas (``=``, ``+``, ``-``, ``@``)."""

    import_form_class = GenesisImportForm
    import_formats = GENESIS_FORMATS
    export_formats = GENESIS_FORMATS

    def get_import_resource_kwargs(self, request, **kwargs):
        return {"user": request.user}

    def get_export_resource_kwargs(self, request, **kwargs):
        return {"user": request.user}

    def process_dataset(self, dataset, form, request, **kwargs):
        """The confirmed import goes through the service (one transaction, all or nothing)."""
        return import_genesis_dataset(
            resource_class=self.choose_import_resource_class(form, request),
            dataset=dataset,
            file_name=kwargs.get("file_name") or form.cleaned_data.get("original_file_name") or "",
            user=request.user,
            retain_instances=True,  # for the admin's LogEntry rows
        )

    def import_action(self, request, **kwargs):
        response = super().import_action(request, **kwargs)
        result = (getattr(response, "context_data", None) or {}).get("result")
        if result is not None and not (result.has_errors() or result.has_validation_errors()):
            messages.info(
                request,
                _("Aperçu (rien n'est encore enregistré) : %(new)d à créer, %(update)d à mettre à jour, "
                  "%(skip)d inchangé(s). Seules les %(shown)d premières lignes à créer ou à modifier sont "
                  "affichées.")
                % {
                    "new": result.totals[RowResult.IMPORT_TYPE_NEW],
                    "update": result.totals[RowResult.IMPORT_TYPE_UPDATE],
                    "skip": result.totals[RowResult.IMPORT_TYPE_SKIP],
                    "shown": PREVIEW_ROWS,
                },
            )
        return response

    def add_data_read_fail_error_to_form(self, form, e):
        if isinstance(e, GenesisFileError):
            form.add_error("import_file", str(e))
        else:
            form.add_error("import_file", _("Le fichier n'a pas pu être lu : vérifiez son format (CSV ou XLSX)."))

    def process_result(self, result, request):
        if result.has_errors() or result.has_validation_errors():
            messages.error(
                request,
                _("Import annulé : le fichier contient des erreurs, rien n'a été enregistré. %(errors)s")
                % {"errors": " ; ".join(result.error_lines()[:10])},
            )
            return HttpResponseRedirect(
                reverse("admin:{}_{}_import".format(*self.get_model_info()), current_app=self.admin_site.name)
            )
        return super().process_result(result, request)

    def add_success_message(self, result, request):
        messages.success(
            request,
            _("Import terminé : %(new)d créé(s), %(update)d mis à jour, %(skip)d inchangé(s).")
            % {
                "new": result.totals[RowResult.IMPORT_TYPE_NEW],
                "update": result.totals[RowResult.IMPORT_TYPE_UPDATE],
                "skip": result.totals[RowResult.IMPORT_TYPE_SKIP],
            },
        )

    def _create_log_entry(self, user_pk, rows, import_type, action_flag):
        if rows:
            LogEntry.objects.log_actions(
                user_pk,
                rows,
                action_flag,
                change_message=str(PermitAuditReason.GENESIS_IMPORT.label),
                single_object=len(rows) == 1,
            )
