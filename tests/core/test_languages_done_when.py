"""Issue 18's "Done when", on the embedded default's demo data: Angela DUBOIS switches to English, sends 50 €
through the sandbox bank and books a parloir: her receipt, credited and booked e-mails are in English (``€50.00``,
links under /en/), and so is the .ics; then Arabic: the same in Arabic, the amount in Western digits kept left to
right. A relative who stayed in French gets exactly the French e-mails."""

import html
import re

import pytest
from django.core import mail
from django.test import Client

from establishments.models import Bank
from tests.transfers.bankflow import path_of, payer_decides
from tests.transfers.test_views import demo  # noqa: F401 - the demo fixture: load_demo and Angela logged in
from transfers import services
from transfers.models import Transfer
from visits import selectors as visit_selectors
from visits.models import Visit

pytestmark = pytest.mark.django_db(transaction=True)
LRI, PDI = "\u2066", "\u2069"


def text(response) -> str:
    return html.unescape(response.content.decode())


def switch(client: Client, language: str, angela) -> None:
    """The header's selector on Mon espace."""
    response = client.post("/langue/", {"language": language, "next": "/mon-espace/"})
    assert response.status_code == 302 and response["Location"] == f"/{language}/mon-espace/"
    angela.refresh_from_db()
    assert angela.language == language


def pay(client: Client, prefix: str, registration, amount: str = "50") -> Transfer:
    """The transfer flow in the relative's language: amount, bank, the sandbox bank's consent, back."""
    url = f"{prefix}/mon-espace/virements/nouveau/{registration.pk}/"
    key = re.search(r'name="key" value="([0-9a-f-]+)"', text(client.get(url))).group(1)
    response = client.post(url, {"amount": amount, "key": key})
    assert response.status_code == 302 and response["Location"].startswith(f"{prefix}/"), response
    bank = Bank.objects.get(name="Banque de Démonstration")
    to_bank = client.post(response["Location"], {"bank": bank.pk})
    assert to_bank.status_code == 302
    back, _bank_client = payer_decides(to_bank["Location"], client=client)
    done = client.get(path_of(back["Location"]), follow=True)
    assert done.status_code == 200
    reference = re.search(r"/virements/([A-Z0-9]+)/retour/", back["Location"]).group(1)
    return Transfer.objects.get(reference=reference)


def credit(transfer: Transfer) -> None:
    """The money reaches the régie and the cashier system credits it (what the reconciliation does)."""
    services.receive(transfer_id=transfer.pk)
    services.mark_credited(transfer_id=transfer.pk)


def book(client: Client, prefix: str, registration, *, skip: int = 0) -> Visit:
    """The parloir booking in the relative's language: a session offered on the sessions page, booked alone."""
    page = text(client.get(f"{prefix}/mon-espace/parloir/{registration.pk}/"))
    sessions = [s.session for day in visit_selectors.bookable_days(registration.permit) for s in day.sessions]
    session = sessions[skip * 10]
    assert f"/creneau/{session.id}/" in page
    response = client.post(f"{prefix}/mon-espace/parloir/{registration.pk}/creneau/{session.id}/", {"minors": "0"})
    assert response.status_code == 302 and response["Location"].startswith(f"{prefix}/mon-espace/rendez-vous/")
    return Visit.objects.filter(relative=registration.relative).latest("pk")


def mails_to(address: str) -> dict[str, mail.EmailMessage]:
    return {kind: m for m in mail.outbox for kind, words in KINDS.items() if any(w in m.subject for w in words)
            if address in m.to}


KINDS = {
    "receipt": ("pris en compte", "has been received", "تم تسجيل تحويلك"),
    "credited": ("versé sur le pécule", "paid into the prison account", "في حساب السجين"),
    "booked": ("parloir est réservé", "visit is booked", "تم حجز موعد زيارتك"),
}


def walk(client, angela, registration, prefix, *, skip):
    mail.outbox.clear()
    transfer = pay(client, prefix, registration)
    credit(transfer)
    visit = book(client, prefix, registration, skip=skip)
    mails = mails_to(angela.email)
    assert set(mails) == {"receipt", "credited", "booked"}, [m.subject for m in mail.outbox]
    ics = client.get(f"{prefix}/mon-espace/rendez-vous/{visit.reference}/rendez-vous.ics")
    assert ics.status_code == 200
    [attached] = [content for name, content, _type in mails["booked"].attachments if name.endswith(".ics")]
    return transfer, visit, mails, ics.content.decode(), attached if isinstance(attached, str) else attached.decode()


