import factory
from django.utils import timezone

from monitoring.constants import AlertKind, AlertStatus, DecisionReason, RuleCode, ScreeningPoint
from monitoring.models import Alert, AlertHit, AllowedPair, PayerAccount
from tests.accounts.factories import StaffFactory
from tests.transfers.factories import RelativeFactory, TransferFactory


class AlertFactory(factory.django.DjangoModelFactory):
    """An open alert holding a transfer (set up directly, for reads; monitoring.services raises real ones)."""

    class Meta:
        model = Alert

    transfer = factory.SubFactory(TransferFactory, held=True)
    establishment = factory.SelfAttribute("transfer.establishment")
    kind = AlertKind.HELD
    status = AlertStatus.OPEN
    raised_at_point = ScreeningPoint.INITIATION


class AlertHitFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AlertHit

    alert = factory.SubFactory(AlertFactory)
    rule_code = RuleCode.PAYER_MANY_DETAINEES
    measured = 2
    threshold = 1
    detail = "2 personnes détenues en 30 jours (seuil : plus de 1)"
    point = ScreeningPoint.INITIATION


class AllowedPairFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AllowedPair

    relative = factory.SubFactory(RelativeFactory)
    detainee = factory.SubFactory("tests.permits.factories.DetaineeFactory")
    establishment = factory.SelfAttribute("detainee.establishment")
    reason = DecisionReason.FAMILY_CHECKED
    created_by = factory.SubFactory(StaffFactory)


class PayerAccountFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PayerAccount

    iban = "FR7630006000011234567890189"
    relative = factory.SubFactory(RelativeFactory)
    holder_name = "MME DURAND MARIE"
    first_seen = factory.LazyFunction(timezone.localdate)
    last_seen = factory.LazyFunction(timezone.localdate)
    transfer_count = 1
