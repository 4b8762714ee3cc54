"""State changes of accounts: a relative logging in with FranceConnect; a staff account's second factor
(enrolment, codes checked, reset by the national role); a staff login with ProConnect; staff login
lockouts recorded and lifted."""

from __future__ import annotations

import datetime
import hashlib
import time
from typing import Any

from axes.utils import reset as axes_reset
from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.audit import audit_reason
from core.languages import is_language
from core.ratelimit import allow

from .constants import (
    LAST_ACTIVITY_KEY,
    PASSWORD_RESET_LIMIT_PER_ACCOUNT,
    PASSWORD_RESET_LIMIT_PER_ADDRESS,
    PASSWORD_RESET_WINDOW,
    SESSION_ENDED_KEY,
    STAFF_LAST_ACTIVITY_KEY,
    AccountAuditReason,
    Gender,
)
from .models import ProConnectAccount, Relative, StaffLockout, User
from .second_factor import has_second_factor
from .selectors import (
    accounts_with_email,
    has_second_factor_device,
    holds_staff_role,
    is_staff_account,
    may_reset_second_factor,
    may_unlock_staff_logins,
    session_seconds_left,
)

RELATIVE_USERNAME_PREFIX = "fc-"
CLAIM_MAX_LENGTHS = {"given_name": 255, "family_name": 255, "preferred_username": 255, "birthplace": 5,
                     "birthcountry": 5, "email": 254}


class IdentityError(ValueError):
    """The identity claims cannot make a relative; ``message`` is shown to the user."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def _claim(claims: dict[str, Any], name: str) -> str:
    value = claims.get(name)
    if value is None:
        return ""
    if not isinstance(value, str):
        raise IdentityError(_("Les informations transmises par FranceConnect sont incomplètes."))
    return value.strip()[: CLAIM_MAX_LENGTHS.get(name, 255)]


def _identity(claims: dict[str, Any]) -> dict[str, Any]:
    sub = claims.get("sub")
    if not isinstance(sub, str) or not sub or len(sub) > 255:
        raise IdentityError(_("Les informations transmises par FranceConnect sont incomplètes."))
    identity = {name: _claim(claims, name) for name in CLAIM_MAX_LENGTHS}
    if not identity["given_name"] or not identity["family_name"]:
        raise IdentityError(_("Les informations transmises par FranceConnect sont incomplètes."))
    try:
        identity["birthdate"] = datetime.date.fromisoformat(_claim(claims, "birthdate"))
    except ValueError as error:
        raise IdentityError(_("La date de naissance transmise par FranceConnect n'est pas lisible.")) from error
    gender = _claim(claims, "gender")
    identity["gender"] = gender if gender in Gender.values else ""
    return identity


def relative_username(sub: str) -> str:
    return RELATIVE_USERNAME_PREFIX + hashlib.sha256(sub.encode()).hexdigest()[:40]


def _relative_for_update(sub: str) -> Relative | None:
    return Relative.objects.select_for_update().select_related("user").filter(sub=sub).first()


def _create_relative(*, sub: str, identity: dict[str, Any], now) -> Relative:
    user = User(username=relative_username(sub), email=identity["email"])
    user.set_unusable_password()
    user.save()
    relative = Relative(user=user, sub=sub, last_login_at=now, **identity)
    relative._history_user = user
    relative.save()
    return relative


@transaction.atomic
def login_relative(*, claims: dict[str, Any]) -> Relative:
    """Create or update the relative known by ``sub`` with the identity claims of this login.

    Two first logins with the same ``sub`` at once (a double click on the identity, two tabs) both find
    no relative; the second to insert hits the unique user name or ``sub``, its savepoint rolls back and
    it updates the row the first one created: one relative, no error."""
    identity = _identity(claims)
    sub = claims["sub"]
    now = timezone.now()
    relative = _relative_for_update(sub)
    if relative is None:
        try:
            with transaction.atomic():
                return _create_relative(sub=sub, identity=identity, now=now)
        except IntegrityError:
            relative = _relative_for_update(sub)  # committed by the other login (PostgreSQL waited for it)
            if relative is None:
                raise
    user = relative.user
    if not user.is_active:
        raise IdentityError(_("Votre compte a été désactivé. Contactez le support."))
    for name, value in identity.items():
        setattr(relative, name, value)
    relative.last_login_at = now
    relative._history_user = user
    relative.save()
    if user.email != identity["email"]:
        user.email = identity["email"]
        user._history_user = user
        user.save(update_fields=["email"])
    return relative


# --- The staff second factor -------------------------------------------------------------------------------

RECOVERY_CODE_COUNT = 10
TOTP_DEVICE_NAME = "Application d'authentification"
RECOVERY_DEVICE_NAME = "Codes de secours"


class SecondFactorError(ValueError):
    """A code or an action refused; ``message`` is shown to the staff member, in French."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def _record_on_user(*, user: User, actor: User, reason: AccountAuditReason, detail: object = "") -> None:
    """One line of the account's history (simple-history): who did it and why; no field changes."""
    locked = User.objects.select_for_update().get(pk=user.pk)
    locked._history_user = actor
    locked._change_reason = audit_reason(reason, detail)
    locked.save(update_fields=["username"])


