"""Reads about staff accounts: who reaches the back office, and which accounts an administrator may
change."""

from __future__ import annotations

from typing import TYPE_CHECKING

from .roles import BACK_OFFICE_ROLES

if TYPE_CHECKING:
    from .models import User


def may_use_back_office(user: User) -> bool:
    """The staff back office (/gestion/) is for active staff holding a back-office role (greffe, régie,
    national, auditeur) and for superusers; the communication team works in /cms/ only."""
    if not (user.is_authenticated and user.is_active and user.is_staff):
        return False
    return user.is_superuser or bool(user.role_names & BACK_OFFICE_ROLES)


def may_manage_account(actor: User, target: User | None) -> bool:
    """Only a superuser may change or delete a superuser's account."""
    return target is None or not target.is_superuser or actor.is_superuser


def may_unlock_staff_logins(user: User) -> bool:
    """Lifting a staff login lockout is for the national administration (and superusers)."""
    return bool(
        user.is_authenticated and user.is_active and user.is_staff
        and (user.is_superuser or user.has_perm("accounts.unlock_stafflockout"))
    )
