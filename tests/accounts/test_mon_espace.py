""""Mon espace" as a relative and an intruder see it: access, tabs, permits, the add form, sessions."""

from __future__ import annotations

import datetime
import html
import time

import pytest
from django.test import Client

from accounts.middleware import LAST_ACTIVITY_KEY
from accounts.models import Relative, User
from permits.constants import PermitKind, PermitStatus, RegistrationStatus
from permits.models import RegisteredPermit, RegistrationAttempt
from tests.permits.factories import DetaineeFactory, VisitPermitFactory

ACCEPTED = RegistrationStatus.ACCEPTED  # an exact match: registered and usable at once


def make_relative(sub: str, given_name: str, family_name: str, birthdate: datetime.date) -> Relative:
    user = User.objects.create(username=f"fc-{sub}")
    user.set_unusable_password()
    user.save()
    return Relative.objects.create(user=user, sub=sub, given_name=given_name, family_name=family_name,
                                   birthdate=birthdate)


@pytest.fixture
def angela(db) -> Relative:
    return make_relative("sub-angela", "Angela Claire Louise", "DUBOIS", datetime.date(1962, 8, 24))


@pytest.fixture
def pierre(db) -> Relative:
    return make_relative("sub-pierre", "Pierre", "DUPONT", datetime.date(1970, 1, 1))


@pytest.fixture
def detainee(db):
    return DetaineeFactory(family_name="MARTIN", first_name="Jean")


@pytest.fixture
def angela_permit(detainee):
    return VisitPermitFactory(number="PV-2026-000123", detainee=detainee, holder_family_name="DUBOIS",
                              holder_first_names="Angela Claire Louise", holder_birth_date=datetime.date(1962, 8, 24))


@pytest.fixture
def pierre_permit(detainee):
    return VisitPermitFactory(number="PV-2026-000124", detainee=detainee, holder_family_name="DUPONT",
                              holder_first_names="Pierre", holder_birth_date=datetime.date(1970, 1, 1))


def logged_in(relative: Relative) -> Client:
    client = Client()
    client.force_login(relative.user)
    return client


def text(response) -> str:
    return html.unescape(response.content.decode())


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/mon-espace/", "/mon-espace/pecule/", "/mon-espace/permis/ajouter/",
                                  "/mon-espace/permis/1/"])
def test_mon_espace_needs_a_franceconnect_login(client, path):
    response = client.get(path, follow=True)
    assert response.redirect_chain[-1][0] == "/"
    assert "Identifiez-vous avec FranceConnect pour accéder à votre espace." in text(response)


@pytest.mark.django_db
def test_a_staff_account_is_not_a_relative(client):
    staff = User.objects.create_user(username="greffier", password="un-mot-de-passe-long")
    client.force_login(staff)
    assert client.get("/mon-espace/")["Location"] == "/"


def test_accueil_shows_each_permit_with_its_two_services(angela, angela_permit):
    registration = RegisteredPermit.objects.create(relative=angela, permit=angela_permit, status=ACCEPTED)
    page = text(logged_in(angela).get("/mon-espace/"))
    assert "Jean MARTIN" in page and angela_permit.detainee.establishment.name in page and "Actif" in page
    assert f'href="/mon-espace/parloir/{registration.pk}/">Prendre un rendez-vous parloir' in page
    assert "Bientôt disponible" not in page
    assert f'href="/mon-espace/pecule/?permis={registration.pk}">Faire un virement' in page
    assert "Accueil" in page and "Pécule" in page


def test_a_suspended_permit_shows_its_status_and_no_transfer(angela, angela_permit):
    RegisteredPermit.objects.create(relative=angela, permit=angela_permit, status=ACCEPTED)
    angela_permit.status = PermitStatus.SUSPENDED
    angela_permit.save()
    page = text(logged_in(angela).get("/mon-espace/"))
    assert "Suspendu" in page
    assert "Faire un virement" not in page
    assert "Ce permis ne permet pas de faire un virement." in page