def _clean_code(code: str) -> str:
    return "".join(str(code).split()).replace("-", "").lower()


def _throttled_message(device) -> str | None:
    allowed, data = device.verify_is_allowed()
    if allowed:
        return None
    until = (data or {}).get("locked_until")
    seconds = max(1, int((until - timezone.now()).total_seconds()) + 1) if until else 1
    return _("Trop de codes erronés à la suite. Réessayez dans %(seconds)d secondes.") % {"seconds": seconds}


def _check_code(device, code: str) -> None:
    """``device.verify_token`` with its throttling, committed even when the code is refused (the failure
    count must survive the refusal); raises SecondFactorError with the French reason."""
    with transaction.atomic():
        device = type(device).objects.select_for_update().get(pk=device.pk)
        refused = _throttled_message(device)
        if refused is None and device.verify_token(code):
            return
    raise SecondFactorError(refused or _("Ce code n'est pas valide. Vérifiez-le et réessayez."))


def start_totp_enrolment(*, user: User):
    """The TOTP application being enrolled by ``user`` (unconfirmed until a code proves it): the same one
    on every visit of the enrolment page, so that the QR code scanned stays valid."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    with transaction.atomic():
        User.objects.select_for_update().get(pk=user.pk)
        if has_second_factor_device(user):
            raise SecondFactorError(_("Un second facteur est déjà activé sur ce compte."))
        device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("pk").first()
        if device is None:
            device = TOTPDevice.objects.create(user=user, name=TOTP_DEVICE_NAME, confirmed=False)
        return device


def _new_recovery_codes(*, user: User) -> list[str]:
    from django_otp.plugins.otp_static.models import StaticDevice, StaticToken

    StaticDevice.objects.filter(user=user).delete()
    device = StaticDevice.objects.create(user=user, name=RECOVERY_DEVICE_NAME, confirmed=True)
    codes = []
    while len(codes) < RECOVERY_CODE_COUNT:
        code = StaticToken.random_token()
        if code not in codes:
            codes.append(code)
    StaticToken.objects.bulk_create([StaticToken(device=device, token=code) for code in codes])
    return codes


def confirm_totp_enrolment(*, user: User, code: str) -> list[str]:
    """Confirm the TOTP application being enrolled with a code it shows; create the ten one-time recovery
    codes (returned: they are shown once and stored nowhere in clear elsewhere than their device) and write
    the enrolment in the account's history."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("pk").first()
    if device is None:
        raise SecondFactorError(_("Aucune activation en cours : rechargez la page pour recommencer."))
    _check_code(device, _clean_code(code))
    with transaction.atomic():
        device = TOTPDevice.objects.select_for_update().get(pk=device.pk)
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        TOTPDevice.objects.filter(user=user).exclude(pk=device.pk).delete()
        codes = _new_recovery_codes(user=user)
        _record_on_user(
            user=user, actor=user, reason=AccountAuditReason.SECOND_FACTOR_ENABLED, detail=RECOVERY_CODE_COUNT
        )
    return codes


