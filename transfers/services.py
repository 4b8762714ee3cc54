"""Every change of a transfer goes through here: one function per action, in a transaction, with
the acting user in the history. Only ``_move`` writes a status, and only along
``transfers.states.TRANSITIONS``; the one exception is ``receive_many``, the bulk receipt of a statement's
clean matches, which moves many ``executed`` transfers to ``received`` (the same transition) in one UPDATE
with their history rows."""

from __future__ import annotations

import datetime
import logging
import time
import uuid
from collections.abc import Callable
from decimal import Decimal

from django.conf import settings
from django.core.cache import cache
from django.core.mail import EmailMessage
from django.db import transaction
from django.db.models import F, Q
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Relative
from core.addresses import portal_base_url
from core.audit import AuditReason, audit_reason, reason_label
from core.bulk_history import update_with_history
from core.formats import in_relative_language
from permits.eligibility import eligibility
from permits.models import VisitPermit

from . import caps, selectors
from .constants import (
    EXPIRY_DELAY,
    POLL_BASE_DELAY,
    POLL_MAX_ATTEMPTS,
    POLL_MAX_DELAY,
    STATUS_AUDIT_REASONS,
    TransferAuditReason,
    TransferStatus,
)
from .models import Transfer
from .psd2 import Psd2BadResponse, Psd2Error, Psd2Refused, Psd2Unavailable, Psd2UnknownStatus, StetClient
from .psd2.client import INSTANT_LOCAL_INSTRUMENT
from .psd2.statuses import target_status
from .receipts import receipt_filename, receipt_pdf
from .signals import transfer_credited, transfer_reserved, transfers_received
from .states import (
    BANK_PENDING_STATUSES,
    EXPIRABLE_STATUSES,
    HOLDABLE_STATUSES,
    RECEIVABLE_PATHS,
    RECEIVABLE_STATUSES,
    STATUS_TIMESTAMP_FIELD,
    bank_path,
    may_move,
)

logger = logging.getLogger(__name__)
S = TransferStatus
R = TransferAuditReason

# How long a request may hold the right to create a transfer's payment request (then another may).
INITIATION_CLAIM = datetime.timedelta(seconds=60)
# Past this age, a transfer waiting for its bank expires even when the bank cannot be reached.
HARD_EXPIRY = datetime.timedelta(hours=24)


class TransferError(Exception):
    """A transfer action refused; ``messages`` are French, for the relative or the operator."""

    def __init__(self, *messages: str):
        super().__init__(" ".join(str(m) for m in messages))
        self.messages = [str(m) for m in messages]


class IllegalTransition(TransferError):
    pass


class TransferRefused(TransferError):
    pass


def _move(
    transfer: Transfer, to: str, *, user=None, reason: AuditReason | None = None, detail: object = "",
    now: datetime.datetime | None = None,
) -> None:
    """The only place a status changes (but for ``receive_many``'s bulk receipt). ``transfer`` must be locked
    by the caller's transaction. The history records ``reason`` (with ``detail``, data), else the status
    reached; a reason given is also the transfer's motif (``failure_reason``), in the staff's words."""
    if not may_move(transfer.status, to):
        raise IllegalTransition(
            _("Le virement %(ref)s ne peut passer de « %(from)s » à « %(to)s ».")
            % {"ref": transfer.reference, "from": S(transfer.status).label, "to": S(to).label}
        )
    transfer.status = to
    field = STATUS_TIMESTAMP_FIELD.get(to)
    if field:
        setattr(transfer, field, now or timezone.now())
    stored = audit_reason(reason or STATUS_AUDIT_REASONS[to], detail)
    if reason is not None:
        transfer.failure_reason = reason_label(stored)[:300]
    if to not in BANK_PENDING_STATUSES:
        transfer.next_poll_at = None
    transfer._history_user = user
    transfer._change_reason = stored
    transfer.save()


