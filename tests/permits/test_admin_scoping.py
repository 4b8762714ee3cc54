"""A greffe (or régie) user of one establishment trying every back-office URL of another
establishment's objects gets 403 or 404, finds nothing of them in lists, choices, searches or exports,
and changes nothing."""

import datetime

import pytest
from django.urls import reverse

from permits.models import Detainee, VisitPermit
from tests.accounts.factories import StaffFactory
from tests.accounts.scenario import PAGES, admin_url, make_world
from tests.accounts.staff_login import login_staff
from tests.permits.factories import DetaineeFactory

SCOPED_MODELS = ("establishments.establishment", "permits.detainee", "permits.visitpermit")


@pytest.fixture
def world(db):
    return make_world()


@pytest.fixture
def greffe_a(client, world):
    user = StaffFactory(role="greffe", establishments=[world.a.establishment])
    login_staff(client, user)
    return user


def _detainee_form(detainee, **changes):
    data = {
        "establishment": detainee.establishment_id, "ecrou": detainee.ecrou, "family_name": detainee.family_name,
        "first_name": detainee.first_name, "birth_date": detainee.birth_date.isoformat(),
        "status": detainee.status, "may_receive_money": "on",
    }
    return {**data, **changes}


@pytest.mark.parametrize("role", ["greffe", "regie"])
@pytest.mark.parametrize("model", SCOPED_MODELS)
def test_every_url_of_another_establishments_object_is_refused(client, world, role, model):
    login_staff(client, StaffFactory(role=role, establishments=[world.a.establishment]))
    theirs = world.b.objects[model]
    for page in PAGES:
        if page in ("changelist", "add"):
            continue
        status = client.get(admin_url(theirs, page)).status_code
        assert status in (403, 404), (page, status)
    # The same pages of the user's own object answer: the refusal above is the scope, not the page.
    assert client.get(admin_url(world.a.objects[model], "history")).status_code == 200


def test_lists_show_only_own_rows(client, world, greffe_a):
    for model in SCOPED_MODELS:
        response = client.get(admin_url(world.a.objects[model], "changelist"))
        shown = set(response.context["cl"].result_list)
        assert world.a.objects[model] in shown
        assert world.b.objects[model] not in shown
    # Filtering on the other establishment shows nothing either; its name is not offered as a filter.
    response = client.get(
        reverse("admin:permits_detainee_changelist"), {"establishment__id__exact": world.b.establishment.pk}
    )
    assert world.b.detainee not in set(response.context["cl"].result_list)
    assert world.b.establishment.name not in response.content.decode()


def test_search_does_not_reach_other_establishments(client, world, greffe_a):
    response = client.get(reverse("admin:permits_visitpermit_changelist"), {"q": world.b.permit.number})
    assert list(response.context["cl"].result_list) == []


def test_post_to_another_establishments_object_changes_nothing(client, world, greffe_a):
    theirs = world.b.detainee
    response = client.post(admin_url(theirs, "change"), _detainee_form(theirs, family_name="PIRATE"))
    assert response.status_code in (403, 404)
    response = client.post(admin_url(theirs, "delete"), {"post": "yes"})
    assert response.status_code in (403, 404)
    theirs.refresh_from_db()
    assert theirs.family_name != "PIRATE"
    assert theirs.history.count() == 1


def test_form_choices_offer_only_own_establishment_and_detainees(client, world, greffe_a):
    response = client.get(reverse("admin:permits_detainee_add"))
    choices = set(response.context["adminform"].form.fields["establishment"].queryset)
    assert choices == {world.a.establishment}
    response = client.get(reverse("admin:permits_visitpermit_add"))
    assert set(response.context["adminform"].form.fields["detainee"].queryset) == {world.a.detainee}


def test_cannot_create_a_row_in_another_establishment(client, world, greffe_a):
    response = client.post(
        reverse("admin:permits_detainee_add"),
        _detainee_form(world.b.detainee, ecrou="777777", family_name="INTRUS"),
    )
    assert response.status_code == 200
    assert "establishment" in response.context["adminform"].form.errors
    assert "Sélectionnez un choix valide" in response.content.decode()
    response = client.post(
        reverse("admin:permits_visitpermit_add"),
        {"number": "PV-INTRUS", "detainee": world.b.detainee.pk, "holder_family_name": "X",
         "holder_first_names": "Y", "holder_birth_date": "1970-01-01", "kind": "permanent",
         "valid_from": "2026-01-01", "status": "active"},
    )
    assert response.status_code == 200
    assert "detainee" in response.context["adminform"].form.errors
    assert not Detainee.objects.filter(ecrou="777777").exists()
    assert not VisitPermit.objects.filter(number="PV-INTRUS").exists()


