"""Each role's rights on every page of the back office (/gestion/): list, add, change, delete, history
and a version of the history, for the objects of the user's own establishment."""

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse

from tests.accounts.factories import StaffFactory
from tests.accounts.scenario import PAGES, admin_url, make_world
from tests.accounts.staff_login import login_staff

MODELS = (
    "establishments.establishment",
    "establishments.nationalceiling",
    "establishments.bank",
    "permits.detainee",
    "permits.visitpermit",
    "accounts.user",
    "accounts.relative",
    "auth.group",
)
ALL = {"view", "add", "change", "delete"}
VIEW = {"view"}
EDIT = {"view", "add", "change"}
# What each role may do, model by model (the issue: greffe keeps detainees and permits, régie sets the
# caps, national does everything, the auditor reads everything). The national ceiling is a single row:
# once set, nobody adds another; relatives come from FranceConnect only, never added by hand.
EXPECTED = {
    "greffe": {
        "establishments.establishment": VIEW,
        "permits.detainee": EDIT,
        "permits.visitpermit": EDIT,
    },
    "regie": {
        "establishments.establishment": {"view", "change"},
        "establishments.nationalceiling": VIEW,
        "establishments.bank": VIEW,
        "permits.detainee": VIEW,
        "permits.visitpermit": VIEW,
    },
    "national": {
        "establishments.establishment": ALL,
        "establishments.nationalceiling": {"view", "change"},
        "establishments.bank": ALL,
        "permits.detainee": EDIT,
        "permits.visitpermit": EDIT,
        "accounts.user": EDIT,
        "accounts.relative": VIEW,
        "auth.group": VIEW,
    },
    "auditeur": {model: VIEW for model in MODELS},
}


def _object(world, model):
    if model == "auth.group":
        return Group.objects.get(name="greffe")
    return {**world.a.objects, **world.shared_objects()}[model]


def _pages(model):
    return [p for p in PAGES if not (model == "auth.group" and p == "version")]


def _expected_status(rights: set[str], page: str) -> int:
    needed = {"changelist": "view", "change": "view", "history": "view", "version": "view"}.get(page, page)
    return 200 if needed in rights else 403


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["greffe", "regie", "national", "auditeur"])
@pytest.mark.parametrize("model", MODELS)
def test_role_rights_on_every_admin_page(client, role, model):
    world = make_world()
    user = StaffFactory(role=role, establishments=[world.a.establishment])
    login_staff(client, user)
    obj = _object(world, model)
    rights = EXPECTED[role].get(model, set())
    got, wanted = {}, {}
    for page in _pages(model):
        response = client.get(admin_url(obj, page))
        got[page], wanted[page] = response.status_code, _expected_status(rights, page)
        if page == "change" and response.status_code == 200:
            # A read-only page for whoever may only view; a form for whoever may change.
            got["change:editable"] = response.context["has_change_permission"]
            wanted["change:editable"] = "change" in rights
    assert got == wanted


@pytest.mark.django_db
@pytest.mark.parametrize("model", MODELS)
def test_anonymous_is_sent_to_the_login_page(client, model):
    world = make_world()
    obj = _object(world, model)
    for page in _pages(model):
        response = client.get(admin_url(obj, page))
        assert response.status_code == 302, page
        assert response["Location"].startswith(reverse("admin:login")), page


@pytest.mark.django_db
@pytest.mark.parametrize("is_staff", [True, False])
def test_communication_team_has_no_access_to_the_back_office(client, is_staff):
    world = make_world()
    user = StaffFactory(role="communication", is_staff=is_staff)
    login_staff(client, user)
    assert client.get(reverse("admin:index")).status_code == 302
    for model in MODELS:
        obj = _object(world, model)
        for page in _pages(model):
            response = client.get(admin_url(obj, page))
            assert response.status_code == 302, (model, page)
            assert response["Location"].startswith(reverse("admin:login"))


@pytest.mark.django_db
def test_staff_without_any_role_has_no_access(client):
    make_world()
    login_staff(client, StaffFactory())
    assert client.get(reverse("admin:index")).status_code == 302


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["greffe", "regie", "national", "auditeur"])
def test_back_office_roles_reach_the_index_in_french(client, role):
    login_staff(client, StaffFactory(role=role))
    response = client.get(reverse("admin:index"))
    assert response.status_code == 200
    content = response.content.decode()
    assert '<html lang="fr"' in content
    assert "Portail des proches — gestion" in content
    assert "Se déconnecter" in content


@pytest.mark.django_db
def test_auditor_changes_nothing(client):
    world = make_world()
    login_staff(client, StaffFactory(role="auditeur"))
    detainee = world.a.detainee
    response = client.post(
        admin_url(detainee, "change"),
        {"establishment": detainee.establishment_id, "ecrou": "999", "family_name": "AUTRE",
         "first_name": "X", "birth_date": "1990-01-01", "status": "detained"},
    )
    assert response.status_code == 403
    detainee.refresh_from_db()
    assert detainee.family_name != "AUTRE"
    assert detainee.history.count() == 1


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["national", "auditeur", "greffe"])
def test_a_history_version_page_never_saves(client, role):
    """simple-history would save a form posted to a version page; the back office refuses it."""
    world = make_world()
    detainee = world.a.detainee
    login_staff(client, StaffFactory(role=role, establishments=[world.a.establishment]))
    response = client.post(
        admin_url(detainee, "version"),
        {"establishment": detainee.establishment_id, "ecrou": detainee.ecrou, "family_name": "REVERTI",
         "first_name": "X", "birth_date": "1990-01-01", "status": "detained", "may_receive_money": "on"},
    )
    assert response.status_code == 403
    detainee.refresh_from_db()
    assert detainee.family_name != "REVERTI"
    assert detainee.history.count() == 1


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["greffe", "regie", "national", "auditeur", "communication", None])
@pytest.mark.parametrize("model", ["permits.detainee", "permits.visitpermit"])
def test_import_and_export_pages_follow_the_role(client, role, model):
    """Importing changes rows (greffe, national); exporting reads them (every back-office role)."""
    if role:
        login_staff(client, StaffFactory(role=role))
    app_label, model_name = model.split(".")
    rights = EXPECTED.get(role, {}).get(model, set())
    for page, needed in (("import", "change"), ("export", "view")):
        response = client.get(reverse(f"admin:{app_label}_{model_name}_{page}"))
        if role in (None, "communication"):
            assert response.status_code == 302, page
        else:
            assert response.status_code == (200 if needed in rights else 403), (page, response.status_code)
