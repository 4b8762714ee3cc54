import datetime

import factory

from permits.constants import DetaineeStatus, PermitKind, PermitStatus
from permits.models import Detainee, VisitPermit
from tests.establishments.factories import EstablishmentFactory


class DetaineeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Detainee

    establishment = factory.SubFactory(EstablishmentFactory)
    ecrou = factory.Sequence(lambda n: f"{100000 + n}")
    family_name = factory.Sequence(lambda n: f"NOM{n}")
    first_name = "Paul"
    birth_date = datetime.date(1990, 5, 17)
    status = DetaineeStatus.DETAINED
    may_receive_money = True


class VisitPermitFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = VisitPermit

    number = factory.Sequence(lambda n: f"PV-2026-{n:06d}")
    detainee = factory.SubFactory(DetaineeFactory)
    holder_family_name = "DURAND"
    holder_first_names = "Marie"
    holder_birth_date = datetime.date(1965, 2, 3)
    relationship = "mère"
    kind = PermitKind.PERMANENT
    valid_from = datetime.date(2026, 1, 1)
    valid_until = None
    status = PermitStatus.ACTIVE
