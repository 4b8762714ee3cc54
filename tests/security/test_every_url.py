"""Security review as tests: every URL of the site, taken from the URL resolver (public pages, /mon-espace/,
/gestion/, /cms/, /sandbox/), requested as an anonymous visitor, as another relative and as staff of another
establishment. Nobody gets what is not theirs, no page answers 500, none leaks a stack trace (DEBUG off)."""

from __future__ import annotations

import re

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

from tests.accounts.factories import StaffFactory
from tests.accounts.staff_login import login_staff
from tests.transfers.factories import RegisteredPermitFactory, TransferFactory

pytestmark = pytest.mark.django_db

# Views anyone may open: the back office's and Wagtail's login and password-reset pages, Wagtail's icon
# sprite, the admin's JavaScript catalogue, Wagtail's page-password forms.
PUBLIC_IN_BACK_OFFICE = re.compile(
    r"^/(gestion|cms)/(login|logout|password_reset|jsi18n|autocomplete|sprite)|^/_util/"
    # The passkey script's French messages (a translation catalogue, like Wagtail's jsi18n).
    r"|^/gestion/second-facteur/cles-d-acces/api/jsi18n/$"
)
PLACEHOLDER = re.compile(r"<(?:(\w+):)?(\w+)>")
LEAK = ("Traceback", "django/core/handlers", "site-packages")


def every_url() -> list[tuple[str, str | None]]:
    """(route, name) of each path() pattern; regex patterns (Wagtail's page catch-all, media) are left out."""

    def walk(patterns, prefix: str, namespace: str):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                ns = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
                yield from walk(pattern.url_patterns, prefix + str(pattern.pattern), ns)
            elif isinstance(pattern, URLPattern):
                route = prefix + str(pattern.pattern)
                if "^" in route or "(?P" in route or "\\" in route:
                    continue
                yield "/" + route, f"{namespace}{pattern.name}" if pattern.name else None

    return sorted(set(walk(get_resolver().url_patterns, "", "")))


def concrete(route: str, values: dict[str, str]) -> str:
    return PLACEHOLDER.sub(lambda m: values.get(m.group(2), values.get("*", "1")), route)


@pytest.fixture
def world(settings):
    settings.DEBUG = False
    mine = RegisteredPermitFactory()
    transfer = TransferFactory(relative=mine.relative, permit=mine.permit)
    establishment = mine.permit.detainee.establishment
    other_permit = RegisteredPermitFactory()  # another relative, another establishment
    return {
        "registration": mine, "transfer": transfer, "establishment": establishment,
        "secrets": [transfer.reference, mine.permit.number],
        "other_relative": other_permit.relative,
        "other_establishment": other_permit.permit.detainee.establishment,
    }


def values_for(world) -> dict[str, str]:
    """Each placeholder filled with the first relative's or first establishment's objects."""
    transfer = world["transfer"]
    return {
        "registration_id": str(world["registration"].pk), "reference": transfer.reference,
        "object_id": str(transfer.pk), "pk": "1", "*": "1",
    }


def no_trace(response) -> None:
    body = response.content.decode("utf-8", "replace")
    assert response.status_code != 500, f"500 sur {response.request['PATH_INFO']}"
    for marker in LEAK:
        assert marker not in body, f"{response.request['PATH_INFO']} montre une trace ({marker})"


def test_the_resolver_lists_every_part_of_the_site():
    routes = [route for route, _name in every_url()]
    for part in ("/mon-espace/", "/gestion/", "/cms/", "/sandbox/", "/contact/", "/connexion/"):
        assert any(r.startswith(part) for r in routes), part
    assert len(routes) > 300


def test_anonymous_visitor_reaches_no_private_page(world):
    client = Client(raise_request_exception=False)
    values = values_for(world)
    opened = []
    for route, _name in every_url():
        url = concrete(route, values)
        response = client.get(url)
        no_trace(response)
        if url.startswith("/mon-espace/"):
            assert response.status_code in (302, 403, 404, 405), (url, response.status_code)
            if response.status_code == 302:
                assert not response["Location"].startswith("/mon-espace/"), url
        elif url.startswith(("/gestion/", "/cms/")) and not PUBLIC_IN_BACK_OFFICE.match(url):
            assert response.status_code in (301, 302, 403, 404, 405), (url, response.status_code)
            if response.status_code == 302:
                assert "login" in response["Location"], (url, response["Location"])
        if response.status_code == 200:
            opened.append(url)
        body = response.content.decode("utf-8", "replace")
        for secret in world["secrets"]:
            assert secret not in body, (url, secret)
    assert "/" in opened and "/contact/" in opened and "/mon-espace/" not in opened


def test_another_relative_sees_nothing_of_the_first(world):
    client = Client(raise_request_exception=False)
    client.force_login(world["other_relative"].user)
    values = values_for(world)
    for route, _name in every_url():
        if not route.startswith("/mon-espace/"):
            continue
        url = concrete(route, values)
        response = client.get(url)
        no_trace(response)
        if "<" in route:  # the first relative's permit or transfer
            assert response.status_code in (302, 403, 404), (url, response.status_code)
        body = response.content.decode("utf-8", "replace")
        for secret in world["secrets"]:
            assert secret not in body, (url, secret)
    # Posting on the first relative's objects changes nothing either.
    registration = world["registration"]
    for url in (f"/mon-espace/virements/nouveau/{registration.pk}/",
                f"/mon-espace/virements/{world['transfer'].reference}/banque/"):
        response = client.post(url, {"amount": "10", "bank": "1"})
        assert response.status_code in (302, 403, 404), url
    assert world["transfer"].__class__.objects.count() == 1


@pytest.mark.parametrize("role", ["greffe", "regie"])
def test_staff_of_another_establishment_sees_nothing_of_it(world, role):
    staff = StaffFactory(role=role, establishments=[world["other_establishment"]])
    client = Client(raise_request_exception=False)
    login_staff(client, staff)
    values = values_for(world)
    transfer = world["transfer"]
    ids = {
        "transfers/transfer": transfer.pk, "permits/detainee": transfer.detainee.pk,
        "permits/visitpermit": transfer.permit.pk, "establishments/establishment": world["establishment"].pk,
    }
    for route, _name in every_url():
        if not route.startswith(("/gestion/", "/cms/")):
            continue
        model = re.match(r"^/gestion/(\w+)/(\w+)/", route)
        key = f"{model.group(1)}/{model.group(2)}" if model else ""
        url = concrete(route, {**values, "object_id": str(ids.get(key, 1))})
        response = client.get(url)
        no_trace(response)
        if key in ids and "<" in route:
            assert response.status_code in (302, 403, 404), (url, response.status_code)
        body = response.content.decode("utf-8", "replace")
        for secret in world["secrets"]:
            assert secret not in body, (url, secret)