def _locked(transfer_id: int) -> Transfer:
    return Transfer.objects.select_for_update(of=("self",)).select_related("detainee", "establishment", "bank").get(
        pk=transfer_id
    )


def _user_of(relative: Relative):
    return getattr(relative, "user", None)


# -- the citizen's actions ---------------------------------------------------------------------

def create_draft(
    *, relative: Relative, permit: VisitPermit, amount: Decimal, idempotency_key: uuid.UUID | None = None
) -> Transfer:
    """The amount page: checks the permit and the caps (a first look, without reserving) and keeps a
    draft. The same ``idempotency_key`` (one per amount form) always gives back the same transfer."""
    if idempotency_key is not None:
        existing = Transfer.objects.filter(idempotency_key=idempotency_key).first()
        if existing is not None:
            if existing.relative_id != relative.pk:
                raise TransferRefused(_("Ce formulaire n'est plus valable. Veuillez recommencer."))
            return existing
    permit = VisitPermit.objects.select_related("detainee__establishment").get(pk=permit.pk)
    registration = permit.registrations.filter(relative=relative).first()
    if registration is None:
        raise TransferRefused(_("Ce permis de visite n'est pas enregistré sur votre espace."))
    registration.permit = permit
    reasons = eligibility(registration).messages
    if reasons:
        raise TransferRefused(*reasons)
    amount = Decimal(amount).quantize(Decimal("0.01"))
    if amount <= 0:
        raise TransferRefused(_("Le montant doit être supérieur à zéro."))
    expire_stale(relative_id=relative.pk, detainee_ids=[permit.detainee_id])
    errors = caps.cap_refusals(amount, relative=relative, detainee=permit.detainee)
    if errors:
        raise TransferRefused(*errors)
    values = {
        "relative": relative,
        "permit": permit,
        "detainee": permit.detainee,
        "establishment": permit.detainee.establishment,
        "amount": amount,
    }
    with transaction.atomic():
        if idempotency_key is None:
            transfer = Transfer(**values)
        else:
            transfer, created = Transfer.objects.get_or_create(idempotency_key=idempotency_key, defaults=values)
            if not created:
                return transfer
        transfer._history_user = _user_of(relative)
        transfer._change_reason = audit_reason(R.AMOUNT_ENTERED)
        transfer.save()
    return transfer


def reserve(*, transfer_id: int, bank, user=None) -> Transfer:
    """Check every cap and reserve the amount (draft → awaiting_authorization) in one transaction that
    locks the sender's and the detainee's rows, so that concurrent transfers can never pass a cap.
    A transfer already reserved is returned as it is. Stale transfers of the sender and the detainee
    expire first (before the locks: expiry may ask their bank), so that they never hold the caps."""
    head = Transfer.objects.only("relative_id", "detainee_id").get(pk=transfer_id)
    expire_stale(relative_id=head.relative_id, detainee_ids=[head.detainee_id])
    with transaction.atomic():
        relative, detainee = caps.lock_counters(relative_id=head.relative_id, detainee_id=head.detainee_id)
        transfer = _locked(transfer_id)
        if transfer.status != S.DRAFT:
            if (
                transfer.status == S.AWAITING_AUTHORIZATION
                and not transfer.payment_request_id
                and transfer.bank_id != bank.pk
                and bank.enabled
            ):
                # The first bank did not answer; the payer picks another one. No payment request exists.
                transfer.bank = bank
                transfer._history_user = user
                transfer._change_reason = audit_reason(R.OTHER_BANK)
                transfer.save(update_fields=["bank", "updated_at"])
            if transfer.status in BANK_PENDING_STATUSES or transfer.status == S.EXECUTED:
                return transfer
            raise TransferRefused(
                _("Ce virement ne peut plus être envoyé (%(status)s). Veuillez recommencer.")
                % {"status": S(transfer.status).label}
            )
        if not bank.enabled:
            raise TransferRefused(_("Cette banque n'est pas disponible. Veuillez en choisir une autre."))
        permit = VisitPermit.objects.select_related("detainee__establishment").get(pk=transfer.permit_id)
        # The greffe may have refused the registration since the amount was entered.
        registration = permit.registrations.filter(relative_id=relative.pk).first()
        if registration is None:
            reasons = [_("Ce permis de visite n'est pas enregistré sur votre espace.")]
        else:
            registration.permit = permit
            reasons = eligibility(registration).messages
        if permit.detainee_id != detainee.pk:
            reasons.append(_("Le permis de visite ne concerne plus cette personne détenue."))
        if reasons:
            raise TransferRefused(*reasons)
        errors = caps.cap_refusals(
            transfer.amount, relative=relative, detainee=detainee, establishment=detainee.establishment
        )
        if errors:
            raise TransferRefused(*errors)
        transfer.bank = bank
        now = timezone.now()
        transfer.next_poll_at = now + POLL_BASE_DELAY
        _move(transfer, S.AWAITING_AUTHORIZATION, user=user, now=now)
        # The money-flow rules run here, under the locks, so that they count what the caps counted.
        transfer_reserved.send(sender=Transfer, transfer=transfer, user=user)
        return transfer


