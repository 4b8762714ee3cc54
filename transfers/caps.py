"""The caps on transfers, in one place: the caps in force for an establishment (its own, bounded by the
national ceilings), the calendar month they count over (Europe/Paris), the statuses that count
(``transfers.states.COUNTING_STATUSES``: reserved or paid), what is left, the French messages of the
amount page and of a refusal, and the locks under which a reservation is checked so that concurrent
transfers can never pass a cap together."""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.conf import settings
from django.utils import timezone
from django.utils.dates import MONTHS
from django.utils.translation import gettext as _

from accounts.models import Relative
from core.money import CENT, ZERO, format_euros, queryset_euro_sum
from core.text import french_spacing
from establishments.constants import CAP_FIELDS
from establishments.models import Establishment, NationalCeiling
from permits.models import Detainee

from .models import Transfer
from .states import COUNTING_STATUSES

# -- the national ceilings and the caps in force -------------------------------------------------


def national_ceiling() -> NationalCeiling:
    """The national ceilings (an empty row if none were set yet)."""
    return NationalCeiling.objects.filter(singleton=True).first() or NationalCeiling()


def caps_of(obj) -> dict[str, Decimal | None]:
    """The four caps of an establishment (or of the national ceilings), by field name."""
    return {name: getattr(obj, name) for name, _label in CAP_FIELDS}


def cap_ceiling_errors(caps: Mapping[str, Decimal | None], ceiling: NationalCeiling | None = None) -> dict:
    """Errors, by field, for each of an establishment's ``caps`` (``caps_of``, or what a form holds) set above
    its national ceiling, and for a minimum above the per-transfer maximum. The establishment's admin form
    checks this (not the model's ``clean``, which does not read the national ceilings)."""
    ceiling = ceiling or national_ceiling()
    errors: dict[str, list[str]] = {}
    for name, label in CAP_FIELDS:
        value, bound = caps.get(name), getattr(ceiling, name)
        if value is not None and bound is not None and value > bound:
            errors.setdefault(name, []).append(
                _("Le %(cap)s (%(value)s) dépasse le plafond national (%(bound)s).")
                % {"cap": label, "value": format_euros(value), "bound": format_euros(bound)}
            )
    min_amount, max_transfer = caps.get("min_amount"), caps.get("max_per_transfer")
    if min_amount is not None and max_transfer is not None and min_amount > max_transfer:
        errors.setdefault("min_amount", []).append(
            _("Le montant minimum ne peut dépasser le montant maximum d'un virement.")
        )
    return errors


def ceiling_conflicts(ceiling: NationalCeiling) -> list[Establishment]:
    """Establishments whose caps would stand above these (new) national ceilings."""
    return [e for e in Establishment.objects.all() if cap_ceiling_errors(caps_of(e), ceiling)]


@dataclass(frozen=True)
class EffectiveCaps:
    """The caps in force for an establishment: its own, bounded by the national ceilings; None is
    no cap."""

    min_amount: Decimal | None
    max_per_transfer: Decimal | None
    max_per_detainee_month: Decimal | None
    max_per_sender_month: Decimal | None


def effective_caps(establishment: Establishment, ceiling: NationalCeiling | None = None) -> EffectiveCaps:
    ceiling = ceiling or national_ceiling()
    values = {}
    for name, _label in CAP_FIELDS:
        own, bound = getattr(establishment, name), getattr(ceiling, name)
        candidates = [v for v in (own, bound) if v is not None]
        values[name] = min(candidates) if candidates else None
    return EffectiveCaps(**values)


# -- the month, what counts and what is left -------------------------------------------------------


def month_bounds(at: datetime.datetime | None = None) -> tuple[datetime.datetime, datetime.datetime]:
    """The calendar month (Europe/Paris) holding ``at``, as [start, end) aware datetimes."""
    tz = ZoneInfo(settings.TIME_ZONE)
    local = (at or timezone.now()).astimezone(tz)
    start = local.replace(day=1, hour=0, minute=0, second=0, microsecond=0)
    end = (start + datetime.timedelta(days=32)).replace(day=1)
    return start, end.replace(tzinfo=tz)


