import pytest

from tests.accounts.factories import StaffFactory
from tests.accounts.staff_login import login_staff


@pytest.fixture
def national(client, db):
    """A national administrator, logged in on ``client``."""
    user = StaffFactory(role="national")
    login_staff(client, user)
    return user
