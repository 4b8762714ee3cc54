""""Sélectionnez votre banque" without JavaScript: the search form filters the enabled banks by a part of
their name, whatever the case and accents, and says how many match; every enabled bank stays in the page
(hidden when it does not match) for static/transfers/banks.js, which filters as the user types
(tests/e2e/test_bank_search.py)."""

from __future__ import annotations

import html
import re

import pytest
from defusedxml import ElementTree
from django.contrib.staticfiles import finders
from django.test import Client

from sandbox.demo import DEMO_BANKS
from transfers.constants import BANK_STATIC_LOGOS, TransferStatus
from transfers.selectors import search_key

from ..establishments.factories import BankFactory
from .factories import RegisteredPermitFactory, TransferFactory

BANKS = ["Société Générale", "Crédit Agricole", "Banque Populaire", "La Banque Postale", "Écureuil"]
ITEM = re.compile(r'<li data-search="([^"]*)"( hidden)?><button type="submit" name="bank" value="\d+"[^>]*>'
                  r'(?:<img[^>]*>|<span class="portail-bank__logo[^>]*>[^<]*</span>)'
                  r'<span class="portail-bank__name">([^<]*)</span></button></li>')


@pytest.fixture
def bank_page(db):
    from establishments.models import Bank

    Bank.objects.update(enabled=False)  # only this test's banks
    for name in BANKS:
        BankFactory(name=name)
    BankFactory(name="Banque Fermée", enabled=False)
    registration = RegisteredPermitFactory()
    transfer = TransferFactory(relative=registration.relative, permit=registration.permit,
                               status=TransferStatus.DRAFT, bank=None, initiated_at=None)
    client = Client()
    client.force_login(registration.relative.user)
    url = f"/mon-espace/virements/{transfer.reference}/banque/"

    def get(**params):
        response = client.get(url, params)
        assert response.status_code == 200
        return response.content.decode()

    return get


def listed(page: str) -> dict[str, bool]:
    """Every bank in the list: name → visible."""
    return {name: not hidden for _key, hidden, name in ITEM.findall(page)}


def count_message(page: str) -> str:
    return html.unescape(re.search(r'<p id="bank-count"[^>]*>\s*(.*?)\s*</p>', page, re.S).group(1))


def test_search_key_ignores_case_accents_and_extra_spaces():
    assert search_key("  Société   GÉNÉRALE ") == "societe generale"
    assert search_key("Crédit Coopératif") == "credit cooperatif"
    assert search_key("") == ""
    assert search_key("crédit-agricole") == search_key("Crédit Agricole")  # as names are compared elsewhere


def test_every_enabled_bank_is_listed_and_the_count_said(bank_page):
    page = bank_page()
    assert listed(page) == {name: True for name in BANKS}
    # In the reader's order (case and accents aside), not the database's collation's.
    assert list(listed(page)) == ["Banque Populaire", "Crédit Agricole", "Écureuil", "La Banque Postale",
                                  "Société Générale"]
    assert "Banque Fermée" not in page
    assert count_message(page) == "5 banques disponibles"
    assert 'role="status"' in page and 'aria-live="polite"' in page


def test_the_search_is_case_and_accent_insensitive(bank_page):
    page = bank_page(q="societe")
    assert [name for name, visible in listed(page).items() if visible] == ["Société Générale"]
    assert count_message(page) == "1 banque correspond"
    page = bank_page(q="  CRÉDIT   agricole ")
    assert [name for name, visible in listed(page).items() if visible] == ["Crédit Agricole"]


def test_hidden_banks_stay_in_the_page_for_the_script(bank_page):
    page = bank_page(q="banque")
    assert listed(page) == {"Banque Populaire": True, "Crédit Agricole": False, "Écureuil": False,
                            "La Banque Postale": True, "Société Générale": False}
    assert count_message(page) == "2 banques correspondent"
    assert 'data-search="societe generale" hidden' in page  # the script's key, the server's normalisation
    assert "Banque Fermée" not in page  # a disabled bank is never sent, even hidden


def test_no_match_says_so_and_hides_the_list(bank_page):
    page = bank_page(q="zzz")
    assert count_message(page) == "Aucune banque ne correspond à votre recherche."
    assert re.search(r'<form method="post" action="/mon-espace/virements/\w+/banque/" id="bank-choice" hidden>', page)
    assert not any(listed(page).values())


@pytest.mark.parametrize("query", ["x" * 101, "x" * 10_000, "<script>alert(1)</script>", "%", "_", "'\"«"])
def test_odd_searches_are_answered_calmly(bank_page, query):
    page = bank_page(q=query)
    assert "<script>alert" not in page  # echoed escaped in the search box, never as markup
    assert count_message(page) in ("5 banques disponibles", "Aucune banque ne correspond à votre recherche.")
    assert set(listed(page)) == set(BANKS)
    if len(query) > 100:
        assert "Le nom de la banque compte au plus 100 caractères." in page


