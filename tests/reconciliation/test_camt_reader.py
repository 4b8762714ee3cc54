"""The camt.053 reader on its own: every field of an entry as the import stores it, across the
variations banks write (001.02 and 001.08, pretty-printed or not, prefixed namespace, several
transaction details, structured remittance, returns), and the files it refuses."""

import datetime
import io
from decimal import Decimal

import pytest

from reconciliation.camt import CamtError, EntryLine, StatementHeader, parse_statement

NS08 = "urn:iso:std:iso:20022:tech:xsd:camt.053.001.08"
NS02 = "urn:iso:std:iso:20022:tech:xsd:camt.053.001.02"
REF_A = "PDPAAAAAAAAAAAAAAAAAAAAB"
REF_B = "PDPBBBBBBBBBBBBBBBBBBBBC"


def read(xml: str) -> tuple[StatementHeader, list[EntryLine]]:
    items = list(parse_statement(io.BytesIO(xml.encode("utf-8"))))
    headers = [i for i in items if isinstance(i, StatementHeader)]
    assert headers and headers[-1].finished
    return headers[-1], [i for i in items if isinstance(i, EntryLine)]


def document(entries: str, ns: str = NS08, stmt_extra: str = "") -> str:
    return (
        f'<?xml version="1.0" encoding="UTF-8"?>\n<Document xmlns="{ns}"><BkToCstmrStmt>'
        "<GrpHdr><MsgId>MSG-READER</MsgId><CreDtTm>2026-06-10T20:00:00</CreDtTm></GrpHdr>"
        "<Stmt><Id>STMT-READER</Id>"
        "<FrToDt><FrDtTm>2026-06-10T00:00:00</FrDtTm><ToDtTm>2026-06-10T23:59:59</ToDtTm></FrToDt>"
        "<Acct><Id><IBAN>fr76 1007 1750 0000 0010 0012 302</IBAN></Id><Ccy>EUR</Ccy></Acct>"
        '<Bal><Tp><CdOrPrtry><Cd>OPBD</Cd></CdOrPrtry></Tp><Amt Ccy="EUR">10.00</Amt><CdtDbtInd>DBIT</CdtDbtInd>'
        "<Dt><Dt>2026-06-09</Dt></Dt></Bal>"
        '<Bal><Tp><CdOrPrtry><Cd>CLBD</Cd></CdOrPrtry></Tp><Amt Ccy="EUR">90.00</Amt><CdtDbtInd>CRDT</CdtDbtInd>'
        f"<Dt><Dt>2026-06-10</Dt></Dt></Bal>{stmt_extra}{entries}</Stmt></BkToCstmrStmt></Document>"
    )


V08_ENTRY = f"""
<Ntry>
  <NtryRef> 7 </NtryRef>
  <Amt Ccy="EUR">75.5</Amt>
  <CdtDbtInd>CRDT</CdtDbtInd>
  <Sts><Cd>BOOK</Cd></Sts>
  <BookgDt><DtTm>2026-06-10T09:30:00+02:00</DtTm></BookgDt>
  <ValDt><Dt>2026-06-11</Dt></ValDt>
  <AcctSvcrRef>BANK-7</AcctSvcrRef>
  <BkTxCd><Domn><Cd>PMNT</Cd><Fmly><Cd>RCDT</Cd><SubFmlyCd>ESCT</SubFmlyCd></Fmly></Domn></BkTxCd>
  <NtryDtls>
    <TxDtls>
      <Refs><AcctSvcrRef>X</AcctSvcrRef><InstrId>INSTR</InstrId><EndToEndId>{REF_A}</EndToEndId></Refs>
      <Amt Ccy="EUR">50.00</Amt>
      <CdtDbtInd>CRDT</CdtDbtInd>
      <RltdPties>
        <Dbtr><Pty><Nm>Angela DUBOIS</Nm></Pty></Dbtr>
        <DbtrAcct><Id><IBAN>fr76 3000 4000 0000 0123 4567 845</IBAN></Id></DbtrAcct>
        <UltmtDbtr><Pty><Nm>Someone Else</Nm></Pty></UltmtDbtr>
        <Cdtr><Pty><Nm>REGIE</Nm></Pty></Cdtr>
        <CdtrAcct><Id><IBAN>FR7610071750000000100012302</IBAN></Id></CdtrAcct>
      </RltdPties>
      <RltdAgts>
        <DbtrAgt><FinInstnId><BICFI>DEMOFRPP</BICFI></FinInstnId></DbtrAgt>
        <CdtrAgt><FinInstnId><BICFI>TRPUFRP1</BICFI></FinInstnId></CdtrAgt>
      </RltdAgts>
      <RmtInf><Ustrd>PECULE MARTIN</Ustrd><Ustrd>Jean &amp; co</Ustrd></RmtInf>
    </TxDtls>
    <!-- a bank's comment -->
    <TxDtls>
      <Refs><EndToEndId>NOTPROVIDED</EndToEndId></Refs>
      <Amt Ccy="EUR">25.50</Amt>
      <RltdPties><Dbtr><Pty><Nm>Pierre DUPONT</Nm></Pty></Dbtr></RltdPties>
      <RmtInf><Strd><CdtrRefInf><Tp><CdOrPrtry><Cd>SCOR</Cd></CdOrPrtry></Tp><Ref>{REF_B}</Ref></CdtrRefInf></Strd>
      </RmtInf>
    </TxDtls>
  </NtryDtls>
</Ntry>
"""