def verify_totp(*, user: User, code: str):
    """Check a code of the staff member's TOTP application; returns the device that accepted it."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device = TOTPDevice.objects.filter(user=user, confirmed=True).order_by("pk").first()
    if device is None:
        raise SecondFactorError(_("Aucune application d'authentification n'est activée sur ce compte."))
    _check_code(device, _clean_code(code))
    return device


def use_recovery_code(*, user: User, code: str):
    """Use (and so spend) one of the staff member's recovery codes; writes it in the account's history.
    Returns the device, whose ``token_set`` holds the codes left."""
    from django_otp.plugins.otp_static.models import StaticDevice

    device = StaticDevice.objects.filter(user=user, confirmed=True).order_by("pk").first()
    if device is None:
        raise SecondFactorError(_("Ce compte n'a pas de codes de secours."))
    _check_code(device, _clean_code(code))
    with transaction.atomic():
        left = device.token_set.count()
        _record_on_user(user=user, actor=user, reason=AccountAuditReason.RECOVERY_CODE_USED, detail=left)
    return device


def record_passkey_added(*, user: User, device) -> None:
    """A passkey registered by the staff member (django-otp-webauthn created it): written in the account's
    history."""
    with transaction.atomic():
        _record_on_user(user=user, actor=user, reason=AccountAuditReason.PASSKEY_ADDED, detail=device.name)


def reset_second_factor(*, actor: User, target: User, reason: str) -> int:
    """Delete every second-factor device of ``target`` (TOTP application, recovery codes, passkeys): they
    enrol again at their next login. Only the national role (accounts.selectors.may_reset_second_factor);
    written in the account's history with ``actor`` and ``reason``. Returns how many devices went."""
    from django_otp import devices_for_user

    reason = (reason or "").strip()
    if not may_reset_second_factor(actor, target):
        raise SecondFactorError(_("Vous ne pouvez pas réinitialiser le second facteur de ce compte."))
    if not reason:
        raise SecondFactorError(_("Indiquez le motif de la réinitialisation."))
    with transaction.atomic():
        User.objects.select_for_update().get(pk=target.pk)
        count = 0
        for device in list(devices_for_user(target, confirmed=None)):
            device.delete()
            count += 1
        _record_on_user(
            user=target, actor=actor, reason=AccountAuditReason.SECOND_FACTOR_RESET, detail=f"{count}, {reason[:500]}"
        )
    return count

# Staff logging in with ProConnect.


class StaffLoginRefused(ValueError):
    """A ProConnect identity that opens no staff session; ``message`` is shown to the agent, ``reason`` logged."""

    def __init__(self, message: str, reason: str) -> None:
        super().__init__(f"{reason}: {message}")
        self.message = message
        self.reason = reason


def _proconnect_claim(claims: dict[str, Any], name: str, max_length: int) -> str:
    value = claims.get(name)
    if value is None:
        return ""
    if not isinstance(value, str):
        raise StaffLoginRefused(_("Les informations transmises par ProConnect sont incomplètes."), f"bad {name}")
    return value.strip()[:max_length]


