"""Bad statement files: each refused with a clear French message, and nothing written."""

from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.test import Client
from django.utils.html import escape

from reconciliation.camt import CamtError
from reconciliation.models import BankStatement, ReconciliationJob, StatementEntry
from reconciliation.services.statements import import_statement
from tests.accounts.factories import StaffFactory
from tests.accounts.staff_login import login_staff
from tests.establishments.factories import EstablishmentFactory
from tests.permits.factories import DetaineeFactory, VisitPermitFactory
from tests.transfers.factories import TransferFactory
from transfers.constants import TransferStatus
from transfers.models import Transfer

from .camt_files import Entry, Tx, build, credit, write

pytestmark = pytest.mark.django_db
IBAN_A = "FR7610071750000000100012302"
IBAN_B = "FR7630004000000001234567942"


@pytest.fixture
def executed():
    est = EstablishmentFactory(code="ETABA", regie_iban=IBAN_A)
    # The detainee in ``est``: no second establishment with the same régie IBAN.
    t = TransferFactory(amount=Decimal("50.00"), permit=VisitPermitFactory(detainee=DetaineeFactory(establishment=est)))
    Transfer.objects.filter(pk=t.pk).update(establishment=est)
    return t


def refused(tmp_path, content: bytes, match: str, **kwargs):
    with pytest.raises(CamtError, match=match):
        import_statement(path=write(tmp_path, content), **kwargs)
    refused_nothing_written()


def refused_nothing_written():
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
            "n.est ni un relevé camt.053")


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
    refused(tmp_path, build(iban=IBAN_A, entries=[entry], msg_id="M2"),
            r"L'écriture n° 1 \(réf. banque BANK1-M2, réf. écriture 1\) est en USD, le compte en EUR")


def test_balances_that_do_not_add_up(tmp_path, executed):
    content = build(iban=IBAN_A, opening="10.00", closing="59.99", entries=[credit("50.00", executed.reference)])
    refused(tmp_path, content,
            "Les soldes ne concordent pas .* 60,00\u00a0€, mais le solde de clôture est de 59,99\u00a0€")


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


# -- a statement must prove what it claims: each entry's details, currencies and totals -------------

def test_details_claiming_more_than_their_entry(tmp_path, executed):
    """The issue's file: an entry of 0.01 € whose details claim the 50.00 € of a transfer; the
    balances follow from the entries' amounts, so only the details lie."""
    entries = [credit("5.00"), Entry("0.01", [Tx("50.00", executed.reference)])]
    refused(tmp_path, build(iban=IBAN_A, entries=entries),
            r"L'écriture n° 2 \(réf. banque BANK2-MSG-1, réf. écriture 2\) est de 0,01\u00a0€ mais ses détails "
            r"totalisent 50,00\u00a0€")


@pytest.mark.parametrize("version", ["02", "08"])
def test_details_adding_up_to_less_than_their_entry(tmp_path, executed, version):
    entry = Entry("80.00", [Tx("50.00", executed.reference), Tx("20.00")])
    refused(tmp_path, build(iban=IBAN_A, version=version, entries=[entry]),
            "L'écriture n° 1 .* est de 80,00\u00a0€ mais ses détails totalisent 70,00\u00a0€")


def test_details_of_a_debit_entry_must_add_up_too(tmp_path, executed):
    entry = Entry("0.01", [Tx("50.00", executed.reference)], credit=False, family="ICDT", subfamily="RRTN")
    refused(tmp_path, build(iban=IBAN_A, opening="100.00", entries=[entry]),
            "L'écriture n° 1 .* est de 0,01\u00a0€ mais ses détails totalisent 50,00\u00a0€")


def test_a_detail_on_the_other_side_than_its_entry(tmp_path, executed):
    entry = Entry("50.00", [Tx("50.00", executed.reference, credit=False)])
    refused(tmp_path, build(iban=IBAN_A, entries=[entry]),
            "L'écriture n° 1 .* est au crédit mais son détail n° 1 est au débit")


def test_a_batch_booking_whose_details_amounts_are_missing(tmp_path, executed):
    entry = Entry("100.00", [Tx("50.00", executed.reference), Tx("")])
    refused(tmp_path, build(iban=IBAN_A, entries=[entry]),
            r"L'écriture n° 1 \(réf. banque BANK1-MSG-1, réf. écriture 1\) a plusieurs détails sans montant chacun")


