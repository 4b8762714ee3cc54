import datetime

import factory
from django.utils import timezone

from tests.establishments.factories import EstablishmentFactory
from tests.permits.factories import DetaineeFactory, VisitPermitFactory
from visits.constants import AreaKind, SessionStatus, VisitStatus
from visits.models import (
    BookingRules,
    Closure,
    DetaineeVisitBlock,
    SessionTemplate,
    Visit,
    VisitingArea,
    VisitSession,
)


class VisitingAreaFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = VisitingArea

    establishment = factory.SubFactory(EstablishmentFactory)
    name = factory.Sequence(lambda n: f"Parloir {n}")
    kind = AreaKind.PARLOIR
    capacity = 8
    location = "Accueil des familles, porte B"


class BookingRulesFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = BookingRules
        django_get_or_create = ("establishment",)

    establishment = factory.SubFactory(EstablishmentFactory)


class SessionTemplateFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SessionTemplate

    area = factory.SubFactory(VisitingAreaFactory)
    weekday = 1
    start_time = datetime.time(9, 0)
    duration_minutes = 45
    capacity = factory.LazyAttribute(lambda template: template.area.capacity)
    valid_from = datetime.date(2026, 1, 1)


class ClosureFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Closure

    establishment = factory.SubFactory(EstablishmentFactory)
    start_date = factory.LazyFunction(lambda: timezone.localdate() + datetime.timedelta(days=3))
    end_date = factory.LazyAttribute(lambda closure: closure.start_date)
    reason = "Exercice de sécurité"


def _tomorrow_at(hour: int, minute: int = 0) -> datetime.datetime:
    day = timezone.localdate() + datetime.timedelta(days=2)
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, minute)))


class VisitSessionFactory(factory.django.DjangoModelFactory):
    """A session two days ahead (inside the default booking window: 24 h notice, 28 days ahead)."""

    class Meta:
        model = VisitSession

    area = factory.SubFactory(VisitingAreaFactory)
    starts_at = factory.Sequence(lambda n: _tomorrow_at(9) + datetime.timedelta(minutes=50 * (n % 12)))
    ends_at = factory.LazyAttribute(lambda session: session.starts_at + datetime.timedelta(minutes=45))
    capacity = factory.LazyAttribute(lambda session: session.area.capacity)
    status = SessionStatus.OPEN


class VisitFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Visit

    session = factory.SubFactory(VisitSessionFactory)
    detainee = factory.SubFactory(DetaineeFactory, establishment=factory.SelfAttribute("..session.area.establishment"))
    permit = factory.SubFactory(VisitPermitFactory, detainee=factory.SelfAttribute("..detainee"))
    status = VisitStatus.BOOKED
    contact_email = "visiteur@example.fr"


class DetaineeVisitBlockFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = DetaineeVisitBlock

    detainee = factory.SubFactory(DetaineeFactory)
    start_date = factory.LazyFunction(lambda: timezone.localdate() + datetime.timedelta(days=1))
    end_date = factory.LazyAttribute(lambda block: block.start_date + datetime.timedelta(days=7))
    reason = "Extraction judiciaire"
