"""The monitoring in the admin: the rules' thresholds changed by the national role only (through
services.review.update_rule, with history), read by the security staff with their label and explanation; the
back office's home links the review queue for those who may open it."""

from __future__ import annotations

import pytest

from monitoring.constants import MonitoringAuditReason, RuleCode
from monitoring.models import Rule
from tests.accounts.factories import StaffFactory
from tests.accounts.staff_login import client_for
from tests.establishments.factories import EstablishmentFactory

pytestmark = pytest.mark.django_db


def _rule_url(rule) -> str:
    return f"/gestion/monitoring/rule/{rule.pk}/change/"


def _form(**values) -> dict:
    data = {"enabled": "on", "holds": "on", "threshold": "3", "window_days": "7", "margin_percent": "0"}
    data.update(values)
    return {key: value for key, value in data.items() if value is not None}


def test_national_changes_a_threshold_with_the_history(db):
    national = StaffFactory(role="national")
    rule = Rule.objects.get(code=RuleCode.FREQUENT_PAIR)
    client = client_for(national)
    page = client.get(_rule_url(rule)).content.decode()
    assert "Virements répétés d" in page and "un payeur à une personne détenue" in page
    assert "Plus de 3 virements du même proche" in page
    response = client.post(_rule_url(rule), _form(threshold="5", window_days="14", holds=None))
    assert response.status_code == 302
    rule.refresh_from_db()
    assert (rule.threshold, rule.window_days, rule.holds) == (5, 14, False)
    record = rule.history.first()
    assert record.history_user == national
    assert record.history_change_reason.startswith(MonitoringAuditReason.RULE_CHANGED.value)


def test_a_margin_above_50_is_refused_in_french_and_changes_nothing(db):
    rule = Rule.objects.get(code=RuleCode.NEAR_CAP)
    response = client_for(StaffFactory(role="national")).post(_rule_url(rule), _form(margin_percent="80"))
    assert response.status_code == 200
    assert "La marge est de 50 % au plus." in response.content.decode()
    rule.refresh_from_db()
    assert rule.margin_percent == 5


@pytest.mark.parametrize("role", ["securite", "auditeur"])
def test_security_staff_and_auditors_read_the_rules_without_changing_them(db, role):
    est = EstablishmentFactory()
    client = client_for(StaffFactory(role=role, establishments=[est]))
    rule = Rule.objects.get(code=RuleCode.PAYER_MANY_DETAINEES)
    listing = client.get("/gestion/monitoring/rule/")
    assert listing.status_code == 200 and "Un payeur pour plusieurs personnes détenues" in listing.content.decode()
    page = client.get(_rule_url(rule))
    assert page.status_code == 200
    assert "Un même proche a alimenté le pécule de plus de 1" in page.content.decode()
    assert 'name="_save"' not in page.content.decode()
    assert client.post(_rule_url(rule), _form(threshold="9")).status_code == 403
    rule.refresh_from_db()
    assert rule.threshold == 1


def test_the_home_page_links_the_queue_for_those_who_may_open_it(db):
    est = EstablishmentFactory()
    home = client_for(StaffFactory(role="securite", establishments=[est])).get("/gestion/").content.decode()
    assert 'href="/gestion/securite/"' in home and "Alertes à examiner" in home
    assert 'href="/gestion/securite/paires/"' in home
    greffe_home = client_for(StaffFactory(role="greffe", establishments=[est])).get("/gestion/").content.decode()
    assert 'href="/gestion/securite/"' not in greffe_home