@pytest.mark.parametrize(("batch", "message"), [
    ((3, "100.00"), "annonce 3 opérations mais en détaille 2"),
    ((2, "150.00"), "annonce un total de 150,00\u00a0€ mais ses détails totalisent 100,00\u00a0€"),
])
def test_a_batch_booking_whose_batch_totals_disagree(tmp_path, executed, batch, message):
    entry = Entry("100.00", [Tx("50.00", executed.reference), Tx("50.00")], batch=batch)
    refused(tmp_path, build(iban=IBAN_A, entries=[entry]), "L'écriture n° 1 .* " + message)


def test_a_batch_count_in_other_digits_is_unreadable_not_a_crash(tmp_path, executed):
    """« ² » passes str.isdigit() but not int(): the file is refused with its reason, not a 500."""
    entry = Entry("100.00", [Tx("50.00", executed.reference), Tx("50.00")], batch=("²", "100.00"))
    refused(tmp_path, build(iban=IBAN_A, entries=[entry]),
            r"Nombre illisible \(écriture n° 1 \(réf. banque BANK1-MSG-1, réf. écriture 1\), Btch/NbOfTxs\) : « ² »")


def test_a_detail_in_another_currency_than_its_entry(tmp_path, executed):
    entry = Entry("50.00", [Tx("50.00", executed.reference, currency="USD")])
    refused(tmp_path, build(iban=IBAN_A, entries=[credit("1.00"), entry]),
            r"L'écriture n° 2 \(réf. banque BANK2-MSG-1, réf. écriture 2\) est en EUR mais son détail n° 1 en USD")


def test_an_entry_in_another_currency_than_the_account(tmp_path, executed):
    entry = Entry("50.00", [Tx("50.00", executed.reference)], currency="GBP")
    refused(tmp_path, build(iban=IBAN_A, entries=[entry]), "L'écriture n° 1 .* est en GBP, le compte en EUR")


def test_an_amount_without_its_currency(tmp_path, executed):
    content = build(iban=IBAN_A, entries=[credit("1.00"), credit("50.00", executed.reference)])
    content = content.replace(b'<Amt Ccy="EUR">50.00</Amt><CdtDbtInd>CRDT</CdtDbtInd><Sts>',
                              b"<Amt>50.00</Amt><CdtDbtInd>CRDT</CdtDbtInd><Sts>", 1)
    assert b"<Amt>50.00</Amt>" in content
    refused(tmp_path, content, r"L'écriture n° 2 .* n'indique pas la devise de son montant \(Ccy\)")


def summary(count: int, total: str, credits: tuple[int, str], debits: tuple[int, str], net: str, side: str,
            version: str = "08") -> str:
    net_xml = (f'<TtlNetNtryAmt>{net}</TtlNetNtryAmt><CdtDbtInd>{side}</CdtDbtInd>' if version == "02"
               else f'<TtlNetNtry><Amt>{net}</Amt><CdtDbtInd>{side}</CdtDbtInd></TtlNetNtry>')
    return (
        f"<TxsSummry><TtlNtries><NbOfNtries>{count}</NbOfNtries><Sum>{total}</Sum>{net_xml}</TtlNtries>"
        f"<TtlCdtNtries><NbOfNtries>{credits[0]}</NbOfNtries><Sum>{credits[1]}</Sum></TtlCdtNtries>"
        f"<TtlDbtNtries><NbOfNtries>{debits[0]}</NbOfNtries><Sum>{debits[1]}</Sum></TtlDbtNtries>"
        "<TtlNtriesPerBkTxCd><NbOfNtries>1</NbOfNtries><Sum>9.99</Sum>"
        "<BkTxCd><Prtry><Cd>X</Cd></Prtry></BkTxCd></TtlNtriesPerBkTxCd></TxsSummry>"
    )


def three_entries(executed) -> list[Entry]:
    return [credit("50.00", executed.reference), credit("7.50"),
            Entry("2.00", [Tx("2.00")], credit=False, family="ICDT", subfamily="ESCT")]


@pytest.mark.parametrize("version", ["02", "08"])
def test_a_summary_that_agrees_is_accepted(tmp_path, executed, version):
    """The per-code totals (TtlNtriesPerBkTxCd) are not the statement's totals: not compared."""
    content = build(iban=IBAN_A, version=version, entries=three_entries(executed),
                    summary=summary(3, "59.50", (2, "57.50"), (1, "2.00"), "55.50", "CRDT", version))
    result = import_statement(path=write(tmp_path, content))
    assert result.statement.entry_count == 3
    executed.refresh_from_db()
    assert executed.status == TransferStatus.RECEIVED


