from decimal import Decimal

import pytest

from core.money import ZERO, euro_sum, queryset_euro_sum
from core.text import ascii_number, fold, sepa_text
from tests.transfers.factories import TransferFactory
from transfers.models import Transfer


@pytest.mark.parametrize(
    ("value", "folded"),
    [("Hélène", "helene"), ("HÉLÈNE", "helene"), ("Çà et là", "ca et la"), ("Straße", "strasse"), (None, ""), ("", "")],
)
def test_fold_drops_case_and_accents(value, folded):
    assert fold(value) == folded


@pytest.mark.parametrize(
    ("value", "length", "cleaned"),
    [
        ("Remboursement Hélène Dubois", 140, "Remboursement Helene Dubois"),
        ("Œuvre & fils  — régie", 140, "uvre fils regie"),
        ("a" * 80, 70, "a" * 70),
        ("€€€", 70, ""),
        (None, 70, ""),
        ("M. O'Neil (père) 1/2 ?+", 70, "M. O'Neil (pere) 1/2 ?+"),
    ],
)
def test_sepa_text_keeps_the_sepa_character_set(value, length, cleaned):
    assert sepa_text(value, length) == cleaned


def test_sepa_text_drops_what_stet_refuses_and_cuts():
    # The payment request's names and remittance (transfers.psd2) and the refunds' pain.001 use it alike.
    assert sepa_text("Pécule de Zoë — n° 12 & co <b>", 140) == "Pecule de Zoe n 12 co b"
    assert len(sepa_text("x" * 300, 140)) == 140


def test_euro_sum_is_two_places_and_zero_for_nothing():
    assert euro_sum([]) == ZERO
    assert str(euro_sum([])) == "0.00"
    assert euro_sum([Decimal("10.5"), Decimal("0.25")]) == Decimal("10.75")
    assert str(euro_sum([Decimal("1"), Decimal("2")])) == "3.00"


@pytest.mark.django_db
def test_queryset_euro_sum_in_the_database():
    assert queryset_euro_sum(Transfer.objects.none()) == ZERO
    TransferFactory(amount=Decimal("12.30"))
    TransferFactory(amount=Decimal("7.70"))
    assert queryset_euro_sum(Transfer.objects.all()) == Decimal("20.00")


@pytest.mark.parametrize(("raw", "expected"), [
    ("42", 42), ("007", 7), ("0", 0), (42, 42),
    ("", None), (None, None), ("-1", None), ("4.2", None), (" 42", None), ("1e3", None),
    ("¹", None), ("٣", None), ("42" * 10, None),
])
def test_ascii_number_reads_ascii_digits_only(raw, expected):
    assert ascii_number(raw, max_length=18) == expected
