"""Reads about transfers: what counts against the caps this month, what is left, whether a permit may
be used (``permits.eligibility``), the history of a relative."""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db.models import QuerySet
from django.templatetags.static import static
from django.utils import timezone
from django.utils.dates import MONTHS, WEEKDAYS
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.business_days import business_days_after
from core.money import format_euros
from core.text import french_spacing
from establishments.models import Bank
from permits.registration import normalize_name, registered_permits

from . import caps
from .constants import (
    BANK_INITIALS_SKIPPED,
    BANK_STATIC_LOGOS,
    CREDIT_BUSINESS_DAYS,
    EXPIRY_DELAY,
    HELD_LABEL,
    HELD_SHOWN_STATUSES,
    HISTORY_MONTHS,
    TransferStatus,
)
from .models import Transfer
from .references import format_reference
from .states import BANK_PENDING_STATUSES, EXPIRABLE_STATUSES, ON_ITS_WAY_STATUSES, PAID_STATUSES


def history_for(relative, *, now: datetime.datetime | None = None) -> QuerySet[Transfer]:
    """The relative's transfers of the last six months, newest first (drafts are not shown)."""
    now = now or timezone.now()
    tz = ZoneInfo(settings.TIME_ZONE)
    local = now.astimezone(tz)
    month, year = local.month - HISTORY_MONTHS, local.year
    while month < 1:
        month, year = month + 12, year - 1
    day = min(local.day, 28)
    since = local.replace(year=year, month=month, day=day)
    return (
        Transfer.objects.filter(relative=relative, created_at__gte=since)
        .exclude(status="draft")
        .select_related("detainee")
        # What the history shows, and no more: a page reads 20 rows with their detainee.
        .only("reference", "created_at", "amount", "status", "held", "detainee__first_name", "detainee__family_name")
        .order_by("-created_at", "-pk")
    )


def transfers_to_poll(*, now: datetime.datetime | None = None) -> QuerySet[Transfer]:
    now = now or timezone.now()
    return Transfer.objects.filter(
        status__in=BANK_PENDING_STATUSES, next_poll_at__lte=now
    ).exclude(payment_request_id="")


def transfers_to_expire(*, now: datetime.datetime | None = None) -> QuerySet[Transfer]:
    """Drafts and transfers still waiting for the payer's approval after the expiry delay."""
    limit = (now or timezone.now()) - EXPIRY_DELAY
    return Transfer.objects.filter(status__in=EXPIRABLE_STATUSES, created_at__lt=limit)


def consent_still_valid(transfer: Transfer, *, now: datetime.datetime | None = None) -> bool:
    """Whether "Reprendre le virement" may send the payer back to the bank's consent page: still
    waiting for their approval, within the expiry delay."""
    limit = (now or timezone.now()) - EXPIRY_DELAY
    return transfer.status == "awaiting_authorization" and bool(transfer.consent_url) and transfer.created_at >= limit


def cancellation_refusal(transfer: Transfer) -> str | None:
    """Why the relative may not cancel this transfer (French), or None: only while it waits for their
    approval at the bank."""
    if transfer.status == "awaiting_authorization":
        return None
    return _("Ce virement ne peut plus être annulé : son statut est « %(status)s ».") % {
        "status": transfer.status_label
    }


def transfer_for_relative(*, relative, reference: str) -> Transfer | None:
    """A transfer of this relative only (None for anybody else's reference)."""
    return (
        Transfer.objects.filter(relative=relative, reference=reference)
        .select_related("detainee", "establishment", "bank", "relative")
        .first()
    )


def search_key(text: str) -> str:
    """How a bank name and a search compare: as names are compared everywhere in the portal
    (permits.registration.normalize_name: no case, accents, hyphens or extra spaces; "Société  Générale"
    → "societe generale"). static/transfers/banks.js does the same in the browser."""
    return normalize_name(text)


@dataclass(frozen=True)
class BankChoice:
    bank: Bank
    search_key: str
    shown: bool
    logo_url: str = ""  # the uploaded logo, else the static one of its BIC (BANK_STATIC_LOGOS), else ""
    initials: str = ""  # shown in place of a logo


def bank_initials(name: str) -> str:
    """"Banque de Démonstration" → "BD", "BNP Paribas" → "BP": the first letters of at most two of the
    name's words, small words left out."""
    words = [word for word in re.split(r"[\s'’\-]+", name) if word]
    kept = [word for word in words if word.lower() not in BANK_INITIALS_SKIPPED] or words
    return "".join(word[0] for word in kept[:2]).upper()


def bank_logo_url(bank: Bank) -> str:
    if bank.logo:
        return bank.logo.url
    path = BANK_STATIC_LOGOS.get(bank.bic.upper())
    return static(path) if path else ""