def test_autocomplete_offers_only_own_detainees(client, world, greffe_a):
    params = {"app_label": "permits", "model_name": "visitpermit", "field_name": "detainee"}
    results = client.get(reverse("admin:autocomplete"), {**params, "term": ""}).json()["results"]
    assert {r["id"] for r in results} == {str(world.a.detainee.pk)}
    results = client.get(reverse("admin:autocomplete"), {**params, "term": world.b.detainee.family_name}).json()
    assert results["results"] == []


def test_history_of_a_deleted_object_stays_scoped(client, world, greffe_a):
    theirs = world.b.permit
    url_history, url_version = admin_url(theirs, "history"), admin_url(theirs, "version")
    theirs.delete()
    # simple-history would fall back to the last historical record: it must not show it.
    assert client.get(url_history).status_code == 404
    assert client.get(url_version).status_code == 404
    ours = world.a.permit
    ours_history = admin_url(ours, "history")
    ours.delete()
    assert client.get(ours_history).status_code == 200


def test_history_of_a_detainee_transferred_away_is_no_longer_readable(client, world, greffe_a):
    moving = DetaineeFactory(establishment=world.a.establishment)
    old_version = admin_url(moving, "version")
    moving.establishment = world.b.establishment
    moving.save()
    assert client.get(admin_url(moving, "history")).status_code == 404
    assert client.get(old_version).status_code == 404


def test_malformed_ids_answer_404(client, world, greffe_a):
    for url in ("/gestion/permits/detainee/abc/history/", "/gestion/permits/detainee/abc/history/xyz/",
                "/gestion/permits/detainee/999999/change/"):
        assert client.get(url).status_code == 404, url


def test_export_contains_only_own_rows(client, world, greffe_a):
    url = reverse("admin:permits_detainee_export")
    form = client.get(url).context["form"]
    data = {name: "on" for name, field in form.fields.items() if field.__class__.__name__ == "BooleanField"}
    data.update({"format": "0", "resource": "0"})
    response = client.post(url, data)
    assert response.status_code == 200
    content = b"".join(response.streaming_content if response.streaming else [response.content])
    text = content.decode("utf-8-sig")
    assert world.a.detainee.ecrou in text
    assert world.b.detainee.ecrou not in text


def test_national_and_auditor_see_every_establishment(client, world):
    for role in ("national", "auditeur"):
        login_staff(client, StaffFactory(role=role))
        response = client.get(reverse("admin:permits_detainee_changelist"))
        assert {world.a.detainee, world.b.detainee} <= set(response.context["cl"].result_list)
        assert client.get(admin_url(world.b.detainee, "history")).status_code == 200


def test_user_of_two_establishments_sees_both(client, world):
    login_staff(client, StaffFactory(role="greffe", establishments=[world.a.establishment, world.b.establishment]))
    response = client.get(reverse("admin:permits_visitpermit_changelist"))
    assert {world.a.permit, world.b.permit} <= set(response.context["cl"].result_list)


def test_inactive_staff_is_refused(client, world):
    user = StaffFactory(role="greffe", establishments=[world.a.establishment])
    user.is_active = False
    user.save()
    login_staff(client, user)
    assert client.get(admin_url(world.a.detainee, "change")).status_code == 302


def test_greffe_changes_own_detainee_and_it_shows_in_history(client, world, greffe_a):
    ours = world.a.detainee
    response = client.post(admin_url(ours, "change"), _detainee_form(ours, may_receive_money=""))
    assert response.status_code == 302
    ours.refresh_from_db()
    assert ours.may_receive_money is False
    latest = ours.history.latest()
    assert latest.history_user == greffe_a
    assert latest.birth_date == datetime.date(1990, 5, 17)


def test_greffe_without_establishment_sees_no_row(client, world):
    login_staff(client, StaffFactory(role="greffe"))
    for model in SCOPED_MODELS:
        response = client.get(admin_url(world.a.objects[model], "changelist"))
        assert list(response.context["cl"].result_list) == []
    response = client.get(reverse("admin:permits_detainee_add"))
    assert list(response.context["adminform"].form.fields["establishment"].queryset) == []


def test_index_lists_only_what_the_role_may_open(client, world, greffe_a):
    content = client.get(reverse("admin:index")).content.decode()
    assert reverse("admin:permits_detainee_changelist") in content
    assert reverse("admin:permits_visitpermit_changelist") in content
    for hidden in ("admin:establishments_bank_changelist", "admin:establishments_nationalceiling_changelist",
                   "admin:accounts_user_changelist", "admin:accounts_relative_changelist"):
        assert reverse(hidden) not in content, hidden
