import datetime

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.dates import DayField
from establishments.selectors import establishments_for, only_establishment, preselected_establishment

from .constants import MAX_ACK_BYTES, MAX_STATEMENT_BYTES


class StatementUploadForm(forms.Form):
    file = forms.FileField(label=_("Relevé camt.053 (fichier XML)"))

    def clean_file(self):
        uploaded = self.cleaned_data["file"]
        if uploaded.size > MAX_STATEMENT_BYTES:
            raise forms.ValidationError(
                _("Le fichier dépasse la taille maximale acceptée (%(max)s Mo).")
                % {"max": MAX_STATEMENT_BYTES // 1024 // 1024}
            )
        return uploaded


class AckUploadForm(forms.Form):
    file = forms.FileField(label=_("Accusé de la caisse (fichier CSV)"))

    def clean_file(self):
        uploaded = self.cleaned_data["file"]
        if uploaded.size > MAX_ACK_BYTES:
            raise forms.ValidationError(_("Le fichier d'accusé dépasse la taille maximale acceptée."))
        return uploaded


class EstablishmentChoiceForm(forms.Form):
    """A form naming one of the user's establishments: the one asked for (``code``, e.g. the next step
    after a statement import) or, when the user has only one, that one, preselected."""

    establishment = forms.ModelChoiceField(label=_("Établissement"), queryset=None)

    def __init__(self, *args, user, code: str | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["establishment"]
        field.queryset = establishments_for(user).order_by("name")
        chosen = preselected_establishment(user, code)
        if chosen is not None:
            field.initial = chosen.pk
        if only_establishment(user) is not None:
            field.empty_label = None


class EstablishmentDayForm(EstablishmentChoiceForm):
    day = DayField(label=_("Jour"), widget=forms.DateInput(attrs={"type": "date"}), required=False)

    def clean_day(self) -> datetime.date:
        return self.cleaned_data.get("day") or timezone.localdate()


class EstablishmentForm(EstablishmentChoiceForm):
    pass


class AssignForm(forms.Form):
    reference = forms.CharField(label=_("Référence du virement"), max_length=35)


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("Motif"), max_length=300)
