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
    return [re.sub(r"^i ", "", line) for line in lines]


@pytest.mark.django_db
def test_the_guide_has_every_line_of_the_flyer_in_order(client, demo_site):
    text = re.sub(r"\s+", " ", visible_text(client.get("/alimentation-du-pecule/").content.decode()))
    text = text.replace("1. Accéder", "1. Accéder")
    position = 0
    for line in flyer_lines():
        wanted = re.sub(r"\s+", " ", line)
        found = text.find(wanted, position) if not re.fullmatch(r"\d[a-g]", wanted) else text.find(f" {wanted} ",
                                                                                                   position)
        assert found >= 0, f"absent ou dans le désordre : {wanted!r}"
        position = found


@pytest.mark.django_db
def test_sub_steps_are_numbered_like_the_flyer_with_buttons_notes_and_the_caps_warning(client, demo_site):
    guide = GuidePage.objects.get()
    assert guide.step_labels() == LABELS
    raw = client.get(guide.url).content.decode()
    assert re.findall(r'<h3 class="portail-substep__label">(\w+)</h3>', raw) == LABELS
    assert re.findall(r'<h2 class="portail-step__title"[^>]*><span[^>]*>(\d)\.</span>', raw) == ["1", "2", "3"]
    shown = [html.unescape(b) for b in re.findall(r'<span class="fr-btn">([^<]+)</span>', raw)]
    assert set(BUTTONS) <= set(shown)
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
    assert re.findall(r'<h3 class="portail-substep__label">(\w+)</h3>', raw) == LABELS
    qr = re.search(r'<img src="(data:image/svg\+xml[^"]+)" alt="QR code menant à ([^"]+)"', raw)
    assert qr and html.unescape(qr.group(2)) == f"{settings.PORTAL_BASE_URL}/"  # 1a: scan to reach the portal
    assert '<script src="/static/cms/print.js" defer></script>' in raw


@pytest.mark.django_db
def test_the_pdf_download_holds_every_step_and_button(client, demo_site):
    response = client.get("/alimentation-du-pecule/pdf/")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'attachment; filename="lalimentation-du-pecule.pdf"'
    reader = PdfReader(io.BytesIO(response.content))
    assert reader.pages[0].mediabox.width == pytest.approx(595.27, abs=0.5)  # A4
    text = " ".join(page.extract_text() for page in reader.pages)
    for label in LABELS + BUTTONS + ["Le montant peut être plafonné par l'établissement pénitentiaire."]:
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
    assert guide.step_labels() == ["1a", "1b", "1c", "2a"]
