"""The security review's pages (/gestion/securite/): the queue with its filters and exports, an alert and its
decision, the payer's and detainee's flows, the pairs. Scoped on every URL (another establishment's officer: 404),
refused to staff without the right (403), to anonymous visitors (login), read only for auditors; bad input
answers a French error and changes nothing; the queue costs the same queries for 1 or 30 alerts."""

from __future__ import annotations

import csv
import io
from decimal import Decimal

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from openpyxl import load_workbook

from monitoring.constants import AlertKind, AlertStatus, DecisionReason, RuleCode
from monitoring.models import AllowedPair
from tests.accounts.factories import StaffFactory
from tests.accounts.staff_login import client_for
from tests.establishments.factories import EstablishmentFactory
from tests.permits.factories import DetaineeFactory, VisitPermitFactory
from tests.transfers.factories import RelativeFactory, TransferFactory

from .factories import AlertFactory, AlertHitFactory, AllowedPairFactory, PayerAccountFactory

pytestmark = pytest.mark.django_db

QUEUE = "/gestion/securite/"


def _alert(est, *, family_name="DURAND", amount="50.00", rule=RuleCode.PAYER_MANY_DETAINEES, **kwargs):
    detainee = DetaineeFactory(establishment=est)
    relative = RelativeFactory(family_name=family_name)
    transfer = TransferFactory(relative=relative, permit=VisitPermitFactory(detainee=detainee), held=True,
                               amount=Decimal(amount))
    alert = AlertFactory(transfer=transfer, **kwargs)
    AlertHitFactory(alert=alert, rule_code=rule)
    return alert


@pytest.fixture
def world():
    est = EstablishmentFactory(code="ETABS")
    elsewhere = EstablishmentFactory(code="ETABX")
    alert = _alert(est, family_name="DURAND")
    far = _alert(elsewhere, family_name="LOINTAIN")
    pair = AllowedPairFactory(relative=alert.transfer.relative, detainee=alert.transfer.detainee)
    far_pair = AllowedPairFactory(relative=far.transfer.relative, detainee=far.transfer.detainee)
    return {
        "est": est, "alert": alert, "far": far, "pair": pair, "far_pair": far_pair,
        "officer": StaffFactory(role="securite", establishments=[est]),
        "stranger": StaffFactory(role="securite", establishments=[elsewhere]),
    }


def _urls(alert, pair) -> dict[str, tuple[str, str]]:
    transfer = alert.transfer
    return {
        "alert": ("get", f"{QUEUE}alertes/{alert.pk}/"),
        "assign": ("post", f"{QUEUE}alertes/{alert.pk}/prendre/"),
        "decide": ("post", f"{QUEUE}alertes/{alert.pk}/decision/"),
        "payer": ("get", f"{QUEUE}payeurs/{transfer.relative_id}/"),
        "detainee": ("get", f"{QUEUE}personnes-detenues/{transfer.detainee_id}/"),
        "revoke": ("post", f"{QUEUE}paires/{pair.pk}/retirer/"),
    }


def _decision(**overrides) -> dict:
    return {"decision": "accept", "reason": DecisionReason.FAMILY_CHECKED, "note": "", **overrides}


def test_another_establishments_officer_gets_404_on_every_object_and_changes_nothing(world):
    client = client_for(world["stranger"])
    for name, (method, url) in _urls(world["alert"], world["pair"]).items():
        response = client.post(url, _decision()) if method == "post" else client.get(url)
        assert response.status_code == 404, name
    world["alert"].refresh_from_db()
    world["pair"].refresh_from_db()
    assert world["alert"].status == AlertStatus.OPEN and world["alert"].assigned_to is None
    assert world["pair"].active
    # Their own establishment's alert is there; the other one is absent from the queue and the exports.
    page = client.get(QUEUE).content.decode()
    assert world["far"].transfer.reference in page and world["alert"].transfer.reference not in page
    for fmt in ("csv", "xlsx"):
        export = client.get(f"{QUEUE}export/", {"format": fmt, "statut": "all"})
        assert export.status_code == 200
        text = export.content.decode("utf-8") if fmt == "csv" else _xlsx_text(export.content)
        assert world["far"].transfer.reference in text and world["alert"].transfer.reference not in text
    pairs = client.get(f"{QUEUE}paires/").content.decode()
    assert "LOINTAIN" in pairs and "DURAND" not in pairs