@pytest.mark.parametrize(("args", "message"), [
    ((4, "59.50", (2, "57.50"), (1, "2.00"), "55.50", "CRDT"),
     r"Le résumé du relevé \(TxsSummry\) annonce 4 écritures, mais le relevé en contient 3"),
    ((3, "259.50", (2, "57.50"), (1, "2.00"), "55.50", "CRDT"),
     r"annonce un total des écritures de 259,50\u00a0€, mais le relevé totalise 59,50\u00a0€"),
    ((3, "59.50", (1, "57.50"), (1, "2.00"), "55.50", "CRDT"), "annonce 1 écriture au crédit, mais le relevé en "
     "contient 2"),
    ((3, "59.50", (2, "257.50"), (1, "2.00"), "55.50", "CRDT"),
     "annonce un total au crédit de 257,50\u00a0€, mais le relevé totalise 57,50\u00a0€"),
    ((3, "59.50", (2, "57.50"), (2, "2.00"), "55.50", "CRDT"), "annonce 2 écritures au débit"),
    ((3, "59.50", (2, "57.50"), (1, "0.01"), "55.50", "CRDT"), "annonce un total au débit de 0,01\u00a0€"),
    ((3, "59.50", (2, "57.50"), (1, "2.00"), "55.50", "DBIT"),
     "annonce un solde net des écritures de -55,50\u00a0€, mais le relevé donne 55,50\u00a0€"),
])
def test_a_summary_that_disagrees_with_the_entries(tmp_path, executed, args, message):
    content = build(iban=IBAN_A, entries=three_entries(executed), summary=summary(*args))
    refused(tmp_path, content, message)


def test_an_unreadable_summary(tmp_path, executed):
    content = build(iban=IBAN_A, entries=three_entries(executed),
                    summary=summary(3, "59,50", (2, "57.50"), (1, "2.00"), "55.50", "CRDT"))
    refused(tmp_path, content, r"Montant illisible \(résumé du relevé, TtlNtries/Sum\)")
    content = build(iban=IBAN_A, entries=three_entries(executed), msg_id="M2",
                    summary=summary("trois", "59.50", (2, "57.50"), (1, "2.00"), "55.50", "CRDT"))
    refused(tmp_path, content, r"Nombre illisible \(résumé du relevé, TtlNtries/NbOfNtries\) : « trois »")


def test_the_command_refuses_the_file_naming_the_entry(tmp_path, executed):
    path = write(tmp_path, build(iban=IBAN_A, entries=[Entry("0.01", [Tx("50.00", executed.reference)])]))
    with pytest.raises(CommandError, match=r"Fichier refusé, rien n'a été enregistré. L'écriture n° 1 \(réf. banque "
                                           r"BANK1-MSG-1, réf. écriture 1\) est de 0,01\u00a0€ mais ses détails "
                                           r"totalisent"):
        call_command("import_statement", path)
    refused_nothing_written()


def test_the_back_office_upload_shows_the_refusal_naming_the_entry(tmp_path, executed, settings):
    settings.RECONCILIATION_UPLOAD_DIR = str(tmp_path / "uploads")
    executed.refresh_from_db()
    staff = StaffFactory(role="regie", establishments=[executed.establishment])
    client = login_staff(Client(), staff)
    content = build(iban=IBAN_A, entries=[Entry("0.01", [Tx("50.00", executed.reference)])])
    response = client.post("/gestion/rapprochement/releves/importer/",
                           {"file": SimpleUploadedFile("releve.xml", content, "application/xml")}, follow=True)
    assert response.status_code == 200
    job = ReconciliationJob.objects.get()
    page = client.get(f"/gestion/rapprochement/traitements/{job.pk}/").content.decode()
    status = client.get(f"/gestion/rapprochement/traitements/{job.pk}/etat.json").json()
    assert status["status"] == "failed"
    message = ("L'écriture n° 1 (réf. banque BANK1-MSG-1, réf. écriture 1) est de 0,01\u00a0€ mais ses détails "
               "totalisent")
    assert any(message in m for m in status["messages"]), status["messages"]
    assert escape(message) in page
    refused_nothing_written()


@pytest.mark.parametrize("code", ["OPBD", "CLBD"])
def test_a_balance_given_twice_with_two_amounts(tmp_path, executed, code):
    """Which one would the check believe? Neither: the file is refused."""
    second = (f'<Bal><Tp><CdOrPrtry><Cd>{code}</Cd></CdOrPrtry></Tp><Amt Ccy="EUR">999.00</Amt>'
              "<CdtDbtInd>CRDT</CdtDbtInd><Dt><Dt>2026-06-10</Dt></Dt></Bal>")
    content = build(iban=IBAN_A, entries=[credit("50.00", executed.reference)], summary=second)
    refused(tmp_path, content, f"Le relevé indique deux soldes {code} différents : .* et 999,00\u00a0€")
