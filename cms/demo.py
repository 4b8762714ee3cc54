"""The demo site (called by sandbox.demo.load_demo): the home page, the guide « L'alimentation du
pécule » with every step of the flyer (1a to 3g, same text, same buttons, the "i" notes and the caps
warning), the guide « La prise de rendez-vous parloir se simplifie » written the same way with the
parloir's screens and buttons, the video tutorials, the FAQ, the CPDEMO establishment page, the contact
page and the legal pages; the menus link them. The home page, the guides and the FAQ also in English and
Arabic (cms.demo_i18n).

Idempotent: a page (or file) that exists is left as the editors made it; a missing one is created
and published."""

from __future__ import annotations

import io
import json
from collections.abc import Callable
from pathlib import Path

from django.conf import settings
from django.core.files import File
from django.core.files.images import ImageFile
from django.utils.html import escape
from django.utils.text import slugify
from wagtail.coreutils import get_supported_content_language_variant
from wagtail.documents.models import Document
from wagtail.images.models import Image
from wagtail.models import Collection, Locale, Page, Site

from establishments.models import Establishment

from .demo_i18n import translate_pages
from .illustrations import Canvas, screen_illustration, tutorial_poster
from .models import (
    ContactFormField,
    ContactPage,
    ContentPage,
    EstablishmentPage,
    FAQPage,
    GuidePage,
    HomePage,
    NewsPage,
    TutorialPage,
)
from .rights import grant_communication_rights

ASSETS = Path(__file__).resolve().parent / "demo_assets"
WELCOME_TITLE = "Welcome to your new Wagtail site!"
TUTORIALS_MANIFEST = "tutoriels.json"  # written by scripts/record_tutorials.py


# The portal's address as the guide writes it (one spelling: the flyer had two).
PORTAL_ADDRESS = "www.penitentiaire.justice.fr"

# The guide's drawn illustrations: title, lines of text, the button pictured (cms.illustrations).
ILLUSTRATIONS = {
    "home": ("Illustration — page d'accueil du portail",
             ["Accéder à votre espace personnel", "Identifiez-vous avec FranceConnect."],
             "S’identifier avec FranceConnect"),
    "amount": ("Illustration — montant du virement",
               ["Alimenter le pécule", "Montant du virement (en euros) : 50,00 €"],
               "Réaliser le virement"),
    "sessions": ("Illustration — choix d'un créneau de parloir",
                 ["Mardi 9 h 00 – 9 h 45 · Parloir", "5 places restantes"],
                 "Choisir ce créneau"),
}

PARLOIR_GUIDE_SLUG = "prise-de-rendez-vous-parloir"
PARLOIR_GUIDE_TITLE = "La prise de rendez-vous parloir se simplifie"
PARLOIR_SERVICE = "Prendre un rendez-vous parloir"
PARLOIR_LINK_LABEL = f"Lire le guide « {PARLOIR_GUIDE_TITLE} »"
# The home page's parloir service as first published, before the booking existed: it led to Mon espace.
OLD_PARLOIR_SERVICE_URL = "/mon-espace/"


def p(text: str) -> dict:
    return {"type": "paragraph", "value": f"<p>{text}</p>"}


def button(label: str) -> dict:
    return {"type": "button", "value": {"label": label, "secondary": False}}


def info(html: str) -> dict:
    return {"type": "info", "value": {"text": f"<p>{html}</p>"}}


def warning(html: str) -> dict:
    return {"type": "warning", "value": {"text": f"<p>{html}</p>"}}


def screen(text: str, kind: str = "title") -> dict:
    return {"type": "screen_text", "value": {"text": text, "kind": kind}}


def sub(title: str, *content: dict) -> dict:
    return {"title": title, "content": list(content)}


def step(title: str, substeps: list[dict], intro: list[dict] | None = None) -> dict:
    return {"type": "step", "value": {"title": title, "intro": intro or [], "substeps": substeps}}


def page_link(page: Page, text: str) -> str:
    return f'<a linktype="page" id="{page.pk}">{text}</a>'


def image(picture, alt: str) -> dict:
    return {"type": "image", "value": {"image": picture.pk, "alt": alt, "caption": ""}}