class InitiationInProgress(TransferError):
    """Another request (a double click) is creating this transfer's payment request right now."""


def initiate_payment(
    *,
    transfer_id: int,
    bank,
    user=None,
    successful_report_url: str,
    unsuccessful_report_url: str,
    client_factory: Callable[..., StetClient] | None = None,
    wait_seconds: float = 0.0,
) -> Transfer:
    """"Réaliser le virement" after the bank is chosen: reserve, then one payment request at the bank.

    Only the request that claims the transfer (a conditional update) calls the bank, and no database
    transaction stays open during that call; a double click finds the claim, waits up to
    ``wait_seconds`` for the payment request, then gets it (or InitiationInProgress): one transfer,
    one payment request. A bank refusing (4xx) rejects the transfer and frees its reservation; a bank
    that does not answer leaves it reserved and waiting (a retry sends the same identifiers; it
    expires after 30 minutes otherwise)."""
    reserve(transfer_id=transfer_id, bank=bank, user=user)
    now = timezone.now()
    claimed = (
        Transfer.objects.filter(pk=transfer_id, status=S.AWAITING_AUTHORIZATION, payment_request_id="")
        .filter(Q(initiation_claimed_until__isnull=True) | Q(initiation_claimed_until__lt=now))
        .update(initiation_claimed_until=now + INITIATION_CLAIM)
    )
    if not claimed:
        return _wait_for_payment_request(transfer_id, wait_seconds)
    transfer = Transfer.objects.select_related("detainee", "establishment", "bank", "relative").get(pk=transfer_id)
    failure: Psd2Error | None = None
    created = None
    instant = bool(transfer.bank.instant_payments)
    detail = INSTANT_LOCAL_INSTRUMENT if instant else ""
    client = (client_factory or StetClient)(transfer.bank)
    urls = {"successful_report_url": successful_report_url, "unsuccessful_report_url": unsuccessful_report_url}
    try:
        try:
            created = client.create_payment_request(transfer, instant=instant, **urls)
        except Psd2Refused as exc:
            if not (instant and _refuses_instant(exc)):
                raise
            # A bank flagged INST that refuses it (this payer's account, the amount, a payee check…): the payer
            # still gets an ordinary SEPA transfer of the same transfer, asked once.
            logger.warning(
                "Transfer %s: %s refused the instant transfer (%s); asked again as an ordinary SEPA transfer",
                transfer.reference, transfer.bank.name, exc,
            )
            instant, detail = False, f"SEPA, {INSTANT_LOCAL_INSTRUMENT} {exc}"
            created = client.create_payment_request(transfer, instant=False, **urls)
    except Psd2Error as exc:
        failure = exc
    with transaction.atomic():
        transfer = _locked(transfer_id)
        transfer.initiation_claimed_until = None
        transfer._history_user = user
        if created is not None:
            transfer.payment_request_id = created.resource_id
            transfer.consent_url = created.consent_url
            transfer.instant = instant
            transfer.failure_reason = ""
            transfer._change_reason = audit_reason(R.PAYMENT_REQUEST_CREATED, detail)
            transfer.save()
        elif isinstance(failure, Psd2Refused) and transfer.status == S.AWAITING_AUTHORIZATION:
            _move(transfer, S.REJECTED, user=user, reason=R.BANK_REFUSED, detail=failure)
        else:
            transfer.failure_reason = _("La banque n'a pas répondu (%(d)s).") % {"d": failure}
            transfer.save(update_fields=["failure_reason", "initiation_claimed_until", "updated_at"])
    if failure is not None:
        raise failure
    return transfer


