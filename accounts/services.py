"""Accounts: creating staff bound to one area in one role."""

from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction

from households.models import Area

from accounts.roles import ROLE_AREA_LEVEL, Role

User = get_user_model()


class AccountError(Exception):
    """An account cannot be created as asked; the message says why, in Chinese."""


def account_create(*, username: str, role: str, area_code: str, password: str | None,
                   full_name: str = "") -> User:
    """Create a user in `role` bound to the area `area_code`; without a password the account cannot log in."""
    if role not in Role.values:
        raise AccountError(f"未知角色 {role}，可选：{'、'.join(Role.values)}")
    try:
        area = Area.objects.get(code=area_code)
    except Area.DoesNotExist:
        raise AccountError(f"区划代码 {area_code} 不存在") from None
    expected_level = ROLE_AREA_LEVEL[Role(role)]
    if area.level != expected_level:
        raise AccountError(
            f"{Role(role).label}应绑定到{expected_level.label}（当前 {area.name} 是{area.get_level_display()}）"
        )
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