def access_step(home: Page, pictures: dict) -> dict:
    """Step 1 of both guides: reach the personal space with FranceConnect (the flyer's words)."""
    return step("Accéder à votre espace personnel", [
        sub(
            "Ouvrir le site du portail",
            p("Connectez-vous sur le site du portail :"),
            p(f"<b>{PORTAL_ADDRESS}</b>"),
            p("OU"),
            p("Scannez avec votre téléphone portable ou votre tablette le QR code ci-dessous :"),
            {"type": "qr_code", "value": {"page": home.pk, "url": "",
                                          "caption": "QR code menant à la page d'accueil du portail des proches"}},
        ),
        sub(
            "Se connecter avec FranceConnect",
            p("Vous arrivez sur la page d'accueil du portail des services de l'administration pénitentiaire :"),
            image(pictures["home"], "La page d'accueil du portail et son bouton « S’identifier avec "
                                    "FranceConnect »."),
            p("Cliquez sur le bouton d'authentification FranceConnect."),
            button("S’identifier avec FranceConnect"),
        ),
        sub(
            "Choisir un partenaire de FranceConnect",
            p("Sélectionnez l'un des partenaires de « FranceConnect » et entrez vos identifiants de connexion "
              "pour l'un d'entre eux."),
        ),
    ])


def parloir_guide_body(*, home: Page, pecule_guide: Page, tutorials: Page, pictures: dict) -> list[dict]:
    """« La prise de rendez-vous parloir se simplifie », step by step, with the site's screens and buttons."""
    register = page_link(pecule_guide, "guide « L'alimentation du pécule » (étape 2)")
    return [
        access_step(home, pictures),
        step(
            "Réserver un parloir",
            [
                sub(
                    "Choisir « Prendre un rendez-vous parloir » sur le permis de visite",
                    p("Depuis l'onglet « Accueil », vous visualisez le permis de visite enregistré sur votre espace. "
                      "Deux services sont accessibles, prendre un rendez-vous parloir ou faire un virement sur le "
                      "pécule de la personne détenue."),
                    p("Cliquez sur « Prendre un rendez-vous parloir » pour effectuer cette action."),
                    button("Prendre un rendez-vous parloir"),
                    info("Pas encore de permis de visite sur votre espace ? Cliquez sur « Ajouter un permis de "
                         f"visite » et suivez le {register} ou les {page_link(tutorials, 'tutoriels vidéo')}."),
                ),
                sub(
                    "Choisir un créneau",
                    p("Les créneaux ouverts à la réservation s'affichent jour par jour, pour les semaines à venir, "
                      "avec l'espace de visite (parloir, salon familial, unité de vie familiale) et le nombre de "
                      "places restantes."),
                    image(pictures["sessions"], "La liste des créneaux : le jour, l'heure, l'espace, les places "
                                                "restantes et le bouton « Choisir ce créneau »."),
                    p("Cliquez sur « Choisir ce créneau » à côté de l'heure qui vous convient."),
                    button("Choisir ce créneau"),
                    info("L'établissement fixe le délai de réservation (par exemple au plus tard 24 heures avant, "
                         "et jusqu'à 4 semaines à l'avance) et le nombre de parloirs par semaine de la personne "
                         "détenue. Un créneau complet ou fermé n'est pas proposé."),
                ),
                sub(
                    "Indiquer qui vient",
                    p("Vous venez, et d'autres personnes peuvent vous accompagner :"),
                    p("– un autre adulte titulaire d'un permis de visite valide pour la même personne détenue : "
                      "indiquez le numéro de son permis, son nom et ses prénoms, tels qu'ils figurent sur le "
                      "permis ;"),
                    p("– des enfants mineurs : indiquez leur nombre."),
                    warning("Le nombre d'adultes et d'enfants par visite est limité par l'établissement "
                            "pénitentiaire."),
                ),
                sub(
                    "Confirmer le rendez-vous",
                    p("Vérifiez le jour, l'heure, le lieu et les visiteurs, puis cliquez sur « Confirmer le "
                      "rendez-vous »."),
                    button("Confirmer le rendez-vous"),
                    p("Un message de confirmation apparaît alors sur le portail :"),
                    screen("Votre rendez-vous parloir est réservé", "success"),
                    p("Il indique la date, le lieu, l'heure à laquelle vous présenter et ce qu'il faut apporter. "
                      "Vous recevez les mêmes informations par courriel, avec un fichier à ajouter à votre agenda."),
                ),
            ],
            intro=[
                p("Pour prendre un rendez-vous parloir, vous devez au préalable avoir enregistré sur votre espace "
                  "personnel le permis de visite de la personne détenue concernée."),
                p("Ce permis de visite doit vous être attribué nominativement."),
            ],
        ),
        step("Consulter ou annuler un rendez-vous", [
            sub(
                "Retrouver vos rendez-vous",
                p("L'onglet « Mes rendez-vous » de votre espace, à côté de « Accueil » et « Pécule », liste vos "
                  "rendez-vous à venir et passés."),
                screen("Mes rendez-vous"),
            ),
            sub(
                "Annuler un rendez-vous",
                p("Cliquez sur « Annuler le rendez-vous » puis confirmez l'annulation. Un courriel vous le "
                  "confirme et la place est rendue à d'autres familles."),
                button("Annuler le rendez-vous"),
                warning("L'annulation en ligne est possible jusqu'au délai fixé par l'établissement (par exemple "
                        "24 heures avant la visite) ; ensuite, prévenez le bureau des parloirs de l'établissement."),
                info("Si l'établissement doit annuler un parloir (incident, fermeture exceptionnelle), vous êtes "
                     "prévenu par courriel et le rendez-vous apparaît comme annulé dans « Mes rendez-vous »."),
            ),
        ]),
        step("Le jour de la visite", [
            sub(
                "Vous présenter à l'heure",
                p("Présentez-vous au lieu indiqué (par exemple l'accueil des familles) à l'heure d'arrivée "
                  "indiquée sur la confirmation, avant le début du parloir."),
            ),
            sub(
                "Apporter ce qui est demandé",
                p("Apportez votre pièce d'identité en cours de validité et votre permis de visite, ainsi que ce "
                  "que l'établissement demande (indiqué sur la confirmation et dans le courriel)."),
                info("Chaque visiteur adulte présente sa propre pièce d'identité."),
            ),
        ]),
    ]