def _refuses_instant(error: Psd2Refused) -> bool:
    """A 4xx answer to the payment request itself (not the token's 401): the bank refused what was asked."""
    code = error.status_code or 0
    return 400 <= code < 500 and code != 401


def _wait_for_payment_request(transfer_id: int, wait_seconds: float) -> Transfer:
    deadline = time.monotonic() + wait_seconds
    while True:
        transfer = Transfer.objects.get(pk=transfer_id)
        if transfer.payment_request_id or transfer.status != S.AWAITING_AUTHORIZATION:
            return transfer
        if time.monotonic() >= deadline:
            raise InitiationInProgress(
                _("Votre demande est en cours de transmission à votre banque. Veuillez patienter quelques secondes.")
            )
        time.sleep(0.2)


def apply_bank_status(*, transfer_id: int, code: str, user=None) -> Transfer:
    """Bring the transfer to what the bank says (ACCP, ACSC, RJCT…), through every intermediate state.
    Stale or repeated answers change nothing; an unknown code changes nothing and raises. STET's rules for an
    instant transfer: ACSP (accepted, settlement in process) authorizes it, ACSC executes it, a later RJCT after
    ACSP rejects it (its reservation freed); a RJCT after ACSC changes nothing (logged: the money left, the
    régie's statement will tell)."""
    target = target_status(code)
    with transaction.atomic():
        transfer = _locked(transfer_id)
        if target is None:
            logger.warning("Transfer %s: unknown bank status %r", transfer.reference, code)
        elif target == S.REJECTED and transfer.executed_at is not None:
            logger.error(
                "Transfer %s is %s (executed at %s) but the bank now reports %s: nothing changed, the statement "
                "will tell", transfer.reference, transfer.status, transfer.executed_at, code,
            )
        else:
            transfer.bank_status = code[:10]
            path = bank_path(transfer.status, target)
            if path is None:
                if transfer.status in (S.EXPIRED, S.REJECTED) and target == S.EXECUTED:
                    logger.error(
                        "Transfer %s is %s but the bank executed it: the statement will show it",
                        transfer.reference, transfer.status,
                    )
                transfer.save(update_fields=["bank_status", "updated_at"])
            else:
                was_authorized = transfer.authorized_at is not None
                for step in path:
                    if step == S.REJECTED:
                        _move(transfer, step, user=user, reason=R.BANK_STATUS, detail=code)
                    else:
                        _move(transfer, step, user=user)
                if not was_authorized and transfer.authorized_at is not None:
                    transaction.on_commit(lambda: _send_receipt_quietly(transfer_id))
    if target is None:
        raise Psd2UnknownStatus(code)
    return transfer


def refresh_from_bank(
    *, transfer_id: int, user=None, client_factory: Callable[..., StetClient] | None = None
) -> Transfer:
    """Ask the bank (GET /payment-requests/{id}) and apply its answer; Psd2Error when it cannot say."""
    transfer = Transfer.objects.select_related("bank").get(pk=transfer_id)
    if not transfer.payment_request_id or transfer.status not in BANK_PENDING_STATUSES:
        return transfer
    answer = (client_factory or StetClient)(transfer.bank).get_payment_request(transfer.payment_request_id)
    return apply_bank_status(transfer_id=transfer_id, code=answer.code, user=user)