@transaction.atomic
def login_staff_with_proconnect(*, claims: dict[str, Any]) -> User:
    """The staff account of this ProConnect identity: the one active staff account whose e-mail is ProConnect's
    (any case), created beforehand by the national administration (never here). Its first ProConnect login
    remembers the ``sub``; later ones must bring the same. Anything else is refused and changes nothing."""
    from django.core.exceptions import ValidationError
    from django.core.validators import validate_email

    sub = claims.get("sub")
    email = _proconnect_claim(claims, "email", 254)
    try:
        validate_email(email)
    except ValidationError:
        email = ""
    if not isinstance(sub, str) or not sub or len(sub) > 255 or not email:
        raise StaffLoginRefused(_("Les informations transmises par ProConnect sont incomplètes."), "incomplete")
    matches = list(accounts_with_email(email))
    staff = [user for user in matches if holds_staff_role(user)]
    if len(staff) > 1:
        raise StaffLoginRefused(
            _("Plusieurs comptes agents portent l'adresse électronique transmise par ProConnect : la connexion est "
              "impossible. Contactez l'administration nationale du portail."),
            "several accounts",
        )
    if not staff:
        if any(hasattr(user, "relative") for user in matches):
            raise StaffLoginRefused(
                _("L'adresse électronique transmise par ProConnect est celle d'un compte de proche, pas d'un "
                  "compte agent. Contactez l'administration nationale du portail."),
                "relative account",
            )
        if matches:
            raise StaffLoginRefused(
                _("Votre compte n'a aucun rôle dans le portail. Contactez l'administration nationale du portail."),
                "no role",
            )
        raise StaffLoginRefused(
            _("Aucun compte agent ne correspond à l'adresse électronique transmise par ProConnect. Demandez à "
              "l'administration nationale du portail de créer votre compte avec cette adresse."),
            "unknown e-mail",
        )
    user = staff[0]
    if not user.is_active:
        raise StaffLoginRefused(
            _("Votre compte agent est désactivé. Contactez l'administration nationale du portail."), "inactive"
        )
    link = ProConnectAccount.objects.select_for_update().filter(user=user).first()
    if link is not None and link.sub != sub:
        raise StaffLoginRefused(
            _("Votre compte agent est rattaché à une autre identité ProConnect. Si vous avez changé de fournisseur "
              "d'identité, demandez à l'administration nationale du portail de retirer l'ancien rattachement."),
            "sub mismatch",
        )
    if link is None:
        if ProConnectAccount.objects.filter(sub=sub).exists():
            raise StaffLoginRefused(
                _("Cette identité ProConnect est déjà rattachée à un autre compte agent. Contactez l'administration "
                  "nationale du portail."),
                "sub of another account",
            )
        link = ProConnectAccount(user=user, sub=sub)
    link.email = email
    link.idp_id = _proconnect_claim(claims, "idp_id", 255)
    link.siret = _proconnect_claim(claims, "siret", 14)
    acr = claims.get("acr")
    link.last_acr = acr[:100] if isinstance(acr, str) else ""
    link.last_login_at = timezone.now()
    link._history_user = user
    try:
        with transaction.atomic():
            link.save()
    except IntegrityError:
        # The same first login at once in another request (a double click) linked first: PostgreSQL waited
        # for it, and its row is now visible. The same account and sub: this login goes on; anything else
        # is the refusal the other request's link would have given.
        link = ProConnectAccount.objects.select_for_update().filter(user=user, sub=sub).first()
        if link is None:
            raise StaffLoginRefused(
                _("Cette identité ProConnect est déjà rattachée à un autre compte agent. Contactez "
                  "l'administration nationale du portail."),
                "concurrent link",
            ) from None
        link.last_login_at = timezone.now()
        link._history_user = user
        link.save(update_fields=["last_login_at"])
    return user


@transaction.atomic
def unlink_proconnect(*, link, actor: User) -> None:
    """Forget a staff account's ProConnect identity (e.g. the agent changed identity provider, hence ``sub``):
    its next ProConnect login, matched by e-mail again, remembers the new one."""
    link._history_user = actor
    link.delete()

@transaction.atomic
def record_staff_lockout(
    *, username: str | None, ip_address: str | None, path: str, failures: int | None
) -> StaffLockout:
    """Note that django-axes refused a staff login for ``username`` from ``ip_address``: a new lockout, or,
    while one on the same account or the same address is still on (every refused attempt renews its
    cool-off), its latest attempt; a sprayer trying a thousand accounts from one address makes one."""
    now = timezone.now()
    username = (username or "")[:255]
    same = models.Q(pk__in=[])
    if username:
        same |= models.Q(username=username)
    if ip_address:
        same |= models.Q(ip_address=ip_address)
    lockout = (
        StaffLockout.objects.select_for_update()
        .filter(same, unlocked_at__isnull=True, last_failure_at__gt=now - settings.AXES_COOLOFF_TIME)
        .order_by("-locked_at")
        .first()
    )
    failures = failures or settings.AXES_FAILURE_LIMIT
    if lockout is None:
        lockout = StaffLockout(
            username=username, ip_address=ip_address or None, path=path[:255], locked_at=now,
            last_failure_at=now, failures=failures,
        )
    else:
        lockout.last_failure_at = now
        lockout.failures = max(lockout.failures, failures)
    lockout._history_user = None  # nobody logged in: the lockout is the system's own
    lockout.save()
    return lockout