def test_every_field_of_a_pretty_printed_v08_entry_with_two_details():
    header, lines = read(document(V08_ENTRY))
    assert header.version == "camt.053.001.08"
    assert (header.message_id, header.statement_id, header.iban, header.currency) == (
        "MSG-READER", "STMT-READER", "FR7610071750000000100012302", "EUR",
    )
    assert header.opening == Decimal("-10.00") and header.closing == Decimal("90.00")
    assert header.statement_date == datetime.date(2026, 6, 10)
    assert header.from_date == datetime.date(2026, 6, 10) and header.entry_count == 1
    first, second = lines
    assert (first.entry_index, first.detail_index, second.entry_index, second.detail_index) == (1, 1, 1, 2)
    for line in lines:
        assert line.entry_reference == "7" and line.account_servicer_reference == "BANK-7"
        assert line.booking_date == datetime.date(2026, 6, 10) and line.value_date == datetime.date(2026, 6, 11)
        assert (line.entry_status, line.credit_debit, line.reversal) == ("BOOK", "CRDT", False)
        assert line.bank_transaction_code == "PMNT/RCDT/ESCT"
        assert line.entry_amount == Decimal("75.50") and line.currency == "EUR"
    assert (first.amount, first.end_to_end_id) == (Decimal("50.00"), REF_A)
    assert first.debtor_name == "Angela DUBOIS"  # not the ultimate debtor, not the creditor
    assert first.debtor_iban == "FR7630004000000001234567845"
    assert first.debtor_bic == "DEMOFRPP"  # the debtor's agent, not the creditor's
    assert first.remittance == "PECULE MARTIN Jean & co"
    assert (second.amount, second.end_to_end_id, second.remittance) == (Decimal("25.50"), "", REF_B)
    assert (second.debtor_name, second.debtor_iban, second.debtor_bic) == ("Pierre DUPONT", "", "")
    assert str(first.amount) == "50.00" and str(first.entry_amount) == "75.50"


def test_v02_variations_status_as_text_debtor_name_amount_details_and_bic():
    entry = f"""<Ntry><Amt Ccy="EUR">12.00</Amt><CdtDbtInd>DBIT</CdtDbtInd><RvslInd>true</RvslInd>
      <Sts>BOOK</Sts><BookgDt><Dt>2026-06-10</Dt></BookgDt>
      <BkTxCd><Domn><Cd>PMNT</Cd><Fmly><Cd>RCDT</Cd><SubFmlyCd>RRTN</SubFmlyCd></Fmly></Domn></BkTxCd>
      <NtryDtls><TxDtls><Refs><EndToEndId>{REF_A}</EndToEndId></Refs>
        <AmtDtls><InstdAmt><Amt Ccy="EUR">12.00</Amt></InstdAmt><TxAmt><Amt Ccy="EUR">12.00</Amt></TxAmt></AmtDtls>
        <RltdPties><Dbtr><Nm>Angela DUBOIS</Nm></Dbtr><DbtrAcct><Id><IBAN>FR7630004000000001234567845</IBAN></Id>
        </DbtrAcct></RltdPties>
        <RltdAgts><DbtrAgt><FinInstnId><BIC>DEMOFRPPXXX</BIC></FinInstnId></DbtrAgt></RltdAgts>
        <RtrInf><Rsn><Cd>AC04</Cd></Rsn><AddtlInf>Compte clos</AddtlInf></RtrInf>
      </TxDtls></NtryDtls></Ntry>"""
    header, [line] = read(document(entry, ns=NS02))
    assert header.version == "camt.053.001.02"
    assert (line.entry_status, line.credit_debit, line.reversal) == ("BOOK", "DBIT", True)
    assert line.bank_transaction_code == "PMNT/RCDT/RRTN"
    assert (line.amount, line.entry_amount, line.value_date) == (Decimal("12.00"), Decimal("12.00"), None)
    assert (line.debtor_name, line.debtor_bic) == ("Angela DUBOIS", "DEMOFRPPXXX")
    assert line.return_reason == "AC04 Compte clos"


