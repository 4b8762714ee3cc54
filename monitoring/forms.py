"""The security review's forms: the queue's filters (GET), the decision on an alert, a rule's thresholds in the
admin. Every error in French; the services check everything again."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from establishments.selectors import establishments_for

from .constants import DECISION_REASONS, AlertKind, Decision, DecisionReason, RuleCode
from .models import Rule
from .selectors import ASSIGNED_ME, ASSIGNED_NOBODY, STATUS_ALL, STATUS_DECIDED, STATUS_OPEN, QueueFilters
from .services.review import MARGIN_MAX_PERCENT, NOTE_MAX_LENGTH, WINDOW_MAX_DAYS

EXPORT_FORMATS = ("csv", "xlsx")


class QueueFilterForm(forms.Form):
    """The queue's filters, as a GET form; a value it does not know is an error shown above the queue, and the
    filter is then left out."""

    regle = forms.ChoiceField(label=_("Règle"), required=False, choices=[("", _("Toutes"))] + RuleCode.choices)
    statut = forms.ChoiceField(
        label=_("Statut"), required=False,
        choices=[(STATUS_OPEN, _("À examiner")), (STATUS_DECIDED, _("Décidées")), (STATUS_ALL, _("Toutes"))],
    )
    prise_en_charge = forms.ChoiceField(
        label=_("Pris en charge"), required=False,
        choices=[("", _("Par tous")), (ASSIGNED_ME, _("Par moi")), (ASSIGNED_NOBODY, _("Par personne"))],
    )
    type = forms.ChoiceField(label=_("Type"), required=False, choices=[("", _("Tous"))] + AlertKind.choices)
    etablissement = forms.ChoiceField(label=_("Établissement"), required=False)

    def __init__(self, data=None, *, user, **kwargs):
        super().__init__(data, **kwargs)
        self.fields["etablissement"].choices = [("", _("Tous"))] + [
            (str(pk), name) for pk, name in establishments_for(user).order_by("name").values_list("pk", "name")
        ]

    def filters(self) -> QueueFilters:
        """The valid filters (an invalid one is left out, the open alerts being the default)."""
        self.is_valid()
        data = getattr(self, "cleaned_data", {})
        establishment = data.get("etablissement") or ""
        return QueueFilters(
            rule=data.get("regle") or "", status=data.get("statut") or STATUS_OPEN,
            assigned=data.get("prise_en_charge") or "", kind=data.get("type") or "",
            establishment_id=int(establishment) if establishment else None,
        )

    def query(self) -> dict[str, str]:
        """The valid filters as query parameters (for the pages' and exports' links)."""
        self.is_valid()
        return {name: value for name, value in getattr(self, "cleaned_data", {}).items() if value}


class DecisionForm(forms.Form):
    """« Accepter » / « Refuser », a reason, the note and « Toujours accepter ». Whether the reason goes with the
    decision, the note with « Autre motif » and « Toujours accepter » with « Accepter » is the service's rule
    (``services.review.decide_alert``); the view shows its refusal beside the field it names."""

    decision = forms.ChoiceField(
        label=_("Décision"), choices=Decision.choices, widget=forms.RadioSelect,
        error_messages={"required": _("Choisissez « Accepter » ou « Refuser »."),
                        "invalid_choice": _("Choisissez « Accepter » ou « Refuser ».")},
    )
    reason = forms.ChoiceField(
        label=_("Motif"),
        # Grouped by decision, so that the list reads without a script: « Autre motif » is in both groups.
        choices=[("", "—")] + [
            (Decision(decision).label, [(reason, DecisionReason(reason).label) for reason in reasons])
            for decision, reasons in DECISION_REASONS.items()
        ],
        error_messages={"required": _("Choisissez un motif."), "invalid_choice": _("Choisissez un motif de la liste.")},
    )
    note = forms.CharField(
        label=_("Précisions"), required=False, max_length=NOTE_MAX_LENGTH, widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"max_length": _("Les précisions tiennent en %(limit_value)d caractères au plus.")},
    )
    always_accept_pair = forms.BooleanField(
        label=_("Toujours accepter pour ce payeur et cette personne détenue"), required=False,
    )


class RuleForm(forms.ModelForm):
    """A rule's thresholds, in the admin (the national role); saved through ``services.review.update_rule``."""

    class Meta:
        model = Rule
        fields = ["enabled", "holds", "threshold", "window_days", "margin_percent"]

    def clean_window_days(self) -> int:
        value = self.cleaned_data["window_days"]
        if value > WINDOW_MAX_DAYS:
            raise forms.ValidationError(_("La période tient en %(max)d jours au plus.") % {"max": WINDOW_MAX_DAYS})
        return value

    def clean_margin_percent(self) -> int:
        value = self.cleaned_data["margin_percent"]
        if value > MARGIN_MAX_PERCENT:
            raise forms.ValidationError(_("La marge est de %(max)d %% au plus.") % {"max": MARGIN_MAX_PERCENT})
        return value
