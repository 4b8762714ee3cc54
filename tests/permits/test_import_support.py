"""Helpers for the GENESIS import tests: files as the greffe would upload them."""

from __future__ import annotations

import datetime
import io

from permits.imports.columns import DETAINEE_COLUMNS, PERMIT_COLUMNS

PERMIT_ROW = {
    "numero_permis": "PV-2026-100001",
    "etablissement": "MAXX",
    "numero_ecrou": "424242",
    "nom_titulaire": "DURAND",
    "prenoms_titulaire": "Marie Élise",
    "date_naissance_titulaire": "03/02/1965",
    "lien": "mère",
    "type": "permanent",
    "date_debut": "01/01/2026",
    "date_fin": "",
    "statut": "actif",
}

DETAINEE_ROW = {
    "etablissement": "MAXX",
    "numero_ecrou": "424242",
    "nom": "LEFÈVRE",
    "prenom": "Noël",
    "date_naissance": "14/03/1985",
    "statut": "detenu",
    "subsides_autorises": "oui",
}


def permit_row(**changes) -> dict:
    return {**PERMIT_ROW, **changes}


def detainee_row(**changes) -> dict:
    return {**DETAINEE_ROW, **changes}


def csv_bytes(rows: list[dict], columns=None, encoding: str = "utf-8", delimiter: str = ";") -> bytes:
    columns = columns or (PERMIT_COLUMNS.names if "numero_permis" in rows[0] else DETAINEE_COLUMNS.names)
    lines = [delimiter.join(columns)]
    lines += [delimiter.join(str(row.get(c, "")) for c in columns) for row in rows]
    return ("\r\n".join(lines) + "\r\n").encode(encoding)


def xlsx_bytes(rows: list[list], header) -> bytes:
    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(list(header))
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def date(text: str) -> datetime.date:
    return datetime.date.fromisoformat(text)
