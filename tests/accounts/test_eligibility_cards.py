"""The Accueil and Pécule tabs of Mon espace agree on whether a permit allows a transfer (permits.eligibility):
a card never offers what the next page refuses."""

from __future__ import annotations

import html

import pytest
from django.test import Client

from permits.constants import Ineligibility
from tests.permits.test_eligibility import INELIGIBLE
from tests.transfers.factories import RegisteredPermitFactory

# The Accueil card of a registration the greffe has not accepted says so in its own words (registration_next).
REGISTRATION_CODES = {Ineligibility.REGISTRATION_PENDING, Ineligibility.REGISTRATION_REFUSED}


def pages(registration) -> tuple[str, str]:
    client = Client()
    client.force_login(registration.relative.user)
    accueil = client.get("/mon-espace/")
    pecule = client.get("/mon-espace/pecule/")
    assert accueil.status_code == pecule.status_code == 200
    return html.unescape(accueil.content.decode()), html.unescape(pecule.content.decode())


@pytest.mark.django_db
def test_an_eligible_permit_is_offered_on_both_tabs():
    registration = RegisteredPermitFactory()
    accueil, pecule = pages(registration)
    assert f'href="/mon-espace/pecule/?permis={registration.pk}">Faire un virement' in accueil
    assert f'href="/mon-espace/pecule/{registration.pk}/montant/"' in pecule or "Alimenter le pécule</a>" in pecule
    assert "ne permet pas de faire un virement" not in pecule


@pytest.mark.django_db
@pytest.mark.parametrize(("change", "code", "message"), INELIGIBLE)
def test_an_ineligible_permit_is_offered_on_neither_tab_and_both_say_why(change, code, message):
    registration = RegisteredPermitFactory(**change)
    accueil, pecule = pages(registration)
    assert "Faire un virement" not in accueil
    if code in REGISTRATION_CODES:
        assert "Ce permis ne permet ni de faire un virement" in accueil
    else:
        assert "Ce permis ne permet pas de faire un virement." in accueil and message in accueil
        assert "Pour en savoir plus, adressez-vous à l" in accueil  # the greffe or the régie of the establishment
    assert "Ce permis ne permet pas de faire un virement pour le moment" in pecule and message in pecule
    assert "Pour en savoir plus, adressez-vous à l" in pecule
    assert "Alimenter le pécule</a>" not in pecule


# The parloir needs neither the money's conditions (a temporary permit's authorisation, a detainee who may receive
# money, an establishment open to transfers) nor, of course, a transfer: those cards still offer the parloir.
MONEY_ONLY = {Ineligibility.TEMPORARY_NOT_AUTHORIZED, Ineligibility.DETAINEE_MAY_NOT_RECEIVE_MONEY,
              Ineligibility.ESTABLISHMENT_CLOSED}


@pytest.mark.django_db
def test_an_eligible_permit_offers_the_parloir_and_the_guide():
    registration = RegisteredPermitFactory()
    accueil, _pecule = pages(registration)
    assert f'href="/mon-espace/parloir/{registration.pk}/">Prendre un rendez-vous parloir' in accueil
    assert 'href="/prise-de-rendez-vous-parloir/">Comment prendre un rendez-vous parloir ?' in accueil
    assert "Bientôt disponible" not in accueil and " disabled" not in accueil


@pytest.mark.django_db
@pytest.mark.parametrize(("change", "code", "message"), INELIGIBLE)
def test_the_accueil_card_offers_the_parloir_only_when_the_permit_allows_it(change, code, message):
    registration = RegisteredPermitFactory(**change)
    accueil, _pecule = pages(registration)
    link = f'href="/mon-espace/parloir/{registration.pk}/"'
    if code in MONEY_ONLY:
        assert link in accueil
        assert "Ce permis ne permet pas de prendre un rendez-vous parloir" not in accueil
    elif code in REGISTRATION_CODES:
        assert link not in accueil
        assert "ni de prendre un rendez-vous parloir" in accueil
    else:
        assert link not in accueil
        assert "Ce permis ne permet pas de prendre un rendez-vous parloir." in accueil and message in accueil
        assert "Pour en savoir plus, adressez-vous à l" in accueil