def poll_delay(attempt: int) -> datetime.timedelta:
    return min(POLL_BASE_DELAY * (2 ** max(attempt - 1, 0)), POLL_MAX_DELAY)


def poll_transfer(
    *, transfer_id: int, now: datetime.datetime | None = None, client_factory: Callable[..., StetClient] | None = None
) -> Transfer | None:
    """One poll of the bank, claimed by a conditional update: a second worker polling the same
    transfer at the same time finds it claimed and does nothing. Returns None when not claimed."""
    now = now or timezone.now()
    transfer = Transfer.objects.filter(pk=transfer_id).only("poll_attempts").first()
    if transfer is None:
        return None
    attempt = transfer.poll_attempts + 1
    next_poll = now + poll_delay(attempt) if attempt < POLL_MAX_ATTEMPTS else None
    claimed = Transfer.objects.filter(
        pk=transfer_id, status__in=BANK_PENDING_STATUSES, next_poll_at__lte=now, poll_attempts=transfer.poll_attempts
    ).update(poll_attempts=F("poll_attempts") + 1, next_poll_at=next_poll)
    if not claimed:
        return None
    if next_poll is None:
        logger.error("Transfer %s: bank still pending after %s polls; polling stopped", transfer_id, attempt)
    try:
        return refresh_from_bank(transfer_id=transfer_id, client_factory=client_factory)
    except Psd2Error as exc:
        logger.warning("Transfer %s: poll failed (%s), next at %s", transfer_id, exc, next_poll)
        return Transfer.objects.get(pk=transfer_id)


def expire_transfer(
    *, transfer_id: int, now: datetime.datetime | None = None, user=None,
    client_factory: Callable[..., StetClient] | None = None,
) -> bool:
    """Expire a draft or a transfer still waiting for the payer's approval after 30 minutes, freeing
    its reservation. A transfer with a payment request is checked at the bank first (the payer may
    have approved it); if the bank cannot say, it waits for the next run (up to 24 hours)."""
    now = now or timezone.now()
    transfer = Transfer.objects.select_related("bank").get(pk=transfer_id)
    if transfer.status not in EXPIRABLE_STATUSES or transfer.created_at >= now - EXPIRY_DELAY:
        return False
    if transfer.payment_request_id:
        try:
            transfer = refresh_from_bank(transfer_id=transfer_id, client_factory=client_factory)
        except (Psd2Unavailable, Psd2BadResponse, Psd2UnknownStatus, Psd2Refused):
            if transfer.created_at >= now - HARD_EXPIRY:
                return False
        if transfer.status not in EXPIRABLE_STATUSES:
            return False
    with transaction.atomic():
        transfer = _locked(transfer_id)
        if transfer.status not in EXPIRABLE_STATUSES:
            return False
        _move(transfer, S.EXPIRED, user=user, now=now, reason=R.EXPIRED)
    return True


# Past this many stale transfers, a page leaves the rest to the next page or to the periodic task.
EXPIRE_ON_READ_LIMIT = 10
# A page asks the bank about at most this many stale transfers, each at most once per interval: a bank
# that does not answer slows one page a minute, not every page (its transfers keep counting meanwhile).
EXPIRE_ON_READ_BANK_LIMIT = 2
EXPIRE_ON_READ_BANK_INTERVAL = 60


