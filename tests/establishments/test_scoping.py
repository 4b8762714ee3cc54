import pytest
from django.core.exceptions import PermissionDenied

from establishments.selectors import require_establishment
from tests.accounts.factories import StaffFactory
from tests.establishments.factories import EstablishmentFactory

pytestmark = pytest.mark.django_db


def test_staff_act_in_their_establishments_only():
    own, other = EstablishmentFactory(), EstablishmentFactory()
    clerk = StaffFactory(role="regie", establishments=[own])
    require_establishment(clerk, own.pk, PermissionDenied("hors périmètre"))
    with pytest.raises(PermissionDenied, match="hors périmètre"):
        require_establishment(clerk, other.pk, PermissionDenied("hors périmètre"))
    with pytest.raises(PermissionDenied):
        require_establishment(clerk, None, PermissionDenied("hors périmètre"))


def test_national_staff_and_the_system_act_everywhere():
    establishment = EstablishmentFactory()
    require_establishment(StaffFactory(role="national"), establishment.pk, PermissionDenied())
    require_establishment(None, establishment.pk, PermissionDenied())  # a task or a command


def test_an_inactive_account_acts_nowhere():
    establishment = EstablishmentFactory()
    clerk = StaffFactory(role="regie", establishments=[establishment], is_active=False)
    with pytest.raises(PermissionDenied):
        require_establishment(clerk, establishment.pk, PermissionDenied())