def guide_body(*, home: Page, tutorials: Page, pictures: dict) -> list[dict]:
    """The flyer « L'alimentation du pécule », step by step, in its own words."""
    return [
        access_step(home, pictures),
        step(
            "Enregistrer un permis de visite sur votre espace",
            [
                sub(
                    "Choisir « Faire un virement »",
                    p("Vous arrivez sur la page d'accueil du portail qui présente les différents services."),
                    p("Cliquez sur « Faire un virement ». Vous êtes automatiquement redirigé vers l'onglet "
                      "« Pécule »."),
                    button("Faire un virement"),
                ),
                sub(
                    "Ajouter un permis de visite",
                    p("Cliquez sur « Ajouter un permis de visite »."),
                    button("Ajouter un permis de visite"),
                    info("Si vous rencontrez une difficulté pour enregistrer votre permis de visite, référez-vous au "
                         "flyer intitulé « La prise de rendez-vous parloir se simplifie » ou aux "
                         f"{page_link(tutorials, 'tutoriels vidéo')} accessibles depuis le portail."),
                ),
            ],
            intro=[
                p("Pour effectuer un virement, vous devez au préalable avoir enregistré le permis de visite de la "
                  "personne détenue concernée sur votre espace personnel."),
                p("Ce permis de visite doit vous être attribué nominativement."),
            ],
        ),
        step("Effectuer le virement", [
            sub(
                "Choisir « Faire un virement » sur le permis de visite",
                p("Depuis l'onglet « Accueil », vous visualisez le permis de visite enregistré sur votre espace. "
                  "Deux services sont accessibles, prendre un rendez-vous parloir ou faire un virement sur le pécule "
                  "de la personne détenue."),
                p("Cliquez sur « Faire un virement » pour effectuer cette action."),
                button("Faire un virement"),
            ),
            sub(
                "Alimenter le pécule",
                p("Vous êtes automatiquement redirigé vers la page d'alimentation du pécule. Cliquez sur "
                  "« Alimenter le pécule » pour poursuivre la démarche."),
                button("Alimenter le pécule"),
            ),
            sub(
                "Saisir le montant du virement",
                p("Inscrivez dans l'encadré gris le montant que vous souhaitez verser à la personne détenue, puis "
                  "cliquez sur « Réaliser le virement »."),
                image(pictures["amount"], "La page du montant : l'encadré gris où inscrire le montant, puis le "
                                          "bouton « Réaliser le virement »."),
                button("Réaliser le virement"),
                warning("Le montant peut être plafonné par l'établissement pénitentiaire."),
            ),
            sub(
                "Sélectionner votre banque",
                p("Vous êtes automatiquement dirigé vers une nouvelle page sur laquelle il vous est demandé de "
                  "sélectionner votre banque."),
                screen("Sélectionnez votre banque"),
            ),
            sub(
                "Vous identifier auprès de votre banque",
                p("Une fois votre banque sélectionnée, une nouvelle fenêtre s'ouvre. Inscrivez vos identifiants "
                  "puis validez."),
                info("Si vous vous connectez depuis votre téléphone et que vous disposez de l'application mobile de "
                     "votre banque, celle-ci s'ouvrira automatiquement."),
            ),
            sub(
                "Confirmer le virement",
                p("Finalisez la procédure de votre virement en cliquant sur « Confirmer »."),
                screen("Confirmer un virement ponctuel"),
                button("Confirmer"),
                p("Un message de confirmation apparaît alors sur le portail :"),
                screen("Votre virement a été pris en compte", "success"),
            ),
            sub(
                "Consulter l'historique de vos virements",
                p("Consultez l'historique de vos virements sur les six derniers mois depuis la confirmation du "
                  "virement effectué, ou depuis l'onglet « Pécule ». Pour ce faire, cliquez sur « Voir "
                  "l'historique »."),
                button("Voir l'historique"),
            ),
        ]),
    ]


