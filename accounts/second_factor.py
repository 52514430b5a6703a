"""The second factor (二次验证): a TOTP app on the user's phone, with one-time recovery codes.

django-otp keeps the devices and their throttling: a `TOTPDevice` (the phone) and a
`StaticDevice` holding the recovery codes, each of which its `verify_token` deletes when
used. A session counts as verified once `django_otp.login(request, device)` has stored the
device in it; `accounts.middleware.SecondFactorMiddleware` keeps an unverified user of a
confirmed device on the verification page, and a user whose role requires a second factor
(settings.SECOND_FACTOR_REQUIRED_ROLES) on the enrolment page until they have one.
"""

import datetime
from base64 import b32encode
from dataclasses import dataclass

from django.conf import settings
from django.core import checks
from django.db import transaction
from django.utils import timezone
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.roles import Role
from trail.models import AuditAction
from trail.services import audit_record

RECOVERY_CODE_COUNT = 10
DEVICE_NAME = "手机验证器"
RECOVERY_DEVICE_NAME = "恢复码"

# What the middleware asks of a signed-in user before anything else (pending_step).
VERIFY = "verify"
ENROL = "enrol"


class SecondFactorError(Exception):
    """A second-factor action cannot be done as asked; the message says why, in Chinese."""


class SecondFactorThrottled(SecondFactorError):
    """Too many wrong codes: django-otp's back-off (1, 2, 4, 8 … seconds) is running."""

    def __init__(self, until: datetime.datetime):
        self.seconds = max(1, int((until - timezone.now()).total_seconds()) + 1)
        super().__init__(f"验证码错误次数过多，请 {self.seconds} 秒后再试。")


WRONG_CODE = "验证码不正确：请输入验证器应用中当前显示的6位数字，或一个未用过的恢复码。"
WRONG_ENROLMENT_CODE = "验证码不正确：请输入验证器应用中当前显示的6位数字（注意手机时间要准确）。"
REQUIRED_FOR_ROLE = "您的角色必须启用二次验证：可以更换手机（重新绑定），但不能停用。"


@checks.register(checks.Tags.security)
def check_required_roles(app_configs, **kwargs):
    """A misspelt role in SECOND_FACTOR_REQUIRED_ROLES would silently require nothing."""
    unknown = [role for role in settings.SECOND_FACTOR_REQUIRED_ROLES if role not in Role.values]
    return [checks.Error(
        f"SECOND_FACTOR_REQUIRED_ROLES 含未知角色：{'、'.join(unknown)}",
        hint=f"可选：{'、'.join(Role.values)}（以逗号分隔）", id="accounts.E001")] if unknown else []


def is_required(user) -> bool:
    """The user's role must sign in with a second factor (settings.SECOND_FACTOR_REQUIRED_ROLES)."""
    return bool(user.role) and user.role in settings.SECOND_FACTOR_REQUIRED_ROLES


def confirmed_device(user) -> TOTPDevice | None:
    """The user's phone, once its first code confirmed it."""
    return TOTPDevice.objects.filter(user=user, confirmed=True).order_by("-pk").first()


def pending_step(user) -> str | None:
    """What a signed-in user must do before any page opens: VERIFY (enter a code in this
    session), ENROL (their role requires a second factor they do not have yet) or None."""
    if user.is_verified():
        return None
    if TOTPDevice.objects.filter(user=user, confirmed=True).exists():
        return VERIFY
    if is_required(user):
        return ENROL
    return None


def secret_text(device: TOTPDevice) -> str:
    """The device's secret in base32, in groups of four, for typing into an app by hand."""
    secret = b32encode(device.bin_key).decode().rstrip("=")
    return " ".join(secret[i:i + 4] for i in range(0, len(secret), 4))


def recovery_codes_left(user) -> int:
    return StaticToken.objects.filter(device__user=user, device__confirmed=True).count()


