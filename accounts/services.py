"""Accounts: creating staff bound to one area in one role; ending a user's sessions; resetting
their second factor."""

from django.contrib.auth import SESSION_KEY, get_user_model
from django.contrib.auth.password_validation import validate_password
from django.contrib.sessions.models import Session
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from trail.models import AuditAction
from trail.services import audit_record

from households.models import Area

from accounts.roles import ROLE_AREA_LEVEL, Role

User = get_user_model()


class AccountError(Exception):
    """An account cannot be created or changed as asked; the message says why, in Chinese."""


def role_area_check(*, role: str, area: Area) -> None:
    """Refuse an area whose level is not the role's: a village for a clerk, a township for a
    reviewer, a county for county staff and inspectors (the table's constraint says the same)."""
    expected_level = ROLE_AREA_LEVEL[Role(role)]
    if area.level != expected_level:
        raise AccountError(
            f"{Role(role).label}应绑定到{expected_level.label}（当前 {area.name} 是{area.get_level_display()}）"
        )


def account_create(*, username: str, role: str, area_code: str, password: str | None,
                   full_name: str = "") -> User:
    """Create a user in `role` bound to the area `area_code`; without a password the account cannot log in."""
    if role not in Role.values:
        raise AccountError(f"未知角色 {role}，可选：{'、'.join(Role.values)}")
    try:
        area = Area.objects.get(code=area_code)
    except Area.DoesNotExist:
        raise AccountError(f"区划代码 {area_code} 不存在") from None
    role_area_check(role=role, area=area)
    if User.objects.filter(username=username).exists():
        raise AccountError(f"用户名 {username} 已存在")
    user = User(username=username, role=role, area=area, first_name=full_name)
    if password:
        try:
            validate_password(password, user)
        except ValidationError as error:
            raise AccountError("密码不符合要求：" + "；".join(error.messages)) from None
        user.set_password(password)
    else:
        user.set_unusable_password()
    with transaction.atomic():
        user.save()
    return user


# Sessions and the second factor ----------------------------------------------------------------
# Minimal versions written for the account pages (issue 14); the sign-in work owns these two
# functions and may replace their bodies: callers rely only on their signatures.


def end_other_sessions(user, *, keep_session_key: str | None = None) -> int:
    """Sign `user` out everywhere (but the session `keep_session_key`): delete their sessions
    from the database session store. Returns how many were ended.

    A session row names its user only inside its encoded data, so the live rows are decoded
    (there are about as many as staff signed in) and the user's are deleted in one query.
    """
    user_id = str(user.pk)
    keys = [
        session.session_key
        for session in Session.objects.filter(expire_date__gt=timezone.now()).iterator()
        if str(session.get_decoded().get(SESSION_KEY)) == user_id and session.session_key != keep_session_key
    ]
    deleted, _ = Session.objects.filter(session_key__in=keys).delete()
    return deleted


def second_factor_reset(user, *, by) -> int:
    """Remove every second-factor device of `user` (TOTP and recovery codes), so that they enrol
    again at their next sign-in; recorded as 二次验证 in the audit trail. Returns the devices removed."""
    with transaction.atomic():
        removed = sum(model.objects.filter(user=user).delete()[1].get(model._meta.label, 0)
                      for model in (TOTPDevice, StaticDevice))
        audit_record(action=AuditAction.SECOND_FACTOR, actor=by, subject=user.get_username(),
                     detail={"reset": True, "devices": removed})
    return removed