def faq_themes(parloir_guide: Page) -> list[dict]:
    """The FAQ's themes; the parloir's answers link its guide."""
    parloir = {"type": "theme", "value": {"title": "Rendez-vous parloir", "questions": [
        {"question": "Comment prendre un rendez-vous parloir ?",
         "answer": "<p>Depuis l'onglet « Accueil » de votre espace, cliquez sur « Prendre un rendez-vous parloir » "
                   "sur le permis de visite, choisissez un créneau, indiquez qui vient puis cliquez sur « Confirmer "
                   f"le rendez-vous ». Le guide {page_link(parloir_guide, PARLOIR_GUIDE_TITLE)} montre chaque "
                   "étape.</p>"},
        {"question": "Jusqu'à quand puis-je annuler un rendez-vous parloir ?",
         "answer": "<p>Jusqu'au délai fixé par l'établissement (par exemple 24 heures avant la visite), depuis "
                   "l'onglet « Mes rendez-vous », avec « Annuler le rendez-vous ». Ensuite, prévenez le bureau des "
                   "parloirs de l'établissement.</p>"},
        {"question": "Combien de parloirs par semaine une personne détenue peut-elle avoir ?",
         "answer": "<p>Au moins trois par semaine pour une personne prévenue et au moins un pour une personne "
                   "condamnée (code pénitentiaire) ; chaque établissement fixe son nombre, au moins égal. Les "
                   "créneaux proposés en tiennent compte.</p>"},
    ]}}
    return [FAQ_THEMES[0], parloir, *FAQ_THEMES[1:]]


FAQ_THEMES = [
    {"type": "theme", "value": {"title": "Virements sur le pécule", "questions": [
        {"question": "Qui peut alimenter le pécule d'une personne détenue ?",
         "answer": "<p>Les titulaires d'un permis de visite permanent, ou les personnes autorisées par le chef "
                   "d'établissement (code pénitentiaire, article R332-3). Le permis de visite doit être enregistré "
                   "sur votre espace personnel et vous être attribué nominativement.</p>"},
        {"question": "Le montant d'un virement est-il plafonné ?",
         "answer": "<p>Oui. Le montant peut être plafonné par l'établissement pénitentiaire : montant minimum et "
                   "maximum d'un virement, maximum par personne détenue et par mois, maximum par expéditeur et par "
                   "mois. La page de chaque établissement indique ses plafonds.</p>"},
        {"question": "Où voir les virements que j'ai faits ?",
         "answer": "<p>Depuis l'onglet « Pécule » de votre espace, cliquez sur « Voir l'historique » : vos "
                   "virements des six derniers mois y figurent avec leur état.</p>"},
    ]}},
    {"type": "theme", "value": {"title": "Permis de visite", "questions": [
        {"question": "Mon permis de visite n'est pas reconnu : que faire ?",
         "answer": "<p>Vérifiez le numéro du permis et votre identité FranceConnect : le permis doit être à votre "
                   "nom. Si le problème persiste, contactez le greffe de l'établissement ou le support depuis la "
                   "page Contact.</p>"},
    ]}},
    {"type": "theme", "value": {"title": "Connexion", "questions": [
        {"question": "Comment me connecter au portail ?",
         "answer": "<p>Cliquez sur le bouton « S’identifier avec FranceConnect » de la page d'accueil et "
                   "choisissez l'un des partenaires de FranceConnect (impots.gouv.fr, ameli.fr, l'Identité "
                   "Numérique La Poste…).</p>"},
    ]}},
]

