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
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core import formats
from core.business_days import business_days_after
from core.money import format_euros
from core.text import french_spacing
from establishments.models import Bank
from establishments.selectors import next_cashier_passage
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

# Each step of a transfer in the relative's words (the confirmation page, the history, the receipt, the e-mails),
# each followed by its time: « Envoyé par votre banque à 9 h 12 ».
STEP_LABELS: dict[str, str] = {
    S.DRAFT: gettext_lazy("Montant saisi sur le portail"),
    S.AWAITING_AUTHORIZATION: gettext_lazy("Envoyé à votre banque, en attente de votre validation"),
    S.AUTHORIZED: gettext_lazy("Accepté par votre banque"),
    S.EXECUTED: gettext_lazy("Envoyé par votre banque"),
    S.RECEIVED: gettext_lazy("Reçu par l'établissement"),
    S.CREDITED: gettext_lazy("Versé sur le compte de la personne détenue"),
    S.REJECTED: gettext_lazy("Refusé par votre banque ou annulé"),
    S.EXPIRED: gettext_lazy("Abandonné, faute de validation à temps"),
    S.TO_REFUND: gettext_lazy("Retourné par l'établissement, qui ne peut pas le verser sur le pécule"),
    S.REFUNDED: gettext_lazy("Remboursé sur votre compte"),
}
# What a step means, after its time: « Refusé par votre banque ou annulé à 9 h 12 : aucune somme n'a été prélevée ».
STEP_NOTES: dict[str, str] = {
    S.REJECTED: gettext_lazy("aucune somme n'a été prélevée"),
    S.EXPIRED: gettext_lazy("aucune somme n'a été prélevée"),
    S.TO_REFUND: gettext_lazy("il va vous être remboursé"),
}
# The steps each row of the history shows with their times (then its last step, if another): the money's way.
HISTORY_ROW_STATUSES = frozenset({S.EXECUTED, S.RECEIVED, S.CREDITED})
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


def _day_month(day: datetime.date, language: str | None = None) -> str:
    """``3 décembre``, ``1er décembre`` (core.formats, per language)."""
    return formats.day_month(day, language)


def _day_month_year(day: datetime.date, language: str | None = None) -> str:
    """``3 décembre 2026``, ``1er décembre 2026`` (core.formats, per language)."""
    return formats.day_month_year(day, language)


def format_time(moment: datetime.datetime, language: str | None = None) -> str:
    """``9 h 12``, ``17 h 40``, ``0 h 05`` (Europe/Paris): the time as French is written; ``9:12`` in English
    and Arabic (core.formats.time_text)."""
    return formats.time_text(moment, language)


def format_moment(moment: datetime.datetime, language: str | None = None) -> str:
    """``29 novembre 2026 à 22 h 05`` (Europe/Paris): a moment in a document kept for later (the receipt);
    ``29 November 2026 at 22:05`` in English."""
    local = _local(moment)
    with formats.in_language_if_given(language):
        return _("%(day)s à %(time)s") % {"day": _day_month_year(local.date()), "time": format_time(local)}


def format_dated_moment(moment: datetime.datetime, language: str | None = None) -> str:
    """``le 29 novembre 2026 à 22 h 05``, ``on 29 November 2026 at 22:05``: a moment after a step's words, its
    date always written (an e-mail is read on another day)."""
    local = _local(moment)
    with formats.in_language_if_given(language):
        return _("le %(day)s à %(time)s") % {"day": _day_month_year(local.date()), "time": format_time(local)}


def format_step_moment(
    moment: datetime.datetime, *, today: datetime.date | None = None, language: str | None = None
) -> str:
    """When a step happened, as the relative reads it after the step's words: ``à 9 h 12`` today, ``hier à
    17 h 40``, ``le 28 novembre à 9 h 12`` another day of this year, ``le 28 novembre 2025 à 9 h 12`` before."""
    local = _local(moment)
    today = today or timezone.localdate()
    with formats.in_language_if_given(language):
        day, time = local.date(), format_time(local)
        if day == today:
            return _("à %(time)s") % {"time": time}
        if day == today - datetime.timedelta(days=1):
            return _("hier à %(time)s") % {"time": time}
        shown = _day_month(day) if day.year == today.year else _day_month_year(day)
        return _("le %(day)s à %(time)s") % {"day": shown, "time": time}


