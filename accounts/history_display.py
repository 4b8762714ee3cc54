"""How the back office's history pages (/gestion/…/history/) show what changed: in the words and formats
the staff read everywhere else — a status as "Versé sur le pécule", not ``credited``; a date as
26/11/2026 22:49:23 in Paris time, not 2026-11-26 21:49:23.674666+00:00; an empty value as "—", not
"None" nor simple-history's "Deleted banque (pk=None)"; an amount as 50,00 €."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

from django.db.models import DecimalField, ForeignKey
from django.utils import timezone
from django.utils.translation import gettext as _
from simple_history.models import DeletedObject, ModelChange
from simple_history.template_utils import HistoricalRecordContextHelper

from core.money import format_euros
from transfers.constants import staff_status_label

EMPTY = "—"


class PortalHistoryContextHelper(HistoricalRecordContextHelper):
    def prepare_delta_change_value(self, change: ModelChange, value: Any) -> Any:
        field = self.model._meta.get_field(change.field)
        if isinstance(value, DeletedObject):
            if value.pk is None:
                return EMPTY
            return _("%(model)s supprimé(e) (n° %(pk)s)") % {"model": value.model._meta.verbose_name, "pk": value.pk}
        if value is None or value == "":
            return EMPTY
        if self.model._meta.label == "transfers.Transfer" and change.field == "status":
            return staff_status_label(value)  # the staff's words, not the relatives' ("votre banque")
        if field.choices and not isinstance(field, ForeignKey):
            return dict(field.flatchoices).get(value, value)
        if isinstance(value, bool):
            return _("oui") if value else _("non")
        if isinstance(value, datetime.datetime):
            if timezone.is_aware(value):
                value = timezone.localtime(value)
            return value.strftime("%d/%m/%Y %H:%M:%S")
        if isinstance(value, datetime.date):
            return value.strftime("%d/%m/%Y")
        if isinstance(value, Decimal) and isinstance(field, DecimalField) and field.decimal_places == 2:
            # Money is the portal's only decimal (amounts, caps, balances: 2 places, in euros), shown as
            # everywhere else in the portal.
            return format_euros(value)
        return super().prepare_delta_change_value(change, value)