def test_entries_without_details_with_one_detail_without_amount_and_proprietary_codes():
    entries = """<Ntry><Amt Ccy="EUR">30.00</Amt><CdtDbtInd>CRDT</CdtDbtInd><Sts><Cd>PDNG</Cd></Sts>
        <BkTxCd><Prtry><Cd>VIR-RECU</Cd><Issr>BANK</Issr></Prtry></BkTxCd></Ntry>
      <Ntry><Amt Ccy="EUR">20.00</Amt><CdtDbtInd>CRDT</CdtDbtInd><Sts><Cd>BOOK</Cd></Sts>
        <NtryDtls><TxDtls><RmtInf><Ustrd>sans montant</Ustrd></RmtInf></TxDtls></NtryDtls></Ntry>"""
    header, [bare, single] = read(document(entries))
    assert header.entry_count == 2
    assert (bare.entry_index, bare.detail_index, bare.amount, bare.entry_status) == (1, 1, Decimal("30.00"), "PDNG")
    assert bare.bank_transaction_code == "VIR-RECU" and bare.end_to_end_id == "" and bare.remittance == ""
    assert (single.entry_index, single.amount, single.remittance) == (2, Decimal("20.00"), "sans montant")
    assert single.bank_transaction_code == "" and single.booking_date is None


def test_a_prefixed_namespace_is_read_like_the_default_one():
    xml = document(V08_ENTRY).replace("</", "</c:").replace("<", "<c:").replace("<c:/c:", "</c:")
    xml = xml.replace("<c:?xml", "<?xml").replace("<c:!--", "<!--").replace(f' xmlns="{NS08}"', f' xmlns:c="{NS08}"')
    assert "<c:Document xmlns:c=" in xml and "</c:Ntry>" in xml
    header, lines = read(xml)
    assert header.iban == "FR7610071750000000100012302" and len(lines) == 2
    assert lines[0].end_to_end_id == REF_A and lines[1].remittance == REF_B


def test_elements_of_another_namespace_are_not_read_as_the_statement_s():
    entry = V08_ENTRY.replace(
        "<AcctSvcrRef>BANK-7</AcctSvcrRef>",
        '<AcctSvcrRef>BANK-7</AcctSvcrRef><x:Amt xmlns:x="urn:example:other" Ccy="EUR">999.99</x:Amt>',
    )
    _header, lines = read(document(entry))
    assert lines[0].entry_amount == Decimal("75.50")


@pytest.mark.parametrize(
    ("entry", "message"),
    [
        ('<Ntry><CdtDbtInd>CRDT</CdtDbtInd></Ntry>', "n'a pas de montant"),
        ('<Ntry><Amt Ccy="EUR">5.00</Amt></Ntry>', "n'indique pas si elle est au crédit ou au débit"),
        ('<Ntry><Amt Ccy="EUR">5.001</Amt><CdtDbtInd>CRDT</CdtDbtInd></Ntry>', "Montant invalide"),
        ('<Ntry><Amt Ccy="EUR">-5.00</Amt><CdtDbtInd>CRDT</CdtDbtInd></Ntry>', "Montant invalide"),
        ('<Ntry><Amt Ccy="EUR">NaN</Amt><CdtDbtInd>CRDT</CdtDbtInd></Ntry>', "Montant invalide"),
        ('<Ntry><Amt Ccy="EUR">5,00</Amt><CdtDbtInd>CRDT</CdtDbtInd></Ntry>', "Montant illisible"),
        ('<Ntry><Amt Ccy="EUR">5.00</Amt><CdtDbtInd>CRDT</CdtDbtInd><BookgDt><Dt>10/06/2026</Dt></BookgDt></Ntry>',
         "Date illisible"),
        ('<Ntry><Amt Ccy="EUR">5.00</Amt><CdtDbtInd>CRDT</CdtDbtInd><NtryDtls><TxDtls/><TxDtls/></NtryDtls></Ntry>',
         "plusieurs détails sans montant"),
    ],
)
def test_bad_entries_are_refused_with_their_number(entry, message):
    good = '<Ntry><Amt Ccy="EUR">1.00</Amt><CdtDbtInd>CRDT</CdtDbtInd></Ntry>'
    with pytest.raises(CamtError, match=message):
        read(document(good + entry))


def test_an_amount_error_names_the_entry():
    bad = '<Ntry><Amt Ccy="EUR">1.00</Amt><CdtDbtInd>CRDT</CdtDbtInd></Ntry>' * 2 + (
        '<Ntry><Amt Ccy="EUR">abc</Amt><CdtDbtInd>CRDT</CdtDbtInd></Ntry>'
    )
    with pytest.raises(CamtError, match="écriture n° 3"):
        read(document(bad))


