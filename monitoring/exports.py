"""The review queue as a file to open in a spreadsheet, with the queue's filters: CSV (``;``, UTF-8 with BOM) or
XLSX. Every text cell goes through ``core.spreadsheets`` (formula injection: a payer's name is theirs to choose);
amounts stay numbers."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable

from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook

from core.spreadsheets import escaped_row

from .models import Alert

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CSV_CONTENT_TYPE = "text/csv; charset=utf-8"


def header() -> list[str]:
    return [_("Levée le"), _("Établissement"), _("Référence du virement"), _("Montant"), _("Payeur"),
            _("Personne détenue"), _("Numéro d'écrou"), _("Règles déclenchées"), _("Type"), _("Statut"),
            _("Pris en charge par"), _("Motif de la décision"), _("Précisions")]


def row(alert: Alert) -> list:
    transfer, relative, detainee = alert.transfer, alert.transfer.relative, alert.transfer.detainee
    return escaped_row([
        timezone.localtime(alert.created_at).strftime("%d/%m/%Y %H:%M"), alert.establishment.code,
        transfer.reference, transfer.amount, f"{relative.family_name.upper()} {relative.given_name}",
        f"{detainee.family_name.upper()} {detainee.first_name}", detainee.ecrou,
        ", ".join(hit.get_rule_code_display() for hit in alert.hits.all()), alert.get_kind_display(),
        alert.get_status_display(), alert.assigned_to.get_username() if alert.assigned_to else "",
        alert.get_decision_reason_display(), alert.decision_note,
    ])


def queue_csv(alerts: Iterable[Alert]) -> bytes:
    out = io.StringIO()
    out.write("\ufeff")
    writer = csv.writer(out, delimiter=";")
    writer.writerow(escaped_row(header()))
    for alert in alerts:
        writer.writerow([f"{v:.2f}" if hasattr(v, "quantize") else v for v in row(alert)])
    return out.getvalue().encode("utf-8")


def queue_xlsx(alerts: Iterable[Alert]) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.title = _("Alertes")
    sheet.append(escaped_row(header()))
    for alert in alerts:
        sheet.append(row(alert))
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def file_name(extension: str) -> str:
    return f"surveillance-alertes-{timezone.localdate():%Y-%m-%d}.{extension}"