def test_a_temporary_permit_without_authorisation_offers_no_transfer(angela, angela_permit):
    RegisteredPermit.objects.create(relative=angela, permit=angela_permit, status=ACCEPTED)
    angela_permit.kind = PermitKind.TEMPORARY
    angela_permit.save()
    assert "Faire un virement" not in text(logged_in(angela).get("/mon-espace/"))


def test_pecule_without_a_permit_offers_to_add_one(angela):
    page = text(logged_in(angela).get("/mon-espace/pecule/"))
    assert "Aucun permis de visite enregistré" in page
    assert 'href="/mon-espace/permis/ajouter/"' in page and "Ajouter un permis de visite" in page


def test_a_relative_only_sees_their_own_permits(angela, pierre, angela_permit, pierre_permit):
    RegisteredPermit.objects.create(relative=angela, permit=angela_permit, status=ACCEPTED)
    theirs = RegisteredPermit.objects.create(relative=pierre, permit=pierre_permit, status=ACCEPTED)
    client = logged_in(angela)
    assert "PV-2026-000124" not in text(client.get("/mon-espace/"))
    assert client.get(f"/mon-espace/permis/{theirs.pk}/").status_code == 404
    assert client.get("/mon-espace/pecule/", {"permis": theirs.pk}).status_code == 404
    assert client.get("/mon-espace/pecule/", {"permis": "1 OR 1=1"}).status_code == 404
    assert client.get("/mon-espace/permis/999999/").status_code == 404


def test_own_permit_detail_is_shown(angela, angela_permit):
    registration = RegisteredPermit.objects.create(relative=angela, permit=angela_permit, status=ACCEPTED)
    response = logged_in(angela).get(f"/mon-espace/permis/{registration.pk}/")
    assert response.status_code == 200 and "PV-2026-000123" in text(response)


def test_adding_a_permit_from_the_form(angela, angela_permit):
    client = logged_in(angela)
    response = client.post("/mon-espace/permis/ajouter/",
                           {"permit_number": "pv-2026-000123", "detainee_family_name": "Martin"}, follow=True)
    assert "Le permis de visite PV-2026-000123 a été ajouté à votre espace." in text(response)
    again = client.post("/mon-espace/permis/ajouter/",
                        {"permit_number": "PV-2026-000123", "detainee_family_name": "MARTIN"}, follow=True)
    assert "Ce permis de visite est déjà enregistré sur votre espace." in text(again)
    assert RegisteredPermit.objects.filter(relative=angela).count() == 1


def test_another_relatives_permit_cannot_be_added(angela, pierre_permit):
    response = logged_in(angela).post("/mon-espace/permis/ajouter/",
                                      {"permit_number": "PV-2026-000124", "detainee_family_name": "MARTIN"})
    assert response.status_code == 400
    assert "Nous n'avons pas trouvé de permis de visite à votre nom" in text(response)
    assert not RegisteredPermit.objects.exists()


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"permit_number": "X" * 10_000, "detainee_family_name": "MARTIN"},
         "Le numéro du permis compte au plus 40 caractères."),
        ({"permit_number": "PV-2026-000123<script>", "detainee_family_name": "MARTIN"},
         "Le numéro du permis ne contient que des lettres, des chiffres et des tirets."),
        ({"permit_number": "PV-2026-000123", "detainee_family_name": "MARTIN; DROP TABLE"},
         "Le nom ne contient que des lettres, des espaces, des tirets et des apostrophes."),
        ({"permit_number": "", "detainee_family_name": ""}, "Saisissez le numéro du permis de visite."),
    ],
)
def test_odd_input_in_the_form_gets_a_french_error(angela, angela_permit, data, message):
    response = logged_in(angela).post("/mon-espace/permis/ajouter/", data)
    assert response.status_code == 400
    page = text(response)
    assert message in page
    assert "X" * 201 not in page  # a huge input is not echoed back whole
    assert not RegisteredPermit.objects.exists()


