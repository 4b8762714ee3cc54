"""GENESIS cells: each widget reads one cell of a file into a Python value (``clean``, French messages
raised as ``ValueError``) and writes the value back as GENESIS spells it (``render``, for exports and
the preview's old values)."""

from __future__ import annotations

import datetime

from django.utils.translation import gettext as _
from import_export.widgets import Widget

from core.text import fold


def cell_text(value) -> str:
    """A cell as text, stripped; a whole number from XLSX without its ``.0``; empty for an empty cell."""
    if value.__class__ is str:
        return value.strip()
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


class TextWidget(Widget):
    def __init__(self, max_length: int, required: bool = True):
        super().__init__()
        self.max_length = max_length
        self.required = required

    def clean(self, value, row=None, **kwargs):
        text = cell_text(value)
        if not text and self.required:
            raise ValueError(_("Ce champ est obligatoire."))
        if len(text) > self.max_length:
            raise ValueError(_("%(max)d caractères au maximum (%(n)d ici).") % {"max": self.max_length, "n": len(text)})
        return text

    def render(self, value, obj=None, **kwargs):
        return "" if value is None else str(value)


class GenesisDateWidget(Widget):
    """``JJ/MM/AAAA`` or ISO ``AAAA-MM-JJ`` (and real dates from XLSX); exported as ``JJ/MM/AAAA``."""

    def __init__(self, required: bool = True):
        super().__init__(coerce_to_string=True)
        self.required = required

    def clean(self, value, row=None, **kwargs):
        if isinstance(value, datetime.datetime):
            return value.date()
        if isinstance(value, datetime.date):
            return value
        text = cell_text(value)
        if not text:
            if self.required:
                raise ValueError(_("Ce champ est obligatoire."))
            return None
        try:
            if len(text) == 10 and text[2] == "/" and text[5] == "/":  # JJ/MM/AAAA
                return datetime.date(int(text[6:]), int(text[3:5]), int(text[:2]))
            if len(text) == 10 and text[4] == "-" and text[7] == "-":  # AAAA-MM-JJ
                return datetime.date(int(text[:4]), int(text[5:7]), int(text[8:]))
            parts = text.split("/")
            if len(parts) == 3 and len(parts[2]) == 4 and all(p.isdigit() for p in parts):  # J/M/AAAA
                return datetime.date(int(parts[2]), int(parts[1]), int(parts[0]))
        except ValueError:
            pass
        raise ValueError(_("Date invalide : « %(value)s » (attendu JJ/MM/AAAA ou AAAA-MM-JJ).") % {"value": text})

    def render(self, value, obj=None, **kwargs):
        return value.strftime("%d/%m/%Y") if isinstance(value, datetime.date) else ""


class MappingWidget(Widget):
    """A GENESIS value mapped to ours (``permits.constants``), read without case or accents. An empty
    cell is an error, or, when not ``required``, the empty value (unknown)."""

    def __init__(self, mapping: dict, required: bool = True):
        super().__init__()
        self.mapping = mapping
        self.required = required
        self.reverse = {v: k for k, v in mapping.items()}

    def clean(self, value, row=None, **kwargs):
        try:
            return self.mapping[value]  # the usual case: the exact GENESIS value
        except (KeyError, TypeError):
            pass
        text = fold(cell_text(value))
        if not text:
            if self.required:
                raise ValueError(_("Ce champ est obligatoire."))
            return ""
        try:
            return self.mapping[text]
        except KeyError:
            choices = ", ".join(self.mapping)
            if not self.required:
                choices = _("%(choices)s ou vide") % {"choices": choices}
            raise ValueError(
                _("Valeur inconnue : « %(value)s » (valeurs possibles : %(choices)s).")
                % {"value": cell_text(value), "choices": choices}
            ) from None

    def render(self, value, obj=None, **kwargs):
        return self.reverse.get(value, "" if value is None else str(value))


class CodeWidget(Widget):
    """A related row's natural key (establishment code, numéro d'écrou), resolved by the resource."""

    def clean(self, value, row=None, **kwargs):
        text = cell_text(value)
        if not text:
            raise ValueError(_("Ce champ est obligatoire."))
        return text
