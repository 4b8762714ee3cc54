"""Forms of the content site outside Wagtail's page forms."""

from django import forms
from django.utils.translation import gettext_lazy as _

SEARCH_MAX_LENGTH = 200


class SiteSearchForm(forms.Form):
    """The site search box ("Rechercher sur le site")."""

    q = forms.CharField(
        label=_("Rechercher sur le site"), max_length=SEARCH_MAX_LENGTH, required=False, strip=True,
        error_messages={"max_length": _("La recherche compte au plus %(limit_value)d caractères.")},
    )
