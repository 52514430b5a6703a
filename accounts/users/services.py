"""账户管理: county staff create and change the accounts of their county.

Every change locks the account's row and compares the page's stamp of the account (what the
officer saw) with the row as it is now: when another officer, or the user, changed the account
in between, the change is refused with CONFLICT instead of silently overwriting theirs. Each
change writes one 账户管理 event to the audit trail, in the same transaction, naming every field
it changed (old → new); the password itself is never recorded.
"""

import secrets

from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.crypto import constant_time_compare, salted_hmac

from trail.models import AuditAction
from trail.services import audit_record

from households.models import Area
from households.scope import county_of

from accounts import permissions
from accounts.roles import Role
from accounts.users.selectors import second_factor_devices
from accounts.second_factor import second_factor_reset
from accounts.services import AccountError, end_other_sessions, role_area_check

User = get_user_model()

CONFLICT = "该账户刚被其他人修改过，本次操作没有执行。请查看页面上的最新情况后再操作。"
NOT_YOURS = "该账户不在您的管理范围内。"
OUTSIDE_COUNTY = "只能绑定本县的区划。"
NOT_SELF_DEACTIVATE = "不能停用自己的账户。"
NOT_SELF_ROLE = "不能修改自己的角色或所属区划。"
NOT_SELF_CREDENTIALS = "不能在这里重置自己的密码或二次验证，请由本县另一位县级数据管理员操作。"
USERNAME_TAKEN = "用户名 {username} 已存在，请换一个。"

# Generated passwords: 16 characters from letters and digits without look-alikes (0/O, 1/l/I).
PASSWORD_ALPHABET = "abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789"
PASSWORD_LENGTH = 16


class AccountConflict(AccountError):
    """Someone changed the account since the officer's page was drawn."""


def password_generate() -> str:
    """A random temporary password that passes the password rules (16 characters, mixed)."""
    while True:
        password = "".join(secrets.choice(PASSWORD_ALPHABET) for _ in range(PASSWORD_LENGTH))
        if not password.isdigit():
            return password


def account_stamp(account) -> str:
    """What the officer's page saw of the account: its name, role, area, state, password and
    second-factor devices. Any change to one of them changes the stamp (and reveals nothing)."""
    state = "|".join(str(value) for value in (
        account.pk, account.username, account.first_name, account.role, account.area_id,
        account.is_active, account.password, second_factor_devices(account)))
    return salted_hmac("accounts.users.stamp", state).hexdigest()[:20]


def _area_label(area: Area | None) -> str:
    return f"{area.name}（{area.code}）" if area else ""


def _role_label(role: str) -> str:
    return Role(role).label if role else ""


def _check_area(*, officer, role: str, area: Area) -> None:
    if not area.code.startswith(county_of(officer) or "-"):
        raise AccountError(OUTSIDE_COUNTY)
    role_area_check(role=role, area=area)


def _locked(*, officer, account, stamp: str):
    """The account's row, locked until the transaction ends, if it is still as the page saw it."""
    if not permissions.can_manage_accounts(officer, account):
        raise AccountError(NOT_YOURS)
    current = User.objects.select_for_update().get(pk=account.pk)
    if not permissions.can_manage_accounts(officer, current):
        raise AccountError(NOT_YOURS)
    if not constant_time_compare(account_stamp(current), stamp or ""):
        raise AccountConflict(CONFLICT)
    return current


def _record(*, request, officer, account, action: str, changes: dict) -> None:
    audit_record(action=AuditAction.ACCOUNT, request=request, actor=officer, subject=account.username,
                 detail={"action": action, "changes": changes})


