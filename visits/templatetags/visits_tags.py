"""The parloir's template filters."""

from django import template

from core.formats import clock_format

from .. import rules

register = template.Library()

# The back office writes « 09:00 »; the relative's pages as their language does (« 9 h 00 », « 9:00 »).
STAFF_CLOCK = "H:i"


@register.filter
def session_end(session, style: str = "citizen") -> str:
    """``session``'s end (anything with ``starts_at`` and ``ends_at``), with its day when it ends on a later
    day (``visits.rules.end_text``)."""
    return rules.end_text(session.starts_at, session.ends_at, STAFF_CLOCK if style == "staff" else clock_format())
