"""The visit as an iCalendar file (.ics), attached to the confirmation e-mail and offered on the confirmation
page: one VEVENT, its UID from the visit's reference, its times in UTC (any calendar shows them in local time)."""

from __future__ import annotations

import datetime

from django.utils import timezone
from django.utils.translation import gettext as _
from icalendar import Calendar, Event

from core.formats import in_language

from . import rules as R
from . import selectors
from .models import Visit

UID_DOMAIN = "proches.justice.gouv.fr"


def address_text(establishment) -> str:
    """``1 rue de la Paix, 75001 Paris`` (what is known of it)."""
    town = " ".join(part for part in (establishment.postal_code, establishment.city) if part)
    return ", ".join(part for part in (establishment.address_line, town) if part)


def place_text(visit: Visit) -> str:
    """Establishment, its address, the area and where to go, on one line."""
    area = visit.session.area
    establishment = area.establishment
    parts = [establishment.name, address_text(establishment), area.name, area.location]
    return ", ".join(part.strip() for part in parts if part and part.strip())


def visit_ics(visit: Visit, language: str | None = None) -> bytes:
    """A calendar with the visit: « Parloir — <establishment> », where, when to arrive, what to bring; in
    ``language`` (the active one by default: the page's, or the relative's for the e-mail's attachment)."""
    if language:
        with in_language(language):
            return visit_ics(visit)
    session = visit.session
    establishment = session.area.establishment
    rules = selectors.booking_rules(establishment)
    calendar = Calendar()
    calendar.add("prodid", "-//Portail des proches//Parloir//FR")
    calendar.add("version", "2.0")
    calendar.add("method", "PUBLISH")
    event = Event()
    event.add("uid", f"{visit.reference}@{UID_DOMAIN}")
    event.add("dtstamp", timezone.now().astimezone(datetime.UTC))
    event.add("dtstart", session.starts_at.astimezone(datetime.UTC))
    event.add("dtend", session.ends_at.astimezone(datetime.UTC))
    event.add("summary", _("Parloir — %(establishment)s") % {"establishment": establishment.name})
    event.add("location", place_text(visit))
    lines = [
        _("Rendez-vous parloir avec %(name)s.") % {"name": R.detainee_name(visit.detainee)},
        _("Présentez-vous à %(time)s.") % {"time": R.time_text(R.arrival_time(session.starts_at, rules))},
    ]
    if rules is not None and rules.what_to_bring:
        lines.append(_("À apporter : %(what)s") % {"what": rules.what_to_bring})
    event.add("description", "\n".join(lines))
    event.add("status", "CANCELLED" if visit.cancelled_at else "CONFIRMED")
    calendar.add_component(event)
    return calendar.to_ical()


def ics_filename(visit: Visit) -> str:
    return f"parloir-{R.local_day(visit.session.starts_at):%Y-%m-%d}.ics"
