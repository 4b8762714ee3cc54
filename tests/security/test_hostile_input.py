"""Bad input anywhere, never a 500: every URL of the URL conf (test_every_url's walk), requested by every kind
of user (anonymous, a relative with a permit and a transfer, each staff role, a superuser) with hostile query
strings (a NUL byte, quotes, 5,000 characters, dates out of range, unknown choices, pages and orderings that do
not exist), hostile path segments where a placeholder is, the hostile values in every query parameter the page
itself offers (the admin's filters, search boxes) and, for pages with a form, a POST of hostile values in each
of its fields. Every answer is below 500 and shows no trace. NUL bytes only break on PostgreSQL: run it there
too (DATABASE_URL). One test per role, so that a failure names who met it and lists every URL that failed.

Its cost multiplies (routes × inputs × roles): each role requests only the part of the site it can reach (the
rest answers a redirect to a login page, which the anonymous visitor's sweep covers), and a page of one object
gets its hostile path segments and two queries only. About four minutes of one core on SQLite, all roles."""

from __future__ import annotations

import re
from urllib.parse import parse_qsl, urlencode, urlsplit

import lxml.html
import pytest
from django.test import Client
from wagtail.models import Page

from tests.accounts.factories import StaffFactory
from tests.accounts.staff_login import login_staff
from tests.security.test_every_url import LEAK, PLACEHOLDER, every_url, values_for
from tests.transfers.factories import RegisteredPermitFactory, TransferFactory

pytestmark = pytest.mark.django_db

NUL = "\x00"
QUOTES = "'\"«"
OVERLONG = "x" * 5000
# One hostile input a request (several in one would hide each other: the admin answers its ?e=1 to the first).
HOSTILE_QUERIES = [
    {"q": NUL},
    {"q": QUOTES},
    {"q": OVERLONG},
    {"q": 'a" OR "b'},
    {"date": "9999-99-99"},
    {"date_from": "0001-01-01", "date_to": "99999-01-01"},
    {"jour": "0001-01-01"},
    {"jour": "9999-12-31"},
    {"status": "inexistant"},
    {"o": "999"},
    {"p": "-1"},
    {"page": "99999"},
    {"e": NUL},
]
# Values put in each parameter a page offers itself (its links' and GET forms' parameters): a NUL byte is refused
# before any view whatever the parameter (the ?q=%00 above shows it), an overlong value likewise (?q=xxx…).
# « ¹ » passes str.isdigit() but breaks int() (core.text.ascii_number reads ids).
HOSTILE_VALUES = [QUOTES, "0001-01-01", "99999-01-01", "¹"]
HOSTILE_SEGMENTS = ["%00", "%27%22", "9" * 40, "x" * 3000, "%C2%B9"]
# Values posted in every field of a page's forms.
HOSTILE_POSTS = [QUOTES + "x" * 300, "0001-01-01", "¹"]
# On a page of one object (a placeholder in its route), its hostile path segments, and these queries only (an
# object's page reads few parameters: they are sent together).
HOSTILE_QUERIES_OF_AN_OBJECT = [{"q": NUL}, {"q": QUOTES, "page": "99999", "p": "-1", "o": "999", "next": QUOTES}]

ROLES = ["anonymous", "relative", "greffe", "regie", "national", "auditeur", "parloirs", "securite", "communication",
         "superuser"]
PRIVATE = ("/mon-espace/", "/gestion/", "/cms/")
# Left out: pages that end the session the sweep goes on with (logout), and Wagtail's page that fails on purpose
# so that an administrator can check the error reporting (/cms/failwhale/, superusers only).
LEFT_OUT = re.compile(r"^/(deconnexion|gestion/logout|cms/logout)/|^/cms/failwhale/")
# No hostile POST on a deletion's confirmation: it would delete what the rest of the sweep reads.
NO_POST = re.compile(r"/delete/|/supprimer/")


def routes_for(role: str, pages: list[str]) -> list[str]:
    """The routes a role can reach (the others answer a redirect to a login page, tested by the anonymous), and
    the content site's live pages (Wagtail's catch-all, which the resolver's walk leaves out)."""
    routes = [route for route, _name in every_url() if not LEFT_OUT.match(route)] + pages
    if role in ("anonymous", "superuser"):
        return routes
    public = [r for r in routes if not r.startswith(PRIVATE)]
    if role == "relative":
        return public + [r for r in routes if r.startswith("/mon-espace/")]
    if role == "communication":
        return public + [r for r in routes if r.startswith("/cms/")]
    return public + [r for r in routes if r.startswith("/gestion/")]


