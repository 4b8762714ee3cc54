"""The daily digest (monitoring.services.digest.send_digests, task monitoring.send_digests): one e-mail per
security officer with an address, listing per establishment the open alerts (count, oldest's age, the lines with
a link to each alert), none when nothing waits, none to the inactive, to those without an address or of another
establishment."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from monitoring.constants import DIGEST_MAX_LINES, AlertStatus
from monitoring.models import Alert
from monitoring.services.digest import send_digests
from monitoring.tasks import send_digests as send_digests_task
from tests.accounts.factories import StaffFactory
from tests.establishments.factories import EstablishmentFactory
from tests.permits.factories import DetaineeFactory, VisitPermitFactory
from tests.transfers.factories import TransferFactory

from .factories import AlertFactory, AlertHitFactory

pytestmark = pytest.mark.django_db


def _alert(est, amount="50.00", days_ago=0):
    transfer = TransferFactory(permit=VisitPermitFactory(detainee=DetaineeFactory(establishment=est)), held=True,
                               amount=Decimal(amount))
    alert = AlertFactory(transfer=transfer)
    AlertHitFactory(alert=alert)
    Alert.objects.filter(pk=alert.pk).update(created_at=timezone.now() - datetime.timedelta(days=days_ago))
    return alert


@pytest.fixture
def world():
    est = EstablishmentFactory(code="ETABD", name="Maison d'arrêt de Digest")
    other = EstablishmentFactory(code="ETABO", name="Centre de détention Autre")
    return {
        "est": est, "other": other,
        "officer": StaffFactory(role="securite", establishments=[est], email="securite@example.fr"),
    }


def test_nothing_waits_no_mail(world, mailoutbox):
    assert send_digests() == 0
    assert mailoutbox == []


def test_one_mail_per_officer_with_the_establishments_alerts(world, mailoutbox, settings):
    settings.PORTAL_BASE_URL = "https://proches.example.fr"
    oldest = _alert(world["est"], amount="195.00", days_ago=3)
    _alert(world["est"])
    far = _alert(world["other"])
    StaffFactory(role="securite", establishments=[world["est"]], email="")  # no address: no mail
    StaffFactory(role="securite", establishments=[world["est"]], email="parti@example.fr", is_active=False)
    StaffFactory(role="regie", establishments=[world["est"]], email="regie@example.fr")
    assert send_digests() == 1
    (mail,) = mailoutbox
    assert mail.to == ["securite@example.fr"]
    assert mail.subject == "Surveillance des flux : 2 alertes à examiner"
    assert "Maison d'arrêt de Digest (ETABD)" in mail.body
    assert "2 alertes ouvertes, la plus ancienne depuis 3 jours." in mail.body
    assert oldest.transfer.reference in mail.body and "195,00" in mail.body
    assert "Un payeur pour plusieurs personnes détenues" in mail.body
    assert f"https://proches.example.fr/gestion/securite/alertes/{oldest.pk}/" in mail.body
    assert far.transfer.reference not in mail.body
    html, mime = mail.alternatives[0]
    assert mime == "text/html"
    assert f'href="https://proches.example.fr/gestion/securite/alertes/{oldest.pk}/"' in html
    assert far.transfer.reference not in html


def test_a_decided_alert_is_no_longer_listed_and_the_list_is_capped(world, mailoutbox):
    decided = _alert(world["est"])
    Alert.objects.filter(pk=decided.pk).update(status=AlertStatus.AUTO_ACCEPTED, decided_at=timezone.now())
    for _ in range(DIGEST_MAX_LINES + 2):
        _alert(world["est"])
    national = StaffFactory(role="national", email="national@example.fr")
    assert send_digests_task.delay().get() == 1
    (mail,) = mailoutbox
    assert national.email not in mail.to
    assert decided.transfer.reference not in mail.body
    assert mail.body.count("/gestion/securite/alertes/") == DIGEST_MAX_LINES
    assert "… et 2 autres" in mail.body
