from decimal import Decimal

import factory
from schwifty import IBAN

from establishments.constants import Disp, EstablishmentKind
from establishments.models import Bank, Establishment, NationalCeiling


class EstablishmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Establishment
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"ETAB{n:03d}")
    name = factory.Sequence(lambda n: f"Maison d'arrêt n° {n}")
    kind = EstablishmentKind.MAISON_ARRET
    disp = Disp.LYON
    city = "Lyon"
    # One régie account per establishment (a database constraint): valid French IBANs, none the demo's.
    regie_iban = factory.Sequence(
        lambda n: str(IBAN.generate("FR", bank_code="10071", branch_code="75000", account_code=f"{500000 + n:011d}"))
    )
    regie_bic = "TRPUFRP1"
    regie_holder = "REGIE DES COMPTES NOMINATIFS"
    transfers_enabled = True
    min_amount = Decimal("1.00")
    max_per_transfer = Decimal("200.00")
    max_per_detainee_month = Decimal("400.00")
    max_per_sender_month = Decimal("300.00")


class NationalCeilingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = NationalCeiling
        django_get_or_create = ("singleton",)

    singleton = True


class BankFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Bank

    name = factory.Sequence(lambda n: f"Banque n° {n}")
    bic = factory.Sequence(lambda n: f"TST{chr(65 + n % 26)}FRPP")  # not the sandbox bank's (its logo is by BIC)
    api_base_url = factory.Sequence(lambda n: f"https://api.banque{n}.example/stet/v1")
    enabled = True
