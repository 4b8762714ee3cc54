"""A relative in the browser: logged in through the FranceConnect stand-in, their visit permit on their space."""

from __future__ import annotations

import re

from playwright.sync_api import expect

from accounts.models import Relative
from permits.constants import RegistrationStatus
from permits.models import RegisteredPermit, VisitPermit
from tests.e2e.conftest import Walk

ANGELA = "Angela Claire Louise DUBOIS"


def relative_login(walk: Walk, full_name: str = ANGELA) -> None:
    """The relative picks ``full_name`` among the stand-in's test identities and lands on "Mon espace"."""
    page = walk.page
    page.goto("/")
    page.get_by_role("button", name=re.compile("S’identifier avec FranceConnect")).click()
    page.get_by_role("button", name=f"Se connecter en tant que {full_name}").click()
    expect(page).to_have_url(re.compile(r"/mon-espace/$"))


def registered_permit(family_name: str = "DUBOIS", number: str = "PV-2026-000123") -> RegisteredPermit:
    """The demo permit ``number`` accepted on the relative's space, set up directly (the flyer walk covers
    that page)."""
    relative = Relative.objects.get(family_name=family_name)
    registration, _created = RegisteredPermit.objects.get_or_create(
        relative=relative, permit=VisitPermit.objects.get(number=number),
        defaults={"status": RegistrationStatus.ACCEPTED},
    )
    return registration
