"""Bad input, one rule at a time: a NUL byte anywhere in a request is refused with a French 400 page
before any view runs; a quote typed in a search box is a quote, not a 500 of SQLite's full-text syntax; a day
out of range in the reconciliation report or its exports is today, in a form an error; the public's free text
is bounded, a 4 MB message refused before anything is stored or e-mailed; input a third party's view lets reach
the database (a malformed id, a year-1 date) is a 400, not a 500."""

from __future__ import annotations

import html

import pytest
from django.core import mail
from django.test import Client
from wagtail.contrib.forms.models import FormSubmission

from core.dates import parse_day
from permits.models import RegisteredPermit
from tests.accounts.factories import StaffFactory
from tests.accounts.staff_login import login_staff
from tests.transfers.factories import RegisteredPermitFactory, TransferFactory
from transfers.models import Transfer

pytestmark = pytest.mark.django_db

NUL = "\x00"
REFUSED = "Requête invalide"


def text(response) -> str:
    return html.unescape(response.content.decode("utf-8", "replace"))


@pytest.fixture
def demo_site(db, settings, tmp_path):
    from cms.models import HomePage
    from sandbox.demo import load_demo

    settings.MEDIA_ROOT = str(tmp_path)
    load_demo()
    return HomePage.objects.get(locale__language_code="fr")


@pytest.fixture
def superuser_client() -> Client:
    return login_staff(Client(raise_request_exception=False), StaffFactory(is_superuser=True))


# -- NUL bytes: refused before any view ------------------------------------------------------------------------

@pytest.mark.parametrize("url", [
    "/recherche/?q=%00", "/recherche/?q%00=1", "/contact/%00/", "/mon-espace/virements/AB%00CD/retour/",
    "/gestion/transfers/transfer/?q=%00", "/gestion/transfers/transfer/?status__exact=%00",
    "/cms/pages/search/?q=%00",
])
def test_a_nul_byte_in_the_path_or_the_query_is_refused_with_a_french_400(url, settings):
    settings.DEBUG = False
    response = Client(raise_request_exception=False).get(url)
    assert response.status_code == 400
    body = text(response)
    assert REFUSED in body and "Erreur 400" in body and "Traceback" not in body
    assert '<html lang="fr">' in body
    assert "frame-ancestors 'none'" in response["Content-Security-Policy"]
    assert response["X-Frame-Options"] == "DENY" and response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"


def test_a_nul_byte_in_a_posted_form_changes_nothing(client, settings):
    settings.DEBUG = False
    registration = RegisteredPermitFactory()
    client.force_login(registration.relative.user)
    response = client.post(f"/mon-espace/virements/nouveau/{registration.pk}/",
                           {"amount": "20", "key": "6f1c2a9e-1111-4222-8333-444455556666", "x": NUL})
    assert response.status_code == 400 and REFUSED in text(response)
    response = client.post("/mon-espace/permis/ajouter/", {"permit_number": f"PV{NUL}", "detainee_family_name": "X"})
    assert response.status_code == 400
    assert not Transfer.objects.exists() and RegisteredPermit.objects.count() == 1


def test_a_nul_byte_in_a_cookie_is_refused(settings):
    settings.DEBUG = False
    client = Client(raise_request_exception=False)
    client.cookies["sessionid"] = f"abc{NUL}def"
    assert client.get("/").status_code == 400


def test_a_request_without_nul_goes_through(client):
    assert client.get("/recherche/?q=pécule").status_code == 200


# -- searches: quotes and SQLite's full-text syntax ---------------------------------------------------------------

@pytest.mark.parametrize(
    "query", ["'", '"', "l'\"aide", 'a" OR "b', "pécule*", "NEAR(a b)", "-", "^x", "«»", "x" * 199]
)
def test_any_text_in_the_site_search_answers_a_page(demo_site, client, query):
    response = client.get("/recherche/", {"q": query})
    assert response.status_code == 200
    assert "Rechercher sur le site" in text(response)


