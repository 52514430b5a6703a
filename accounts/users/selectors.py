"""Reads of the account pages: the accounts an officer manages and the areas they may bind."""

from django.contrib.auth import get_user_model
from django.db.models import Exists, OuterRef
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from trail.models import AuditAction, AuditEvent

from households.models import Area
from households.scope import county_of

User = get_user_model()


def accounts_managed_by(officer):
    """The accounts bound to an area of the officer's county (never a site administrator's),
    with `has_second_factor` (a confirmed TOTP device) annotated; none for anyone else."""
    county = county_of(officer)
    if county is None:
        return User.objects.none()
    return (User.objects.filter(area__code__startswith=county, is_superuser=False)
            .select_related("area", "area__parent")
            .annotate(has_second_factor=Exists(TOTPDevice.objects.filter(user=OuterRef("pk"), confirmed=True)))
            .order_by("area_id", "username"))


def areas_of_county(officer):
    """Every area of the officer's county (the county, its townships, its villages) in code order."""
    county = county_of(officer)
    if county is None:
        return Area.objects.none()
    return Area.objects.filter(code__startswith=county).select_related("parent").order_by("code")


# How the account pages name what an event changed (accounts.users.services writes the keys).
ACTION_LABELS = {"create": "新建账户", "update": "修改", "activate": "启用", "deactivate": "停用",
                 "password_reset": "重置密码", "second_factor_reset": "重置二次验证"}
FIELD_LABELS = {"username": "用户名", "name": "姓名", "role": "角色", "area": "所属区划", "is_active": "状态",
                "password": "密码", "second_factor": "二次验证"}


def account_history(account, *, limit: int = 20) -> list[dict]:
    """The latest 账户管理 events of the account, newest first: when, by whom, what (old → new)."""
    events = (AuditEvent.objects.filter(action=AuditAction.ACCOUNT, subject=account.username)
              .select_related("actor").order_by("-at", "-pk")[:limit])
    return [{
        "at": event.at,
        "by": event.actor.display_name if event.actor else event.username,
        "action": ACTION_LABELS.get(event.detail.get("action"), event.detail.get("action", "")),
        "changes": [(FIELD_LABELS.get(field, field), old, new)
                    for field, (old, new) in event.detail.get("changes", {}).items()],
    } for event in events]


def second_factor_devices(account) -> int:
    """How many second-factor devices (TOTP, recovery codes) the account has."""
    return TOTPDevice.objects.filter(user=account).count() + StaticDevice.objects.filter(user=account).count()
