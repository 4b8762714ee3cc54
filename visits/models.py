"""The parloir: an establishment's visiting areas and booking rules, the weekly session templates, the
exceptional closures, the sessions opened from the templates (one row each, the row that bookings lock), the
visits booked by relatives (or by the visit office for them), their companions, and a detainee's blocked dates.

Only ``visits.services`` changes these rows; reads go through ``visits.selectors``."""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from permits.constants import LegalStatus

from .constants import (
    LEGAL_MINIMUM_VISITS_PER_WEEK,
    AreaKind,
    BookingChannel,
    SessionStatus,
    VisitStatus,
    Weekday,
)


class VisitingArea(models.Model):
    """A parloir (tables or cabins), a salon familial or a unité de vie familiale, with its capacity: the number
    of visits it can hold at once (tables, cabins, rooms)."""

    establishment = models.ForeignKey(
        "establishments.Establishment", verbose_name=_("établissement"), on_delete=models.PROTECT,
        related_name="visiting_areas",
    )
    name = models.CharField(_("nom"), max_length=120)
    kind = models.CharField(_("type"), max_length=20, choices=AreaKind.choices, default=AreaKind.PARLOIR)
    capacity = models.PositiveSmallIntegerField(
        _("capacité"), help_text=_("Nombre de visites en même temps (tables, cabines ou logements).")
    )
    location = models.CharField(
        _("lieu"), max_length=255, blank=True,
        help_text=_("Où se présenter, tel que le visiteur le lit (ex. : accueil des familles, porte B)."),
    )
    is_active = models.BooleanField(_("ouvert à la réservation"), default=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("espace de visite")
        verbose_name_plural = _("espaces de visite")
        ordering = ["establishment__name", "kind", "name"]
        constraints = [
            models.UniqueConstraint(fields=["establishment", "name"], name="visits_area_unique_name"),
            models.CheckConstraint(condition=Q(capacity__gte=1), name="visits_area_capacity_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.get_kind_display()})"


class BookingRules(models.Model):
    """An establishment's booking window and limits. Without rules, an establishment offers no booking."""

    establishment = models.OneToOneField(
        "establishments.Establishment", verbose_name=_("établissement"), on_delete=models.PROTECT,
        related_name="booking_rules",
    )
    minimum_notice_hours = models.PositiveSmallIntegerField(
        _("délai minimum de réservation (heures)"), default=24,
        help_text=_("Un créneau se réserve au plus tard ce nombre d'heures avant son début."),
    )
    booking_horizon_days = models.PositiveSmallIntegerField(
        _("réservation possible jusqu'à (jours)"), default=28,
        help_text=_("Nombre de jours à l'avance où un créneau peut être réservé."),
    )
    cancellation_notice_hours = models.PositiveSmallIntegerField(
        _("annulation possible jusqu'à (heures avant)"), default=24,
    )
    max_visits_per_week_prevenu = models.PositiveSmallIntegerField(
        _("parloirs par semaine pour un prévenu"), default=LEGAL_MINIMUM_VISITS_PER_WEEK[LegalStatus.PREVENU],
        help_text=_("Au moins 3 (code pénitentiaire)."),
    )
    max_visits_per_week_condamne = models.PositiveSmallIntegerField(
        _("parloirs par semaine pour un condamné"), default=LEGAL_MINIMUM_VISITS_PER_WEEK[LegalStatus.CONDAMNE],
        help_text=_("Au moins 1 (code pénitentiaire)."),
    )
    max_adults_per_visit = models.PositiveSmallIntegerField(_("adultes par visite au plus"), default=3)
    max_minors_per_visit = models.PositiveSmallIntegerField(_("mineurs par visite au plus"), default=3)
    arrival_minutes_before = models.PositiveSmallIntegerField(
        _("arrivée conseillée (minutes avant le début)"), default=30,
    )
    what_to_bring = models.TextField(
        _("à apporter"), blank=True,
        default="Votre pièce d'identité en cours de validité et votre permis de visite. "
        "Le linge se dépose dans un sac transparent.",
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("règles de réservation")
        verbose_name_plural = _("règles de réservation")
        constraints = [
            models.CheckConstraint(
                condition=Q(max_visits_per_week_prevenu__gte=LEGAL_MINIMUM_VISITS_PER_WEEK[LegalStatus.PREVENU]),
                name="visits_rules_prevenu_legal_minimum",
            ),
            models.CheckConstraint(
                condition=Q(max_visits_per_week_condamne__gte=LEGAL_MINIMUM_VISITS_PER_WEEK[LegalStatus.CONDAMNE]),
                name="visits_rules_condamne_legal_minimum",
            ),
            models.CheckConstraint(condition=Q(max_adults_per_visit__gte=1), name="visits_rules_one_adult"),
            models.CheckConstraint(condition=Q(booking_horizon_days__gte=1), name="visits_rules_horizon_positive"),
        ]

    def __str__(self) -> str:
        return f"Règles de réservation — {self.establishment}"


class SessionTemplate(models.Model):
    """A weekly session of an area (each Tuesday at 09:00 for 45 minutes…), valid between two dates."""

    area = models.ForeignKey(
        VisitingArea, verbose_name=_("espace de visite"), on_delete=models.PROTECT, related_name="templates"
    )
    weekday = models.PositiveSmallIntegerField(_("jour"), choices=Weekday.choices)
    start_time = models.TimeField(_("début"))
    duration_minutes = models.PositiveIntegerField(_("durée (minutes)"))
    capacity = models.PositiveSmallIntegerField(
        _("places"), help_text=_("Visites possibles sur ce créneau ; au plus la capacité de l'espace.")
    )
    valid_from = models.DateField(_("à partir du"))
    valid_until = models.DateField(_("jusqu'au"), null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("créneau hebdomadaire")
        verbose_name_plural = _("créneaux hebdomadaires")
        ordering = ["area", "weekday", "start_time"]
        constraints = [
            models.CheckConstraint(condition=Q(capacity__gte=1), name="visits_template_capacity_positive"),
            models.CheckConstraint(condition=Q(duration_minutes__gte=1), name="visits_template_duration_positive"),
            models.CheckConstraint(
                condition=Q(valid_until__isnull=True) | Q(valid_until__gte=F("valid_from")),
                name="visits_template_dates_ordered",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.area.name} — {self.get_weekday_display()} {self.start_time:%H:%M}"


class Closure(models.Model):
    """Days when an area (or the whole establishment, without area) takes no visit, with the reason."""

    establishment = models.ForeignKey(
        "establishments.Establishment", verbose_name=_("établissement"), on_delete=models.PROTECT,
        related_name="visit_closures",
    )
    area = models.ForeignKey(
        VisitingArea, verbose_name=_("espace de visite"), on_delete=models.PROTECT, related_name="closures",
        null=True, blank=True, help_text=_("Vide : tous les espaces de l'établissement."),
    )
    start_date = models.DateField(_("du"))
    end_date = models.DateField(_("au"))
    reason = models.CharField(_("motif"), max_length=255)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("fermeture exceptionnelle")
        verbose_name_plural = _("fermetures exceptionnelles")
        ordering = ["-start_date"]
        constraints = [
            models.CheckConstraint(condition=Q(end_date__gte=F("start_date")), name="visits_closure_dates_ordered"),
        ]

    def __str__(self) -> str:
        return f"{self.start_date:%d/%m/%Y} – {self.end_date:%d/%m/%Y} : {self.reason}"


class VisitSession(models.Model):
    """One session of an area on one day, opened from a template; bookings lock this row, so that its places
    can never be overbooked. Cancelled by the establishment with a reason (its visits with it)."""

    area = models.ForeignKey(
        VisitingArea, verbose_name=_("espace de visite"), on_delete=models.PROTECT, related_name="sessions"
    )
    template = models.ForeignKey(
        SessionTemplate, verbose_name=_("créneau hebdomadaire"), on_delete=models.SET_NULL, null=True, blank=True,
        related_name="sessions",
    )
    starts_at = models.DateTimeField(_("début"))
    ends_at = models.DateTimeField(_("fin"))
    capacity = models.PositiveSmallIntegerField(_("places"))
    status = models.CharField(_("statut"), max_length=12, choices=SessionStatus.choices, default=SessionStatus.OPEN)
    cancellation_reason = models.CharField(_("motif d'annulation"), max_length=255, blank=True)
    cancelled_at = models.DateTimeField(_("annulée le"), null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("créneau")
        verbose_name_plural = _("créneaux")
        ordering = ["starts_at", "area"]
        constraints = [
            models.UniqueConstraint(fields=["area", "starts_at"], name="visits_session_unique_start"),
            models.CheckConstraint(condition=Q(ends_at__gt=F("starts_at")), name="visits_session_ends_after_start"),
            models.CheckConstraint(condition=Q(capacity__gte=1), name="visits_session_capacity_positive"),
        ]
        indexes = [models.Index(fields=["starts_at"], name="visits_session_starts_idx")]

    def __str__(self) -> str:
        return f"{self.area.name} — {self.starts_at:%d/%m/%Y %H:%M}"


class Visit(models.Model):
    """A booking of one session for one detainee, by the holder of a permit (the booker, who comes), with the
    other permit holders who come and the number of minors."""

    reference = models.UUIDField(_("référence"), unique=True, default=uuid.uuid4, editable=False)
    session = models.ForeignKey(
        VisitSession, verbose_name=_("créneau"), on_delete=models.PROTECT, related_name="visits"
    )
    detainee = models.ForeignKey(
        "permits.Detainee", verbose_name=_("personne détenue"), on_delete=models.PROTECT, related_name="visits"
    )
    permit = models.ForeignKey(
        "permits.VisitPermit", verbose_name=_("permis du visiteur"), on_delete=models.PROTECT,
        related_name="visits",
    )
    relative = models.ForeignKey(
        "accounts.Relative", verbose_name=_("proche"), on_delete=models.PROTECT, related_name="visits",
        null=True, blank=True, help_text=_(
            "Le titulaire du permis s'il l'a enregistré sur son espace (même pour un rendez-vous pris par "
            "téléphone ou au guichet) ; vide sinon."
        ),
    )
    channel = models.CharField(
        _("prise de rendez-vous"), max_length=10, choices=BookingChannel.choices, default=BookingChannel.ONLINE
    )
    contact_email = models.EmailField(_("adresse électronique du visiteur"), blank=True)
    minors = models.PositiveSmallIntegerField(_("mineurs"), default=0)
    status = models.CharField(_("statut"), max_length=30, choices=VisitStatus.choices, default=VisitStatus.BOOKED)
    status_reason = models.CharField(_("motif"), max_length=255, blank=True)
    booked_at = models.DateTimeField(_("réservé le"), auto_now_add=True)
    cancelled_at = models.DateTimeField(_("annulé le"), null=True, blank=True)
    arrival_recorded_at = models.DateTimeField(_("arrivée pointée le"), null=True, blank=True)
    booked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("réservé par l'agent"), on_delete=models.SET_NULL,
        null=True, blank=True, related_name="+",
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("rendez-vous parloir")
        verbose_name_plural = _("rendez-vous parloir")
        ordering = ["session__starts_at"]
        indexes = [
            models.Index(fields=["session", "status"], name="visits_visit_session_idx"),
            models.Index(fields=["detainee", "status"], name="visits_visit_detainee_idx"),
            models.Index(fields=["relative", "status"], name="visits_visit_relative_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.session} — {self.detainee}"


class VisitCompanion(models.Model):
    """Another adult who comes, holder of a valid permit for the same detainee."""

    visit = models.ForeignKey(Visit, verbose_name=_("rendez-vous"), on_delete=models.CASCADE, related_name="companions")
    permit = models.ForeignKey(
        "permits.VisitPermit", verbose_name=_("permis de visite"), on_delete=models.PROTECT,
        related_name="visit_companions",
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("accompagnant")
        verbose_name_plural = _("accompagnants")
        constraints = [
            models.UniqueConstraint(fields=["visit", "permit"], name="visits_companion_once"),
        ]

    def __str__(self) -> str:
        return f"{self.permit.holder_family_name.upper()} {self.permit.holder_first_names}"


class DetaineeVisitBlock(models.Model):
    """No visit for a detainee between two dates (hearing, hospital, transfer), with the reason."""

    detainee = models.ForeignKey(
        "permits.Detainee", verbose_name=_("personne détenue"), on_delete=models.PROTECT,
        related_name="visit_blocks",
    )
    start_date = models.DateField(_("du"))
    end_date = models.DateField(_("au"))
    reason = models.CharField(_("motif"), max_length=255)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("suspension des parloirs")
        verbose_name_plural = _("suspensions des parloirs")
        ordering = ["-start_date"]
        constraints = [
            models.CheckConstraint(condition=Q(end_date__gte=F("start_date")), name="visits_block_dates_ordered"),
        ]

    def __str__(self) -> str:
        return f"{self.detainee} : {self.start_date:%d/%m/%Y} – {self.end_date:%d/%m/%Y}"
