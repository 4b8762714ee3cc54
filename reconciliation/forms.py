import datetime

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from config.dates import DayField
from establishments.selectors import establishments_for

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


class EstablishmentDayForm(forms.Form):
    establishment = forms.ModelChoiceField(label=_("Établissement"), queryset=None)
    day = DayField(label=_("Jour"), widget=forms.DateInput(attrs={"type": "date"}), required=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["establishment"].queryset = establishments_for(user).order_by("name")

    def clean_day(self) -> datetime.date:
        return self.cleaned_data.get("day") or timezone.localdate()


class EstablishmentForm(forms.Form):
    establishment = forms.ModelChoiceField(label=_("Établissement"), queryset=None)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["establishment"].queryset = establishments_for(user).order_by("name")


class AssignForm(forms.Form):
    reference = forms.CharField(label=_("Référence du virement"), max_length=35)


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("Motif"), max_length=300)