def test_a_file_that_is_not_a_camt053_statement():
    with pytest.raises(CamtError, match="n.est ni un relevé camt.053"):
        read('<?xml version="1.0"?><Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.056.001.08"/>')
    with pytest.raises(CamtError, match="aucun avis"):
        read('<?xml version="1.0"?><Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.054.001.08"/>')
    with pytest.raises(CamtError, match="Un fichier camt.054 commence par BkToCstmrDbtCdtNtfctn, celui-ci par "
                                        "BkToCstmrStmt"):
        read('<?xml version="1.0"?><Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.054.001.08">'
             "<BkToCstmrStmt><Stmt/></BkToCstmrStmt></Document>")
    with pytest.raises(CamtError, match="Version camt.053 non prise en charge"):
        read(document("", ns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.99"))
    with pytest.raises(CamtError, match="aucun relevé"):
        read(f'<?xml version="1.0"?><Document xmlns="{NS08}"><BkToCstmrStmt/></Document>')


def test_the_transaction_amount_is_read_rather_than_the_amount_instructed_in_another_currency():
    """A payment instructed in dollars and booked in euros: the detail's amount is the booked one."""
    entry = f"""<Ntry><Amt Ccy="EUR">12.00</Amt><CdtDbtInd>CRDT</CdtDbtInd><Sts>BOOK</Sts>
      <NtryDtls><TxDtls><Refs><EndToEndId>{REF_A}</EndToEndId></Refs>
        <AmtDtls><InstdAmt><Amt Ccy="USD">13.50</Amt></InstdAmt><TxAmt><Amt Ccy="EUR">12.00</Amt></TxAmt></AmtDtls>
      </TxDtls></NtryDtls></Ntry>"""
    _header, [line] = read(document(entry, ns=NS02))
    assert (line.amount, line.currency, line.end_to_end_id) == (Decimal("12.00"), "EUR", REF_A)
    only_instructed = entry.replace('<TxAmt><Amt Ccy="EUR">12.00</Amt></TxAmt>', "")
    with pytest.raises(CamtError, match="L'écriture n° 1 est en EUR mais son détail n° 1 en USD"):
        read(document(only_instructed, ns=NS02))


@pytest.mark.parametrize(
    ("entry", "message"),
    [
        ('<Ntry><Amt Ccy="EUR">5.00</Amt><CdtDbtInd>CRDT</CdtDbtInd><NtryDtls><TxDtls><Amt>5.00</Amt></TxDtls>'
         "</NtryDtls></Ntry>", r"L'écriture n° 2 a un détail \(n° 1\) qui n'indique pas la devise"),
        ('<Ntry><Amt Ccy="EUR">5.00</Amt><CdtDbtInd>CRDT</CdtDbtInd><NtryDtls><Btch><NbOfTxs>deux</NbOfTxs></Btch>'
         '<TxDtls><Amt Ccy="EUR">5.00</Amt></TxDtls></NtryDtls></Ntry>',
         r"Nombre illisible \(écriture n° 2, Btch/NbOfTxs\)"),
        ('<Ntry><Amt Ccy="EUR">5.00</Amt><CdtDbtInd>CRDT</CdtDbtInd><NtryDtls><Btch><TtlAmt Ccy="USD">5.00</TtlAmt>'
         '</Btch><TxDtls><Amt Ccy="EUR">5.00</Amt></TxDtls></NtryDtls></Ntry>',
         r"L'écriture n° 2 est en EUR mais son lot \(Btch\) en USD"),
    ],
)
def test_inconsistent_details_are_refused_with_the_entry_s_number(entry, message):
    good = '<Ntry><Amt Ccy="EUR">1.00</Amt><CdtDbtInd>CRDT</CdtDbtInd></Ntry>'
    with pytest.raises(CamtError, match=message):
        read(document(good + entry))


def test_a_batch_booking_whose_figures_agree_is_read():
    entry = """<Ntry><AcctSvcrRef>B-1</AcctSvcrRef><Amt Ccy="EUR">30.00</Amt><CdtDbtInd>CRDT</CdtDbtInd>
      <NtryDtls><Btch><NbOfTxs>2</NbOfTxs><TtlAmt Ccy="EUR">30.00</TtlAmt><CdtDbtInd>CRDT</CdtDbtInd></Btch>
        <TxDtls><Amt Ccy="EUR">10.00</Amt><CdtDbtInd>CRDT</CdtDbtInd></TxDtls>
        <TxDtls><Amt Ccy="EUR">20.00</Amt><CdtDbtInd>CRDT</CdtDbtInd></TxDtls></NtryDtls></Ntry>"""
    header, lines = read(document(entry))
    assert [(line.amount, line.entry_amount) for line in lines] == [
        (Decimal("10.00"), Decimal("30.00")), (Decimal("20.00"), Decimal("30.00"))]
    assert (header.credit_count, header.credit_sum, header.debit_count) == (1, Decimal("30.00"), 0)
