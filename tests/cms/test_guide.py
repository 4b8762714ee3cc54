"""The guide « L'alimentation du pécule »: every step of the flyer with its words and buttons, the
printable A4 view with its QR code, the PDF; images need a text alternative and come in phone sizes."""

from __future__ import annotations

import html
import io
import re
from pathlib import Path

import pytest
from django.conf import settings
from pypdf import PdfReader
from wagtail.blocks import StreamValue
from wagtail.blocks.struct_block import StructBlockValidationError

from cms.blocks import AccessibleImageBlock, QRCodeBlock
from cms.models import GuidePage
from tests.cms.factories import GuidePageFactory, ImageFactory

FLYER = Path(settings.BASE_DIR).parent / "shared" / "seed" / "000_e99094e4691682c0.txt"
LABELS = ["1a", "1b", "1c", "2a", "2b", "3a", "3b", "3c", "3d", "3e", "3f", "3g"]
# RGAA 9.1: each sub-step's heading says what the person does there.
HEADINGS = [
    "1a. Ouvrir le site du portail", "1b. Se connecter avec FranceConnect",
    "1c. Choisir un partenaire de FranceConnect",
    "2a. Choisir « Faire un virement »", "2b. Ajouter un permis de visite",
    "3a. Choisir « Faire un virement » sur le permis de visite", "3b. Alimenter le pécule",
    "3c. Saisir le montant du virement", "3d. Sélectionner votre banque", "3e. Vous identifier auprès de votre banque",
    "3f. Confirmer le virement", "3g. Consulter l'historique de vos virements",
]
# The flyer's typos, corrected in the guide (its button labels, the site's labels, are kept).
CORRECTIONS = {
    "rendez-vous parlor": "rendez-vous parloir",
    "Pour se faire": "Pour ce faire",
    "ci dessous": "ci-dessous",
    "www.penitenciaire.justice.fr": "www.penitentiaire.justice.fr.",
    "tutoriels vidéos": "tutoriels vidéo",
    "actif sur votre espace personnel": "actif sur votre espace personnel.",
    "« Ajouter un permis de visite »$": "« Ajouter un permis de visite ».",
    "pour effectuer cette action$": "pour effectuer cette action.",
}
TYPOS = ["parlor", "Pour se faire", "ci dessous", "penitenciaire", "tutoriels vidéos"]
BUTTONS = ["S’identifier avec FranceConnect", "Faire un virement", "Ajouter un permis de visite", "Alimenter le pécule",
           "Réaliser le virement", "Confirmer", "Voir l'historique"]


def visible_text(raw: str) -> str:
    main = raw[raw.index('<main id="content"'):raw.index("</main>")]
    main = re.sub(r'<span class="fr-sr-only">[^<]*</span>', "", main)
    return re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", main)))


def flyer_lines() -> list[str]:
    """The flyer's lines from step 1 to the support note (its last three lines are the portal's
    slogan, shown on the home page and the guide's introduction)."""
    if FLYER.exists():
        lines = [line.strip() for line in FLYER.read_text(encoding="utf-8").splitlines() if line.strip()]
    else:  # CI's copy of shared/ sits beside the clone: the same file
        pytest.skip("flyer introuvable")
    lines = lines[: lines.index("Ce service s'ajoute à la solution déjà existante au sein de l'établissement.") + 1]
    lines = [re.sub(r"^i ", "", line) for line in lines]
    for typo, correct in CORRECTIONS.items():
        lines = [re.sub(typo, correct, line) for line in lines]
    return lines


