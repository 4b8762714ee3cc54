"""The déclaration d'accessibilité (/accessibilite/): the RGAA's required content, made from the audit's
data in one place (cms.accessibility), which also sets the footer's status."""

from __future__ import annotations

import dataclasses
import datetime
import html
import re

import pytest
from django.core.cache import caches

from cms import accessibility
from cms.accessibility import DECLARATION, Audit


def visible(response) -> str:
    raw = response.content.decode()
    return re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", raw)).replace("\u00a0", " "))


def footer_status(response) -> str:
    raw = html.unescape(response.content.decode())
    return re.search(r'id="footer-accessibility"[^>]*>([^<]+)</a>', raw).group(1)


@pytest.fixture
def declaration(monkeypatch):
    """Replace the portal's declaration (the footer is cached: emptied too)."""

    def use(new):
        monkeypatch.setattr(accessibility, "DECLARATION", new)
        caches["fragments"].clear()
        return new

    yield use
    caches["fragments"].clear()


def fully_met(audit: Audit) -> Audit:
    return dataclasses.replace(audit, met=audit.applicable, not_met=())


def test_the_audit_s_figures_are_consistent_and_give_the_status():
    audit = DECLARATION.audit
    assert (audit.applicable, audit.met, len(audit.not_met)) == (69, 60, 9)
    assert audit.rate_display == "86,95\u00a0%"  # 60 / 69, never rounded up
    assert DECLARATION.status == "partiellement conforme"
    assert dataclasses.replace(DECLARATION, audit=fully_met(audit)).status == "totalement conforme"
    assert dataclasses.replace(DECLARATION, audit=dataclasses.replace(
        audit, met=30, not_met=audit.not_met * 4 + audit.not_met[:3])).status == "non conforme"
    assert dataclasses.replace(DECLARATION, audit=None).status == "non conforme"
    with pytest.raises(ValueError, match="Audit incohérent"):
        dataclasses.replace(audit, met=61)


@pytest.mark.django_db
def test_the_declaration_has_the_rgaa_s_required_content(client):
    response = client.get("/accessibilite/")
    assert response.status_code == 200
    text = visible(response)
    assert "<title>Déclaration d'accessibilité — Portail des proches</title>" in html.unescape(
        response.content.decode())
    for wanted in (
        # the commitment, the scope and the status
        "s'engage à rendre ses sites internet", "article 47 de la loi n° 2005-102 du 11 février 2005",
        "Cette déclaration d'accessibilité s'applique au portail des proches des personnes détenues",
        "est partiellement conforme avec le référentiel général d'amélioration de l'accessibilité (RGAA), version 4.1",
        # the audit: date, rate, figures
        "L'audit de conformité réalisé le 29 novembre 2026", "86,95 % des critères du RGAA version 4.1",
        "60 critères respectés sur 69 critères applicables",
        # the non-conformities with what is done, the derogations, the exempt contents
        "Non-conformités", "Dérogations pour charge disproportionnée Aucune.",
        "Contenus non soumis à l'obligation d'accessibilité", "Les pages de votre banque",
        # the declaration's making: date, technologies, environment, tools, sample
        "Cette déclaration a été établie le 29 novembre 2026.", "HTML5", "WAI-ARIA", "axe-core",
        "navigation au clavier seul", "360 pixels",
        # contact and recourse
        "Amélioration et contact", "Voies de recours", "Défenseur des droits", "09 69 39 00 00",
        "Défenseur des droits, Libre réponse 71120, 75342 Paris CEDEX 07",
        # the multi-year plan and the year's action plan
        "Schéma pluriannuel de mise en accessibilité 2026-2028", "Plan d'action 2026",
    ):
        assert wanted.replace("\u00a0", " ") in text.replace("\u00a0", " "), wanted
    for criterion in DECLARATION.audit.not_met:
        assert f"Critère {criterion.number} ({criterion.title}) : {criterion.problem}" in text
        assert f"Ce que nous faisons : {criterion.action}" in text
    for sample in DECLARATION.audit.sample:
        assert sample.name in text
    raw = response.content.decode()
    assert 'href="/contact/"' in raw and 'href="https://formulaire.defenseurdesdroits.fr/"' in raw
    assert 'href="tel:+33969390000"' in raw
    for anchor in ("schema-pluriannuel", "plan-action", "voies-de-recours"):
        assert f'href="#{anchor}"' in raw and f'id="{anchor}"' in raw


@pytest.mark.django_db
def test_the_sample_of_the_audit_is_the_issue_s(client):
    names = [page.name for page in DECLARATION.audit.sample]
    assert len(names) == 12 and names[0] == "Accueil" and "Accessibilité" in names
    assert sorted(c.number for c in DECLARATION.audit.not_met) == sorted(
        ["13.1", "11.1", "11.10", "11.13", "8.2", "6.1", "12.5", "9.1", "1.9"])


@pytest.mark.django_db
def test_the_footer_s_status_is_read_from_the_declaration(client, declaration):
    assert footer_status(client.get("/contact/")) == "Accessibilité : partiellement conforme"
    declaration(dataclasses.replace(DECLARATION, audit=fully_met(DECLARATION.audit)))
    response = client.get("/contact/")
    assert footer_status(response) == "Accessibilité : totalement conforme"
    page = visible(client.get("/accessibilite/"))
    assert "est totalement conforme avec le référentiel" in page and "Aucune non-conformité." in page
    assert "100 % des critères" in page.replace("\u00a0", " ")


@pytest.mark.django_db
def test_without_an_audit_the_portal_says_it_is_not_conforming(client, declaration):
    declaration(dataclasses.replace(DECLARATION, audit=None, date=datetime.date(2026, 1, 5)))
    assert footer_status(client.get("/")) == "Accessibilité : non conforme"
    page = visible(client.get("/accessibilite/"))
    assert "est non conforme avec le référentiel général d'amélioration de l'accessibilité (RGAA) : il n'a pas " \
           "encore été audité." in page



@pytest.mark.django_db
def test_a_corrected_criterion_says_so_and_stays_not_met_until_the_next_audit(client):
    page = visible(client.get("/accessibilite/"))
    assert page.count("Correction mise en ligne le 29 novembre 2026") == len(DECLARATION.audit.not_met) == 9
    assert "partiellement conforme" in page