def load_cms_demo(report) -> HomePage:
    """Create what is missing of the demo site; ``report`` is sandbox.demo.DemoReport."""
    root = _wagtail_roots()
    home = _child(root, HomePage, "accueil", report, title="Accueil",
                  search_description="Le portail des services de l'administration pénitentiaire pour les proches "
                                     "des personnes détenues : alimenter le pécule par virement, prendre un "
                                     "rendez-vous parloir, guides, contact.",
                  intro="<p>Alimentez le pécule d'une personne détenue par virement depuis votre banque, en toute "
                        "sécurité, prenez vos rendez-vous parloir en ligne, et retrouvez les guides, les tutoriels "
                        "vidéo et les réponses à vos questions.</p>")
    _make_site_root(home)
    tutorials = _child(home, ContentPage, "tutoriels", report, title="Tutoriels vidéo", show_in_menus=True,
                       search_description="Les tutoriels vidéo du portail, sous-titrés et transcrits.",
                       intro="<p>Des vidéos courtes, sous-titrées et transcrites, pour chaque démarche.</p>")
    contact = _contact(home, report)
    pictures = {key: _illustration(*spec, report) for key, spec in ILLUSTRATIONS.items()}
    guide = _child(home, GuidePage, "alimentation-du-pecule", report, title="L'alimentation du pécule",
                   show_in_menus=True,
                   search_description="Le guide pas à pas : accéder à votre espace, enregistrer un permis de "
                                      "visite, effectuer le virement.",
                   intro="<p><b>L'alimentation du pécule, le nouveau service du portail de l'administration "
                         "pénitentiaire !</b></p><p>Réalisez un virement afin d'alimenter le pécule de votre proche "
                         "pour lequel vous disposez d'un permis de visite actif sur votre espace personnel.</p>",
                   body=guide_body(home=home, tutorials=tutorials, pictures=pictures),
                   footer=(
                       "<p>Si vous rencontrez des problèmes sur le portail :</p>"
                       f"<p>Contactez le support depuis le bouton « {page_link(contact, 'Contact')} » dans le menu du "
                       f"site {PORTAL_ADDRESS}.</p>"
                       "<p>Ce service s'ajoute à la solution déjà existante au sein de l'établissement.</p>"
                   ))
    if f"page « {guide.title} »" in report.created:  # the guide comes first in the menu
        guide.move(home, pos="first-child")
        guide = GuidePage.objects.get(pk=guide.pk)
    parloir_guide = _child(
        home, GuidePage, PARLOIR_GUIDE_SLUG, report, title=PARLOIR_GUIDE_TITLE, show_in_menus=True,
        search_description="Le guide pas à pas : accéder à votre espace, choisir un créneau de parloir, indiquer qui "
                           "vient, confirmer, retrouver ou annuler un rendez-vous.",
        intro="<p><b>La prise de rendez-vous parloir se simplifie sur le portail de l'administration "
              "pénitentiaire !</b></p><p>Réservez un parloir avec votre proche pour lequel vous disposez d'un "
              "permis de visite actif sur votre espace personnel : choisissez le créneau, indiquez qui vient, "
              "et retrouvez vos rendez-vous dans « Mes rendez-vous ».</p>",
        body=parloir_guide_body(home=home, pecule_guide=guide, tutorials=tutorials, pictures=pictures),
        footer=(
            "<p>Si vous rencontrez des problèmes sur le portail :</p>"
            f"<p>Contactez le support depuis le bouton « {page_link(contact, 'Contact')} » dans le menu du "
            f"site {PORTAL_ADDRESS}.</p>"
            "<p>Ce service s'ajoute à la prise de rendez-vous par téléphone ou à l'accueil de l'établissement, "
            "qui reste possible.</p>"
        ))
    if f"page « {parloir_guide.title} »" in report.created:  # beside the other guide in the menu
        parloir_guide.move(guide, pos="right")
        parloir_guide = GuidePage.objects.get(pk=parloir_guide.pk)
    _tutorial_pages(tutorials, report)
    faq = _child(home, FAQPage, "questions-frequentes", report, title="Questions fréquentes", show_in_menus=True,
           search_description="Les réponses aux questions des proches : virements, parloirs, permis de visite, "
                              "connexion.",
           themes=faq_themes(parloir_guide))
    establishments = _child(home, ContentPage, "etablissements", report, title="Établissements", show_in_menus=True,
                            search_description="Adresse, accès, visites et plafonds des virements de chaque "
                                               "établissement.")
    cpdemo = Establishment.objects.get(code="CPDEMO")
    _child(establishments, EstablishmentPage, "centre-penitentiaire-de-demonstration", report,
           title=cpdemo.name, establishment=cpdemo,
           search_description=f"{cpdemo.name} : adresse, accès, visites et plafonds des virements.",
           access="<p>Bus 42, arrêt « Démonstration ». Parking visiteurs devant l'entrée principale.</p>",
           visiting_information="<p>Les parloirs ont lieu du mardi au samedi, à 9 h 00, 10 h 30, 14 h 00 et "
                                "15 h 30. Réservez-les depuis votre espace personnel (« Prendre un rendez-vous "
                                "parloir » sur le permis de visite) au plus tard 24 heures avant. Présentez-vous "
                                "30 minutes avant l'heure du rendez-vous à l'accueil des familles, porte B, avec "
                                "votre permis de visite et une pièce d'identité.</p>")
    _child(home, ContentPage, "mentions-legales", report, title="Mentions légales", show_in_footer=True,
           search_description="Éditeur, directeur de la publication et hébergement du portail.",
           body=[p("Éditeur : ministère de la Justice, direction de l'administration pénitentiaire, 13 place "
                   "Vendôme, 75001 Paris."),
                 p("Directeur de la publication : le directeur de l'administration pénitentiaire.")])
    personal_data = _child(
        home, ContentPage, "donnees-personnelles", report, title="Données personnelles", show_in_footer=True,
        search_description="Les données que le portail traite, pourquoi, combien de temps, et vos droits.",
        body=[p("Le portail traite votre identité FranceConnect, les permis de visite que vous enregistrez, vos "
                "virements et vos rendez-vous parloir, pour vous permettre d'alimenter le pécule d'une personne "
                "détenue et de lui rendre visite."),
              *PARLOIR_DATA_BLOCKS,
              p("Vous pouvez exercer vos droits d'accès et de rectification en écrivant au support depuis la "
                "page Contact.")])
    _add_parloir_data(personal_data)
    news = _child(home, ContentPage, "actualites", report, title="Actualités",
                  search_description="Les nouveautés du portail des proches.")
    _child(news, NewsPage, "alimentation-du-pecule-nouveau-service", report,
           title="L'alimentation du pécule, le nouveau service du portail",
           search_description="Alimentez le pécule de votre proche par virement depuis le portail.",
           intro="Réalisez un virement afin d'alimenter le pécule de votre proche pour lequel vous disposez d'un "
                 "permis de visite actif sur votre espace personnel.",
           body=[p(f"Suivez le guide pas à pas : {page_link(guide, 'L’alimentation du pécule')}.")])
    _set_services(home, guide, parloir_guide)
    # The home page, the guides and the FAQ in English and Arabic (cms.demo_i18n); the rest stays French.
    translate_pages([home, guide, parloir_guide, faq], report)
    return home


