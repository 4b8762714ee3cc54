"""The e-mails of the parloir, plain text like the transfers' receipt: the booking's confirmation (with the
.ics) and a cancellation (by the visitor, or by the establishment with its reason). Sent to the visitor's
address (given at the booking, else the relative's FranceConnect e-mail); a visit without one gets none. In the
relative's language (``Relative.language``); French for a visit booked by the staff for a visitor without an
account."""

from __future__ import annotations

from django.conf import settings
from django.core.mail import EmailMessage
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from core.addresses import portal_base_url
from core.formats import in_relative_language

from . import rules as R
from . import selectors
from .calendar import address_text, ics_filename, visit_ics
from .constants import VisitStatus
from .models import Visit


def recipient(visit: Visit) -> str:
    if visit.contact_email:
        return visit.contact_email
    return visit.relative.email if visit.relative is not None else ""


def _context(visit: Visit) -> dict:
    session = visit.session
    area = session.area
    establishment = area.establishment
    rules = selectors.booking_rules(establishment)
    deadline = selectors.cancellation_deadline(visit)
    return {
        "visit": visit,
        "detainee_name": R.detainee_name(visit.detainee),
        "greeting_name": visit.relative.given_name if visit.relative is not None else visit.permit.holder_first_names,
        "day": R.day_text(session.starts_at),
        "start": R.time_text(session.starts_at),
        "end": R.end_text(session.starts_at, session.ends_at),
        "arrival": R.time_text(R.arrival_time(session.starts_at, rules)),
        "establishment": establishment,
        "address": address_text(establishment),
        "area": area,
        "what_to_bring": rules.what_to_bring if rules is not None else "",
        "deadline": deadline,
        "deadline_day": R.day_text(deadline),
        "deadline_time": R.time_text(deadline),
        "companions": [str(companion) for companion in visit.companions.all()],
        "online": visit.relative is not None,
        "my_visits_url": portal_base_url() + reverse("visits:my_visits"),
        "by_relative": visit.status == VisitStatus.CANCELLED_BY_RELATIVE,
    }


def _send(visit: Visit, *, subject: str, template: str, with_ics: bool) -> bool:
    to = recipient(visit)
    if not to:
        return False
    with in_relative_language(visit.relative):  # the body, dates, links (/en/…) and the .ics; French without one
        message = EmailMessage(
            subject=str(subject),
            body=render_to_string(template, _context(visit)),
            from_email=settings.DEFAULT_FROM_EMAIL,
            to=[to],
        )
        if with_ics:
            message.attach(ics_filename(visit), visit_ics(visit), "text/calendar")
    message.send(fail_silently=False)
    return True


def send_booking_confirmation(visit: Visit) -> bool:
    """« Votre rendez-vous parloir est réservé », with the date, the place, when to arrive, what to bring, how
    to cancel, and the .ics attached. False when the visit has no e-mail address."""
    return _send(
        visit, subject=_("Votre rendez-vous parloir est réservé"), template="visits/email/booked.txt", with_ics=True
    )


def send_cancellation(visit: Visit) -> bool:
    """« Votre rendez-vous parloir est annulé »: by the visitor (a confirmation), or by the establishment with
    its reason."""
    return _send(
        visit, subject=_("Votre rendez-vous parloir est annulé"), template="visits/email/cancelled.txt",
        with_ics=False,
    )


def send_booking_confirmation_by_id(visit_id: int) -> bool:
    visit = selectors.visit_for_notification(visit_id)
    return send_booking_confirmation(visit) if visit is not None else False


def send_cancellation_by_id(visit_id: int) -> bool:
    visit = selectors.visit_for_notification(visit_id)
    return send_cancellation(visit) if visit is not None else False