def counted_this_month(*, detainee_id: int | None = None, relative_id: int | None = None,
                       establishment_id: int | None = None, at: datetime.datetime | None = None) -> Decimal:
    """The total of the transfers that count against the caps this month, for a detainee (all
    senders) or for a sender (to the detainees of one establishment)."""
    start, end = month_bounds(at)
    queryset = Transfer.objects.filter(
        status__in=COUNTING_STATUSES, initiated_at__gte=start, initiated_at__lt=end
    )
    if detainee_id is not None:
        queryset = queryset.filter(detainee_id=detainee_id)
    if relative_id is not None:
        queryset = queryset.filter(relative_id=relative_id)
    if establishment_id is not None:
        queryset = queryset.filter(establishment_id=establishment_id)
    return queryset_euro_sum(queryset)


@dataclass(frozen=True)
class Allowance:
    """The caps in force and what is left this month; None means no cap."""

    caps: EffectiveCaps
    detainee_total: Decimal
    sender_total: Decimal
    # The first instant of the next calendar month (Europe/Paris): when the monthly caps start afresh.
    next_month: datetime.datetime | None = None

    @property
    def left_for_detainee(self) -> Decimal | None:
        cap = self.caps.max_per_detainee_month
        return None if cap is None else max(cap - self.detainee_total, ZERO)

    @property
    def left_for_sender(self) -> Decimal | None:
        cap = self.caps.max_per_sender_month
        return None if cap is None else max(cap - self.sender_total, ZERO)

    @property
    def max_now(self) -> Decimal | None:
        """The largest amount that would pass every cap right now."""
        candidates = (self.caps.max_per_transfer, self.left_for_detainee, self.left_for_sender)
        bounds = [b for b in candidates if b is not None]
        return min(bounds) if bounds else None

    @property
    def can_send_now(self) -> bool:
        """Whether some amount would pass every cap right now (at least the minimum amount)."""
        most = self.max_now
        return most is None or most >= max(self.caps.min_amount or CENT, CENT)

    @property
    def explanation(self) -> str:
        """What the relative can send now and why, in plain French (the card of the "Pécule" tab and
        the amount page both show it), with no-break spaces before « : » and « ; »."""
        return french_spacing(self._explanation())

    def _explanation(self) -> str:
        caps, most = self.caps, self.max_now
        if most is None:
            return _("Aucun plafond ne limite vos virements pour le moment.")
        floor = max(caps.min_amount or CENT, CENT)
        for_detainee, for_sender = self.left_for_detainee, self.left_for_sender
        if not self.can_send_now:
            when = _first_of_month(self.next_month)
            if for_detainee is not None and for_detainee < floor:
                return _(
                    "Le plafond du mois pour cette personne détenue est atteint (%(cap)s par mois, tous "
                    "expéditeurs confondus) : prochain virement possible le %(date)s."
                ) % {"cap": format_euros(caps.max_per_detainee_month), "date": when}
            if for_sender is not None and for_sender < floor:
                return _(
                    "Votre plafond du mois est atteint (%(cap)s par mois et par expéditeur) : prochain "
                    "virement possible le %(date)s."
                ) % {"cap": format_euros(caps.max_per_sender_month), "date": when}
            # The caps leave less than the minimum amount of a transfer.
            return _(
                "Il reste moins que le montant minimum d'un virement (%(min)s) : prochain virement possible "
                "le %(date)s."
            ) % {"min": format_euros(floor), "date": when}
        if most == caps.max_per_transfer:
            text = _("Vous pouvez envoyer jusqu'à %(amount)s en un virement (plafond par virement)") % {
                "amount": format_euros(most)
            }
            if for_sender is not None and (for_detainee is None or for_sender <= for_detainee):
                text += _(" ; il reste %(left)s sur votre plafond du mois.") % {"left": format_euros(for_sender)}
            elif for_detainee is not None:
                text += _(" ; il reste %(left)s ce mois-ci sur le plafond de cette personne détenue.") % {
                    "left": format_euros(for_detainee)
                }
            else:
                text += "."
            return text
        if most == for_sender and (for_detainee is None or for_sender <= for_detainee):
            return _(
                "Vous pouvez envoyer jusqu'à %(amount)s : c'est ce qu'il vous reste ce mois-ci sur votre "
                "plafond de %(cap)s par mois."
            ) % {"amount": format_euros(most), "cap": format_euros(caps.max_per_sender_month)}
        return _(
            "Vous pouvez envoyer jusqu'à %(amount)s : c'est ce qu'il reste ce mois-ci sur le plafond de "
            "%(cap)s par mois de cette personne détenue, tous expéditeurs confondus."
        ) % {"amount": format_euros(most), "cap": format_euros(caps.max_per_detainee_month)}


