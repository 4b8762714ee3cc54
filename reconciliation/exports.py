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

from .selectors import CreditDelays, DailyReport

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _rows(report: DailyReport) -> list[tuple]:
    return [(_("Établissement"), report.establishment.code), (_("Jour"), report.day.isoformat())] + [
        (label, value) for label, value in report.rows()
    ] + [(_("Soldes concordants"), _("oui") if report.balances else _("non"))]


def _daily(series: list[dict], delay: CreditDelays | None = None) -> list[tuple]:
    """Per day: the amounts, then (with ``delay``) the transfers credited and their time from payment to credit in
    minutes (median, 90th percentile; empty on a day without any)."""
    by_day = {p["day"]: p for p in delay.series} if delay else {}

    def minutes(value):
        return "" if value is None else round(value / 60, 1)

    header = (_("Jour"), _("Reçu"), _("Versé"), _("Remboursé"))
    if delay:
        header += (_("Virements versés"), _("Délai médian (minutes)"), _("Délai 90 % (minutes)"))
    rows = [header]
    for p in series:
        row = (p["day"].isoformat(), p["received"], p["credited"], p["refunded"])
        if delay:
            d = by_day.get(p["day"], {"count": 0, "median": None, "p90": None})
            row += (d["count"], minutes(d["median"]), minutes(d["p90"]))
        rows.append(row)
    return rows


def _delay_rows(delay: CreditDelays | None) -> list[tuple]:
    if delay is None:
        return []
    return [
        (_("Délai de versement du jour"), str(delay.day)),
        (_("Délai de versement sur 30 jours"), str(delay.window)),
    ]


def file_name(report: DailyReport, extension: str) -> str:
    day: datetime.date = report.day
    return f"rapprochement-{report.establishment.code}-{day}.{extension}"


def report_csv(report: DailyReport, series: list[dict], delay: CreditDelays | None = None) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";")
    for row in _rows(report) + _delay_rows(delay) + [()] + _daily(series, delay):
        writer.writerow([f"{v:.2f}" if hasattr(v, "quantize") else v for v in escaped_row(row)])
    return out.getvalue().encode("utf-8")


def report_xlsx(report: DailyReport, series: list[dict], delay: CreditDelays | None = None) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.title = _("Rapprochement")
    for row in _rows(report) + _delay_rows(delay):
        sheet.append(escaped_row(row))
    days = book.create_sheet(_("30 jours"))
    for row in _daily(series, delay):
        days.append(escaped_row(row))
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
