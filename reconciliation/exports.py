"""The daily report as a file to open in a spreadsheet: CSV (``;``, UTF-8) or XLSX (the day's figures,
then the last 30 days). Every text cell goes through ``core.spreadsheets`` (formula injection); amounts
stay numbers."""

from __future__ import annotations

import csv
import datetime
import io

from django.utils.translation import gettext as _
from openpyxl import Workbook

from core.spreadsheets import escaped_row

from .selectors import DailyReport

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _rows(report: DailyReport) -> list[tuple]:
    return [(_("Établissement"), report.establishment.code), (_("Jour"), report.day.isoformat())] + [
        (label, value) for label, value in report.rows()
    ] + [(_("Soldes concordants"), _("oui") if report.balances else _("non"))]


def _daily(series: list[dict]) -> list[tuple]:
    return [(_("Jour"), _("Reçu"), _("Versé"), _("Remboursé"))] + [
        (p["day"].isoformat(), p["received"], p["credited"], p["refunded"]) for p in series
    ]


def file_name(report: DailyReport, extension: str) -> str:
    day: datetime.date = report.day
    return f"rapprochement-{report.establishment.code}-{day}.{extension}"


def report_csv(report: DailyReport, series: list[dict]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";")
    for row in _rows(report) + [()] + _daily(series):
        writer.writerow([f"{v:.2f}" if hasattr(v, "quantize") else v for v in escaped_row(row)])
    return out.getvalue().encode("utf-8")


def report_xlsx(report: DailyReport, series: list[dict]) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.title = _("Rapprochement")
    for row in _rows(report):
        sheet.append(escaped_row(row))
    days = book.create_sheet(_("30 jours"))
    for row in _daily(series):
        days.append(escaped_row(row))
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