def _wagtail_roots() -> Page:
    """Wagtail's root page and root collection (made by its migrations; made again here when tests have
    emptied the database), and the communication role's rights on them."""
    if not Locale.objects.exists():
        Locale.objects.create(language_code=get_supported_content_language_variant(settings.LANGUAGE_CODE))
    root = Page.get_first_root_node()
    if root is None:
        root = Page.add_root(instance=Page(title="Racine", slug="root"))
    if Collection.get_first_root_node() is None:
        Collection.add_root(name="Racine")
    grant_communication_rights()
    return root


def _child(parent: Page, model, slug: str, report, **fields):
    """The child ``slug`` of ``parent``, as the editors left it; created and published when missing."""
    label = f"page « {fields['title']} »"
    existing = parent.get_children().filter(slug=slug).first()
    if existing is not None:
        report.note(label, "unchanged")
        return existing.specific
    page = model(slug=slug, **fields)
    parent.add_child(instance=page)
    page.save_revision().publish()
    report.note(label, "created")
    return page


def _make_site_root(home: HomePage) -> None:
    site = Site.objects.filter(is_default_site=True).first()
    if site is None:
        Site.objects.create(hostname="localhost", port=80, root_page=home, is_default_site=True,
                            site_name="Portail des proches")
    elif site.root_page_id != home.pk:
        previous = site.root_page
        site.root_page = home
        site.site_name = "Portail des proches"
        site.save()
        # Wagtail's placeholder page, never edited: removed so that it is neither searched nor listed.
        if (previous.depth == 2 and previous.specific_class is Page and previous.title == WELCOME_TITLE
                and not previous.get_children().exists()):
            previous.delete()