def bank_choices(query: str = "") -> list[BankChoice]:
    """"Sélectionnez votre banque": every enabled bank, each shown or not by ``query`` (a part
    of its name, whatever the case and accents), with its logo or its initials. All are listed so that the
    page's script can filter again as the user types; without the script, only the shown ones are visible."""
    wanted = search_key(query)
    choices = []
    for bank in Bank.objects.filter(enabled=True):
        key = search_key(bank.name)
        choices.append(BankChoice(bank=bank, search_key=key, shown=wanted in key, logo_url=bank_logo_url(bank),
                                  initials=bank_initials(bank.name)))
    # In the reader's order, whatever the database's collation: "Banque de…" before "Banque Populaire",
    # "Écureuil" among the E.
    return sorted(choices, key=lambda choice: (choice.search_key, choice.bank.name))


def draft_to_amend(*, relative, permit, reference: str) -> Transfer | None:
    """The relative's draft for ``permit`` whose amount "Modifier le montant" (bank list) brings back to the
    amount page; None for any other transfer, anybody else's, or a reference that is not one."""
    if not reference or len(reference) > 35:
        return None
    return Transfer.objects.filter(
        relative=relative, permit=permit, reference=reference, status=TransferStatus.DRAFT
    ).first()


def registration_of_transfer(*, relative, transfer: Transfer):
    """The relative's registration of the transfer's permit (the amount page's address), or None."""
    return registered_permits(relative).filter(permit_id=transfer.permit_id).first()


# -- the confirmation, the receipt and the steps of a transfer ---------------------------------

S = TransferStatus

# Each step of a transfer in the relative's words (the detail page of the history, the receipt).
STEP_LABELS: dict[str, str] = {
    S.DRAFT: gettext_lazy("Montant saisi sur le portail"),
    S.AWAITING_AUTHORIZATION: gettext_lazy("Envoyé à votre banque, en attente de votre validation"),
    S.AUTHORIZED: gettext_lazy("Accepté par votre banque"),
    S.EXECUTED: gettext_lazy("Exécuté par votre banque : l'argent a quitté votre compte"),
    S.RECEIVED: gettext_lazy("Reçu par l'établissement pénitentiaire"),
    S.CREDITED: gettext_lazy("Versé sur le pécule de la personne détenue"),
    S.REJECTED: gettext_lazy("Refusé par votre banque ou annulé : aucune somme n'a été prélevée"),
    S.EXPIRED: gettext_lazy("Abandonné : le virement n'a pas été validé à temps, aucune somme n'a été prélevée"),
    S.TO_REFUND: gettext_lazy("Ne peut pas être versé sur le pécule : il va vous être remboursé"),
    S.REFUNDED: gettext_lazy("Remboursé sur votre compte"),
}
# The end of a security review, in the relative's words (its start is HELD_LABEL): the rule is never named.
RELEASED_STEP_LABEL = gettext_lazy("Vérifié par l'établissement")
# Instead of a date for the pécule while the establishment checks the transfer: none can be promised.
HELD_CREDIT_TEXT = gettext_lazy("après la vérification de l'établissement")
HELD_STATE = gettext_lazy(
    "Votre virement a été pris en compte. L'établissement le vérifie avant de le verser sur le pécule : "
    "la date du versement sera connue après cette vérification."
)


def _local(moment: datetime.datetime) -> datetime.datetime:
    return timezone.localtime(moment) if timezone.is_aware(moment) else moment


def _day_month_year(day: datetime.date) -> str:
    """``3 décembre 2026``, ``1er décembre 2026``."""
    first = _("1er") if day.day == 1 else str(day.day)
    return f"{first} {MONTHS[day.month]} {day.year}"


def format_moment(moment: datetime.datetime) -> str:
    """``29 novembre 2026 à 22:05`` (Europe/Paris)."""
    local = _local(moment)
    return _("%(day)s à %(time)s") % {"day": _day_month_year(local.date()), "time": f"{local:%H:%M}"}


def format_day(day: datetime.date) -> str:
    """``jeudi 3 décembre 2026``."""
    return f"{WEEKDAYS[day.weekday()]} {_day_month_year(day)}"


def held_for_relative(transfer: Transfer) -> bool:
    """Whether the relative reads that the establishment checks this transfer (Transfer.status_label's rule)."""
    return transfer.held and transfer.status in HELD_SHOWN_STATUSES


def expected_credit_date(transfer: Transfer) -> datetime.date | None:
    """The day by which the money should be on the pécule, for a transfer on its way (accepted by the
    payer's bank, not yet credited): CREDIT_BUSINESS_DAYS business days after the bank accepted it. None
    while the establishment checks it: the review has no deadline to promise."""
    if transfer.status not in ON_ITS_WAY_STATUSES or held_for_relative(transfer):
        return None
    start = transfer.authorized_at or transfer.executed_at or transfer.initiated_at or transfer.created_at
    return business_days_after(start, CREDIT_BUSINESS_DAYS)