def unfolded(ics: str) -> str:
    return ics.replace("\r\n ", "").replace("\\,", ",")


def test_angela_reads_her_emails_in_english_then_in_arabic(demo, settings):  # noqa: F811 - pytest fixture
    client, angela, registration = demo
    base = settings.PORTAL_BASE_URL

    # English.
    switch(client, "en", angela)
    assert "Send money" in text(client.get("/en/mon-espace/pecule/"))
    transfer, visit, mails, ics, attached = walk(client, angela, registration, "/en", skip=0)
    receipt, credited, booked = mails["receipt"], mails["credited"], mails["booked"]
    assert receipt.subject == f"Your transfer {transfer.reference} has been received"
    assert "Hello Angela" in receipt.body and "Amount: €50.00" in receipt.body
    assert f"{base}/en/mon-espace/virements/{transfer.reference}/" in receipt.body
    assert credited.subject == f"Your transfer {transfer.reference} has been paid into the prison account"
    assert "€50.00" in credited.body and f"{base}/en/mon-espace/virements/historique/" in credited.body
    assert re.search(r"Sent by your bank on \d{1,2} [A-Z][a-z]+ \d{4} at \d{1,2}:\d\d", credited.body), credited.body
    assert booked.subject == "Your prison visit is booked"
    assert "Your prison visit is booked." in booked.body and f"{base}/en/mon-espace/rendez-vous/" in booked.body
    for body in (receipt.body, credited.body, booked.body):
        assert "Bonjour" not in body and "Montant" not in body and "/mon-espace/" not in body.replace("/en/", "")
    for calendar in (ics, attached):
        assert "SUMMARY:Prison visit — " in unfolded(calendar) and "Prison visit with " in unfolded(calendar)

    # Arabic.
    switch(client, "ar", angela)
    transfer, visit, mails, ics, attached = walk(client, angela, registration, "/ar", skip=1)
    receipt, credited, booked = mails["receipt"], mails["credited"], mails["booked"]
    assert receipt.subject == f"تم تسجيل تحويلك {transfer.reference}"
    assert "مرحبًا Angela" in receipt.body and f"المبلغ: {LRI}50,00\u00a0€{PDI}" in receipt.body
    assert f"{base}/ar/mon-espace/virements/{transfer.reference}/" in receipt.body
    assert credited.subject == f"تم إيداع تحويلك {transfer.reference} في حساب السجين"
    assert f"{LRI}50,00\u00a0€{PDI}" in credited.body and f"{base}/ar/mon-espace/virements/historique/" in credited.body
    assert re.search(r"يوم \d{1,2} [\u0600-\u06ff]+ \d{4} الساعة \d{1,2}:\d\d", credited.body), credited.body
    assert booked.subject == "تم حجز موعد زيارتك" and f"{base}/ar/mon-espace/rendez-vous/" in booked.body
    for body in (receipt.body, credited.body, booked.body):
        assert not re.search("[\u0660-\u0669\u06f0-\u06f9]", body)  # Western digits only
        assert "Bonjour" not in body and "Hello" not in body
    for calendar in (ics, attached):
        assert "SUMMARY:زيارة — " in unfolded(calendar) and "موعد زيارة " in unfolded(calendar)


def test_a_relative_who_stayed_in_french_gets_french_emails(demo, settings):  # noqa: F811 - pytest fixture
    client, angela, registration = demo
    base = settings.PORTAL_BASE_URL
    assert angela.language == "fr"
    transfer, _visit, mails, ics, attached = walk(client, angela, registration, "", skip=0)
    receipt, credited, booked = mails["receipt"], mails["credited"], mails["booked"]
    assert receipt.subject == f"Votre virement {transfer.reference} a été pris en compte"
    assert "Bonjour Angela" in receipt.body and "Montant : 50,00\u00a0€" in receipt.body
    assert f"{base}/mon-espace/virements/{transfer.reference}/" in receipt.body
    assert credited.subject == f"Votre virement {transfer.reference} a été versé sur le pécule"
    assert re.search(r"le \d{1,2}(er)? [a-zéû]+ \d{4} à \d{1,2}\u00a0h\u00a0\d\d", credited.body), credited.body
    assert booked.subject == "Votre rendez-vous parloir est réservé"
    assert "Personne détenue : " in booked.body and f"{base}/mon-espace/rendez-vous/" in booked.body
    for body in (receipt.body, credited.body, booked.body):
        assert "/en/" not in body and "/ar/" not in body and LRI not in body and "€5" not in body
    for calendar in (ics, attached):
        assert "SUMMARY:Parloir — " in unfolded(calendar)