def format_day(day: datetime.date, language: str | None = None) -> str:
    """``jeudi 3 décembre 2026``, ``Thursday 3 December 2026`` (core.formats.full_day)."""
    return formats.full_day(day, language)


def held_for_relative(transfer: Transfer) -> bool:
    """Whether the relative reads that the establishment checks this transfer (Transfer.status_label's rule)."""
    return transfer.held and transfer.status in HELD_SHOWN_STATUSES


def expected_credit_date(transfer: Transfer) -> datetime.date | None:
    """The day by which the money should be on the pécule, for a transfer on its way (accepted by the
    payer's bank, not yet credited): CREDIT_BUSINESS_DAYS business days after the bank accepted it; for an
    instant transfer, the day of the next passage à la caisse (``next_cashier_passage``). None while the
    establishment checks it: the review has no deadline to promise."""
    passage = instant_passage(transfer)
    if passage is not None:
        return _local(passage).date()
    if transfer.status not in ON_ITS_WAY_STATUSES or held_for_relative(transfer):
        return None
    start = transfer.authorized_at or transfer.executed_at or transfer.initiated_at or transfer.created_at
    return business_days_after(start, CREDIT_BUSINESS_DAYS)


def instant_passage(transfer: Transfer, *, now: datetime.datetime | None = None) -> datetime.datetime | None:
    """For an instant transfer on its way (not held), the passage à la caisse that should credit it: the next
    cut-off after now, or after the moment it was received. None for any other transfer."""
    if not transfer.instant or transfer.status not in ON_ITS_WAY_STATUSES or held_for_relative(transfer):
        return None
    after = max(filter(None, (now or timezone.now(), transfer.received_at)))
    return next_cashier_passage(transfer.establishment, after=after)


def expected_credit_text(expected_on: datetime.date, passage: datetime.datetime | None) -> str:
    """When the money should be on the pécule, in words: « au plus tard le jeudi 3 décembre 2026 », or for an
    instant transfer (``passage``: its passage à la caisse) « aujourd'hui, après le passage à la caisse de 14 h 00 »."""
    if passage is not None:
        return instant_expected_text(passage)
    return _("au plus tard le %(day)s") % {"day": format_day(expected_on)}


def instant_expected_text(passage: datetime.datetime, *, today: datetime.date | None = None) -> str:
    """« aujourd'hui, après le passage à la caisse de 14 h 00 », or « le lundi 30 novembre 2026, après le
    passage à la caisse de 10 h 00 » when no cut-off is left today."""
    local = _local(passage)
    values = {"time": format_time(local)}
    if local.date() == (today or timezone.localdate()):
        return _("aujourd'hui, après le passage à la caisse de %(time)s") % values
    return _("le %(day)s, après le passage à la caisse de %(time)s") % {**values, "day": format_day(local.date())}


@dataclass(frozen=True)
class Step:
    status: str
    label: str
    at: datetime.datetime
    note: str = ""  # after the time: « … à 9 h 12 : aucune somme n'a été prélevée »
    review: bool = False  # the establishment's check (held, then released), not a status of its own

    @property
    def when(self) -> str:
        """``à 9 h 12``, ``hier à 17 h 40``, ``le 28 novembre à 9 h 12`` (today's date decides)."""
        return format_step_moment(self.at)


def _steps_of(records) -> list[Step]:
    """The steps of one transfer from its history records (status, held, date), oldest first."""
    steps: list[Step] = []
    last_status, shown_held = None, False
    for status, held, at in records:
        if status != last_status:
            label = STEP_LABELS.get(status, S(status).label)
            note = STEP_NOTES.get(status, "")
            steps.append(Step(status=status, label=french_spacing(str(label)), at=at,
                              note=french_spacing(str(note)) if note else ""))
        now_held = held and status in HELD_SHOWN_STATUSES
        if now_held and not shown_held:
            steps.append(Step(status=status, label=french_spacing(str(HELD_LABEL)), at=at, review=True))
        elif shown_held and not held:
            steps.append(Step(status=status, label=french_spacing(str(RELEASED_STEP_LABEL)), at=at, review=True))
        last_status, shown_held = status, now_held
    return steps