def second_factor_start(*, user) -> TOTPDevice:
    """The device being enrolled: a new secret, or the one already shown (a reload keeps the QR
    code the user may have scanned). Until confirmed it verifies nothing (django-otp ignores
    unconfirmed devices), and a confirmed phone keeps working until the new one is confirmed."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("-pk").first()
    return device or TOTPDevice.objects.create(user=user, name=DEVICE_NAME, confirmed=False)


def second_factor_confirm(*, user, token: str, request=None) -> tuple[TOTPDevice, list[str]]:
    """Confirm the device being enrolled with its first code: it replaces any earlier phone and
    recovery codes, and new recovery codes are made. Returns the device and the codes (shown once).
    A wrong code raises SecondFactorError (counted by django-otp's throttle) and is recorded."""
    with transaction.atomic():
        device = (TOTPDevice.objects.select_for_update()
                  .filter(user=user, confirmed=False).order_by("-pk").first())
        if device is None:
            raise SecondFactorError("没有待绑定的验证器，请重新打开二次验证页面。")
        _raise_if_throttled(device)
        confirmed = device.verify_token(_clean(token))
        if confirmed:
            TOTPDevice.objects.filter(user=user).exclude(pk=device.pk).delete()
            device.confirmed = True
            device.save(update_fields=["confirmed"])
            codes = _new_recovery_codes(user)
        _record(request, user, step="enrol", success=confirmed)
    # Raised outside the atomic block, so that the failure's throttle count and record are kept.
    if not confirmed:
        raise SecondFactorError(WRONG_ENROLMENT_CODE)
    return device, codes


def recovery_codes_regenerate(*, user, request=None) -> list[str]:
    """New recovery codes for a user with a phone; the old ones stop working."""
    with transaction.atomic():
        if confirmed_device(user) is None:
            raise SecondFactorError("请先绑定验证器，再生成恢复码。")
        codes = _new_recovery_codes(user)
        _record(request, user, step="recovery_codes", success=True)
    return codes


def second_factor_verify(*, user, token: str, request=None) -> StaticDevice | TOTPDevice:
    """Check a code at sign-in: six digits against the phone, anything else against the recovery
    codes (a matching one is used up). Every failure counts on the phone's throttle, whichever
    kind was tried, and is recorded. Returns the device that accepted the code."""
    token = _clean(token)
    with transaction.atomic():
        phone = (TOTPDevice.objects.select_for_update()
                 .filter(user=user, confirmed=True).order_by("-pk").first())
        if phone is None:
            raise SecondFactorError("您尚未绑定验证器。")
        allowed, info = phone.verify_is_allowed()
        if not allowed:
            device, method = None, "throttled"
        elif token.isdigit() and len(token) == phone.digits:
            device, method = (phone if phone.verify_token(token) else None), "totp"
        else:
            device, method = _use_recovery_code(user, phone, token), "recovery_code"
    # Recorded and raised outside the atomic block, so that a failure's throttle count is kept.
    if not allowed:
        _record(request, user, step="verify", success=False, throttled=True)
        raise SecondFactorThrottled(info.get("locked_until") or timezone.now())
    _record(request, user, step="verify", success=device is not None, method=method)
    if device is None:
        raise SecondFactorError(WRONG_CODE)
    return device


def second_factor_remove(*, user, request=None) -> None:
    """The user turns their own second factor off (not allowed when their role requires one)."""
    if is_required(user):
        raise SecondFactorError(REQUIRED_FOR_ROLE)
    second_factor_reset(user, by=user, request=request)


def second_factor_reset(user, *, by, request=None) -> int:
    """Delete all of `user`'s second-factor devices (a lost phone), recorded as done `by` whom.

    The account-management page calls this for a county officer. A role that requires a second
    factor is sent to enrolment at its next request (its verified sessions lose their device).
    Returns the number of devices deleted."""
    with transaction.atomic():
        deleted = (TOTPDevice.objects.filter(user=user).delete()[1].get(TOTPDevice._meta.label, 0)
                   + StaticDevice.objects.filter(user=user).delete()[1].get(StaticDevice._meta.label, 0))
        audit_record(action=AuditAction.SECOND_FACTOR, request=request, actor=by,
                     subject=user.get_username(),
                     detail={"step": "reset", "success": True, "devices": deleted,
                             "user": user.get_username()})
    return deleted


# ------------------------------------------------------------------------------------------


def _clean(token: str) -> str:
    """Codes as people type them: spaces and dashes dropped, letters in lower case."""
    return "".join(str(token or "").split()).replace("-", "").lower()[:32]


def _raise_if_throttled(device) -> None:
    allowed, info = device.verify_is_allowed()
    if not allowed:
        raise SecondFactorThrottled(info.get("locked_until") or timezone.now())


def _use_recovery_code(user, phone: TOTPDevice, token: str) -> StaticDevice | None:
    recovery = StaticDevice.objects.filter(user=user, confirmed=True).first()
    if token and recovery is not None and recovery.verify_token(token):
        phone.throttle_reset()
        return recovery
    phone.throttle_increment()
    return None


def _new_recovery_codes(user) -> list[str]:
    StaticDevice.objects.filter(user=user).delete()
    device = StaticDevice.objects.create(user=user, name=RECOVERY_DEVICE_NAME, confirmed=True)
    codes = [StaticToken.random_token() for _ in range(RECOVERY_CODE_COUNT)]
    StaticToken.objects.bulk_create(StaticToken(device=device, token=code) for code in codes)
    return codes


def _record(request, user, *, step: str, success: bool, **detail) -> None:
    audit_record(action=AuditAction.SECOND_FACTOR, request=request, actor=user,
                 subject=user.get_username(), detail={"step": step, "success": success, **detail})


@dataclass
class Status:
    """What the second-factor page shows about a user."""

    device: TOTPDevice | None
    codes_left: int
    required: bool


def status_of(user) -> Status:
    return Status(device=confirmed_device(user), codes_left=recovery_codes_left(user),
                  required=is_required(user))
