"""The common ground of the relative's parloir pages' tests: a relative with an accepted registration of an active
permit, the detainee's establishment with its booking rules and a parloir of two tables, a session two days ahead,
the relative logged in."""

from __future__ import annotations

import datetime
import html
from dataclasses import dataclass

from django.test import Client
from django.utils import timezone

from accounts.models import Relative
from permits.models import RegisteredPermit, VisitPermit
from tests.permits.factories import VisitPermitFactory
from tests.transfers.factories import RegisteredPermitFactory
from tests.visits.factories import BookingRulesFactory, VisitingAreaFactory, VisitSessionFactory
from visits.models import BookingRules, VisitingArea, VisitSession


@dataclass
class Booker:
    registration: RegisteredPermit
    relative: Relative
    permit: VisitPermit
    rules: BookingRules
    area: VisitingArea
    session: VisitSession
    client: Client

    @property
    def sessions_url(self) -> str:
        return f"/mon-espace/parloir/{self.registration.pk}/"

    def book_url(self, session_id) -> str:
        return f"{self.sessions_url}creneau/{session_id}/"


def text(response) -> str:
    return html.unescape(response.content.decode())


def logged_in(relative: Relative) -> Client:
    client = Client()
    client.force_login(relative.user)
    return client


def at(days: float, hour: int = 9, minute: int = 0) -> datetime.datetime:
    """``days`` from today (Europe/Paris) at ``hour``:``minute``."""
    day = timezone.localdate() + datetime.timedelta(days=days)
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, minute)))


def session_at(area: VisitingArea, starts_at: datetime.datetime, **fields) -> VisitSession:
    return VisitSessionFactory(area=area, starts_at=starts_at, ends_at=starts_at + datetime.timedelta(minutes=45),
                               **fields)


def make_booker(**registration_fields) -> Booker:
    registration = RegisteredPermitFactory(**registration_fields)
    establishment = registration.permit.detainee.establishment
    rules = BookingRulesFactory(establishment=establishment)
    area = VisitingAreaFactory(establishment=establishment, name="Parloir principal", capacity=2,
                               location="Accueil des familles, porte B")
    session = session_at(area, at(3, 9))
    return Booker(registration=registration, relative=registration.relative, permit=registration.permit,
                  rules=rules, area=area, session=session, client=logged_in(registration.relative))


def companion_permit(booker: Booker, **fields) -> VisitPermit:
    """Another adult's active permit for the same detainee."""
    values = {"detainee": booker.permit.detainee, "holder_family_name": "DUPONT", "holder_first_names": "Pierre",
              "holder_birth_date": datetime.date(1970, 1, 1)}
    return VisitPermitFactory(**{**values, **fields})