def allowance(*, relative, detainee, establishment=None, at: datetime.datetime | None = None) -> Allowance:
    establishment = establishment or detainee.establishment
    return Allowance(
        caps=effective_caps(establishment),
        detainee_total=counted_this_month(detainee_id=detainee.pk, at=at),
        sender_total=counted_this_month(relative_id=relative.pk, establishment_id=establishment.pk, at=at),
        next_month=month_bounds(at)[1],
    )


def _first_of_month(moment: datetime.datetime | None) -> str:
    """``1er décembre`` (with the year when it is not this year's)."""
    moment = moment or month_bounds()[1]
    text = _("1er %(month)s") % {"month": MONTHS[moment.month]}
    if moment.year != (moment - datetime.timedelta(days=1)).year:
        text += f" {moment.year}"
    return text


def cap_errors(amount: Decimal, current: Allowance) -> list[str]:
    """Why ``amount`` may not be sent now (French), or nothing."""
    caps, errors = current.caps, []
    if caps.min_amount is not None and amount < caps.min_amount:
        errors.append(_("Le montant minimum d'un virement est de %(cap)s.") % {"cap": format_euros(caps.min_amount)})
    if caps.max_per_transfer is not None and amount > caps.max_per_transfer:
        errors.append(
            _("Le montant maximum d'un virement est de %(cap)s.") % {"cap": format_euros(caps.max_per_transfer)}
        )
    monthly = (
        (current.left_for_detainee, caps.max_per_detainee_month, _(
            "Ce virement dépasserait le plafond mensuel de %(cap)s par personne détenue : "
            "il reste %(left)s ce mois-ci pour cette personne."
        )),
        (current.left_for_sender, caps.max_per_sender_month, _(
            "Ce virement dépasserait votre plafond mensuel de %(cap)s par expéditeur : "
            "il vous reste %(left)s ce mois-ci."
        )),
    )
    for left, cap, message in monthly:
        if left is not None and amount > left:
            errors.append(message % {"cap": format_euros(cap), "left": format_euros(left)})
    return errors


# -- the locked check ------------------------------------------------------------------------------


def lock_counters(*, relative_id: int, detainee_id: int) -> tuple[Relative, Detainee]:
    """Within the caller's transaction, lock the rows the caps count against: the sender's, then the
    detainee's (always this order: no deadlock between two reservations). Two reservations for the same
    sender or detainee are then checked one after the other, each counting the other's amount."""
    relative = Relative.objects.select_for_update().get(pk=relative_id)
    detainee = Detainee.objects.select_for_update(of=("self",)).select_related("establishment").get(pk=detainee_id)
    return relative, detainee


def cap_refusals(amount: Decimal, *, relative, detainee, establishment=None) -> list[str]:
    """Why ``amount`` may not be sent now by ``relative`` to ``detainee`` (French), or nothing. Under
    ``lock_counters`` this is the check that reserves; without, a first look (the amount page)."""
    return cap_errors(amount, allowance(relative=relative, detainee=detainee, establishment=establishment))
