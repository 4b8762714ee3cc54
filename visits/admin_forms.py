"""The back office's forms of the parloir's settings (admin): each refuses, with a French message, what the
parloir cannot run (a session longer than its kind of area allows, more places than tables, a weekly maximum
under the law's minimum, dates in the wrong order), so that nothing wrong reaches the services."""

from __future__ import annotations

import datetime

from django import forms
from django.utils.translation import gettext as _

from permits.constants import LegalStatus

from .constants import AREA_DURATION_BOUNDS, LEGAL_MINIMUM_VISITS_PER_WEEK
from .models import BookingRules, Closure, DetaineeVisitBlock, SessionTemplate


def _duration_text(duration: datetime.timedelta) -> str:
    """« 30 min », « 1 h », « 72 h », « 1 h 30 »: how the bounds read in a message."""
    minutes = int(duration.total_seconds() // 60)
    hours, rest = divmod(minutes, 60)
    if not hours:
        return f"{rest} min"
    return f"{hours} h {rest:02d}" if rest else f"{hours} h"


def _dates_ordered(form: forms.ModelForm, start: str, end: str, message: str) -> None:
    first, last = form.cleaned_data.get(start), form.cleaned_data.get(end)
    if first and last and last < first:
        form.add_error(end, message)


class SessionTemplateForm(forms.ModelForm):
    """A weekly session: its duration within its area's kind's bounds, its places within the area's capacity."""

    class Meta:
        model = SessionTemplate
        fields = ("area", "weekday", "start_time", "duration_minutes", "capacity", "valid_from", "valid_until")

    def clean(self):
        cleaned = super().clean()
        # The area chosen, or under an area's page (inline) the area being saved.
        area = cleaned.get("area")
        duration = cleaned.get("duration_minutes")
        capacity = cleaned.get("capacity")
        if area is not None and duration is not None and area.kind in AREA_DURATION_BOUNDS:
            low, high = AREA_DURATION_BOUNDS[area.kind]
            if not low <= datetime.timedelta(minutes=duration) <= high:
                self.add_error("duration_minutes", _(
                    "Un créneau de type « %(kind)s » dure entre %(low)s et %(high)s."
                ) % {"kind": area.get_kind_display(), "low": _duration_text(low), "high": _duration_text(high)})
        if area is not None and capacity is not None and area.capacity and capacity > area.capacity:
            self.add_error("capacity", _(
                "Le créneau ne peut pas offrir plus de places que l'espace « %(area)s » (%(capacity)s)."
            ) % {"area": area.name, "capacity": area.capacity})
        _dates_ordered(self, "valid_from", "valid_until",
                       _("La date de fin de validité ne peut pas précéder la date de début."))
        return cleaned


class BookingRulesForm(forms.ModelForm):
    """An establishment's booking window and limits: the weekly maxima at or above the law's minimums."""

    class Meta:
        model = BookingRules
        fields = ("establishment", "minimum_notice_hours", "booking_horizon_days", "cancellation_notice_hours",
                  "max_visits_per_week_prevenu", "max_visits_per_week_condamne", "max_adults_per_visit",
                  "max_minors_per_visit", "arrival_minutes_before", "what_to_bring")

    def _at_least_legal(self, field: str, status: str, label: str) -> None:
        value = self.cleaned_data.get(field)
        minimum = LEGAL_MINIMUM_VISITS_PER_WEEK[status]
        if value is not None and value < minimum:
            self.add_error(field, _(
                "La loi garantit au moins %(minimum)s parloir(s) par semaine à un %(status)s : le maximum de "
                "l'établissement ne peut pas être inférieur."
            ) % {"minimum": minimum, "status": label})

    def clean(self):
        cleaned = super().clean()
        self._at_least_legal("max_visits_per_week_prevenu", LegalStatus.PREVENU, _("prévenu"))
        self._at_least_legal("max_visits_per_week_condamne", LegalStatus.CONDAMNE, _("condamné"))
        if cleaned.get("max_adults_per_visit") == 0:
            self.add_error("max_adults_per_visit", _("Au moins un adulte vient à chaque parloir."))
        if cleaned.get("booking_horizon_days") == 0:
            self.add_error("booking_horizon_days", _("Les créneaux doivent pouvoir se réserver au moins un jour à "
                                                     "l'avance."))
        return cleaned


class ClosureForm(forms.ModelForm):
    """A closure: its end on or after its start, its area (if any) of the same establishment."""

    class Meta:
        model = Closure
        fields = ("establishment", "area", "start_date", "end_date", "reason")

    def clean(self):
        cleaned = super().clean()
        _dates_ordered(self, "start_date", "end_date", _("La fin de la fermeture ne peut pas précéder son début."))
        area, establishment = cleaned.get("area"), cleaned.get("establishment")
        if area is not None and establishment is not None and area.establishment_id != establishment.pk:
            self.add_error("area", _("Cet espace de visite n'appartient pas à l'établissement choisi."))
        return cleaned


class DetaineeVisitBlockForm(forms.ModelForm):
    """A detainee's blocked dates: the end on or after the start."""

    class Meta:
        model = DetaineeVisitBlock
        fields = ("detainee", "start_date", "end_date", "reason")

    def clean(self):
        cleaned = super().clean()
        _dates_ordered(self, "start_date", "end_date", _("La fin de la suspension ne peut pas précéder son début."))
        return cleaned