@pytest.mark.parametrize("role", ["greffe", "regie", "parloirs"])
def test_staff_without_the_right_are_refused_on_every_page(world, role):
    client = client_for(StaffFactory(role=role, establishments=[world["est"]]))
    pages = [("get", QUEUE), ("get", f"{QUEUE}export/?format=csv"), ("get", f"{QUEUE}paires/")]
    pages += list(_urls(world["alert"], world["pair"]).values())
    for method, url in pages:
        response = client.post(url, _decision()) if method == "post" else client.get(url)
        assert response.status_code == 403, url
    world["alert"].refresh_from_db()
    assert world["alert"].status == AlertStatus.OPEN


def test_anonymous_visitors_are_sent_to_the_login(world):
    client = Client()
    pages = [("get", QUEUE), ("get", f"{QUEUE}export/"), ("get", f"{QUEUE}paires/")]
    for method, url in pages + list(_urls(world["alert"], world["pair"]).values()):
        response = client.post(url, _decision()) if method == "post" else client.get(url)
        assert response.status_code == 302 and "/gestion/login/" in response["Location"], url


def test_auditors_read_everything_but_cannot_decide(world):
    client = client_for(StaffFactory(role="auditeur"))
    urls = _urls(world["alert"], world["pair"])
    for name in ("alert", "payer", "detainee"):
        assert client.get(urls[name][1]).status_code == 200, name
    page = client.get(urls["alert"][1]).content.decode()
    assert "Enregistrer la décision" not in page and "Prendre en charge" not in page
    for name in ("assign", "decide", "revoke"):
        assert client.post(urls[name][1], _decision()).status_code == 403, name
    world["alert"].refresh_from_db()
    assert world["alert"].status == AlertStatus.OPEN
    assert client.get(QUEUE).status_code == 200


def test_the_queue_shows_each_alert_with_its_links_and_filters(world):
    client = client_for(world["officer"])
    alert = world["alert"]
    flagged = _alert(world["est"], family_name="SIGNALE", rule=RuleCode.NAME_MISMATCH, kind=AlertKind.FLAGGED)
    page = client.get(QUEUE)
    html = page.content.decode()
    assert page.status_code == 200
    assert "<h1>Surveillance des flux — alertes à examiner</h1>" in html
    assert alert.transfer.reference in html and "50,00" in html
    assert f"{QUEUE}payeurs/{alert.transfer.relative_id}/" in html
    assert f"{QUEUE}personnes-detenues/{alert.transfer.detainee_id}/" in html
    assert "Un payeur pour plusieurs personnes détenues" in html and "Retenu avant versement" in html
    assert "Prendre en charge" in html and '<caption id="queue-caption">' in html
    only_names = client.get(QUEUE, {"regle": RuleCode.NAME_MISMATCH}).content.decode()
    assert flagged.transfer.reference in only_names and alert.transfer.reference not in only_names
    only_held = client.get(QUEUE, {"type": AlertKind.HELD}).content.decode()
    assert alert.transfer.reference in only_held and flagged.transfer.reference not in only_held
    client.post(f"{QUEUE}alertes/{alert.pk}/prendre/", {"retour": "file"})
    mine = client.get(QUEUE, {"prise_en_charge": "me"}).content.decode()
    assert alert.transfer.reference in mine and flagged.transfer.reference not in mine
    nobody = client.get(QUEUE, {"prise_en_charge": "nobody"}).content.decode()
    assert flagged.transfer.reference in nobody and alert.transfer.reference not in nobody


