import pytest

from tests.establishments.factories import EstablishmentFactory
from tests.permits.factories import DetaineeFactory


@pytest.fixture
def maxx():
    """The establishment the GENESIS import tests' rows name."""
    return EstablishmentFactory(code="MAXX")


@pytest.fixture
def detainee(maxx):
    return DetaineeFactory(establishment=maxx, ecrou="424242")