@pytest.fixture
def world(settings, tmp_path):
    """The demo data (its content site: home, guides, FAQ with its search, the contact form), and a relative
    with a permit and a transfer."""
    from sandbox.demo import load_demo

    settings.DEBUG = False
    settings.MEDIA_ROOT = str(tmp_path)
    load_demo()
    mine = RegisteredPermitFactory()
    transfer = TransferFactory(relative=mine.relative, permit=mine.permit)
    pages = sorted({page.url for page in Page.objects.live().specific() if page.url and page.url != "/"})
    return {"registration": mine, "transfer": transfer, "establishment": mine.permit.detainee.establishment,
            "pages": pages}


def client_for(role: str, world) -> Client:
    client = Client(raise_request_exception=False)
    if role == "relative":
        client.force_login(world["registration"].relative.user)
    elif role == "superuser":
        login_staff(client, StaffFactory(is_superuser=True))
    elif role != "anonymous":
        login_staff(client, StaffFactory(role=role, establishments=[world["establishment"]]))
    return client


def problems_of(response, what: str) -> list[str]:
    """What is wrong with an answer: a 5xx status, a trace in the page."""
    what = what if len(what) < 160 else what[:150] + "…"
    if response.status_code >= 500:
        return [f"{response.status_code} sur {what}"]
    body = response.content.decode("utf-8", "replace") if not response.streaming else ""
    return [f"{what} montre une trace ({marker})" for marker in LEAK if marker in body]


def offered_parameters(response, path: str) -> set[str]:
    """The query parameters the page offers on its own path: its links' and its GET forms' fields."""
    if response.status_code != 200 or "html" not in response.get("Content-Type", ""):
        return set()
    try:
        page = lxml.html.fromstring(response.content)
    except (ValueError, lxml.etree.ParserError):
        return set()
    names = set()
    for href in page.xpath("//a/@href"):
        parts = urlsplit(href)
        if parts.query and parts.path in ("", path):
            names.update(name for name, _value in parse_qsl(parts.query, keep_blank_values=True))
    for form in page.xpath("//form"):
        if (form.get("method") or "get").lower() == "get":
            names.update(field.name for field in form.inputs if field.name)
    return names


def post_forms(response) -> list[list[str]]:
    """The field names of each POST form of the page that posts to the page itself."""
    if response.status_code != 200 or "html" not in response.get("Content-Type", ""):
        return []
    try:
        page = lxml.html.fromstring(response.content)
    except (ValueError, lxml.etree.ParserError):
        return []
    forms = []
    for form in page.xpath("//form"):
        if (form.get("method") or "").lower() == "post" and (form.get("action") or "") in ("", "."):
            forms.append(sorted({field.name for field in form.inputs if field.name}))
    return forms


def concrete(route: str, values: dict[str, str], segment: str | None = None) -> str:
    if segment is None:
        return PLACEHOLDER.sub(lambda m: values.get(m.group(2), values["*"]), route)
    return PLACEHOLDER.sub(segment, route)


@pytest.mark.parametrize("role", ROLES)
def test_hostile_query_strings_and_paths_never_answer_500(world, role):
    client = client_for(role, world)
    values = values_for(world)
    problems: list[str] = []

    def check(response, what: str) -> None:
        problems.extend(problems_of(response, what))

    for route in routes_for(role, world["pages"]):
        url = concrete(route, values)
        response = client.get(url)
        check(response, url)
        for query in HOSTILE_QUERIES_OF_AN_OBJECT if "<" in route else HOSTILE_QUERIES:
            check(client.get(url, query), f"{url}?{urlencode(query)!r}")
        for name in sorted(offered_parameters(response, url)):
            for value in HOSTILE_VALUES:
                check(client.get(url, {name: value}), f"{url}?{name}={value[:20]!r}")
        if "<" in route:
            for segment in HOSTILE_SEGMENTS:
                hostile = concrete(route, values, segment)
                check(client.get(hostile), hostile[:200])
        for fields in [] if NO_POST.search(route) else post_forms(response):
            for value in HOSTILE_POSTS:
                data = {name: value for name in fields if name != "csrfmiddlewaretoken"}
                check(client.post(url, data), f"POST {url} {value[:20]!r}")
    assert not problems, "\n".join(problems[:40]) + f"\n({len(problems)} en tout)"