def test_taking_an_alert_from_the_queue(world):
    client = client_for(world["officer"])
    response = client.post(f"{QUEUE}alertes/{world['alert'].pk}/prendre/", {"retour": "file"})
    assert response.status_code == 302 and response["Location"] == QUEUE
    world["alert"].refresh_from_db()
    assert world["alert"].assigned_to == world["officer"]


def test_the_alert_page_explains_each_rule_and_the_decision_form(world):
    PayerAccountFactory(relative=world["alert"].transfer.relative)
    html = client_for(world["officer"]).get(f"{QUEUE}alertes/{world['alert'].pk}/").content.decode()
    assert "Un même proche a alimenté le pécule de plus de 1 personne(s) détenue(s) en 30 jours" in html
    assert "2 personnes détenues en 30 jours" in html
    assert "retenu pour vérification" in html
    for words in ("Accepter", "Refuser", "Motif", "Précisions",
                  "Toujours accepter pour ce payeur et cette personne détenue", "Enregistrer la décision",
                  "Historique du virement"):
        assert words in html, words


def test_a_decision_through_the_page(world):
    client = client_for(world["officer"])
    response = client.post(f"{QUEUE}alertes/{world['alert'].pk}/decision/",
                           _decision(always_accept_pair="on", note="Fils"))
    assert response.status_code == 302
    world["alert"].refresh_from_db()
    assert world["alert"].status == AlertStatus.ACCEPTED
    assert AllowedPair.objects.filter(relative=world["alert"].transfer.relative, active=True).count() == 1
    world["alert"].transfer.refresh_from_db()
    assert world["alert"].transfer.held is False
    relative_user = world["alert"].transfer.relative.user
    world["alert"].transfer.history.filter(history_type="+").update(history_user=relative_user)
    page = client.get(response["Location"]).content.decode()
    assert "Décision enregistrée" in page
    # The histories say why in words, never the stored code.
    assert "Alerte acceptée" in page and "Vérification terminée : virement accepté" in page
    assert "monitoring_alert_accepted" not in page and "transfer_released" not in page
    # The transfer's history in the staff's words, the relative named as such (not their opaque login).
    assert "Exécuté par la banque du payeur" in page and "Exécuté par votre banque" not in page
    assert relative_user.username not in page and "le proche" in page


@pytest.mark.parametrize(("data", "words"), [
    ({"decision": "accept", "reason": "", "note": ""}, "Choisissez un motif."),
    ({"decision": "", "reason": DecisionReason.FAMILY_CHECKED}, "Choisissez « Accepter » ou « Refuser »."),
    ({"decision": "accept", "reason": DecisionReason.PRESSURE}, "Le motif choisi ne correspond pas à la décision"),
    ({"decision": "accept", "reason": DecisionReason.OTHER, "note": ""}, "Précisez le motif dans « Précisions »."),
    ({"decision": "reject", "reason": DecisionReason.PRESSURE},
     "pas encore arrivé sur le compte de la régie"),
    ({"decision": "¹", "reason": "¹", "note": "¹"}, "Choisissez « Accepter » ou « Refuser »."),
])
def test_a_bad_decision_answers_in_french_and_changes_nothing(world, data, words):
    response = client_for(world["officer"]).post(f"{QUEUE}alertes/{world['alert'].pk}/decision/", data)
    assert response.status_code == 400
    assert words in response.content.decode()
    world["alert"].refresh_from_db()
    assert world["alert"].status == AlertStatus.OPEN and world["alert"].decided_at is None


def test_unknown_ids_and_hostile_input_are_404_or_ignored(world):
    client = client_for(world["officer"])
    for url in (f"{QUEUE}alertes/999999/", f"{QUEUE}alertes/{'9' * 40}/", f"{QUEUE}payeurs/999999/",
                f"{QUEUE}personnes-detenues/{'9' * 30}/", f"{QUEUE}alertes/%C2%B9/"):
        assert client.get(url).status_code == 404, url
    assert client.post(f"{QUEUE}paires/999999/retirer/").status_code == 404
    assert client.post(f"{QUEUE}alertes/{'9' * 40}/prendre/").status_code == 404
    page = client.get(QUEUE, {"regle": "¹", "etablissement": "¹", "statut": "'\"«", "page": "¹"})
    assert page.status_code == 200 and "Un filtre n'est pas valide" in page.content.decode()
    assert client.get(f"{QUEUE}export/", {"format": "pdf"}).status_code == 404