def transfer_steps(transfer: Transfer) -> list[Step]:
    """The statuses the transfer went through, oldest first, each with the moment it was reached (from the
    transfer's history records), in the relative's words: « Envoyé par votre banque à 9 h 12 », « Reçu par
    l'établissement à 9 h 13 », « Versé sur le compte de la personne détenue à 10 h 05 ». A hold shown to the
    relative is a step of its own (« En cours de vérification par l'établissement », never the rule), and so is
    its release (« Vérifié par l'établissement »)."""
    records = transfer.history.order_by("history_date", "history_id").values_list("status", "held", "history_date")
    return _steps_of(records)


@dataclass(frozen=True)
class HistoryRow:
    transfer: Transfer
    last_step: Step | None
    # The money's way, each with its time (« Envoyé par votre banque à 9 h 12 », « Reçu par l'établissement à
    # 9 h 13 », « Versé sur le compte de la personne détenue à 10 h 05 »), then the last step if another (a hold
    # shows in the row's status in words; the detail page has the establishment's check with its times).
    steps: tuple[Step, ...] = ()


def history_rows(transfers) -> list[HistoryRow]:
    """A page of the history, each transfer with its last step (« Versé sur le compte de la personne détenue à
    10 h 05 »): one query for the whole page's history records, whatever the number of transfers."""
    transfers = list(transfers)
    records: dict[int, list] = {transfer.pk: [] for transfer in transfers}
    rows = (
        Transfer.history.filter(id__in=list(records))
        .order_by("history_date", "history_id")
        .values_list("id", "status", "held", "history_date")
    )
    for transfer_id, status, held, at in rows:
        records[transfer_id].append((status, held, at))
    result = []
    for transfer in transfers:
        steps = _steps_of(records[transfer.pk])
        last = steps[-1] if steps else None
        shown = [step for step in steps if step.status in HISTORY_ROW_STATUSES and not step.review]
        if last is not None and last not in shown:
            shown.append(last)
        result.append(HistoryRow(transfer=transfer, last_step=last, steps=tuple(shown)))
    return result


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
    passage: datetime.datetime | None = None  # an instant transfer: the passage à la caisse that should credit it

    @property
    def expected_text(self) -> str:
        """« au plus tard le jeudi 3 décembre 2026 », or for an instant transfer « aujourd'hui, après le passage
        à la caisse de 14 h 00 »."""
        if self.expected_on is None:
            return ""
        return expected_credit_text(self.expected_on, self.passage)


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
    passage = instant_passage(transfer)
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
        rows.append((_("Versement sur le pécule"), expected_credit_text(expected_on, passage)))
    elif held:
        rows.append((_("Versement sur le pécule"), str(HELD_CREDIT_TEXT)))
    if transfer.credited_at:
        rows.append((_("Versé sur le pécule le"), format_moment(transfer.credited_at)))
    if transfer.refunded_at:
        rows.append((_("Remboursé le"), format_moment(transfer.refunded_at)))
    return Receipt(transfer=transfer, reference=reference, paid=transfer.status in PAID_STATUSES,
                   state=french_spacing(_state(transfer)), expected_on=expected_on, held=held, rows=rows,
                   passage=passage)


def with_allowances(*, relative, cards: list[dict]) -> list[dict]:
    """The Pécule tab's cards: ``permits.selectors.permit_cards`` with, for each usable permit, what the relative
    may still send this month (``caps.allowance``)."""
    for card in cards:
        card["allowance"] = (
            caps.allowance(relative=relative, detainee=card["permit"].detainee) if card["allows_transfer"] else None
        )
    return cards
