from functools import cached_property

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from .constants import NATIONAL_SCOPE_ROLES, Gender


class User(AbstractUser):
    """Any account: staff (with roles as groups and their establishments) or a relative (linked by
    ``relative``)."""

    establishments = models.ManyToManyField(
        "establishments.Establishment",
        verbose_name=_("établissements"),
        related_name="staff",
        blank=True,
        help_text=_("Les établissements dont ce membre du personnel voit et gère les données."),
    )
    history = HistoricalRecords(m2m_fields=[establishments], excluded_fields=["last_login"])

    class Meta(AbstractUser.Meta):
        verbose_name = _("utilisateur")
        verbose_name_plural = _("utilisateurs")
        swappable = "AUTH_USER_MODEL"

    def __str__(self) -> str:
        return self.get_username()

    @cached_property
    def role_names(self) -> frozenset[str]:
        return frozenset(self.groups.values_list("name", flat=True))

    @property
    def has_national_scope(self) -> bool:
        return self.is_superuser or bool(self.role_names & NATIONAL_SCOPE_ROLES)


class Relative(models.Model):
    """A relative, known by FranceConnect's ``sub``, with the identity claims of the last login."""

    user = models.OneToOneField(User, on_delete=models.CASCADE, related_name="relative")
    sub = models.CharField(_("identifiant FranceConnect (sub)"), max_length=255, unique=True)
    given_name = models.CharField(_("prénoms"), max_length=255)
    family_name = models.CharField(_("nom de naissance"), max_length=255)
    preferred_username = models.CharField(_("nom d'usage"), max_length=255, blank=True)
    birthdate = models.DateField(_("date de naissance"))
    gender = models.CharField(_("sexe"), max_length=10, choices=Gender.choices, blank=True)
    birthplace = models.CharField(_("lieu de naissance (code INSEE)"), max_length=5, blank=True)
    birthcountry = models.CharField(_("pays de naissance (code INSEE)"), max_length=5, blank=True)
    email = models.EmailField(_("adresse électronique"), blank=True)
    last_login_at = models.DateTimeField(_("dernière connexion"), null=True, blank=True)
    # « Mon espace »: an e-mail each time a transfer is credited to the pécule (on unless the relative opts out).
    notify_credited = models.BooleanField(_("courriel quand un virement est versé sur le pécule"), default=True)
    # The language chosen with the header's selector (or read in at login): her e-mails, receipts and calendar
    # files are written in it (core.languages). French, the source, by default. One of settings.LANGUAGES, which
    # follows the catalogs of locale/ (checked by accounts.services.set_language; no choices here, so that a new
    # language needs no migration).
    language = models.CharField(_("langue"), max_length=8, default=settings.LANGUAGE_CODE)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("proche")
        verbose_name_plural = _("proches")

    def __str__(self) -> str:
        return f"{self.given_name} {self.family_name}"


class ProConnectAccount(models.Model):
    """The ProConnect identity (``sub``) of a staff account, remembered at its first ProConnect login (matched
    by e-mail) and required from then on. ProConnect gives one ``sub`` per agent, service and identity
    provider: an agent who changes identity provider needs the national administration to remove this link."""

    user = models.OneToOneField(
        User, on_delete=models.CASCADE, related_name="proconnect", verbose_name=_("compte agent")
    )
    sub = models.CharField(_("identifiant ProConnect (sub)"), max_length=255, unique=True)
    email = models.EmailField(_("adresse électronique transmise"), max_length=254)
    idp_id = models.CharField(_("fournisseur d'identité (idp_id)"), max_length=255, blank=True)
    siret = models.CharField(_("SIRET transmis"), max_length=14, blank=True)
    linked_at = models.DateTimeField(_("rattaché le"), auto_now_add=True)
    last_login_at = models.DateTimeField(_("dernière connexion ProConnect"), null=True, blank=True)
    last_acr = models.CharField(_("dernier niveau d'authentification (acr)"), max_length=100, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("identité ProConnect")
        verbose_name_plural = _("identités ProConnect")

    def __str__(self) -> str:
        return f"{self.user} ({self.email})"


class StaffLockout(models.Model):
    """A staff login lockout (django-axes): the account and the address whose failed logins reached the
    limit, until the cool-off after the last refused attempt or until someone unlocks it. Kept for the
    auditors; the lock itself lives in axes' attempts."""

    username = models.CharField(_("identifiant saisi"), max_length=255, blank=True)
    ip_address = models.GenericIPAddressField(_("adresse IP"), null=True, blank=True)
    path = models.CharField(_("page de connexion"), max_length=255, blank=True)
    locked_at = models.DateTimeField(_("bloqué le"))
    last_failure_at = models.DateTimeField(_("dernière tentative refusée le"))
    failures = models.PositiveIntegerField(_("tentatives échouées"))
    unlocked_at = models.DateTimeField(_("débloqué le"), null=True, blank=True)
    unlocked_by = models.ForeignKey(
        User, verbose_name=_("débloqué par"), on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("blocage de connexion")
        verbose_name_plural = _("blocages de connexion")
        ordering = ["-locked_at"]
        permissions = [("unlock_stafflockout", _("Peut débloquer une connexion bloquée"))]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(unlocked_by__isnull=True) | models.Q(unlocked_at__isnull=False),
                name="stafflockout_unlocked_by_with_date",
            ),
            models.CheckConstraint(
                condition=models.Q(last_failure_at__gte=models.F("locked_at")),
                name="stafflockout_last_failure_after_lock",
            ),
        ]
        indexes = [models.Index(fields=["username", "ip_address", "unlocked_at"], name="stafflockout_open")]

    def __str__(self) -> str:
        return _("%(username)s depuis %(address)s") % {
            "username": self.username or "—", "address": self.ip_address or "—",
        }

    @property
    def cool_off_ends_at(self):
        """When the lock lifts by itself: the cool-off after the last refused attempt."""
        return self.last_failure_at + settings.AXES_COOLOFF_TIME

    @property
    def is_active(self) -> bool:
        return self.unlocked_at is None and timezone.now() < self.cool_off_ends_at
