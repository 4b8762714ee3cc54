"""The demo site (called by sandbox.demo.load_demo): the home page, the guide « L'alimentation du
pécule » with every step of the flyer (1a to 3g, same text, same buttons, the "i" notes and the caps
warning), the video tutorials, the FAQ, the CPDEMO establishment page, the contact page and the legal
pages; the menus link them.

Idempotent: a page (or file) that exists is left as the editors made it; a missing one is created
and published."""

from __future__ import annotations

import io
import json
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

from .illustrations import screen_illustration
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
}


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


def guide_body(*, home: Page, tutorials: Page, pictures: dict) -> list[dict]:
    """The flyer « L'alimentation du pécule », step by step, in its own words."""
    return [
        step("Accéder à votre espace personnel", [
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
        ]),
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
                                     "des personnes détenues : alimenter le pécule par virement, guides, contact.",
                  intro="<p>Alimentez le pécule d'une personne détenue par virement depuis votre banque, en toute "
                        "sécurité, et retrouvez les guides, les tutoriels vidéo et les réponses à vos questions.</p>")
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
    _tutorial_pages(tutorials, report)
    _child(home, FAQPage, "questions-frequentes", report, title="Questions fréquentes", show_in_menus=True,
           search_description="Les réponses aux questions des proches : virements, permis de visite, connexion.",
           themes=FAQ_THEMES)
    establishments = _child(home, ContentPage, "etablissements", report, title="Établissements", show_in_menus=True,
                            search_description="Adresse, accès, visites et plafonds des virements de chaque "
                                               "établissement.")
    cpdemo = Establishment.objects.get(code="CPDEMO")
    _child(establishments, EstablishmentPage, "centre-penitentiaire-de-demonstration", report,
           title=cpdemo.name, establishment=cpdemo,
           search_description=f"{cpdemo.name} : adresse, accès, visites et plafonds des virements.",
           access="<p>Bus 42, arrêt « Démonstration ». Parking visiteurs devant l'entrée principale.</p>",
           visiting_information="<p>Les parloirs ont lieu du mardi au samedi. Présentez-vous 30 minutes avant "
                                "l'heure du rendez-vous avec votre permis de visite et une pièce d'identité.</p>")
    _child(home, ContentPage, "mentions-legales", report, title="Mentions légales", show_in_footer=True,
           search_description="Éditeur, directeur de la publication et hébergement du portail.",
           body=[p("Éditeur : ministère de la Justice, direction de l'administration pénitentiaire, 13 place "
                   "Vendôme, 75001 Paris."),
                 p("Directeur de la publication : le directeur de l'administration pénitentiaire.")])
    _child(home, ContentPage, "donnees-personnelles", report, title="Données personnelles", show_in_footer=True,
           search_description="Les données que le portail traite, pourquoi, combien de temps, et vos droits.",
           body=[p("Le portail traite votre identité FranceConnect, les permis de visite que vous enregistrez et "
                   "vos virements, pour vous permettre d'alimenter le pécule d'une personne détenue."),
                 p("Vous pouvez exercer vos droits d'accès et de rectification en écrivant au support depuis la "
                   "page Contact.")])
    news = _child(home, ContentPage, "actualites", report, title="Actualités",
                  search_description="Les nouveautés du portail des proches.")
    _child(news, NewsPage, "alimentation-du-pecule-nouveau-service", report,
           title="L'alimentation du pécule, le nouveau service du portail",
           search_description="Alimentez le pécule de votre proche par virement depuis le portail.",
           intro="Réalisez un virement afin d'alimenter le pécule de votre proche pour lequel vous disposez d'un "
                 "permis de visite actif sur votre espace personnel.",
           body=[p(f"Suivez le guide pas à pas : {page_link(guide, 'L’alimentation du pécule')}.")])
    _set_services(home, guide)
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


def _set_services(home: HomePage, guide: GuidePage) -> None:
    if home.services.raw_data:
        # A home page set up before a service could lead a logged-in relative to their space:
        # "Faire un virement" now leads them to the "Pécule" tab (the rest is left as the team set it).
        raw = list(home.services.raw_data)
        missing = [item for item in raw if item["value"].get("title") == "Faire un virement"
                   and "relative_destination" not in item["value"]]
        if missing:
            for item in missing:
                item["value"]["relative_destination"] = "pecule"
            home.services = raw
            home.save_revision().publish()
        return
    home.services = [
        {"type": "service", "value": {
            "title": "Faire un virement", "page": guide.pk, "url": "",
            "text": "Alimentez le pécule de la personne détenue dont vous détenez un permis de visite, depuis "
                    "votre banque.",
            "link_label": "Lire le guide « L'alimentation du pécule »", "relative_destination": "pecule"}},
        {"type": "service", "value": {
            "title": "Prendre un rendez-vous parloir", "page": None, "url": "/mon-espace/",
            "text": "Réservez un parloir avec la personne détenue depuis votre espace personnel.",
            "link_label": "Accéder à mon espace"}},
    ]
    home.save_revision().publish()


def _illustration(title: str, lines: list[str], button_label: str, report):
    """A drawn illustration of a portal screen (cms.illustrations), stored as a Wagtail image."""
    existing = Image.objects.filter(title=title).first()
    label = f"image « {title} »"
    if existing is not None:
        report.note(label, "unchanged")
        return existing
    canvas = screen_illustration(lines, button_label)
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
        _child(parent, TutorialPage, tutorial["slug"], report, title=title,
               search_description=tutorial["search_description"], intro=f"<p>{escape(tutorial['intro'])}</p>",
               video_file=video, captions=captions, transcript=transcript,
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
