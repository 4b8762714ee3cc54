"""The cashier system's files (DESIGN.md): the batch CSV (UTF-8, ``;``, header row, formulas written as
text by ``core.spreadsheets``) and the
acknowledgement CSV (reference, CREDITED or REJECTED, cashier operation id, reason; optionally the
amount credited, checked against the batch)."""

from __future__ import annotations

import csv
import io
import re
from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext as _

from core.spreadsheets import escaped_row

from ..constants import ACK_COLUMNS, ACK_OPTIONAL_COLUMNS, BATCH_COLUMNS, MAX_ACK_BYTES, AckStatus
from ..errors import ReconciliationError
from . import AckItem, BatchItem

_REFERENCE = re.compile(r"^[A-Z0-9]{1,35}$")
_OPERATION = re.compile(r"^[A-Za-z0-9._/-]{1,64}$")


class FileCashier:
    def render_batch(self, items: list[BatchItem]) -> str:
        out = io.StringIO()
        writer = csv.writer(out, delimiter=";", lineterminator="\n")
        writer.writerow(BATCH_COLUMNS)
        for item in items:
            # People open the batch too (downloaded from the back office): names written as text.
            writer.writerow(escaped_row([
                item.establishment_code, item.ecrou, item.family_name, item.first_name,
                f"{item.amount:.2f}", item.currency, item.reference, item.payer_name,
                item.received_on.isoformat(),
            ]))
        return out.getvalue()

    def read_acknowledgement(self, data: bytes) -> list[AckItem]:
        if len(data) > MAX_ACK_BYTES:
            raise ReconciliationError(_("Le fichier d'accusé dépasse la taille maximale acceptée."))
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise ReconciliationError(_("Le fichier d'accusé n'est pas en UTF-8.")) from exc
        rows = list(csv.reader(io.StringIO(text), delimiter=";"))
        if not rows:
            raise ReconciliationError(_("Le fichier d'accusé est vide."))
        header = [c.strip().lower() for c in rows[0]]
        if header[: len(ACK_COLUMNS)] != list(ACK_COLUMNS) or any(
            c not in ACK_OPTIONAL_COLUMNS for c in header[len(ACK_COLUMNS):]
        ):
            raise ReconciliationError(
                _("En-tête attendu : %(cols)s (et, facultatif, montant).") % {"cols": ";".join(ACK_COLUMNS)}
            )
        has_amount = "montant" in header
        errors, items, seen = [], [], set()
        for number, row in enumerate(rows[1:], start=2):
            if not any(c.strip() for c in row):
                continue
            where = _("ligne %(n)s") % {"n": number}
            if len(row) != len(header):
                errors.append(
                    _("%(w)s : %(n)s colonnes au lieu de %(m)s.") % {"w": where, "n": len(row), "m": len(header)}
                )
                continue
            values = dict(zip(header, (c.strip() for c in row), strict=True))
            reference, status, operation = values["reference"].upper(), values["statut"].upper(), values["operation"]
            if not _REFERENCE.match(reference):
                errors.append(_("%(w)s : référence illisible « %(r)s ».") % {"w": where, "r": reference[:40]})
                continue
            if reference in seen:
                errors.append(_("%(w)s : la référence %(r)s figure deux fois.") % {"w": where, "r": reference})
                continue
            seen.add(reference)
            if status not in (AckStatus.CREDITED, AckStatus.REJECTED):
                errors.append(
                    _("%(w)s : statut « %(s)s » inconnu (CREDITED ou REJECTED).") % {"w": where, "s": status[:20]}
                )
                continue
            if status == AckStatus.CREDITED and not _OPERATION.match(operation):
                errors.append(
                    _("%(w)s : un versement doit porter l'identifiant de l'opération de caisse.") % {"w": where}
                )
                continue
            if status == AckStatus.REJECTED and not values["motif"]:
                errors.append(_("%(w)s : un rejet doit porter son motif.") % {"w": where})
                continue
            amount = None
            if has_amount and values["montant"]:
                try:
                    amount = Decimal(values["montant"].replace(",", ".")).quantize(Decimal("0.01"))
                except InvalidOperation:
                    errors.append(_("%(w)s : montant illisible « %(a)s ».") % {"w": where, "a": values["montant"][:20]})
                    continue
            items.append(AckItem(number, reference, status, operation, values["motif"], amount))
        if errors:
            raise ReconciliationError(*errors)
        if not items:
            raise ReconciliationError(_("Le fichier d'accusé ne contient aucune ligne."))
        return items
