"""Data of the stand-ins (sandbox only)."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords


class FranceConnectKey(models.Model):
    """A stand-in OpenID Connect provider's signing key (FranceConnect's, ProConnect's: ``name``), generated on
    first use."""

    name = models.CharField(_("nom"), max_length=50, unique=True)
    kid = models.CharField(_("identifiant de clé (kid)"), max_length=100, unique=True)
    algorithm = models.CharField(_("algorithme"), max_length=10)
    private_jwk = models.JSONField(_("clé privée (JWK)"))
    created_at = models.DateTimeField(_("créée le"), auto_now_add=True)
    history = HistoricalRecords(excluded_fields=["private_jwk"])

    class Meta:
        verbose_name = _("clé FranceConnect simulée")
        verbose_name_plural = _("clés FranceConnect simulées")

    def __str__(self) -> str:
        return f"{self.name} ({self.kid})"


class FranceConnectGrant(models.Model):
    """An authorization code of a stand-in OpenID Connect provider (FranceConnect's, ProConnect's:
    ``provider``), then the access token it was exchanged for."""

    provider = models.CharField(_("fournisseur simulé"), max_length=20, default="franceconnect")
    code = models.CharField(_("code"), max_length=100, unique=True)
    client_id = models.CharField(_("client"), max_length=255)
    redirect_uri = models.URLField(_("adresse de retour"), max_length=1000)
    nonce = models.CharField(_("nonce"), max_length=255)
    acr = models.CharField(_("niveau eIDAS"), max_length=20)
    scope = models.CharField(_("portée"), max_length=500)
    identity = models.CharField(_("identité de test"), max_length=50)
    created_at = models.DateTimeField(_("créé le"), auto_now_add=True)
    code_used_at = models.DateTimeField(_("code utilisé le"), null=True, blank=True)
    access_token = models.CharField(_("jeton d'accès"), max_length=100, unique=True, null=True, blank=True)
    access_token_expires_at = models.DateTimeField(_("jeton valable jusqu'au"), null=True, blank=True)
    revoked = models.BooleanField(_("révoqué"), default=False)
    history = HistoricalRecords(excluded_fields=["code", "access_token"])

    class Meta:
        verbose_name = _("autorisation FranceConnect simulée")
        verbose_name_plural = _("autorisations FranceConnect simulées")

    def __str__(self) -> str:
        return f"{self.identity} → {self.client_id}"


class SandboxPaymentRequest(models.Model):
    """A payment request received by the sandbox bank (STET PSD2), and what it executed."""

    class Status(models.TextChoices):
        RECEIVED = "RCVD", _("Reçue")
        ACCEPTED = "ACCP", _("Acceptée")
        EXECUTED = "ACSC", _("Exécutée")
        REJECTED = "RJCT", _("Rejetée")
        CANCELLED = "CANC", _("Annulée par le payeur")

    resource_id = models.CharField(_("identifiant de la ressource"), max_length=40, unique=True)
    client_id = models.CharField(_("client (PISP)"), max_length=255)
    request_id = models.CharField(_("X-Request-ID"), max_length=100)
    instruction_id = models.CharField(_("instructionId"), max_length=35)
    end_to_end_id = models.CharField(_("endToEndId"), max_length=35)
    amount = models.DecimalField(_("montant"), max_digits=12, decimal_places=2)
    currency = models.CharField(_("devise"), max_length=3, default="EUR")
    creditor_name = models.CharField(_("bénéficiaire"), max_length=140)
    creditor_iban = models.CharField(_("IBAN du bénéficiaire"), max_length=34)
    creditor_bic = models.CharField(_("BIC du bénéficiaire"), max_length=11, blank=True)
    remittance = models.CharField(_("motif"), max_length=140)
    debtor_name = models.CharField(_("payeur"), max_length=140, blank=True)
    debtor_iban = models.CharField(_("IBAN du payeur"), max_length=34, blank=True)
    # "INST" for an SEPA instant credit transfer (paymentTypeInformation.localInstrument), else empty.
    local_instrument = models.CharField(_("instrument (localInstrument)"), max_length=4, blank=True)
    successful_report_url = models.URLField(_("adresse de retour (succès)"), max_length=1000)
    unsuccessful_report_url = models.URLField(_("adresse de retour (échec)"), max_length=1000)
    status = models.CharField(_("statut"), max_length=4, choices=Status.choices, default=Status.RECEIVED)
    status_reports = models.PositiveIntegerField(_("statuts communiqués"), default=0)
    body = models.JSONField(_("demande reçue"))
    created_at = models.DateTimeField(_("reçue le"), auto_now_add=True)
    decided_at = models.DateTimeField(_("décidée le"), null=True, blank=True)
    executed_at = models.DateTimeField(_("exécutée le"), null=True, blank=True, db_index=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("demande de paiement simulée")
        verbose_name_plural = _("demandes de paiement simulées")
        constraints = [
            models.UniqueConstraint(fields=["client_id", "instruction_id"], name="sandboxpayment_unique_instruction"),
            models.CheckConstraint(condition=models.Q(amount__gt=0), name="sandboxpayment_amount_gt_0"),
        ]

    def __str__(self) -> str:
        return f"{self.end_to_end_id} ({self.amount} {self.currency}, {self.status})"
