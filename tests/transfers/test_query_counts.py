"""The history page and the "Pécule" tab issue a fixed number of SQL queries, whatever the data."""

from decimal import Decimal

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from .factories import RegisteredPermitFactory, TransferFactory

pytestmark = pytest.mark.django_db


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured.captured_queries)


@pytest.mark.parametrize(("url", "expected"), [
    # the user with the relative, the stale transfers to expire (none), the count, the page and the page's
    # history records (each transfer's last step with its time)
    ("/mon-espace/virements/historique/", 5),
    # the user with the relative, the registered permits, the stale transfers to expire (none), the
    # national ceiling, the month's two sums
    ("/mon-espace/pecule/", 6),
])
def test_queries_do_not_grow_with_the_transfers(url, expected):
    reg = RegisteredPermitFactory()
    client = Client()
    client.force_login(reg.relative.user)
    TransferFactory(relative=reg.relative, permit=reg.permit, amount=Decimal("1.00"))
    client.get(url)  # the first page of a session stamps its activity and caches the site's menus
    few = _queries(client, url)
    assert few <= expected + 1  # + the session read, when it does not come from a shared cache
    for _ in range(40):
        TransferFactory(relative=reg.relative, permit=reg.permit, amount=Decimal("1.00"))
        TransferFactory(permit=reg.permit, amount=Decimal("1.00"))
    assert _queries(client, url) == few
