"""Reads about establishments: which establishments a staff user may see (the caps and their national
ceilings are read by ``transfers.caps``)."""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db.models import Model, QuerySet
from django.utils import timezone

from core.business_days import is_business_day

from .models import Establishment, NationalCeiling

if TYPE_CHECKING:
    from accounts.models import User


def national_ceiling_is_set() -> bool:
    """The national ceilings are a single row: once set, they are changed, never added again (the caps
    themselves, bounded by these ceilings, are read by ``transfers.caps``)."""
    return NationalCeiling.objects.filter(singleton=True).exists()


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


# -- the cashier's passages (Establishment.cashier_cutoffs): one calendar for the cut-off job, the cashier page
# and what the relative is promised ------------------------------------------------------------------------

def cashier_runs_on(day: datetime.date) -> bool:
    """The cashier system runs on business days (no weekend, French public holiday nor TARGET2 closing day)."""
    return is_business_day(day)


def cutoff_moment(day: datetime.date, cutoff: datetime.time) -> datetime.datetime:
    """The instant of a cashier cut-off: ``cutoff`` on ``day`` in Europe/Paris (the current time zone)."""
    return timezone.make_aware(datetime.datetime.combine(day, cutoff))


def due_cutoff(establishment: Establishment, now: datetime.datetime) -> datetime.time | None:
    """The cut-off to run for ``establishment`` at ``now``: the LAST of the day's cut-offs already passed (Europe/
    Paris), or None before the first and on a day the cashier does not run. Only the last is run: a cut-off missed
    while the beat was down is caught up by it (its batch takes every transfer received before it), and an earlier
    one never gets a batch late."""
    local = timezone.localtime(now)
    if not cashier_runs_on(local.date()):
        return None
    passed = [c for c in establishment.cutoff_times() if c <= local.time()]
    return passed[-1] if passed else None


def next_cashier_passage(establishment: Establishment, *, after: datetime.datetime) -> datetime.datetime:
    """The establishment's next cashier cut-off after ``after``: later the same business day, else the first
    cut-off of the next business day (Europe/Paris)."""
    local = timezone.localtime(after)
    day = local.date()
    cutoffs = establishment.cutoff_times()
    while True:
        if cashier_runs_on(day):
            for cutoff in cutoffs:
                moment = cutoff_moment(day, cutoff)
                if moment > local:
                    return moment
        day += datetime.timedelta(days=1)