def test_the_site_search_still_finds_pages_with_punctuation_around_the_words(demo_site, client):
    plain = text(client.get("/recherche/", {"q": "pécule"}))
    quoted = text(client.get("/recherche/", {"q": '"pécule"'}))
    assert "Aucun résultat" not in plain
    count = plain.split('role="status">', 1)[1].split(" résultat", 1)[0]
    assert quoted.split('role="status">', 1)[1].split(" résultat", 1)[0] == count


def test_an_overlong_site_search_gets_a_french_error(demo_site, client):
    response = client.get("/recherche/", {"q": "x" * 201})
    assert response.status_code == 200
    assert "La recherche compte au plus 200 caractères." in text(response)


def test_the_back_office_search_boxes_of_the_cms_take_quotes(demo_site, superuser_client):
    for url in ("/cms/pages/search/", "/cms/pages/", "/cms/images/", "/cms/documents/", "/cms/forms/",
                "/cms/choose-page/search/"):
        response = superuser_client.get(url, {"q": "l'\"aide"})
        assert response.status_code == 200, url


def test_an_overlong_bank_search_gets_a_french_error(client):
    transfer = TransferFactory(status="draft")
    client.force_login(transfer.relative.user)
    response = client.get(f"/mon-espace/virements/{transfer.reference}/banque/", {"q": "x" * 101})
    assert response.status_code == 200
    assert "Le nom de la banque compte au plus 100 caractères." in text(response)


# -- days --------------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("raw", ["", None, "9999-99-99", "0001-01-01", "9999-12-31", "99999-01-01", "1999-12-31",
                                 "2100-01-01", "31/02/2026", "2026-1-1x", "x" * 5000, "\x00"])
def test_a_day_that_is_not_one_or_out_of_range_is_no_day(raw):
    assert parse_day(raw) is None


@pytest.mark.parametrize("raw", ["2026-01-31", "31/01/2026", " 2026-01-31 "])
def test_a_day_in_iso_or_french_format_is_read(raw):
    import datetime

    assert parse_day(raw) == datetime.date(2026, 1, 31)


@pytest.mark.parametrize("jour", ["0001-01-01", "9999-12-31", "9999-99-99", "99999-01-01", "'"])
def test_the_report_and_its_exports_show_today_for_a_day_out_of_range(jour, settings):
    from django.utils import timezone

    from tests.reconciliation.helpers import establishment

    settings.DEBUG = False
    est = establishment()
    client = login_staff(Client(raise_request_exception=False),
                         StaffFactory(role="regie", establishments=[est]))
    page = client.get("/gestion/rapprochement/rapport/", {"etablissement": est.code, "jour": jour})
    assert page.status_code == 200
    for fmt in ("csv", "xlsx"):
        export = client.get(f"/gestion/rapprochement/rapport/export.{fmt}",
                            {"etablissement": est.code, "jour": jour})
        assert export.status_code == 200
        assert f"{timezone.localdate():%Y-%m-%d}" in export["Content-Disposition"]


@pytest.mark.parametrize("day", ["0001-01-01", "9999-12-31"])
def test_a_cashier_batch_for_a_day_out_of_range_gets_a_french_error_and_makes_nothing(day, settings):
    from reconciliation.models import CashierBatch
    from tests.reconciliation.helpers import establishment

    est = establishment()
    client = login_staff(Client(raise_request_exception=False), StaffFactory(role="regie", establishments=[est]))
    response = client.post("/gestion/rapprochement/caisse/", {"establishment": est.pk, "day": day})
    assert response.status_code in (200, 400)
    assert "Saisissez une date entre le 01/01/2000 et le 31/12/2099." in text(response)
    assert not CashierBatch.objects.exists()


# -- what a third party's view lets through: a 400, not a 500 -----------------------------------------------------

