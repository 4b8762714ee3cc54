"""Two establishments with their rows, and the admin URLs of each object: the back-office tests'
common ground."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.urls import reverse

from accounts.models import Relative, User
from establishments.models import Bank, Establishment, NationalCeiling
from permits.models import Detainee, VisitPermit
from tests.accounts.factories import StaffFactory
from tests.establishments.factories import BankFactory, EstablishmentFactory, NationalCeilingFactory
from tests.permits.factories import DetaineeFactory, VisitPermitFactory


@dataclass
class Site:
    establishment: Establishment
    detainee: Detainee
    permit: VisitPermit
    objects: dict = field(default_factory=dict)


@dataclass
class World:
    a: Site
    b: Site
    ceiling: NationalCeiling
    bank: Bank
    staff: User
    relative: Relative

    def shared_objects(self) -> dict:
        return {
            "establishments.nationalceiling": self.ceiling,
            "establishments.bank": self.bank,
            "accounts.user": self.staff,
            "accounts.relative": self.relative,
        }


def make_site(code: str) -> Site:
    establishment = EstablishmentFactory(code=code)
    detainee = DetaineeFactory(establishment=establishment)
    permit = VisitPermitFactory(detainee=detainee)
    site = Site(establishment, detainee, permit)
    site.objects = {
        "establishments.establishment": establishment,
        "permits.detainee": detainee,
        "permits.visitpermit": permit,
    }
    return site


def make_world() -> World:
    a, b = make_site("ETABA"), make_site("ETABB")
    relative_user = User.objects.create_user(username="fc-relative")
    relative = Relative.objects.create(
        user=relative_user, sub="sub-123", given_name="Angela", family_name="DUBOIS",
        birthdate=datetime.date(1962, 8, 24),
    )
    return World(
        a=a,
        b=b,
        ceiling=NationalCeilingFactory(),
        bank=BankFactory(),
        staff=StaffFactory(username="agent-cible", role="greffe", establishments=[a.establishment]),
        relative=relative,
    )


def admin_url(obj, page: str) -> str:
    """The admin URL of ``page`` (changelist, add, change, delete, history, version) for ``obj``."""
    opts = obj._meta
    prefix = f"admin:{opts.app_label}_{opts.model_name}"
    if page in ("changelist", "add"):
        return reverse(f"{prefix}_{page}")
    if page == "version":
        version = obj.history.order_by("-history_id").first()
        return reverse(f"{prefix}_simple_history", args=(obj.pk, version.history_id))
    return reverse(f"{prefix}_{page}", args=(obj.pk,))


PAGES = ("changelist", "add", "change", "delete", "history", "version")