def expire_stale(
    *, relative_id: int | None = None, detainee_ids: list[int] | tuple[int, ...] = (),
    now: datetime.datetime | None = None, client_factory: Callable[..., StetClient] | None = None,
) -> int:
    """Expiry without the beat: the relative's pages and the cap checks call this before they read,
    so that a transfer abandoned for more than 30 minutes never holds the month's caps, whether the
    periodic task ran or not. One indexed query when nothing is stale; each stale transfer goes
    through ``expire_transfer`` (the bank asked first, the history written). Returns how many expired."""
    if relative_id is None and not detainee_ids:
        return 0
    now = now or timezone.now()
    who = Q()
    if relative_id is not None:
        who |= Q(relative_id=relative_id)
    if detainee_ids:
        who |= Q(detainee_id__in=list(detainee_ids))
    stale = selectors.transfers_to_expire(now=now).filter(who).values_list("pk", "payment_request_id")
    expired, bank_questions = 0, 0
    for transfer_id, payment_request_id in stale[:EXPIRE_ON_READ_LIMIT]:
        if payment_request_id:
            if bank_questions >= EXPIRE_ON_READ_BANK_LIMIT or not cache.add(
                f"transfers:expire-on-read:{transfer_id}", 1, timeout=EXPIRE_ON_READ_BANK_INTERVAL
            ):
                continue
            bank_questions += 1
        if expire_transfer(transfer_id=transfer_id, now=now, client_factory=client_factory):
            expired += 1
    return expired


def cancel_transfer(
    *, transfer_id: int, relative: Relative, now: datetime.datetime | None = None,
    client_factory: Callable[..., StetClient] | None = None,
) -> Transfer:
    """"Annuler le virement" from the history: a transfer of this relative still waiting for their
    approval at the bank is cancelled (awaiting_authorization → rejected), freeing its reservation at
    once. The bank is asked first: a transfer it already accepted cannot be cancelled here."""
    transfer = Transfer.objects.filter(pk=transfer_id, relative_id=relative.pk).first()
    if transfer is None:
        raise TransferRefused(_("Ce virement n'existe pas dans votre espace."))
    if transfer.status == S.AWAITING_AUTHORIZATION and transfer.payment_request_id:
        try:
            transfer = refresh_from_bank(
                transfer_id=transfer_id, user=_user_of(relative), client_factory=client_factory
            )
        except Psd2Error as exc:
            # The bank cannot say: the payer's word stands (a payment it executes anyway shows on the statement).
            logger.warning("Transfer %s: cancelled without the bank's status (%s)", transfer.reference, exc)
    with transaction.atomic():
        transfer = _locked(transfer_id)
        refusal = selectors.cancellation_refusal(transfer)
        if refusal:
            raise TransferRefused(refusal)
        _move(transfer, S.REJECTED, user=_user_of(relative), now=now, reason=R.CANCELLED_BY_PAYER)
    return transfer


# -- after the bank: reconciliation and refunds ------------------------------------------------

def _simple_move(transfer_id: int, to: str, user, reason: AuditReason | None = None, detail: object = "") -> Transfer:
    with transaction.atomic():
        transfer = _locked(transfer_id)
        _move(transfer, to, user=user, reason=reason, detail=detail)
        return transfer


def mark_credited(*, transfer_id: int, user=None) -> Transfer:
    """Credited to the detainee's compte nominatif by the cashier system. Once the caller's transaction commits
    (a batch's acknowledgement of 1,000 transfers holds no mail), the relative gets « Votre virement … a été
    versé sur le pécule » (``send_credited_email``), through a Celery task."""
    with transaction.atomic():
        transfer = _simple_move(transfer_id, S.CREDITED, user)
        transfer_credited.send(sender=Transfer, transfer_id=transfer_id, user=user)
    return transfer


def mark_to_refund(*, transfer_id: int, reason: AuditReason, detail: object = "", user=None) -> Transfer:
    return _simple_move(transfer_id, S.TO_REFUND, user, reason, detail)


def mark_refunded(*, transfer_id: int, user=None) -> Transfer:
    return _simple_move(transfer_id, S.REFUNDED, user)


