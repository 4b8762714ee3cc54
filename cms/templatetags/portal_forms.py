"""The portal's form pattern (DSFR and RGAA 4.1), in one place for every form a relative or a visitor fills:
the error summary at the top of the form (templates/includes/form_errors.html), each field with its label,
its asterisk when required, its hint and its error tied to it (templates/includes/form_field.html).

Django (5.0+) writes ``aria-invalid="true"`` on a field in error and ``aria-describedby`` naming
``<id>_helptext`` and ``<id>_error``: the field template renders exactly those ids, and only when the field
has a hint or an error, so that every id referenced exists (RGAA 8.2)."""

from __future__ import annotations

from dataclasses import dataclass

from django import template
from django.forms.boundfield import BoundField

register = template.Library()

# A field without max_length echoes back at most this many characters of what was sent.
ECHO_MAX_LENGTH = 1000


@dataclass(frozen=True)
class ErrorEntry:
    """One line of the error summary: the message, and the anchor of its field (empty for an error of the
    whole form, or of a hidden field, which has nothing to focus)."""

    message: str
    anchor: str = ""


@register.filter
def error_entries(form) -> list[ErrorEntry]:
    """The form's errors in the order of the page: the whole form's first, then each field's."""
    if form is None or not form.errors:
        return []
    entries = [ErrorEntry(str(message)) for message in form.non_field_errors()]
    for field in form:
        for message in field.errors:
            linked = field.auto_id and not field.is_hidden
            entries.append(ErrorEntry(str(message), f"#{field.auto_id}" if linked else ""))
    return entries


@register.filter
def widget_kind(field) -> str:
    """The DSFR family of the field's widget: "select", "checkbox" or "input" (text, e-mail, textarea…)."""
    kind = field.widget_type
    if kind in ("select", "selectmultiple", "nullbooleanselect"):
        return "select"
    if kind == "checkbox":
        return "checkbox"
    return "input"


class _BoundedEcho(BoundField):
    """The field as typed, but never echoed back beyond what it accepts: a 10,000-character paste is shown cut
    at the field's max_length (its error says the limit), not sent back whole."""

    def value(self):
        value = super().value()
        limit = getattr(self.field, "max_length", None) or ECHO_MAX_LENGTH
        if isinstance(value, str) and len(value) > limit:
            return value[:limit]
        return value


@register.simple_tag
def field_widget(field, css_class: str):
    """The field's widget with the DSFR ``css_class`` (replacing the widget's own class), Django's
    ``required``, ``aria-invalid`` and ``aria-describedby``, and the value echoed back bounded."""
    bounded = _BoundedEcho(field.form, field.field, field.name)
    return bounded.as_widget(attrs={"class": css_class})
