"""The visit office's forms (/gestion/parloirs/): a reason to cancel, a detainee's blocked dates, a booking taken
by phone or at the counter. Each names its errors in French; the services check the rules again."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from core.dates import DayField

from .constants import BookingChannel

REASON_MAX_LENGTH = 255
# Companions' rows offered on the counter's booking form (the establishment's limit is checked by the service).
COMPANION_ROWS = 2


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label=_("Motif"), max_length=REASON_MAX_LENGTH,
        help_text=_("Le motif est écrit dans le courriel envoyé à chaque visiteur."),
        error_messages={"required": _("Indiquez le motif.")},
    )

    def clean_reason(self) -> str:
        reason = " ".join(self.cleaned_data["reason"].split())
        if not reason:
            raise forms.ValidationError(_("Indiquez le motif."))
        return reason


class BlockForm(ReasonForm):
    """A detainee, by numéro d'écrou within the establishment, and the dates without visits."""

    ecrou = forms.CharField(label=_("Numéro d'écrou"), max_length=30,
                            error_messages={"required": _("Indiquez le numéro d'écrou.")})
    start_date = DayField(label=_("Du"), help_text=_("Format JJ/MM/AAAA"),
                          error_messages={"required": _("Indiquez la date de début.")})
    end_date = DayField(label=_("Au"), help_text=_("Format JJ/MM/AAAA"),
                        error_messages={"required": _("Indiquez la date de fin.")})

    field_order = ["ecrou", "start_date", "end_date", "reason"]

    def clean_ecrou(self) -> str:
        return self.cleaned_data["ecrou"].strip()

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("start_date"), cleaned.get("end_date")
        if start and end and end < start:
            self.add_error("end_date", _("La date de fin ne peut pas précéder la date de début."))
        return cleaned


class PermitLookupForm(forms.Form):
    permit_number = forms.CharField(label=_("Numéro du permis de visite"), max_length=40,
                                    error_messages={"required": _("Indiquez le numéro du permis de visite.")})

    def clean_permit_number(self) -> str:
        return self.cleaned_data["permit_number"].strip().upper()


class StaffBookingForm(forms.Form):
    """A booking on a visitor's behalf: the session (among those the permit may book now), the companions, the
    minors, how the visitor asked, the address for the confirmation."""

    session = forms.TypedChoiceField(label=_("Créneau"), coerce=int, widget=forms.RadioSelect,
                                     error_messages={"required": _("Choisissez un créneau."),
                                                     "invalid_choice": _("Ce créneau n'est plus proposé : "
                                                                         "choisissez-en un autre.")})
    minors = forms.IntegerField(label=_("Nombre de mineurs"), min_value=0, max_value=20, initial=0,
                                error_messages={"invalid": _("Indiquez un nombre de mineurs."),
                                                "min_value": _("Le nombre de mineurs ne peut pas être négatif."),
                                                "max_value": _("Le nombre de mineurs est trop grand.")})
    channel = forms.ChoiceField(
        label=_("Demande reçue"), widget=forms.RadioSelect, initial=BookingChannel.PHONE,
        choices=[(BookingChannel.PHONE, BookingChannel.PHONE.label),
                 (BookingChannel.COUNTER, BookingChannel.COUNTER.label)],
        error_messages={"required": _("Indiquez si la demande est reçue par téléphone ou au guichet."),
                        "invalid_choice": _("Indiquez si la demande est reçue par téléphone ou au guichet.")},
    )
    contact_email = forms.EmailField(
        label=_("Adresse électronique du visiteur (facultatif)"), required=False, max_length=254,
        help_text=_("La confirmation et le fichier agenda y sont envoyés."),
        error_messages={"invalid": _("Saisissez une adresse électronique valide, par exemple nom@exemple.fr.")},
    )

    def __init__(self, *args, session_choices: list[tuple[str, list[tuple[int, str]]]], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["session"].choices = session_choices
        for row in range(1, COMPANION_ROWS + 1):
            self.fields[f"companion_{row}_number"] = forms.CharField(
                label=_("Accompagnant %(n)s : numéro de permis") % {"n": row}, max_length=40, required=False)
            self.fields[f"companion_{row}_family_name"] = forms.CharField(
                label=_("Accompagnant %(n)s : nom") % {"n": row}, max_length=150, required=False)
            self.fields[f"companion_{row}_first_names"] = forms.CharField(
                label=_("Accompagnant %(n)s : prénoms") % {"n": row}, max_length=150, required=False)

    def companion_rows(self) -> list[list]:
        return [[self[f"companion_{row}_{part}"] for part in ("number", "family_name", "first_names")]
                for row in range(1, COMPANION_ROWS + 1)]

    def session_days(self) -> list[tuple[str, list]]:
        """The session's radio buttons under their day (``choices`` grouped by day), each day its own fieldset."""
        radios = iter(self["session"].subwidgets)
        return [(day, [next(radios) for _session in sessions]) for day, sessions in self.fields["session"].choices]

    def clean(self):
        cleaned = super().clean()
        companions = []
        for row in range(1, COMPANION_ROWS + 1):
            values = [(cleaned.get(f"companion_{row}_{part}") or "").strip()
                      for part in ("number", "family_name", "first_names")]
            if not any(values):
                continue
            if not all(values):
                self.add_error(f"companion_{row}_number", _(
                    "Accompagnant %(n)s : indiquez le numéro de permis, le nom et les prénoms."
                ) % {"n": row})
                continue
            companions.append((values[0].upper(), values[1], values[2]))
        cleaned["companions"] = companions
        return cleaned