def heading_texts(raw: str) -> list[str]:
    found = re.findall(r'<h3 class="portail-substep__label">(.*?)</h3>', raw, flags=re.S)
    return [re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", "", h))).strip() for h in found]


def pictured_buttons(raw: str) -> list[str]:
    pattern = r'<span class="portail-pictured-button__button[^"]*" aria-hidden="true">([^<]+)</span>'
    return [html.unescape(b) for b in re.findall(pattern, raw)]


@pytest.mark.django_db
def test_the_guide_has_every_line_of_the_flyer_in_order_in_correct_french(client, demo_site):
    text = re.sub(r"\s+", " ", visible_text(client.get("/alimentation-du-pecule/").content.decode()))
    text = text.replace("1. Accéder", "1. Accéder")
    position = 0
    for line in flyer_lines():
        wanted = re.sub(r"\s+", " ", line)
        # A sub-step's number opens its descriptive heading: "1a. Ouvrir le site du portail".
        found = text.find(wanted, position) if not re.fullmatch(r"\d[a-g]", wanted) else text.find(f" {wanted}. ",
                                                                                                   position)
        assert found >= 0, f"absent ou dans le désordre : {wanted!r}"
        position = found


@pytest.mark.django_db
@pytest.mark.parametrize("url", ["/alimentation-du-pecule/", "/prise-de-rendez-vous-parloir/"])
def test_the_guides_are_in_correct_french_without_the_flyers_typos(client, demo_site, url):
    """On any clone (the flyer itself, beside the clone, is not needed): the demo guides have none of the flyer's
    typos, and the portal's address spelled one way."""
    text = visible_text(client.get(url).content.decode())
    assert [typo for typo in TYPOS if typo in text] == []
    assert re.findall(r"www\.\w+\.justice\.fr", text) and set(re.findall(r"www\.\w+\.justice\.fr", text)) == {
        "www.penitentiaire.justice.fr"}
    if url == "/alimentation-du-pecule/":  # the flyer's sentences, corrected
        for correct in ("Pour ce faire", "ci-dessous", "tutoriels vidéo", "rendez-vous parloir"):
            assert correct in text, correct


def substep_labels(guide: GuidePage) -> list[str]:
    """The sub-steps' numbers as the guide shows them (1a, 1b, 2a…), in the order of the body."""
    return [s["label"] for item in guide.numbered_body() if item["type"] == "step" for s in item["substeps"]]


@pytest.mark.django_db
def test_sub_steps_are_numbered_like_the_flyer_with_buttons_notes_and_the_caps_warning(client, demo_site):
    guide = GuidePage.objects.get(slug="alimentation-du-pecule")
    assert substep_labels(guide) == LABELS
    raw = client.get(guide.url).content.decode()
    assert heading_texts(raw) == HEADINGS
    assert re.findall(r'<h2 class="portail-step__title"[^>]*><span[^>]*>(\d)\.</span>', raw) == ["1", "2", "3"]
    assert set(BUTTONS) <= set(pictured_buttons(raw))
    assert raw.count("fr-callout fr-icon-information-line") == 2  # the two "i" notes (2b, 3e)
    warning = raw[raw.index("fr-alert--warning"):]
    assert "Le montant peut être plafonné par l'établissement pénitentiaire." in html.unescape(warning[:400])
    assert "Votre virement a été pris en compte" in raw and "Confirmer un virement ponctuel" in raw
    # The screenshots of 1b and 3c: a text alternative and phone-sized renditions.
    images = re.findall(r'<img alt="([^"]+)" class="fr-responsive-img"[^>]*srcset="[^"]+ 360w, [^"]+ 720w', raw)
    assert len(images) == 2 and all(alt.strip() for alt in images)


@pytest.mark.django_db
def test_the_printable_view_is_an_a4_flyer_with_its_qr_code(client, demo_site):
    response = client.get("/alimentation-du-pecule/imprimer/")
    raw = response.content.decode()
    assert response.status_code == 200
    assert re.search(r'<link rel="stylesheet" href="/static/cms/print.css" media="print">', raw)
    assert "size: A4" in (Path(settings.BASE_DIR) / "static" / "cms" / "print.css").read_text()
    assert heading_texts(raw) == HEADINGS
    qr = re.search(r'<img src="data:image/svg\+xml;[^"]+" alt="([^"]+)"', raw)
    assert qr and html.unescape(qr.group(1)) == "QR code menant à la page d'accueil du portail des proches"
    assert '<script src="/static/cms/print.js" defer></script>' in raw


@pytest.mark.django_db
def test_the_pdf_download_holds_every_step_and_button(client, demo_site):
    response = client.get("/alimentation-du-pecule/pdf/")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'attachment; filename="lalimentation-du-pecule.pdf"'
    reader = PdfReader(io.BytesIO(response.content))
    assert reader.pages[0].mediabox.width == pytest.approx(595.27, abs=0.5)  # A4
    text = " ".join(page.extract_text() for page in reader.pages)
    for label in HEADINGS + BUTTONS + ["Le montant peut être plafonné par l'établissement pénitentiaire."]:
        assert label in text, label
    assert any(page.images for page in reader.pages)  # the QR code


@pytest.mark.django_db
def test_an_image_needs_its_text_alternative_and_is_served_in_phone_sizes(client, home):
    block = AccessibleImageBlock()
    image = ImageFactory()
    with pytest.raises(StructBlockValidationError) as refused:
        block.clean({"image": image, "alt": "  ", "caption": ""})
    assert "texte alternatif" in str(refused.value.block_errors["alt"])
    guide = GuidePageFactory(parent=home, slug="guide-image", body=[
        {"type": "image", "value": {"image": image.pk, "alt": "Le bouton « Faire un virement »", "caption": ""}},
    ])
    raw = client.get(guide.url).content.decode()
    img = re.search(r"<img [^>]*>", raw[raw.index('<main id="content"'):]).group(0)
    assert 'alt="Le bouton « Faire un virement »"' in html.unescape(img)
    widths = sorted(int(w) for w in re.findall(r" (\d+)w", img))
    assert widths == [360, 720, 1080] and 'sizes="(max-width: 48em) 100vw, 720px"' in img


@pytest.mark.django_db
def test_a_qr_code_points_to_one_page_or_one_address(home):
    block = QRCodeBlock()
    with pytest.raises(StructBlockValidationError):
        block.clean({"page": None, "url": "", "caption": ""})
    with pytest.raises(StructBlockValidationError):
        block.clean({"page": home, "url": "https://www.justice.fr/", "caption": ""})
    assert QRCodeBlock.target_url({"page": None, "url": "https://www.justice.fr/"}) == "https://www.justice.fr/"
    assert QRCodeBlock.target_url({"page": home, "url": ""}) == f"{settings.PORTAL_BASE_URL}/"


@pytest.mark.django_db
def test_sub_step_labels_follow_the_order_of_the_steps(home):
    step = {"title": "Étape", "intro": [], "substeps": [{"content": []}] * 3}
    guide = GuidePageFactory(parent=home, slug="ordre", body=[
        {"type": "paragraph", "value": "<p>Avant les étapes.</p>"},
        {"type": "step", "value": step},
        {"type": "step", "value": {**step, "substeps": [{"content": []}]}},
    ])
    assert isinstance(guide.body, StreamValue)
    assert substep_labels(guide) == ["1a", "1b", "1c", "2a"]


@pytest.mark.django_db
def test_a_sub_step_without_a_title_gets_a_descriptive_heading_from_its_first_text(client, home):
    guide = GuidePageFactory(parent=home, slug="sans-titres", body=[
        {"type": "step", "value": {"title": "Effectuer le virement", "intro": [], "substeps": [
            {"content": [{"type": "paragraph",
                          "value": "<p>Choisissez votre banque dans la liste. Puis validez.</p>"}]},
            {"content": [{"type": "button", "value": {"label": "Confirmer", "secondary": False}}]},
            {"title": "  Suivre le virement ", "content": []},
        ]}},
    ])
    raw = client.get(guide.url).content.decode()
    assert heading_texts(raw) == ["1a. Choisissez votre banque dans la liste", "1b. Bouton « Confirmer »",
                                  "1c. Suivre le virement"]
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(client.get(guide.url + "pdf/").content)).pages)
    assert "1a. Choisissez votre banque dans la liste" in text and "1c. Suivre le virement" in text


