"""Reads of the demo data (sandbox only): what the database holds after ``load_demo``."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.utils import timezone

from accounts.models import Relative
from establishments.models import Bank, Establishment
from permits.models import Detainee, VisitPermit
from transfers.models import Transfer
from visits.constants import SessionStatus
from visits.models import Visit, VisitSession


def database_counts() -> list[tuple[str, str, int]]:
    """(singular, plural, count) of what a newcomer tries the portal with, in the order ``load_demo`` prints it."""
    from wagtail.models import Page

    staff = get_user_model().objects.filter(is_active=True, relative__isnull=True, groups__isnull=False).distinct()
    return [
        ("établissement", "établissements", Establishment.objects.count()),
        ("personne détenue", "personnes détenues", Detainee.objects.count()),
        ("permis de visite", "permis de visite", VisitPermit.objects.count()),
        ("proche", "proches", Relative.objects.count()),
        ("compte d'agent", "comptes d'agents", staff.count()),
        ("banque", "banques", Bank.objects.filter(enabled=True).count()),
        ("page publiée", "pages publiées", Page.objects.live().filter(depth__gt=1).count()),
        ("virement", "virements", Transfer.objects.count()),
        ("créneau de visite ouvert", "créneaux de visite ouverts",
         VisitSession.objects.filter(status=SessionStatus.OPEN, starts_at__gte=timezone.now()).count()),
        ("rendez-vous parloir", "rendez-vous parloir", Visit.objects.count()),
    ]
