import datetime
from decimal import Decimal

import factory
from django.utils import timezone

from accounts.models import Relative, User
from permits.constants import RegistrationStatus
from permits.models import RegisteredPermit
from tests.establishments.factories import BankFactory
from tests.permits.factories import VisitPermitFactory
from transfers.constants import TransferStatus
from transfers.models import Transfer


class RelativeUserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User

    username = factory.Sequence(lambda n: f"proche{n}")
    is_staff = False


class RelativeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Relative

    user = factory.SubFactory(RelativeUserFactory)
    sub = factory.Sequence(lambda n: f"sub-{n:08d}")
    given_name = "Marie"
    family_name = "DURAND"
    birthdate = datetime.date(1965, 2, 3)
    gender = "female"
    email = factory.Sequence(lambda n: f"proche{n}@example.fr")


class RegisteredPermitFactory(factory.django.DjangoModelFactory):
    """A relative with the permit nominative to them registered on their space."""

    class Meta:
        model = RegisteredPermit

    relative = factory.SubFactory(RelativeFactory)
    permit = factory.SubFactory(
        VisitPermitFactory,
        holder_family_name=factory.SelfAttribute("..relative.family_name"),
        holder_first_names=factory.SelfAttribute("..relative.given_name"),
        holder_birth_date=factory.SelfAttribute("..relative.birthdate"),
    )
    status = RegistrationStatus.ACCEPTED


class TransferFactory(factory.django.DjangoModelFactory):
    """A transfer already in ``status`` (set up directly, for reads; the services move real ones)."""

    class Meta:
        model = Transfer

    relative = factory.SubFactory(RelativeFactory)
    permit = factory.SubFactory(VisitPermitFactory)
    detainee = factory.SelfAttribute("permit.detainee")
    establishment = factory.SelfAttribute("permit.detainee.establishment")
    amount = Decimal("50.00")
    bank = factory.SubFactory(BankFactory)
    status = TransferStatus.EXECUTED
    initiated_at = factory.LazyFunction(timezone.now)
