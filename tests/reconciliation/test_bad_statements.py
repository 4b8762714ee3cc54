"""Bad statement files: each refused with a clear French message, and nothing written."""

from decimal import Decimal

import pytest

from reconciliation import services
from reconciliation.camt import CamtError
from reconciliation.models import BankStatement, StatementEntry
from tests.accounts.factories import StaffFactory
from tests.establishments.factories import EstablishmentFactory
from tests.transfers.factories import TransferFactory
from transfers.constants import TransferStatus
from transfers.models import Transfer

from .camt_files import build, credit, write

pytestmark = pytest.mark.django_db
IBAN_A = "FR7610071750000000100012302"
IBAN_B = "FR7630004000000001234567942"


@pytest.fixture
def executed():
    est = EstablishmentFactory(code="ETABA", regie_iban=IBAN_A)
    t = TransferFactory(amount=Decimal("50.00"))
    Transfer.objects.filter(pk=t.pk).update(establishment=est)
    return t


def refused(tmp_path, content: bytes, match: str, **kwargs):
    with pytest.raises(CamtError, match=match):
        services.import_statement(path=write(tmp_path, content), **kwargs)
    assert not BankStatement.objects.exists() and not StatementEntry.objects.exists()
    assert set(Transfer.objects.values_list("status", flat=True)) <= {TransferStatus.EXECUTED}
    assert not Transfer.history.filter(status=TransferStatus.RECEIVED).exists()


def test_malformed_xml(tmp_path, executed):
    content = build(iban=IBAN_A, entries=[credit("50.00", executed.reference)]).replace(b"</Amt>", b"</Amount>", 1)
    refused(tmp_path, content, "n'est pas un XML lisible")


def test_truncated_file_after_entries_were_matched(tmp_path, executed):
    entries = [credit("50.00", executed.reference)] + [credit("1.00") for _ in range(2500)]
    content = build(iban=IBAN_A, entries=entries)
    refused(tmp_path, content[: len(content) - 300], "mal formé ou tronqué")


def test_billion_laughs(tmp_path, executed):
    lol = (
        b'<?xml version="1.0"?>\n<!DOCTYPE Document [<!ENTITY lol "lol">'
        + b"".join(b'<!ENTITY lol%d "%s">' % (i, (b"&lol%d;" % (i - 1) if i else b"&lol;") * 10) for i in range(1, 10))
        + b']>\n<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.08"><BkToCstmrStmt><GrpHdr>'
        b"<MsgId>&lol9;</MsgId></GrpHdr></BkToCstmrStmt></Document>"
    )
    refused(tmp_path, lol, "DOCTYPE")


def test_external_entity(tmp_path, executed):
    secret = tmp_path / "secret.txt"
    secret.write_text("FR7610071750000000100012302")
    xxe = (
        f'<?xml version="1.0"?>\n<!DOCTYPE Document [<!ENTITY xxe SYSTEM "file://{secret}">]>\n'.encode()
        + build(iban="&xxe;", entries=[credit("50.00", executed.reference)]).split(b"?>", 1)[1]
    )
    refused(tmp_path, xxe, "DOCTYPE")


def test_over_the_size_limit(tmp_path, executed):
    content = build(iban=IBAN_A, entries=[credit("50.00", executed.reference)] * 20)
    refused(tmp_path, content, "dépasse la taille maximale", max_bytes=len(content) - 1)


def test_empty_file_and_other_xml(tmp_path, executed):
    refused(tmp_path, b"", "vide")
    refused(tmp_path, b"<?xml version='1.0'?><Document xmlns='urn:iso:std:iso:20022:tech:xsd:pain.001.001.03'/>",
            "pas un relevé camt.053")


def test_unknown_iban(tmp_path, executed):
    content = build(iban="FR7630006000011234567890189", entries=[credit("50.00", executed.reference)])
    refused(tmp_path, content, "FR7630006000011234567890189 n'est le compte de régie d'aucun établissement")


def test_another_establishments_account(tmp_path, executed):
    EstablishmentFactory(code="ETABB", regie_iban=IBAN_B)
    staff_a = StaffFactory(role="regie", establishments=[executed.establishment])
    content = build(iban=IBAN_B, entries=[credit("50.00", executed.reference)])
    refused(tmp_path, content, "aucun établissement que vous pouvez gérer", user=staff_a)


def test_currency_other_than_euro(tmp_path, executed):
    refused(tmp_path, build(iban=IBAN_A, currency="CHF", entries=[credit("50.00", executed.reference)]),
            "seuls les relevés en euros")
    entry = credit("50.00", executed.reference)
    entry.currency = "USD"
    refused(tmp_path, build(iban=IBAN_A, entries=[entry], msg_id="M2"), "en USD : seuls les montants en euros")


def test_balances_that_do_not_add_up(tmp_path, executed):
    content = build(iban=IBAN_A, opening="10.00", closing="59.99", entries=[credit("50.00", executed.reference)])
    refused(tmp_path, content, "Les soldes ne concordent pas .* 60.00 €, mais le solde de clôture est de 59.99 €")


def test_two_statements_in_one_file(tmp_path, executed):
    content = build(iban=IBAN_A, entries=[credit("50.00", executed.reference)])
    start = content.index(b"<Stmt>")
    end = content.index(b"</Stmt>") + len(b"</Stmt>")
    doubled = content[:end] + content[start:end] + content[end:]
    refused(tmp_path, doubled, "plusieurs relevés")


def test_bad_amount(tmp_path, executed):
    content = build(iban=IBAN_A, entries=[credit("50.00", executed.reference)]).replace(
        b">50.00</Amt>", b">50,00</Amt>", 1
    )
    refused(tmp_path, content, "Montant illisible")