def test_the_rate_limit_message_says_when_to_retry(angela, angela_permit):
    client = logged_in(angela)
    for _ in range(5):
        client.post("/mon-espace/permis/ajouter/", {"permit_number": "PV-2026-999999", "detainee_family_name": "X"})
    response = client.post("/mon-espace/permis/ajouter/",
                           {"permit_number": "PV-2026-000123", "detainee_family_name": "MARTIN"})
    assert "Vous avez fait trop de tentatives infructueuses." in text(response)
    assert "vous pourrez réessayer à partir de" in text(response)
    assert not RegisteredPermit.objects.exists()
    assert RegistrationAttempt.objects.filter(relative=angela).count() == 5


def test_the_forms_need_a_csrf_token(angela, angela_permit):
    client = Client(enforce_csrf_checks=True)
    client.force_login(angela.user)
    response = client.post("/mon-espace/permis/ajouter/",
                           {"permit_number": "PV-2026-000123", "detainee_family_name": "MARTIN"})
    assert response.status_code == 403
    assert client.post("/deconnexion/").status_code == 403
    assert Client(enforce_csrf_checks=True).post("/connexion/franceconnect/").status_code == 403
    assert not RegisteredPermit.objects.exists()


def test_a_relative_session_ends_after_30_minutes_idle(angela, settings):
    client = logged_in(angela)
    assert client.get("/mon-espace/").status_code == 200
    session = client.session
    session[LAST_ACTIVITY_KEY] = int(time.time()) - 29 * 60
    session.save()
    assert client.get("/mon-espace/").status_code == 200  # still active, and the clock restarts
    session = client.session
    session[LAST_ACTIVITY_KEY] = int(time.time()) - 31 * 60
    session.save()
    response = client.get("/mon-espace/", follow=True)
    assert response.redirect_chain[-1][0] == "/"
    assert "Votre session a pris fin après 30 minutes d'inactivité. Reconnectez-vous pour continuer." in text(response)
    assert "_auth_user_id" not in client.session


def test_the_session_cookie_is_http_only_and_expires_with_idleness(angela):
    client = logged_in(angela)
    response = client.get("/mon-espace/")
    cookie = response.cookies["sessionid"]
    assert cookie["httponly"] is True
    assert cookie["max-age"] == 30 * 60
    assert response.headers["Cache-Control"].startswith("max-age=0")


def test_accueil_costs_the_same_queries_for_one_or_many_permits(angela):
    def count() -> int:
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        client = logged_in(angela)
        client.get("/mon-espace/")  # warm the session
        with CaptureQueriesContext(connection) as queries:
            assert client.get("/mon-espace/").status_code == 200
        return len(queries)

    RegisteredPermit.objects.create(relative=angela, permit=VisitPermitFactory(), status=ACCEPTED)
    one = count()
    for _ in range(9):
        RegisteredPermit.objects.create(relative=angela, permit=VisitPermitFactory(), status=ACCEPTED)
    assert count() == one


def test_the_pecule_tab_is_one_route_served_by_the_transfer_flow(angela, angela_permit):
    from django.urls import NoReverseMatch, resolve, reverse

    from transfers import views as transfer_views

    assert reverse("transfers:pecule") == "/mon-espace/pecule/"
    match = resolve("/mon-espace/pecule/")
    assert match.view_name == "transfers:pecule" and match.func is transfer_views.pecule
    with pytest.raises(NoReverseMatch):
        reverse("accounts:pecule")  # the dead view's name is gone with it
    registration = RegisteredPermit.objects.create(relative=angela, permit=angela_permit, status=ACCEPTED)
    client = logged_in(angela)
    accueil = text(client.get("/mon-espace/"))
    assert 'href="/mon-espace/pecule/"' in accueil  # the "Pécule" tab
    tab = text(client.get(f"/mon-espace/pecule/?permis={registration.pk}"))
    assert "Jean MARTIN" in tab and "Voir l'historique" in tab  # the live page, with the transfer flow
