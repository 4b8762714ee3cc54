"""The money-flow rules' codes, labels, explanations and default thresholds; the alerts' kinds, statuses
and the reasons a review may give. The thresholds in force are the ``Rule`` rows (editable by the national
role, with history); ``RULE_DEFAULTS`` only seeds them."""

from __future__ import annotations

from dataclasses import dataclass

from django.db import models
from django.utils.translation import gettext_lazy as _

from core.audit import AuditReason


class RuleCode(models.TextChoices):
    PAYER_MANY_DETAINEES = "payer_many_detainees", _("Un payeur pour plusieurs personnes détenues")
    DETAINEE_MANY_PAYERS = "detainee_many_payers", _("Une personne détenue, de nombreux payeurs")
    FREQUENT_PAIR = "frequent_pair", _("Virements répétés d'un payeur à une personne détenue")
    NEAR_CAP = "near_cap", _("Montants répétés juste sous un plafond")
    SHARED_ACCOUNT = "shared_account", _("Un compte bancaire utilisé par plusieurs proches")
    NAME_MISMATCH = "name_mismatch", _("Titulaire du compte différent du proche")


@dataclass(frozen=True)
class RuleDefault:
    """A rule's explanation (its thresholds named ``{threshold}``, ``{window_days}``, ``{margin_percent}``) and
    its default thresholds. ``threshold`` is "more than N": the rule fires at N + 1."""

    explanation: str
    threshold: int
    window_days: int
    margin_percent: int = 0
    # Where the rule can run: at the initiation (the relative, the detainee and the amount are known) or at
    # the statement's import (the payer's account and its holder's name are known).
    at_initiation: bool = True
    at_statement: bool = False


RULE_DEFAULTS: dict[str, RuleDefault] = {
    RuleCode.PAYER_MANY_DETAINEES: RuleDefault(
        _("Un même proche a alimenté le pécule de plus de {threshold} personne(s) détenue(s) en {window_days} jours. "
          "Seuls les titulaires d'un permis de visite permanent, ou les personnes autorisées par le chef "
          "d'établissement, peuvent envoyer de l'argent : plusieurs bénéficiaires peuvent signaler le paiement "
          "d'une dette ou d'un service."),
        threshold=1, window_days=30,
    ),
    RuleCode.DETAINEE_MANY_PAYERS: RuleDefault(
        _("Une même personne détenue a reçu des virements de plus de {threshold} proches différents en "
          "{window_days} jours : l'argent de nombreuses personnes peut signaler un racket ou un trafic."),
        threshold=3, window_days=7,
    ),
    RuleCode.FREQUENT_PAIR: RuleDefault(
        _("Plus de {threshold} virements du même proche à la même personne détenue en {window_days} jours : des "
          "virements fréquents peuvent servir à contourner les plafonds ou à payer une dette."),
        threshold=3, window_days=7,
    ),
    RuleCode.NEAR_CAP: RuleDefault(
        _("Plus de {threshold} virements du même proche en {window_days} jours d'un montant compris dans les "
          "{margin_percent} % sous un plafond de l'établissement (par virement ou mensuel) : des montants "
          "choisis pour rester juste sous les plafonds."),
        threshold=2, window_days=30, margin_percent=5,
    ),
    RuleCode.SHARED_ACCOUNT: RuleDefault(
        _("Le compte bancaire qui a payé (IBAN lu sur le relevé) a servi à plus de {threshold} proche(s) en "
          "{window_days} jours : un même compte derrière plusieurs identités."),
        threshold=1, window_days=365, at_initiation=False, at_statement=True,
    ),
    RuleCode.NAME_MISMATCH: RuleDefault(
        _("Le nom du titulaire du compte qui a payé (lu sur le relevé de la banque) ne correspond pas à "
          "l'identité FranceConnect du proche (accents, ordre des noms, initiales et civilités tolérés) : "
          "l'argent vient peut-être d'un tiers qui n'a pas de permis de visite."),
        threshold=0, window_days=0, at_initiation=False, at_statement=True,
    ),
}


class ScreeningPoint(models.TextChoices):
    """When a transfer's rules ran."""

    INITIATION = "initiation", _("À l'envoi du virement")
    STATEMENT = "statement", _("À l'import du relevé")


