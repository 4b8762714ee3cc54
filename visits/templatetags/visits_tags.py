"""The parloir's template filters."""

from django import template

from .. import rules

register = template.Library()

# The relative's pages write « 9 h 00 », the back office « 09:00 ».
CLOCKS = {"citizen": "G \\h i", "staff": "H:i"}


@register.filter
def session_end(session, style: str = "citizen") -> str:
    """``session``'s end (anything with ``starts_at`` and ``ends_at``), with its day when it ends on a later
    day (``visits.rules.end_text``)."""
    return rules.end_text(session.starts_at, session.ends_at, CLOCKS.get(style, CLOCKS["citizen"]))