def _contact(home: HomePage, report) -> ContactPage:
    existing = home.get_children().filter(slug="contact").first()
    if existing is not None:
        report.note("page « Contact »", "unchanged")
        return existing.specific
    page = ContactPage(
        slug="contact", title="Contact",
        search_description="Écrire au support du portail des proches.",
        intro="<p>Une question sur le portail, l'enregistrement d'un permis de visite ou un virement ? Écrivez au "
              "support. Pour une question sur la situation d'une personne détenue, adressez-vous au greffe de son "
              "établissement.</p>",
        thank_you_text="<p>Le support vous répondra à l'adresse électronique indiquée.</p>",
    )
    page.form_fields = [
        ContactFormField(sort_order=0, label="Objet", field_type="dropdown", required=True,
                         choices="Enregistrement d'un permis de visite\nVirement sur le pécule\n"
                                 "Connexion FranceConnect\nAutre question"),
        ContactFormField(sort_order=1, label="Message", field_type="multiline", required=True),
        ContactFormField(sort_order=2, label="Adresse électronique", field_type="email", required=True,
                         help_text="Le support vous répondra à cette adresse."),
        ContactFormField(sort_order=3, label="Numéro de permis de visite", field_type="singleline", required=False,
                         help_text="Par exemple PV-2026-000123."),
    ]
    home.add_child(instance=page)
    page.save_revision().publish()
    report.note("page « Contact »", "created")
    return page


# The "Données personnelles" page's section on the parloir; the retention is written from the setting by its block.
PARLOIR_DATA_BLOCKS = [
    {"type": "heading", "value": {"text": "Rendez-vous parloir", "level": "h2"}},
    p("Pour chaque rendez-vous parloir, le portail conserve le créneau réservé (date, heure, espace de visite), "
      "la personne détenue visitée, le nom et le numéro de permis de visite de chaque visiteur adulte, le nombre "
      "d'enfants mineurs, l'adresse électronique à laquelle écrire, et ce qu'il advient du rendez-vous "
      "(annulation et son motif, arrivée)."),
    p("Ces données servent à organiser les visites : vérifier les permis de visite, respecter les places de "
      "chaque créneau et le nombre de parloirs de la personne détenue, préparer la liste du jour, vous prévenir "
      "d'une annulation. Seuls les agents du bureau des parloirs et du greffe de l'établissement concerné les "
      "consultent."),
    {"type": "visits_retention", "value": None},
]


def _add_parloir_data(page: ContentPage) -> None:
    """A "Données personnelles" page published before the parloir existed gets its section on the parloir, once
    (a page that already has the retention block is left as the team set it)."""
    if any(block.block_type == "visits_retention" for block in page.body):
        return
    raw = list(page.body.raw_data)
    position = len(raw) - 1 if raw else 0  # before the last paragraph (the rights)
    raw[position:position] = PARLOIR_DATA_BLOCKS
    page.body = raw
    page.save_revision().publish()


def _parloir_service(parloir_guide: GuidePage) -> dict:
    """The home page's parloir service, as the pécule's: the guide for a visitor; a logged-in relative goes to the
    « Accueil » tab of their space, where each permit card has « Prendre un rendez-vous parloir »."""
    return {"title": PARLOIR_SERVICE, "page": parloir_guide.pk, "url": "",
            "text": "Réservez un parloir avec la personne détenue dont vous détenez un permis de visite, depuis "
                    "votre espace : choisissez le créneau, indiquez qui vient, retrouvez vos rendez-vous.",
            "link_label": PARLOIR_LINK_LABEL, "relative_destination": "accueil"}


