"""QR codes (segno) of the guides: an SVG for the web page, a PNG for the PDF."""

from __future__ import annotations

import io

import segno
from django.conf import settings


def absolute_url(url: str) -> str:
    """The address a phone reaches: page URLs are made absolute with PORTAL_BASE_URL."""
    if url.startswith(("http://", "https://")):
        return url
    return f"{settings.PORTAL_BASE_URL}/{url.lstrip('/')}"


def svg_data_uri(url: str) -> str:
    return segno.make(url, error="m", micro=False).svg_data_uri(scale=4, border=2, dark="#000091")


def png_bytes(url: str, scale: int = 8) -> bytes:
    buffer = io.BytesIO()
    segno.make(url, error="m", micro=False).save(buffer, kind="png", scale=scale, border=2)
    return buffer.getvalue()
