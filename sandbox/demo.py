"""The demo data of DESIGN.md, exactly, and what the money-flow walk adds (a second detainee, BERNARD Luc, and
Sophie LEROY's two permits): one establishment, two detainees, four permits, the demo bank,
the demo staff accounts, each with the documented demo TOTP secret as its second factor, and CPDEMO's
parloir (booking rules, a parloir, a salon familial and a UVF with their weekly sessions, opened for the
booking window). Loading twice changes nothing."""

from __future__ import annotations

import base64
import datetime
import time
from dataclasses import dataclass, field
from decimal import Decimal

from django.conf import settings
from django.contrib.auth.models import Group
from django.core.exceptions import ImproperlyConfigured
from django.db import models, transaction

from accounts.constants import Role
from accounts.models import User
from cms.demo import load_cms_demo
from establishments.constants import Disp, EstablishmentKind
from establishments.models import Bank, Establishment
from permits.constants import DetaineeStatus, LegalStatus, PermitKind, PermitStatus
from permits.models import Detainee, VisitPermit
from visits import services as visit_services
from visits.constants import AreaKind, Weekday
from visits.models import BookingRules, SessionTemplate, VisitingArea

DEMO_PASSWORD = "demo-portail"
# The demo staff accounts' second factor (README): this TOTP secret (base32, for an authenticator app, or
# `manage.py demo_totp` for the current code). Demo only: load_demo is refused in production.
DEMO_TOTP_SECRET = "PORTAILDESPROCHESDEMOTOTPSECRET2"
DEMO_ESTABLISHMENT_CODE = "CPDEMO"
DEMO_STAFF = (
    # username, role, belongs to CPDEMO, reaches the back office
    ("greffe", Role.GREFFE, True, True),
    ("regie", Role.REGIE, True, True),
    ("national", Role.NATIONAL, False, True),
    ("auditeur", Role.AUDITEUR, False, True),
    ("communication", Role.COMMUNICATION, False, False),
    ("parloirs", Role.PARLOIRS, True, True),
    ("securite", Role.SECURITE, True, True),
)

# CPDEMO's parloir (DESIGN.md): its booking rules, then each area with its weekly sessions, all valid from the
# same fixed day (in the past, so that the demo is the same whenever it is loaded).
DEMO_VISITS_FROM = datetime.date(2026, 1, 1)
DEMO_BOOKING_RULES = {
    "minimum_notice_hours": 24,
    "booking_horizon_days": 28,
    "cancellation_notice_hours": 24,
    "max_visits_per_week_prevenu": 3,
    "max_visits_per_week_condamne": 2,
    "max_adults_per_visit": 3,
    "max_minors_per_visit": 3,
    "arrival_minutes_before": 30,
    "what_to_bring": "Votre pièce d'identité en cours de validité et votre permis de visite (ou sa référence). "
                     "Le linge se dépose dans un sac transparent à votre nom et à celui de la personne détenue. "
                     "Les téléphones portables et les objets métalliques restent dans les casiers de l'accueil "
                     "des familles.",
}
TUESDAY_TO_SATURDAY = (Weekday.TUESDAY, Weekday.WEDNESDAY, Weekday.THURSDAY, Weekday.FRIDAY, Weekday.SATURDAY)
DEMO_AREAS = (
    # name, kind, capacity, location, weekly sessions: (weekdays, start times, minutes, places)
    ("Parloir", AreaKind.PARLOIR, 8, "Accueil des familles, porte B",
     (TUESDAY_TO_SATURDAY, (datetime.time(9, 0), datetime.time(10, 30), datetime.time(14, 0), datetime.time(15, 30)),
      45, 8)),
    ("Salon familial", AreaKind.SALON_FAMILIAL, 2, "Accueil des familles, porte B, puis le bâtiment des salons",
     ((Weekday.SATURDAY,), (datetime.time(13, 30),), 180, 2)),
    ("Unité de vie familiale", AreaKind.UVF, 1, "Accueil des familles, porte C (unités de vie familiale)",
     ((Weekday.FRIDAY,), (datetime.time(14, 0),), 24 * 60, 1)),
)


DEMO_STAFF_EMAIL_DOMAIN = "demo.justice.gouv.fr"