@transaction.atomic
def unlock_staff_lockouts(*, lockout_ids: list[int], actor: User) -> int:
    """Lift the lockouts ``lockout_ids`` that are still on: their account may log in again from any
    address, and their address on any account (axes forgets their failures). Each lockout keeps who
    lifted it, when. Returns how many were lifted (those already lifted or cooled off are left alone)."""
    if not may_unlock_staff_logins(actor):
        raise PermissionDenied(_("Seule l'administration nationale peut débloquer une connexion."))
    now = timezone.now()
    lifted = 0
    lockouts = StaffLockout.objects.select_for_update().filter(
        pk__in=lockout_ids, unlocked_at__isnull=True, last_failure_at__gt=now - settings.AXES_COOLOFF_TIME
    )
    for lockout in lockouts.order_by("pk"):
        # One call each: axes' reset with neither an address nor a user name would forget every failure.
        if lockout.username:
            axes_reset(username=lockout.username)
        if lockout.ip_address:
            axes_reset(ip=lockout.ip_address)
        lockout.unlocked_at = now
        lockout.unlocked_by = actor
        lockout._history_user = actor
        lockout.save(update_fields=["unlocked_at", "unlocked_by"])
        lifted += 1
    return lifted


def password_reset_verdict(*, address: str, email: str) -> str:
    """Whether a staff password reset by e-mail may go: "send"; "quiet" when this account has had its
    e-mails for the hour (the page reads as if sent, so nobody learns who has an account); "refused" when
    this address has asked too often. Each call counts one request (core.ratelimit)."""
    if not allow(f"accounts:password-reset:address:{address or 'inconnue'}",
                 limit=PASSWORD_RESET_LIMIT_PER_ADDRESS, window=PASSWORD_RESET_WINDOW):
        return "refused"
    if not allow(f"accounts:password-reset:account:{email.strip().lower()}",
                 limit=PASSWORD_RESET_LIMIT_PER_ACCOUNT, window=PASSWORD_RESET_WINDOW):
        return "quiet"
    return "send"


def extend_session(*, request) -> int | None:
    """ "Prolonger ma session" (RGAA 13.1): the session's activity stamped now, so that its idle limit starts
    again; a relative's cookie lives as long again. Returns the seconds left (a staff session never outlives
    STAFF_SESSION_MAX_SECONDS), or None when there is no session to extend: an anonymous visitor, or a staff
    member before their second factor."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return None
    now = int(time.time())
    if hasattr(user, "relative"):
        request.session[LAST_ACTIVITY_KEY] = now
        request.session.set_expiry(settings.RELATIVE_SESSION_IDLE_SECONDS)
    elif is_staff_account(user) and has_second_factor(request):
        request.session[STAFF_LAST_ACTIVITY_KEY] = now
    else:
        return None
    return session_seconds_left(request)


def take_session_ended_notice(*, request) -> int | None:
    """The idle limit (seconds) of the session that just ended for inactivity, said once on the next page
    (accounts.middleware leaves it on the new anonymous session); None otherwise, or once logged in again."""
    session = getattr(request, "session", None)
    if session is None or SESSION_ENDED_KEY not in session:
        return None
    idle = session.pop(SESSION_ENDED_KEY)
    user = getattr(request, "user", None)
    return None if user is not None and user.is_authenticated else int(idle)


# -- « Mes préférences de courriel » ------------------------------------------------------------

def set_email_preferences(*, relative: Relative, notify_credited: bool) -> Relative:
    """« Enregistrer » on « Mes préférences de courriel »: whether the relative gets an e-mail each time one of
    their transfers is credited to the pécule. Recorded in the relative's history with them as the user; the
    same choice saved again writes nothing."""
    with transaction.atomic():
        locked = Relative.objects.select_for_update().select_related("user").get(pk=relative.pk)
        if locked.notify_credited != notify_credited:
            locked.notify_credited = notify_credited
            locked._history_user = locked.user
            locked._change_reason = audit_reason(
                AccountAuditReason.EMAIL_PREFERENCES, _("oui") if notify_credited else _("non")
            )
            locked.save(update_fields=["notify_credited"])
    relative.notify_credited = notify_credited
    return locked


def set_language(*, relative: Relative, language: str) -> Relative:
    """The language the relative chose (the header's selector, or the one she was reading at login): her
    e-mails, receipts and calendar files are written in it. Recorded in her history; the same language again
    writes nothing. ``language`` must be one of settings.LANGUAGES (ValueError otherwise)."""
    if not is_language(language):
        raise ValueError(f"unknown language: {language!r}")
    with transaction.atomic():
        locked = Relative.objects.select_for_update().select_related("user").get(pk=relative.pk)
        if locked.language != language:
            locked.language = language
            locked._history_user = locked.user
            locked._change_reason = audit_reason(AccountAuditReason.LANGUAGE, language)
            locked.save(update_fields=["language"])
    relative.language = language
    return locked
