"""Staff accounts in the back office: national administrators manage them through roles and
establishments, but never make a superuser nor touch one."""

import pytest
from django.contrib.auth.models import Group, Permission
from django.urls import reverse

from accounts.models import Relative, User
from accounts.roles import AUDITED_APPS, ROLE_PERMISSIONS, sync_role_permissions
from tests.accounts.factories import StaffFactory
from tests.accounts.scenario import admin_url


def _user_form(user, **changes):
    data = {"username": user.username, "first_name": user.first_name, "last_name": user.last_name,
            "email": user.email, "is_active": "on", "is_staff": "on",
            "groups": list(user.groups.values_list("pk", flat=True)),
            "establishments": list(user.establishments.values_list("pk", flat=True))}
    return {**data, **changes}


def test_national_cannot_make_anyone_superuser_nor_grant_single_permissions(client, national):
    agent = StaffFactory(role="greffe")
    everything = list(Permission.objects.values_list("pk", flat=True))
    response = client.post(admin_url(agent, "change"),
                           _user_form(agent, is_superuser="on", user_permissions=everything, last_name="ROUX"))
    assert response.status_code == 302
    agent.refresh_from_db()
    assert agent.last_name == "ROUX"
    assert not agent.is_superuser
    assert not agent.user_permissions.exists()
    content = client.get(admin_url(agent, "change")).content.decode()
    assert 'name="is_superuser"' not in content
    assert 'name="user_permissions"' not in content


def test_national_cannot_promote_themselves(client, national):
    client.post(admin_url(national, "change"), _user_form(national, is_superuser="on"))
    national.refresh_from_db()
    assert not national.is_superuser


def test_national_cannot_change_a_superuser(client, national):
    root = User.objects.create_superuser(username="root", password="Un-mot-de-passe-solide-42")
    response = client.get(admin_url(root, "change"))
    assert response.status_code == 200
    assert response.context["has_change_permission"] is False
    response = client.post(admin_url(root, "change"), _user_form(root, is_active=""))
    assert response.status_code == 403
    response = client.post(reverse("admin:auth_user_password_change", args=(root.pk,)),
                           {"password1": "Pris-en-main-1234", "password2": "Pris-en-main-1234"})
    assert response.status_code == 403
    root.refresh_from_db()
    assert root.is_active and root.check_password("Un-mot-de-passe-solide-42")


def test_relatives_are_not_listed_among_staff_accounts(client, national):
    relative_user = User.objects.create_user(username="fc-relative")
    Relative.objects.create(user=relative_user, sub="s", given_name="A", family_name="B", birthdate="1970-01-01")
    response = client.get(reverse("admin:accounts_user_changelist"))
    assert relative_user not in set(response.context["cl"].result_list)
    assert national in set(response.context["cl"].result_list)


def test_national_can_reset_a_staff_password(client, national):
    agent = StaffFactory(role="greffe")
    response = client.post(reverse("admin:auth_user_password_change", args=(agent.pk,)),
                           {"password1": "Nouveau-mot-de-passe-77", "password2": "Nouveau-mot-de-passe-77"})
    assert response.status_code == 302
    agent.refresh_from_db()
    assert agent.check_password("Nouveau-mot-de-passe-77")
    assert agent.history.latest().history_user == national


def test_weak_password_is_refused_in_french(client, national):
    response = client.post(reverse("admin:accounts_user_add"),
                           {"username": "faible", "usable_password": "true", "password1": "azerty",
                            "password2": "azerty"})
    assert response.status_code == 200
    assert "Ce mot de passe est trop court" in response.content.decode()
    assert not User.objects.filter(username="faible").exists()


@pytest.mark.django_db
def test_role_groups_hold_exactly_their_permissions():
    for role, models in ROLE_PERMISSIONS.items():
        granted = set(Group.objects.get(name=role).permissions.values_list("content_type__app_label", "codename"))
        for label, actions in models.items():
            app_label, model = label.split(".")
            for action in actions:
                assert (app_label, f"{action}_{model}") in granted, (role, action, label)
    auditor = set(Group.objects.get(name="auditeur").permissions.values_list("codename", flat=True))
    assert auditor and all(codename.startswith("view_") for codename in auditor)
    assert {"view_historicaldetainee", "view_visitpermit", "view_user"} <= auditor
    communication = Group.objects.get(name="communication").permissions
    assert not communication.filter(content_type__app_label__in=(*AUDITED_APPS, "auth")).exists()


@pytest.mark.django_db
def test_sync_restores_a_tampered_role():
    greffe = Group.objects.get(name="greffe")
    greffe.permissions.add(Permission.objects.get(codename="delete_establishment"))
    greffe.permissions.remove(Permission.objects.get(codename="add_detainee"))
    sync_role_permissions()
    codenames = set(greffe.permissions.values_list("codename", flat=True))
    assert "delete_establishment" not in codenames
    assert "add_detainee" in codenames