def demo_staff_email(username: str) -> str:
    """A demo staff account's e-mail (the stand-in ProConnect's test agents bring it): regie@demo.justice.gouv.fr."""
    return f"{username}@{DEMO_STAFF_EMAIL_DOMAIN}"


@dataclass
class DemoReport:
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)

    def note(self, label: str, outcome: str) -> None:
        getattr(self, outcome).append(label)


def _upsert(model: type[models.Model], lookup: dict, values: dict, report: DemoReport, label: str):
    """Create the row, or bring it to ``values``; save (and so write history) only on a change."""
    obj = model.objects.filter(**lookup).first()
    if obj is None:
        obj = model(**lookup, **values)
        obj.full_clean()
        obj.save()
        report.note(label, "created")
        return obj
    changed = [name for name, value in values.items() if getattr(obj, name) != value]
    if changed:
        for name in changed:
            setattr(obj, name, values[name])
        obj.full_clean()
        obj.save()
        report.note(label, "updated")
    else:
        report.note(label, "unchanged")
    return obj


# The demo's banks, fictional (their BICs too, in no bank directory), each with its logo in the bank list
# (transfers.constants.BANK_STATIC_LOGOS); all three lead to the sandbox bank (login demo / demo). The third offers
# no instant transfer (SCT Inst): the portal asks it for an ordinary SEPA transfer.
DEMO_BANKS = [
    ("Banque de Démonstration", "DEMOFRPP", True),
    ("Banque du Littoral", "LITTFRPP", True),
    ("Crédit des Volcans", "VOLCFRPP", False),
]


def demo_bank_api_url() -> str:
    return f"{settings.PORTAL_BASE_URL}/sandbox/banque/stet/v1"


@transaction.atomic
def load_demo() -> DemoReport:
    if not settings.DEMO_DATA_ALLOWED:
        raise ImproperlyConfigured(
            "Les données de démonstration (et leurs comptes) sont interdites en production."
        )
    report = DemoReport()
    establishment = _upsert(
        Establishment,
        {"code": DEMO_ESTABLISHMENT_CODE},
        {
            "name": "Centre pénitentiaire de Démonstration",
            "kind": EstablishmentKind.CENTRE_PENITENTIAIRE,
            "disp": Disp.PARIS,
            "address_line": "1 rue de la Démonstration",
            "postal_code": "75000",
            "city": "Paris",
            "regie_iban": "FR7610071750000000100012302",
            "regie_bic": "TRPUFRP1",
            "regie_holder": "REGIE COMPTES NOMINATIFS CP DEMONSTRATION",
            "transfers_enabled": True,
            "min_amount": Decimal("1.00"),
            "max_per_transfer": Decimal("200.00"),
            "max_per_detainee_month": Decimal("400.00"),
            "max_per_sender_month": Decimal("300.00"),
        },
        report,
        "établissement CPDEMO",
    )
    # MARTIN Jean (DESIGN.md); BERNARD Luc, whom Sophie LEROY also pays: the walk of the money-flow monitoring.
    detainees = {
        ecrou: _upsert(
            Detainee,
            {"establishment": establishment, "ecrou": ecrou},
            {
                "family_name": family_name,
                "first_name": first_name,
                "birth_date": birth_date,
                "status": DetaineeStatus.DETAINED,
                "may_receive_money": True,
                "legal_status": LegalStatus.CONDAMNE,
            },
            report,
            f"personne détenue {family_name} {first_name} ({ecrou})",
        )
        for ecrou, family_name, first_name, birth_date in (
            ("123456", "MARTIN", "Jean", datetime.date(1985, 3, 14)),
            ("123457", "BERNARD", "Luc", datetime.date(1990, 6, 2)),
        )
    }
    for number, ecrou, family_name, first_names, birth_date in (
        ("PV-2026-000123", "123456", "DUBOIS", "Angela Claire Louise", datetime.date(1962, 8, 24)),
        ("PV-2026-000124", "123456", "DUPONT", "Pierre", datetime.date(1970, 1, 1)),
        ("PV-2026-000125", "123456", "LEROY", "Sophie Marie", datetime.date(1975, 5, 20)),
        ("PV-2026-000126", "123457", "LEROY", "Sophie Marie", datetime.date(1975, 5, 20)),
    ):
        _upsert(
            VisitPermit,
            {"number": number},
            {
                "detainee": detainees[ecrou],
                "holder_family_name": family_name,
                "holder_first_names": first_names,
                "holder_birth_date": birth_date,
                "relationship": "",
                "kind": PermitKind.PERMANENT,
                "valid_from": datetime.date(2026, 1, 1),
                "valid_until": None,
                "status": PermitStatus.ACTIVE,
                "transfers_authorized": False,
            },
            report,
            f"permis {number}",
        )
    for name, bic, instant in DEMO_BANKS:
        _upsert(Bank, {"name": name},
                {"bic": bic, "api_base_url": demo_bank_api_url(), "enabled": True, "instant_payments": instant},
                report, f"banque « {name} »")
    for username, role, local, back_office in DEMO_STAFF:
        _load_staff(username, role, establishment if local else None, back_office, report)
    _load_visits(establishment, report)
    load_cms_demo(report)  # the content site: home page, guide, tutorial, FAQ, CPDEMO page, contact, legal pages
    return report


