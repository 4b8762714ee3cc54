from decimal import Decimal

import pytest

from core.money import format_euros
from transfers.formats import AmountError, parse_amount


@pytest.mark.parametrize(
    "raw, expected",
    [("50", "50.00"), ("50,00", "50.00"), ("50,5", "50.50"), ("50.50", "50.50"), ("1 000,00", "1000.00"),
     (" 12 € ", "12.00"), ("1\u202f000", "1000.00"), ("0,01", "0.01")],
)
def test_french_amounts_are_read(raw, expected):
    assert parse_amount(raw) == Decimal(expected)


@pytest.mark.parametrize(
    "raw, message",
    [("0", "supérieur à zéro"), ("0,00", "supérieur à zéro"), ("-5", "positif"), ("50,505", "deux chiffres"),
     ("abc", "nombre en euros"), ("5O", "nombre en euros"), ("1e3", "nombre en euros"), ("", "Indiquez"),
     ("99999999999999999999", "trop élevé"), ("10 00", "nombre en euros"), ("1,000.00", "nombre en euros"),
     ("NaN", "nombre en euros"), ("Infinity", "nombre en euros")],
)
def test_bad_amounts_are_refused_in_french(raw, message):
    with pytest.raises(AmountError, match=message):
        parse_amount(raw)


def test_euros_are_shown_the_french_way():
    assert format_euros(Decimal("50")) == "50,00\u00a0€"
    assert format_euros(Decimal("1234567.5")) == "1\u202f234\u202f567,50\u00a0€"
