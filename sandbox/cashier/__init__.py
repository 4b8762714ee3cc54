"""The sandbox cashier system: acknowledges a batch file (DESIGN.md format) for the embedded default
and the tests. Every line is credited with an operation id derived from its reference, except lines
whose numéro d'écrou starts with ``REJ`` (rejected: « compte nominatif clos »), so that tests can
exercise both answers."""

from __future__ import annotations

import csv
import hashlib
import io

from core.spreadsheets import escaped_row
from reconciliation.constants import ACK_COLUMNS, BATCH_COLUMNS

REJECT_PREFIX = "REJ"


class SandboxCashierError(ValueError):
    pass


def acknowledge(batch: bytes | str, *, with_amounts: bool = False) -> str:
    text = batch.decode("utf-8-sig") if isinstance(batch, bytes) else batch
    rows = list(csv.reader(io.StringIO(text), delimiter=";"))
    if not rows or tuple(c.strip() for c in rows[0]) != BATCH_COLUMNS:
        raise SandboxCashierError("En-tête de lot inattendu : " + ";".join(BATCH_COLUMNS) + " attendu.")
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\n")
    writer.writerow(ACK_COLUMNS + (("montant",) if with_amounts else ()))
    for row in rows[1:]:
        if not any(row):
            continue
        values = dict(zip(BATCH_COLUMNS, row, strict=False))
        reference = values["reference"]
        if values["numero_ecrou"].startswith(REJECT_PREFIX):
            answer = [reference, "REJECTED", "", "compte nominatif clos"]
        else:
            operation = "CAISSE-" + hashlib.sha256(reference.encode()).hexdigest()[:12].upper()
            answer = [reference, "CREDITED", operation, ""]
        # People open it too: a cell a spreadsheet would run as a formula is written as text.
        writer.writerow(escaped_row(answer + ([values["montant"]] if with_amounts else [])))
    return out.getvalue()