def receive(*, transfer_id: int, user=None, reason: AuditReason | None = None, detail: object = "") -> Transfer:
    """The money is on the régie's statement: to ``received``, through ``executed`` when the bank had
    not said so yet. IllegalTransition from any other state."""
    with transaction.atomic():
        transfer = _receive(transfer_id, user=user, reason=reason, detail=detail)
        transfers_received.send(sender=Transfer, transfer_ids=[transfer.pk], user=user)
        return transfer


def _receive(transfer_id: int, *, user, reason: AuditReason | None, detail: object) -> Transfer:
    with transaction.atomic():
        transfer = _locked(transfer_id)
        path = RECEIVABLE_PATHS.get(transfer.status)
        if path is None:
            _move(transfer, S.RECEIVED, user=user)  # raises IllegalTransition with the French message
        for step in path:
            if step == S.RECEIVED:
                _move(transfer, step, user=user, reason=reason, detail=detail)
            else:
                _move(transfer, step, user=user)
        return transfer


def receive_many(
    *, transfer_ids: list[int], user=None, reason: AuditReason | None = None, detail: object = ""
) -> list[int]:
    """A statement's clean matches, in one go (a statement may carry 100,000 of them): every transfer
    still ``executed`` becomes ``received`` in one conditional UPDATE (which locks its rows), with its
    history row written by the same statement; the others are moved one by one along their path when
    they can be. Returns the ids that could not be received."""
    if not transfer_ids:
        return []
    now = timezone.now()
    with transaction.atomic():
        moved = update_with_history(
            Transfer, ids=transfer_ids,
            assignments={"status": S.RECEIVED.value, "received_at": now, "next_poll_at": None, "updated_at": now},
            where="status = %s", params=[S.EXECUTED.value], user=user,
            reason=audit_reason(reason or R.RECEIVED, detail), date=now,
        )
        moved_set = set(moved)
        refused: list[int] = []
        for transfer_id in transfer_ids:
            if transfer_id in moved_set:
                continue
            try:
                _receive(transfer_id, user=user, reason=reason, detail=detail)
            except (IllegalTransition, Transfer.DoesNotExist):
                refused.append(transfer_id)
        refused_set = set(refused)
        received = [transfer_id for transfer_id in transfer_ids if transfer_id not in refused_set]
        if received:
            transfers_received.send(sender=Transfer, transfer_ids=received, user=user)
    return refused


def return_to_payer(*, transfer_id: int, reason: AuditReason, detail: object = "", user=None) -> Transfer:
    """The payment went back to the payer (returned or reversed on the régie's statement) before it was
    credited: through ``received`` and ``to_refund`` to ``refunded``. IllegalTransition once credited."""
    with transaction.atomic():
        transfer = _locked(transfer_id)
        if transfer.status in RECEIVABLE_STATUSES:
            for step in RECEIVABLE_PATHS[transfer.status]:
                _move(transfer, step, user=user)
        if transfer.status == S.RECEIVED:
            _move(transfer, S.TO_REFUND, user=user, reason=reason, detail=detail)
        _move(transfer, S.REFUNDED, user=user, reason=reason, detail=detail)
        return transfer


# -- the security review (monitoring) ---------------------------------------------------------

def hold(*, transfer_id: int, user=None, detail: object = "") -> Transfer:
    """Kept out of every cashier batch until ``release``: a money-flow rule fired before crediting. The
    status does not change (the bank and the statement go on); the relative reads HELD_LABEL."""
    return _set_held(transfer_id, True, user=user, reason=R.HELD, detail=detail)


def release(*, transfer_id: int, user=None, detail: object = "") -> Transfer:
    """A staff member accepted a held transfer: the next cashier batch takes it."""
    return _set_held(transfer_id, False, user=user, reason=R.RELEASED, detail=detail)


