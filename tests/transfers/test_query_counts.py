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


@pytest.mark.parametrize("url", ["/mon-espace/virements/historique/", "/mon-espace/pecule/"])
def test_queries_do_not_grow_with_the_transfers(url):
    reg = RegisteredPermitFactory()
    client = Client()
    client.force_login(reg.relative.user)
    TransferFactory(relative=reg.relative, permit=reg.permit, amount=Decimal("1.00"))
    few = _queries(client, url)
    for _ in range(40):
        TransferFactory(relative=reg.relative, permit=reg.permit, amount=Decimal("1.00"))
        TransferFactory(permit=reg.permit, amount=Decimal("1.00"))
    assert _queries(client, url) == few