def _services(guide: Page, parloir_guide: Page) -> list[dict]:
    """The home page's two services: « Faire un virement » and « Prendre un rendez-vous parloir »."""
    return [
        {"type": "service", "value": {
            "title": "Faire un virement", "page": guide.pk, "url": "",
            "text": "Alimentez le pécule de la personne détenue dont vous détenez un permis de visite, depuis "
                    "votre banque.",
            "link_label": "Lire le guide « L'alimentation du pécule »", "relative_destination": "pecule"}},
        {"type": "service", "value": _parloir_service(parloir_guide)},
    ]


def _set_services(home: HomePage, guide: GuidePage, parloir_guide: GuidePage) -> None:
    if home.services.raw_data:
        # A home page set up before a service could lead a logged-in relative to their space:
        # "Faire un virement" now leads them to the "Pécule" tab; the parloir's service, which led everyone
        # to Mon espace before the booking existed, now leads to its guide as the pécule's does (the rest is
        # left as the team set it).
        raw = list(home.services.raw_data)
        changed = False
        for item in raw:
            value = item["value"]
            if value.get("title") == "Faire un virement" and "relative_destination" not in value:
                value["relative_destination"] = "pecule"
                changed = True
            if (value.get("title") == PARLOIR_SERVICE and not value.get("page")
                    and value.get("url") == OLD_PARLOIR_SERVICE_URL):
                value.update(_parloir_service(parloir_guide))
                changed = True
        if changed:
            home.services = raw
            home.save_revision().publish()
        return
    home.services = _services(guide, parloir_guide)
    home.save_revision().publish()


def _illustration(title: str, lines: list[str], button_label: str, report):
    """A drawn illustration of a portal screen (cms.illustrations), stored as a Wagtail image."""
    return _drawn_image(title, lambda: screen_illustration(lines, button_label), report)


def _drawn_image(title: str, draw: Callable[[], Canvas], report) -> Image:
    """The Wagtail image ``title``, as editors left it; drawn by ``draw`` and stored when missing."""
    existing = Image.objects.filter(title=title).first()
    label = f"image « {title} »"
    if existing is not None:
        report.note(label, "unchanged")
        return existing
    canvas = draw()
    name = f"{slugify(title)}.png"
    image = Image(title=title)
    image.file.save(name, ImageFile(io.BytesIO(canvas.png()), name=name), save=False)
    image.width, image.height = canvas.image.size
    image.save()
    report.note(label, "created")
    return image


def _tutorial_pages(parent: Page, report) -> None:
    """The video tutorials of the flyer, one page each, from the files that scripts/record_tutorials.py
    recorded from the browser walk (cms/demo_assets/tutoriels.json: titles, chapters, transcripts)."""
    manifest = ASSETS / TUTORIALS_MANIFEST
    if not manifest.exists():  # not recorded yet (the recording script's own portal, on its first run)
        return
    for tutorial in json.loads(manifest.read_text(encoding="utf-8")):
        title = tutorial["title"]
        video = _document(f"Tutoriel — {title} (vidéo)", ASSETS / tutorial["video"], report)
        captions = _document(f"Tutoriel — {title} (sous-titres)", ASSETS / tutorial["captions"], report)
        if video is None or captions is None:
            continue
        transcript = "".join(
            (f"<p><b>{escape(part['title'])}</b></p>" if part["title"] else "")
            + "".join(f"<p>{escape(line)}</p>" for line in part["text"])
            for part in tutorial["transcript"]
        )
        # Shown before the video loads (all there is to see on a slow phone), and the video's first image.
        poster = _drawn_image(f"Tutoriel — {title} (affiche)",
                              lambda title=title, intro=tutorial["intro"]: tutorial_poster(title, intro), report)
        _child(parent, TutorialPage, tutorial["slug"], report, title=title,
               search_description=tutorial["search_description"], intro=f"<p>{escape(tutorial['intro'])}</p>",
               video_file=video, captions=captions, poster=poster, transcript=transcript,
               chapters=[{"type": "chapter", "value": chapter} for chapter in tutorial["chapters"]])


def _document(title: str, path: Path, report) -> Document | None:
    existing = Document.objects.filter(title=title).first()
    label = f"document « {title} »"
    if existing is not None:
        report.note(label, "unchanged")
        return existing
    if not path.exists():
        return None
    with path.open("rb") as handle:
        document = Document(title=title)
        document.file.save(path.name, File(handle), save=False)
        document.save()
    report.note(label, "created")
    return document