def _set_held(transfer_id: int, held: bool, *, user, reason: AuditReason, detail: object) -> Transfer:
    with transaction.atomic():
        transfer = _locked(transfer_id)
        if transfer.held == held:
            return transfer
        if held and transfer.status not in HOLDABLE_STATUSES:
            raise IllegalTransition(
                _("Le virement %(ref)s ne peut plus être retenu : il est « %(status)s ».")
                % {"ref": transfer.reference, "status": transfer.staff_status_label}
            )
        transfer.held = held
        transfer._history_user = user
        transfer._change_reason = audit_reason(reason, detail)
        transfer.save(update_fields=["held", "updated_at"])
        return transfer


# -- receipt -----------------------------------------------------------------------------------

def _send_receipt_quietly(transfer_id: int) -> None:
    """The receipt never turns a payment into an error page: a mail failure is logged only."""
    try:
        send_receipt(transfer_id=transfer_id)
    except Exception:  # noqa: BLE001 - any mail backend failure
        logger.exception("Transfer %s: the e-mail receipt could not be sent", transfer_id)


def send_receipt(*, transfer_id: int) -> bool:
    """The e-mail receipt to the relative, once the bank accepted the transfer, with the PDF receipt
    attached (the one the confirmation page offers)."""
    transfer = Transfer.objects.select_related("relative", "detainee", "establishment", "bank").get(pk=transfer_id)
    email = transfer.relative.email
    if not email:
        return False
    with in_relative_language(transfer.relative):  # subject, body, amounts, dates, links (/en/…), the PDF
        receipt = selectors.receipt_for(transfer)
        context = {"transfer": transfer, "receipt": receipt, "portal_url": portal_base_url()}
        message = EmailMessage(
            subject=_("Votre virement %(ref)s a été pris en compte") % {"ref": transfer.reference},
            body=render_to_string("transfers/email/receipt.txt", context),
            from_email=settings.DEFAULT_FROM_EMAIL,
            to=[email],
        )
        message.attach(receipt_filename(transfer), receipt_pdf(transfer), "application/pdf")
    message.send(fail_silently=False)
    return True


# How long a credited e-mail sent is remembered, so that a task delivered twice (acks_late) sends it once.
CREDITED_EMAIL_MEMORY = 7 * 24 * 3600


def send_credited_email(*, transfer_id: int) -> bool:
    """« Votre virement … a été versé sur le pécule », to the relative who did not opt out
    (``Relative.notify_credited``, « Mes préférences de courriel ») and has an e-mail address: the amount, the
    detainee, the establishment, when the bank sent it, the establishment received it and the pécule was
    credited, a link to the history and one to opt out. Once per transfer; False when nothing is sent."""
    transfer = Transfer.objects.select_related("relative", "detainee", "establishment", "bank").get(pk=transfer_id)
    relative = transfer.relative
    if transfer.status != S.CREDITED or not relative.notify_credited or not relative.email:
        return False
    if not cache.add(f"transfers:credited-email:{transfer_id}", 1, timeout=CREDITED_EMAIL_MEMORY):
        return False
    with in_relative_language(relative):  # subject, body, amounts, dates, links (/en/…)
        steps = {step.status: step for step in selectors.transfer_steps(transfer)}
        moments = [f"{steps[status].label} {selectors.format_dated_moment(steps[status].at)}"
                   for status in (S.EXECUTED, S.RECEIVED, S.CREDITED) if status in steps]
        context = {
            "transfer": transfer, "receipt": selectors.receipt_for(transfer), "moments": moments,
            "detainee": selectors.detainee_name(transfer.detainee), "portal_url": portal_base_url(),
        }
        message = EmailMessage(
            subject=_("Votre virement %(ref)s a été versé sur le pécule") % {"ref": transfer.reference},
            body=render_to_string("transfers/email/credited.txt", context),
            from_email=settings.DEFAULT_FROM_EMAIL,
            to=[relative.email],
        )
    try:
        message.send(fail_silently=False)
    except Exception:
        cache.delete(f"transfers:credited-email:{transfer_id}")  # a later try may send it
        raise
    return True
