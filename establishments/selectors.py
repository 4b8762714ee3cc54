"""Reads about establishments: caps and their national ceilings, and which establishments a staff
user may see."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db.models import Model, QuerySet
from django.utils.translation import gettext as _

from core.money import format_euros

from .constants import CAP_FIELDS
from .models import Establishment, NationalCeiling

if TYPE_CHECKING:
    from accounts.models import User


def national_ceiling() -> NationalCeiling:
    """The national ceilings (an empty row if none were set yet)."""
    return NationalCeiling.objects.filter(singleton=True).first() or NationalCeiling()


def national_ceiling_is_set() -> bool:
    """The national ceilings are a single row: once set, they are changed, never added again."""
    return NationalCeiling.objects.filter(singleton=True).exists()


def cap_ceiling_errors(establishment: Establishment, ceiling: NationalCeiling | None = None) -> dict:
    """Errors, by field, for each cap set above its national ceiling."""
    ceiling = ceiling or national_ceiling()
    errors: dict[str, list[str]] = {}
    for name, label in CAP_FIELDS:
        value, bound = getattr(establishment, name), getattr(ceiling, name)
        if value is not None and bound is not None and value > bound:
            errors.setdefault(name, []).append(
                _("Le %(cap)s (%(value)s) dépasse le plafond national (%(bound)s).")
                % {"cap": label, "value": format_euros(value), "bound": format_euros(bound)}
            )
    min_amount, max_transfer = establishment.min_amount, establishment.max_per_transfer
    if min_amount is not None and max_transfer is not None and min_amount > max_transfer:
        errors.setdefault("min_amount", []).append(
            _("Le montant minimum ne peut dépasser le montant maximum d'un virement.")
        )
    return errors


def ceiling_conflicts(ceiling: NationalCeiling) -> list[Establishment]:
    """Establishments whose caps would stand above these (new) national ceilings."""
    return [e for e in Establishment.objects.all() if cap_ceiling_errors(e, ceiling)]


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


def establishments_for(user: User) -> QuerySet[Establishment]:
    """The establishments a staff user may see: all of them for national administrators and
    auditors, else those they belong to."""
    if not user.is_authenticated or not user.is_active:
        return Establishment.objects.none()
    if user.has_national_scope:
        return Establishment.objects.all()
    return Establishment.objects.filter(staff=user)


def establishment_id_of(obj, path: str) -> int | None:
    """Follow ``path`` (``"pk"``, ``"establishment"``, ``"detainee__establishment"``…) from ``obj`` to
    the id of the establishment it belongs to."""
    if path == "pk":
        return obj.pk
    *parents, last = path.split("__")
    for name in parents:
        obj = getattr(obj, name, None)
        if obj is None:
            return None
    return getattr(obj, f"{last}_id", None)


def scope_queryset(queryset: QuerySet, user: User, path: str) -> QuerySet:
    """Restrict ``queryset`` to the rows of the establishments ``user`` may see; ``path`` leads from
    the model to its establishment (``"pk"`` for establishments themselves)."""
    if user.is_authenticated and user.is_active and user.has_national_scope:
        return queryset
    lookup = "pk__in" if path == "pk" else f"{path}__in"
    return queryset.filter(**{lookup: establishments_for(user).values("pk")})


def may_see_establishment(user: User, establishment_id: int | None) -> bool:
    if not (user.is_authenticated and user.is_active):
        return False
    if user.has_national_scope:
        return True
    return establishment_id is not None and establishments_for(user).filter(pk=establishment_id).exists()


def require_establishment(user: User | None, establishment_id: int | None, error: Exception) -> None:
    """Raises ``error`` unless ``user`` may act for the establishment ``establishment_id`` (the one scoping
    check of services and views). ``user`` None is the system itself (a task, a command): it acts everywhere."""
    if user is not None and not may_see_establishment(user, establishment_id):
        raise error


def history_in_scope(user: User, model: type[Model], object_id: str, path: str, version_id: str | None = None) -> bool:
    """Whether ``user`` may read the history of the object ``object_id`` of ``model`` (and its version
    ``version_id``): the object, or its last known state once deleted, and the version itself must
    belong to one of the user's establishments."""
    if not (user.is_authenticated and user.is_active):
        return False
    if user.has_national_scope:
        return True
    history = getattr(model, model._meta.simple_history_manager_attribute)
    pk_name = model._meta.pk.attname
    try:
        current = model._default_manager.filter(pk=object_id).first()
        records = history.filter(**{pk_name: object_id})
        version = records.filter(history_id=version_id).first() if version_id is not None else None
        latest = records.order_by("-history_date", "-history_id").first() if current is None else None
    except (ValueError, TypeError, ValidationError):
        return False
    states = [obj for obj in (current, latest and latest.instance, version and version.instance) if obj is not None]
    return bool(states) and all(may_see_establishment(user, establishment_id_of(obj, path)) for obj in states)


def may_edit_establishment_identity(user: User) -> bool:
    """National administrators change everything about an establishment; régie staff its caps only."""
    return user.has_perm("establishments.add_establishment")


def only_establishment(user: User) -> Establishment | None:
    """The user's establishment when they have exactly one (preselected in the back office's forms)."""
    first_two = list(establishments_for(user).order_by("pk")[:2])
    return first_two[0] if len(first_two) == 1 else None


def preselected_establishment(user: User, code: str | None = None) -> Establishment | None:
    """The establishment a back-office form starts on: the one named by ``code`` if the user may see
    it, else the user's only one, else none."""
    if code:
        named = establishments_for(user).filter(code=code).first()
        if named is not None:
            return named
    return only_establishment(user)