@pytest.mark.django_db
def test_a_pictured_button_is_a_captioned_picture_not_a_button(client, demo_site):
    raw = client.get("/alimentation-du-pecule/").content.decode()
    main = raw[raw.index('<main id="content"'):raw.index("</main>")]
    assert "fr-btn" not in re.sub(r'<ul class="fr-btns-group.*?</ul>', "", main, flags=re.S)  # only the real ones
    figures = re.findall(r'<figure class="portail-pictured-button" role="group" aria-label="([^"]+)">.*?'
                         r'<figcaption[^>]*>([^<]+)</figcaption>', main, flags=re.S)
    assert ("Bouton « Réaliser le virement » à l'écran",) * 2 in [tuple(map(html.unescape, f)) for f in figures]
    css = (Path(settings.BASE_DIR) / "static" / "cms" / "cms.css").read_text()
    assert re.search(r"\.portail-pictured-button \{[^}]*cursor: default", css)


@pytest.mark.django_db
@pytest.mark.parametrize(("caption", "expected"), [
    ("QR code menant à la page d'accueil", "QR code menant à la page d'accueil"),
    ("", "QR code menant à https://www.justice.fr/"),
])
def test_the_qr_code_text_alternative_is_its_visible_caption(client, home, caption, expected):
    guide = GuidePageFactory(parent=home, slug="qr", body=[
        {"type": "qr_code", "value": {"page": None, "url": "https://www.justice.fr/", "caption": caption}},
    ])
    raw = client.get(guide.url).content.decode()
    figure = re.search(r'<figure class="portail-qr" role="group" aria-label="([^"]+)">\s*<img [^>]*alt="([^"]+)"[^>]*>'
                       r'\s*<figcaption[^>]*>([^<]+)</figcaption>', raw)
    assert figure and {html.unescape(text) for text in figure.groups()} == {expected}
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(client.get(guide.url + "pdf/").content)).pages)
    assert expected in text
