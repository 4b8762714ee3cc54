"""Amounts in the back office's lists and read-only pages as everywhere else in the portal:
``1 234,50 €`` (core.money.format_euros), never Django's bare ``1234,50``.

Money is the portal's only decimal with 2 places (amounts, caps, balances, totals). For each such
field of the model, the mixin offers a ``<field>_euros`` display and puts it in place of the field in
the change list's columns and wherever the field is read only; a field the user may change keeps its
input."""

from __future__ import annotations

from django.contrib import admin
from django.db.models import DecimalField

from core.money import format_euros

EMPTY = "—"
SUFFIX = "_euros"


def money_fields(model) -> list[DecimalField]:
    return [f for f in model._meta.fields if isinstance(f, DecimalField) and f.decimal_places == 2]


def euros_display(field: DecimalField):
    """An admin display of a money field, sortable by the field itself."""

    @admin.display(description=field.verbose_name, ordering=field.name)
    def display(obj) -> str:
        value = getattr(obj, field.name)
        return EMPTY if value is None else format_euros(value)

    display.__name__ = f"{field.name}{SUFFIX}"
    return display


class EurosAdminMixin:
    def __init__(self, model, admin_site):
        self._money = {f.name for f in money_fields(model)}
        for field in money_fields(model):
            # An instance attribute: Django's checks and change lists look the name up on the instance.
            setattr(self, f"{field.name}{SUFFIX}", euros_display(field))
        super().__init__(model, admin_site)

    def _swap(self, names, readonly=None) -> list:
        """``names`` with each money field (read only, when ``readonly`` is given) replaced by its
        display, each name once."""
        out: list = []
        for name in names:
            if isinstance(name, str) and name in self._money and (readonly is None or name in readonly):
                name = f"{name}{SUFFIX}"
            if name not in out:
                out.append(name)
        return out

    def get_list_display(self, request):
        return self._swap(super().get_list_display(request))

    def __init_subclass__(cls, **kwargs):
        # An admin that writes its own get_readonly_fields (without calling this one) still gets the displays
        # of its read-only money fields: otherwise the fieldsets would name displays the form does not know.
        super().__init_subclass__(**kwargs)
        own = cls.__dict__.get("get_readonly_fields")
        if own is not None and not getattr(own, "adds_euros", False):

            def get_readonly_fields(self, request, obj=None, _own=own):
                return self._with_displays(_own(self, request, obj))

            get_readonly_fields.adds_euros = True
            cls.get_readonly_fields = get_readonly_fields

    def _with_displays(self, readonly) -> list:
        """The read-only names and, after them, the display of each read-only money field (each once)."""
        out = list(readonly)
        for name in readonly:
            if isinstance(name, str) and name in self._money and f"{name}{SUFFIX}" not in out:
                out.append(f"{name}{SUFFIX}")
        return out

    def get_readonly_fields(self, request, obj=None):
        # The fields themselves stay read only (so that no form offers them); their displays are added.
        return self._with_displays(super().get_readonly_fields(request, obj))

    def get_fieldsets(self, request, obj=None):
        readonly = set(self.get_readonly_fields(request, obj))
        return [
            (name, {**options, "fields": self._swap(options["fields"], readonly)})
            for name, options in super().get_fieldsets(request, obj)
        ]
