"""The relative's activity timestamp is written at most once a minute (not a database write per page),
and the idle timeout still ends the session."""

from __future__ import annotations

import time

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from accounts.middleware import LAST_ACTIVITY_KEY, TOUCH_INTERVAL_SECONDS
from tests.transfers.factories import RelativeFactory

pytestmark = pytest.mark.django_db


def session_writes(client: Client, url: str = "/mon-espace/") -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return sum(1 for q in queries if "django_session" in q["sql"] and q["sql"].lstrip().upper().startswith(
        ("UPDATE", "INSERT")))


@pytest.fixture
def client_of_relative():
    client = Client()
    client.force_login(RelativeFactory().user)
    return client


def test_pages_within_a_minute_do_not_rewrite_the_session(client_of_relative):
    assert session_writes(client_of_relative) == 1  # the first page stamps the activity
    stamped = client_of_relative.session[LAST_ACTIVITY_KEY]
    assert session_writes(client_of_relative) == 0
    assert session_writes(client_of_relative, "/mon-espace/virements/historique/") == 0
    assert client_of_relative.session[LAST_ACTIVITY_KEY] == stamped


def test_a_page_after_a_minute_renews_the_activity_and_the_cookie(client_of_relative):
    client_of_relative.get("/mon-espace/")
    session = client_of_relative.session
    session[LAST_ACTIVITY_KEY] = int(time.time()) - TOUCH_INTERVAL_SECONDS - 1
    session.save()
    response = client_of_relative.get("/mon-espace/")
    assert response.status_code == 200
    assert response.cookies["sessionid"]["max-age"] == 30 * 60
    assert time.time() - client_of_relative.session[LAST_ACTIVITY_KEY] < 5


def test_idleness_still_logs_out_although_pages_did_not_write(client_of_relative):
    client_of_relative.get("/mon-espace/")
    session = client_of_relative.session
    session[LAST_ACTIVITY_KEY] = int(time.time()) - 30 * 60 - 1
    session.save()
    response = client_of_relative.get("/mon-espace/virements/historique/")
    assert response.status_code == 302
    assert "_auth_user_id" not in client_of_relative.session


def test_the_user_and_the_relative_profile_come_in_one_query(client_of_relative):
    client_of_relative.get("/mon-espace/")
    with CaptureQueriesContext(connection) as queries:
        assert client_of_relative.get("/mon-espace/virements/historique/").status_code == 200
    users = [q["sql"] for q in queries if 'FROM "accounts_user"' in q["sql"]]
    assert len(users) == 1 and 'JOIN "accounts_relative"' in users[0]
    assert not [q["sql"] for q in queries if 'FROM "accounts_relative"' in q["sql"]]
