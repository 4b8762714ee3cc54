"""The parloir's vocabulary: kinds of visiting areas, statuses of a session and of a visit, the audit reasons,
and the legal minimums of visits a week (code pénitentiaire)."""

import datetime

from django.db import models
from django.utils.translation import gettext_lazy as _

from core.audit import AuditReason
from permits.constants import LegalStatus


class AreaKind(models.TextChoices):
    PARLOIR = "parloir", _("Parloir")
    SALON_FAMILIAL = "salon_familial", _("Salon familial")
    UVF = "uvf", _("Unité de vie familiale (UVF)")


# How long a session of each kind may last (start to end): a parloir 30 min to 1 h, a salon familial a few
# hours, a UVF from 6 h up to 72 h (it may run over several days).
AREA_DURATION_BOUNDS: dict[str, tuple[datetime.timedelta, datetime.timedelta]] = {
    AreaKind.PARLOIR: (datetime.timedelta(minutes=30), datetime.timedelta(hours=1)),
    AreaKind.SALON_FAMILIAL: (datetime.timedelta(hours=1), datetime.timedelta(hours=6)),
    AreaKind.UVF: (datetime.timedelta(hours=6), datetime.timedelta(hours=72)),
}


class Weekday(models.IntegerChoices):
    MONDAY = 0, _("Lundi")
    TUESDAY = 1, _("Mardi")
    WEDNESDAY = 2, _("Mercredi")
    THURSDAY = 3, _("Jeudi")
    FRIDAY = 4, _("Vendredi")
    SATURDAY = 5, _("Samedi")
    SUNDAY = 6, _("Dimanche")


class SessionStatus(models.TextChoices):
    OPEN = "open", _("Ouverte")
    CANCELLED = "cancelled", _("Annulée par l'établissement")


class VisitStatus(models.TextChoices):
    BOOKED = "booked", _("Réservé")
    CANCELLED_BY_RELATIVE = "cancelled_by_relative", _("Annulé par le visiteur")
    CANCELLED_BY_ESTABLISHMENT = "cancelled_by_establishment", _("Annulé par l'établissement")
    ARRIVED = "arrived", _("Venu")
    NOT_ARRIVED = "not_arrived", _("Pas venu")


# A visit in these statuses holds its place in the session and counts against the detainee's limits.
HOLDING_STATUSES = frozenset({VisitStatus.BOOKED, VisitStatus.ARRIVED, VisitStatus.NOT_ARRIVED})
CANCELLED_STATUSES = frozenset({VisitStatus.CANCELLED_BY_RELATIVE, VisitStatus.CANCELLED_BY_ESTABLISHMENT})


class BookingChannel(models.TextChoices):
    ONLINE = "online", _("En ligne")
    PHONE = "phone", _("Par téléphone")
    COUNTER = "counter", _("Au guichet")


# The law's minimum of visits a week for each legal status (an establishment sets its maximum at or above);
# a detainee whose legal status is not known gets the condamné's limit.
LEGAL_MINIMUM_VISITS_PER_WEEK = {LegalStatus.PREVENU: 3, LegalStatus.CONDAMNE: 1}


class VisitAuditReason(AuditReason):
    """Why a visit, a session, a closure or a block has a history line (``core.audit``)."""

    SESSIONS_OPENED = "visit_sessions_opened", _("Créneaux ouverts d'après les modèles de la semaine")
    BOOKED_ONLINE = "visit_booked_online", _("Rendez-vous pris en ligne par le visiteur")
    BOOKED_BY_STAFF = "visit_booked_by_staff", _("Rendez-vous pris par le bureau des parloirs pour le visiteur")
    CANCELLED_BY_RELATIVE = "visit_cancelled_by_relative", _("Rendez-vous annulé par le visiteur")
    CANCELLED_BY_STAFF = "visit_cancelled_by_staff", _("Rendez-vous annulé par l'établissement")
    SESSION_CANCELLED = "visit_session_cancelled", _("Créneau annulé par l'établissement")
    CLOSURE = "visit_closure", _("Fermeture exceptionnelle")
    DETAINEE_BLOCKED = "visit_detainee_blocked", _("Parloirs de la personne détenue suspendus")
    ARRIVAL = "visit_arrival", _("Arrivée pointée")
    PURGED = "visit_purged", _("Rendez-vous passé supprimé à la fin de sa durée de conservation")