class AlertKind(models.TextChoices):
    # Fired before the transfer was credited: it stays out of every cashier batch until accepted.
    HELD = "held", _("Retenu avant versement")
    # Fired once credited: for review only.
    FLAGGED = "flagged", _("Signalé après versement")


class AlertStatus(models.TextChoices):
    OPEN = "open", _("À examiner")
    ACCEPTED = "accepted", _("Accepté")
    REJECTED = "rejected", _("Refusé")
    # A rule fired on a payer and detainee whose pair a staff member accepted always (AllowedPair).
    AUTO_ACCEPTED = "auto_accepted", _("Accepté automatiquement (paire autorisée)")


class Decision(models.TextChoices):
    ACCEPT = "accept", _("Accepter")
    REJECT = "reject", _("Refuser")


class DecisionReason(models.TextChoices):
    """The reasons a reviewer picks from (then a free note). ``DECISION_REASONS`` says which go with which
    decision."""

    FAMILY_CHECKED = "family_checked", _("Lien familial ou personnel vérifié")
    HEAD_AUTHORISED = "head_authorised", _("Autorisation du chef d'établissement")
    PROOF_PROVIDED = "proof_provided", _("Justificatif fourni par le proche")
    SAME_PERSON = "same_person", _("Même personne (nom d'usage, compte joint, erreur de saisie)")
    FALSE_POSITIVE = "false_positive", _("Situation normale (fausse alerte)")
    NOT_AUTHORISED = "not_authorised", _("Payeur non autorisé (ni permis permanent, ni autorisation)")
    THIRD_PARTY_ACCOUNT = "third_party_account", _("Argent venant du compte d'un tiers")
    PRESSURE = "pressure", _("Soupçon de racket, de dette ou de pression")
    LAUNDERING = "laundering", _("Soupçon de blanchiment ou de trafic")
    OTHER = "other", _("Autre motif (préciser)")


DECISION_REASONS: dict[str, tuple[str, ...]] = {
    Decision.ACCEPT: (
        DecisionReason.FAMILY_CHECKED, DecisionReason.HEAD_AUTHORISED, DecisionReason.PROOF_PROVIDED,
        DecisionReason.SAME_PERSON, DecisionReason.FALSE_POSITIVE, DecisionReason.OTHER,
    ),
    Decision.REJECT: (
        DecisionReason.NOT_AUTHORISED, DecisionReason.THIRD_PARTY_ACCOUNT, DecisionReason.PRESSURE,
        DecisionReason.LAUNDERING, DecisionReason.OTHER,
    ),
}


class MonitoringAuditReason(AuditReason):
    """Why a rule, an alert or an allowed pair changed (``core.audit``); the detail is data (a note)."""

    RULE_SEEDED = "monitoring_rule_seeded", _("Règle créée avec ses seuils par défaut")
    RULE_CHANGED = "monitoring_rule_changed", _("Seuils de la règle modifiés")
    ALERT_RAISED = "monitoring_alert_raised", _("Alerte levée par les règles")
    ALERT_RULE_ADDED = "monitoring_alert_rule_added", _("Règle ajoutée à l'alerte")
    ALERT_ASSIGNED = "monitoring_alert_assigned", _("Alerte prise en charge")
    ALERT_ACCEPTED = "monitoring_alert_accepted", _("Alerte acceptée")
    ALERT_REJECTED = "monitoring_alert_rejected", _("Alerte refusée")
    ALERT_AUTO_ACCEPTED = "monitoring_alert_auto_accepted", _("Alerte acceptée automatiquement (paire autorisée)")
    PAIR_ALLOWED = "monitoring_pair_allowed", _("Paire payeur – personne détenue toujours acceptée")
    PAIR_REVOKED = "monitoring_pair_revoked", _("Paire payeur – personne détenue retirée")


# The relative never reads a rule: a held transfer is « en cours de vérification par l'établissement »
# (transfers.constants.HELD_LABEL).

# The daily digest to each security staff member (monitoring.tasks.send_digests), at this hour, Europe/Paris.
DIGEST_HOUR = 7
# At most this many alerts listed in a digest (then "et N autres").
DIGEST_MAX_LINES = 30
# The queue's page size.
QUEUE_PAGE_SIZE = 50