def user_create(*, officer, username: str, full_name: str, role: str, area: Area,
                password: str = "", request=None) -> tuple[User, str]:
    """Create an account of the officer's county; without a password one is generated. Returns
    the account and its temporary password, to be shown to the officer once."""
    if not permissions.can_manage_accounts(officer):
        raise AccountError(NOT_YOURS)
    _check_area(officer=officer, role=role, area=area)
    password = password or password_generate()
    account = User(username=username, first_name=full_name, role=role, area=area)
    try:
        validate_password(password, account)
    except ValidationError as error:
        raise AccountError("密码不符合要求：" + "".join(error.messages)) from None
    account.set_password(password)
    try:
        with transaction.atomic():
            account.save()
            _record(request=request, officer=officer, account=account, action="create", changes={
                "username": ["", username], "name": ["", full_name], "role": ["", _role_label(role)],
                "area": ["", _area_label(area)], "is_active": ["", "启用"]})
    except IntegrityError:
        # Two officers creating the same username at once: the table's unique key decides.
        raise AccountError(USERNAME_TAKEN.format(username=username)) from None
    return account, password


def user_update(*, officer, account, stamp: str, full_name: str, role: str, area: Area, request=None) -> dict:
    """Change an account's name, role or area. Returns the changes (field: [old, new])."""
    with transaction.atomic():
        current = _locked(officer=officer, account=account, stamp=stamp)
        if current.pk == officer.pk and (role != current.role or area.code != current.area_id):
            raise AccountError(NOT_SELF_ROLE)
        _check_area(officer=officer, role=role, area=area)
        changes = {}
        if full_name != current.first_name:
            changes["name"] = [current.first_name, full_name]
        if role != current.role:
            changes["role"] = [_role_label(current.role), _role_label(role)]
        if area.code != current.area_id:
            changes["area"] = [_area_label(current.area), _area_label(area)]
        if changes:
            User.objects.filter(pk=current.pk).update(first_name=full_name, role=role, area=area)
            _record(request=request, officer=officer, account=current, action="update", changes=changes)
    return changes


def user_set_active(*, officer, account, stamp: str, active: bool, request=None) -> None:
    """停用 or 启用 an account. A deactivated user is signed out everywhere and cannot sign in."""
    with transaction.atomic():
        current = _locked(officer=officer, account=account, stamp=stamp)
        if current.pk == officer.pk and not active:
            raise AccountError(NOT_SELF_DEACTIVATE)
        if current.is_active == active:
            raise AccountConflict(CONFLICT)
        User.objects.filter(pk=current.pk).update(is_active=active)
        _record(request=request, officer=officer, account=current, action="activate" if active else "deactivate",
                changes={"is_active": ["已停用" if active else "启用", "启用" if active else "已停用"]})
        if not active:
            end_other_sessions(current)


def user_password_reset(*, officer, account, stamp: str, password: str = "", request=None) -> str:
    """Give an account a temporary password (the officer's, or a generated one when `password` is
    empty), returned to be shown once; the user's sessions end."""
    generated = not password
    with transaction.atomic():
        current = _locked(officer=officer, account=account, stamp=stamp)
        if current.pk == officer.pk:
            raise AccountError(NOT_SELF_CREDENTIALS)
        password = password or password_generate()
        try:
            validate_password(password, current)
        except ValidationError as error:
            raise AccountError("密码不符合要求：" + "".join(error.messages)) from None
        current.set_password(password)
        current.save(update_fields=["password"])
        _record(request=request, officer=officer, account=current, action="password_reset",
                changes={"password": ["", "已重置（系统生成）" if generated else "已重置（管理员设定）"]})
        end_other_sessions(current)
    return password


def user_second_factor_reset(*, officer, account, stamp: str, request=None) -> None:
    """Remove the account's second-factor devices (a lost phone): the user enrols again."""
    with transaction.atomic():
        current = _locked(officer=officer, account=account, stamp=stamp)
        if current.pk == officer.pk:
            raise AccountError(NOT_SELF_CREDENTIALS)
        devices = second_factor_devices(current)
        if not devices:
            raise AccountError("该账户没有绑定二次验证，无需重置。")
        second_factor_reset(current, by=officer, request=request)
        _record(request=request, officer=officer, account=current, action="second_factor_reset",
                changes={"second_factor": [f"{devices} 个设备", "已重置"]})