def test_a_nul_byte_in_the_search_is_refused_before_the_page(db):
    """Like any request with a NUL byte (config.middleware): a French 400 page, the list is not even read."""
    registration = RegisteredPermitFactory()
    transfer = TransferFactory(relative=registration.relative, permit=registration.permit,
                               status=TransferStatus.DRAFT, bank=None, initiated_at=None)
    client = Client()
    client.force_login(registration.relative.user)
    response = client.get(f"/mon-espace/virements/{transfer.reference}/banque/", {"q": "\x00"})
    assert response.status_code == 400 and "Requête invalide" in response.content.decode()


def test_the_script_is_a_static_file_not_inline(bank_page):
    page = bank_page()
    assert '<script src="/static/transfers/banks.js" defer></script>' in page
    assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", page)  # the CSP forbids inline scripts
    assert 'aria-controls="bank-list"' in page and 'aria-describedby="id_q_helptext bank-count"' in page


def test_the_search_field_has_a_visible_label_and_its_hint(bank_page):
    page = bank_page()
    # The label is outside DSFR's search bar, whose label is for screen readers only (RGAA 11.1).
    label = page.index('<label class="fr-label" for="id_q">')
    assert label < page.index('<div class="fr-search-bar" id="bank-search">')
    assert 'id="id_q_helptext"' in page
    assert 'action=""' not in page


def test_each_bank_has_its_logo_or_its_initials(db):
    from establishments.models import Bank

    Bank.objects.update(enabled=False)
    BankFactory(name="Banque de Démonstration", bic="DEMOFRPP")
    BankFactory(name="Crédit de l'Ouest")
    registration = RegisteredPermitFactory()
    transfer = TransferFactory(relative=registration.relative, permit=registration.permit,
                               status=TransferStatus.DRAFT, bank=None, initiated_at=None)
    client = Client()
    client.force_login(registration.relative.user)
    page = client.get(f"/mon-espace/virements/{transfer.reference}/banque/").content.decode()
    # The logo beside the name is decorative; a bank without one shows its initials, hidden from screen readers.
    assert ('<img class="portail-bank__logo" src="/static/transfers/banques/banque-de-demonstration.svg" alt=""'
            in page)
    assert ('<span class="portail-bank__logo portail-bank__initials" aria-hidden="true">CO</span>'
            '<span class="portail-bank__name">Crédit de l&#x27;Ouest</span>' in page)
    assert listed(page) == {"Banque de Démonstration": True, "Crédit de l&#x27;Ouest": True}


@pytest.mark.parametrize(("name", "bic", "instant"), DEMO_BANKS)
def test_each_demo_bank_has_a_logo_of_its_own(name, bic, instant):
    """The demo shows a few banks with their logos (not only initials): a 40 × 40 SVG each, all different."""
    path = BANK_STATIC_LOGOS[bic]
    found = finders.find(path)
    assert found, path
    svg = ElementTree.parse(found).getroot()
    assert svg.tag == "{http://www.w3.org/2000/svg}svg" and svg.get("viewBox") == "0 0 40 40", path
    assert len({BANK_STATIC_LOGOS[other] for _name, other, _instant in DEMO_BANKS}) == len(DEMO_BANKS)


@pytest.mark.parametrize(("name", "initials"), [
    ("Banque de Démonstration", "BD"), ("BNP Paribas", "BP"), ("La Banque Postale", "BP"),
    ("Crédit Agricole", "CA"), ("Écureuil", "É"), ("Société Générale", "SG"),
])
def test_bank_initials(name, initials):
    from transfers.selectors import bank_initials

    assert bank_initials(name) == initials


@pytest.mark.parametrize("bank", ["¹", "٣", "abc", "9" * 30, ""])
def test_a_bank_that_is_not_an_id_is_asked_again_calmly(db, bank):
    """A posted bank in other digits than 0-9 (« ¹ » passes str.isdigit() but not int()) is no bank: the list again
    with its message, the transfer untouched, never a 500."""
    registration = RegisteredPermitFactory()
    transfer = TransferFactory(relative=registration.relative, permit=registration.permit,
                               status=TransferStatus.DRAFT, bank=None, initiated_at=None)
    client = Client()
    client.force_login(registration.relative.user)
    response = client.post(f"/mon-espace/virements/{transfer.reference}/banque/", {"bank": bank})
    assert response.status_code < 500 and "Sélectionnez votre banque dans la liste." in response.content.decode()
    transfer.refresh_from_db()
    assert transfer.status == TransferStatus.DRAFT and transfer.bank is None


@pytest.mark.parametrize("permis", ["¹", "²³", "٣", "abc", "9" * 30])
def test_the_pecule_tab_with_a_permit_that_is_not_an_id_is_a_404(db, permis):
    registration = RegisteredPermitFactory()
    client = Client()
    client.force_login(registration.relative.user)
    assert client.get("/mon-espace/pecule/", {"permis": permis}).status_code == 404