@pytest.mark.parametrize("url", [
    "/gestion/accounts/relative/%27%22/history/",  # simple-history's page, a malformed id
    "/gestion/permits/detainee/export/?date=9999-99-99",  # import-export, a lookup the changelist refuses
    "/cms/documents/chooser/chosen/%27%22/",  # Wagtail's chooser, a malformed id
    "/cms/forms/?latest_revision_created_at_from=0001-01-01",  # Wagtail's filter, year 0 in UTC
    "/gestion/transfers/transfer/?created_at__gte=0001-01-01",  # the admin's date filter, year 0 in UTC
    "/cms/workflows/edit/1/?p=-1",  # Wagtail's paginator, a page that does not exist
])
def test_input_a_third_party_view_lets_reach_the_database_is_not_a_500(url, superuser_client, settings):
    """A 400 with the French page where SQLite fails (PostgreSQL takes year 1 and answers the page itself)."""
    settings.DEBUG = False
    response = superuser_client.get(url)
    assert response.status_code < 500, response.status_code
    if response.status_code == 400:
        assert REFUSED in text(response)


def test_the_root_page_of_the_cms_has_no_position_to_set(superuser_client, settings):
    from wagtail.models import Page

    settings.DEBUG = False
    root = Page.get_first_root_node()
    assert superuser_client.get(f"/cms/pages/{root.pk}/set_position/").status_code == 404
    assert Client().get(f"/cms/pages/{root.pk}/set_position/").status_code == 302  # to the login page


# -- the public's free text ----------------------------------------------------------------------------------------

MESSAGE = {
    "objet": "Virement sur le pécule",
    "message": "Mon virement n'apparaît pas dans l'historique.",
    "adresse_electronique": "angela.dubois@example.fr",
    "numero_de_permis_de_visite": "PV-2026-000123",
}


def test_a_4_mb_message_is_refused_before_anything_is_stored_or_emailed(demo_site, settings):
    settings.DEBUG = False
    client = Client(raise_request_exception=False)
    response = client.post("/contact/", {**MESSAGE, "message": "x" * (4 * 1024 * 1024)}, REMOTE_ADDR="203.0.113.7")
    assert response.status_code == 413
    body = text(response)
    assert "Votre envoi est trop volumineux. Raccourcissez votre message et réessayez." in body
    assert "Erreur 413" in body
    assert not mail.outbox and not FormSubmission.objects.exists()


def test_a_message_longer_than_the_limit_gets_a_french_error_and_nothing_is_sent(demo_site, client):
    response = client.post("/contact/", {**MESSAGE, "message": "x" * 5001}, REMOTE_ADDR="203.0.113.7")
    assert response.status_code == 200
    assert "Ce champ compte au plus 5000 caractères (actuellement 5001)." in text(response)
    assert not mail.outbox and not FormSubmission.objects.exists()


def test_every_text_field_of_the_contact_form_is_bounded(demo_site, client):
    body = client.get("/contact/").content.decode()
    assert 'maxlength="5000"' in body  # the message
    response = client.post("/contact/", {**MESSAGE, "numero_de_permis_de_visite": "P" * 256},
                           REMOTE_ADDR="203.0.113.7")
    assert "Ce champ compte au plus 255 caractères (actuellement 256)." in text(response)
    assert not mail.outbox and not FormSubmission.objects.exists()


def test_a_message_at_the_limit_is_sent(demo_site, client):
    response = client.post("/contact/", {**MESSAGE, "message": "x" * 5000}, REMOTE_ADDR="203.0.113.7")
    assert response.status_code == 200 and len(mail.outbox) == 1
    assert FormSubmission.objects.get().form_data["message"] == "x" * 5000


def test_the_body_limit_leaves_the_back_office_alone(superuser_client, settings):
    settings.PUBLIC_REQUEST_MAX_BYTES = 10
    response = superuser_client.post("/gestion/establishments/bank/add/", {"name": "x" * 100})
    assert response.status_code == 200  # the admin's form, with its own errors