def test_the_flows_pages_show_the_months_the_counterparts_and_the_accounts(world):
    alert = world["alert"]
    relative, detainee = alert.transfer.relative, alert.transfer.detainee
    second = DetaineeFactory(establishment=world["est"], family_name="BERNARD")
    TransferFactory(relative=relative, permit=VisitPermitFactory(detainee=second), amount=Decimal("70.00"))
    PayerAccountFactory(relative=relative, holder_name="MME DURAND MARIE")
    client = client_for(world["officer"])
    payer = client.get(f"{QUEUE}payeurs/{relative.pk}/").content.decode()
    assert "BERNARD" in payer and detainee.family_name.upper() in payer
    assert "FR7630006000011234567890189" in payer and "MME DURAND MARIE" in payer
    assert "120,00" in payer  # the 12 months' total
    assert "<svg" in payer and 'role="img"' in payer and "Montants par mois sur 12 mois" in payer
    page = client.get(f"{QUEUE}personnes-detenues/{second.pk}/").content.decode()
    assert "DURAND" in page and "70,00" in page and "<svg" in page


def test_revoking_a_pair_from_its_list(world):
    client = client_for(world["officer"])
    assert "Retirer" in client.get(f"{QUEUE}paires/").content.decode()
    response = client.post(f"{QUEUE}paires/{world['pair'].pk}/retirer/")
    assert response.status_code == 302
    world["pair"].refresh_from_db()
    assert world["pair"].active is False
    assert world["far_pair"].active


def _xlsx_text(content: bytes) -> str:
    sheet = load_workbook(io.BytesIO(content)).active
    return "\n".join(";".join("" if v is None else str(v) for v in row) for row in sheet.iter_rows(values_only=True))


def test_the_export_lists_the_filtered_queue_and_escapes_formulas(world):
    hostile = _alert(world["est"], family_name="=HYPERLINK(1)", amount="12.50")
    client = client_for(world["officer"])
    response = client.get(f"{QUEUE}export/", {"format": "csv"})
    assert response["Content-Disposition"].startswith('attachment; filename="surveillance-alertes-')
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
    assert rows[0][:4] == ["Levée le", "Établissement", "Référence du virement", "Montant"]
    by_reference = {row[2]: row for row in rows[1:]}
    assert set(by_reference) == {world["alert"].transfer.reference, hostile.transfer.reference}
    assert by_reference[hostile.transfer.reference][3] == "12.50"
    assert by_reference[hostile.transfer.reference][4].startswith("'=HYPERLINK(1)")
    assert by_reference[hostile.transfer.reference][7] == "Un payeur pour plusieurs personnes détenues"
    only_flagged = client.get(f"{QUEUE}export/", {"format": "csv", "type": "flagged"}).content.decode("utf-8-sig")
    assert world["alert"].transfer.reference not in only_flagged
    xlsx = client.get(f"{QUEUE}export/", {"format": "xlsx"})
    sheet = load_workbook(io.BytesIO(xlsx.content)).active
    values = list(sheet.iter_rows(values_only=True))
    assert len(values) == 3
    hostile_row = next(row for row in values if row[2] == hostile.transfer.reference)
    assert hostile_row[3] == 12.5 and hostile_row[4].startswith("'=HYPERLINK")


def test_the_queue_costs_the_same_queries_for_one_or_thirty_alerts(world):
    client = client_for(world["officer"])
    client.get(QUEUE)
    with CaptureQueriesContext(connection) as one:
        assert client.get(QUEUE).status_code == 200
    for _ in range(29):
        _alert(world["est"])
    with CaptureQueriesContext(connection) as thirty:
        page = client.get(QUEUE)
    assert page.content.decode().count("Prendre en charge l'alerte du virement") == 30
    assert len(thirty) == len(one)