@dataclass(frozen=True)
class Step:
    status: str
    label: str
    at: datetime.datetime

    @property
    def when(self) -> str:
        return format_moment(self.at)


def transfer_steps(transfer: Transfer) -> list[Step]:
    """The statuses the transfer went through, oldest first, each with the date it was reached (from the
    transfer's history records), in the relative's words. A hold shown to the relative is a step of its own
    (« En cours de vérification par l'établissement »), and so is its release (« Vérifié par l'établissement »)."""
    steps: list[Step] = []
    records = transfer.history.order_by("history_date", "history_id").values_list("status", "held", "history_date")
    last_status, shown_held = None, False
    for status, held, at in records:
        if status != last_status:
            label = STEP_LABELS.get(status, S(status).label)
            steps.append(Step(status=status, label=french_spacing(str(label)), at=at))
        now_held = held and status in HELD_SHOWN_STATUSES
        if now_held and not shown_held:
            steps.append(Step(status=status, label=french_spacing(str(HELD_LABEL)), at=at))
        elif shown_held and not held:
            steps.append(Step(status=status, label=french_spacing(str(RELEASED_STEP_LABEL)), at=at))
        last_status, shown_held = status, now_held
    return steps


def detainee_name(detainee) -> str:
    return f"{detainee.first_name} {detainee.family_name.upper()}"


@dataclass(frozen=True)
class Receipt:
    """What the confirmation page, the detail page, the PDF receipt and the e-mail say about a transfer."""

    transfer: Transfer
    reference: str  # in readable groups (display only)
    paid: bool
    state: str  # one sentence: where the transfer stands
    expected_on: datetime.date | None
    held: bool  # the establishment checks it before the pécule: no date promised
    rows: list[tuple[str, str]]  # label, value

    @property
    def expected_text(self) -> str:
        if self.expected_on is None:
            return ""
        return _("au plus tard le %(day)s") % {"day": format_day(self.expected_on)}


def _state(transfer: Transfer) -> str:
    status = transfer.status
    if held_for_relative(transfer):
        return str(HELD_STATE)
    if status in ON_ITS_WAY_STATUSES:
        return _("Votre virement a été pris en compte.")
    if status == S.CREDITED:
        return _("Votre virement a été versé sur le pécule.")
    if status == S.AWAITING_AUTHORIZATION:
        return _("Ce virement n'est pas encore payé : il attend votre validation auprès de votre banque.")
    if status == S.TO_REFUND:
        return _("Ce virement ne peut pas être versé sur le pécule : il va vous être remboursé.")
    if status == S.REFUNDED:
        return _("Ce virement vous a été remboursé.")
    return _("Ce virement n'a pas été payé : aucune somme n'a été prélevée.")


def receipt_for(transfer: Transfer) -> Receipt:
    """``transfer`` should come with its detainee, establishment, bank and relative selected."""

    reference = format_reference(transfer.reference)
    made_at = transfer.authorized_at or transfer.initiated_at or transfer.created_at
    expected_on = expected_credit_date(transfer)
    relative = transfer.relative
    rows = [
        (_("Référence"), reference),
        (_("Référence sur votre relevé bancaire"), transfer.reference),
        (_("Date et heure"), format_moment(made_at) if made_at else ""),
        (_("Montant"), format_euros(transfer.amount)),
        (_("Payeur"), f"{relative.given_name} {relative.family_name.upper()}".strip()),
        (_("Banque"), transfer.bank.name if transfer.bank_id else _("Pas encore choisie")),
        (_("Personne détenue"), detainee_name(transfer.detainee)),
        (_("Établissement"), transfer.establishment.name),
        (_("Statut"), transfer.status_label),
    ]
    held = held_for_relative(transfer)
    if expected_on is not None:
        rows.append((_("Versement sur le pécule"), _("au plus tard le %(day)s") % {"day": format_day(expected_on)}))
    elif held:
        rows.append((_("Versement sur le pécule"), str(HELD_CREDIT_TEXT)))
    if transfer.credited_at:
        rows.append((_("Versé sur le pécule le"), format_moment(transfer.credited_at)))
    if transfer.refunded_at:
        rows.append((_("Remboursé le"), format_moment(transfer.refunded_at)))
    return Receipt(transfer=transfer, reference=reference, paid=transfer.status in PAID_STATUSES,
                   state=french_spacing(_state(transfer)), expected_on=expected_on, held=held, rows=rows)


def with_allowances(*, relative, cards: list[dict]) -> list[dict]:
    """The Pécule tab's cards: ``permits.selectors.permit_cards`` with, for each usable permit, what the relative
    may still send this month (``caps.allowance``)."""
    for card in cards:
        card["allowance"] = (
            caps.allowance(relative=relative, detainee=card["permit"].detainee) if card["allows_transfer"] else None
        )
    return cards