def _load_visits(establishment: Establishment, report: DemoReport) -> None:
    """CPDEMO's booking rules, areas and weekly sessions (DESIGN.md), and its sessions opened for the booking
    window (as the hourly job does; the sessions are not counted in the report: their number follows the day)."""
    _upsert(BookingRules, {"establishment": establishment}, DEMO_BOOKING_RULES, report,
            f"règles de réservation {establishment.code}")
    for name, kind, capacity, location, (weekdays, starts, minutes, places) in DEMO_AREAS:
        area = _upsert(VisitingArea, {"establishment": establishment, "name": name},
                       {"kind": kind, "capacity": capacity, "location": location, "is_active": True},
                       report, f"espace de visite « {name} »")
        for weekday in weekdays:
            for start in starts:
                _upsert(SessionTemplate, {"area": area, "weekday": weekday, "start_time": start},
                        {"duration_minutes": minutes, "capacity": places, "valid_from": DEMO_VISITS_FROM,
                         "valid_until": None},
                        report, f"créneau hebdomadaire « {name} » {Weekday(weekday).label.lower()} {start:%H:%M}")
    visit_services.open_sessions(establishment=establishment)


def _load_staff(username: str, role: str, establishment, back_office: bool, report: DemoReport) -> None:
    user = User.objects.filter(username=username).first()
    outcome = "unchanged"
    if user is None:
        user = User(username=username)
        outcome = "created"
    wanted = {"is_staff": back_office, "is_active": True, "is_superuser": False}
    if not user.email:  # an e-mail given since is kept
        wanted["email"] = demo_staff_email(username)
    if any(getattr(user, k) != v for k, v in wanted.items()) or not user.check_password(DEMO_PASSWORD):
        for k, v in wanted.items():
            setattr(user, k, v)
        user.set_password(DEMO_PASSWORD)
        user.save()
        outcome = "created" if outcome == "created" else "updated"
    group = Group.objects.get(name=role)
    if set(user.groups.all()) != {group}:
        user.groups.set([group])
        outcome = "created" if outcome == "created" else "updated"
    wanted_establishments = {establishment} if establishment else set()
    if set(user.establishments.all()) != wanted_establishments:
        user.establishments.set(wanted_establishments)
        outcome = "created" if outcome == "created" else "updated"
    if _load_demo_totp(user):
        outcome = "created" if outcome == "created" else "updated"
    report.note(f"compte {username} ({role})", outcome)


def demo_totp_key() -> str:
    """The demo TOTP secret as django-otp stores it (hex)."""
    return base64.b32decode(DEMO_TOTP_SECRET).hex()


def demo_totp_code(at: float | None = None) -> str:
    """The demo accounts' current six-digit code (or at the Unix time ``at``)."""
    from django_otp.oath import TOTP

    totp = TOTP(bytes.fromhex(demo_totp_key()))
    totp.time = time.time() if at is None else at
    return f"{totp.token():06d}"


def _load_demo_totp(user: User) -> bool:
    """The demo account's one TOTP device, with the demo secret (any other of its devices removed). Returns
    whether anything changed."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    devices = list(TOTPDevice.objects.filter(user=user))
    if len(devices) == 1 and devices[0].confirmed and devices[0].key == demo_totp_key():
        return False
    TOTPDevice.objects.filter(user=user).delete()
    TOTPDevice.objects.create(user=user, name="Application d'authentification (démo)", key=demo_totp_key(),
                              confirmed=True)
    return True
