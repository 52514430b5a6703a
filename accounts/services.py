"""Accounts: creating staff bound to one area in one role; ending a user's sessions."""

from importlib import import_module

from django.conf import settings
from django.contrib.auth import SESSION_KEY, get_user_model
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

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


def end_other_sessions(user, *, keep_session_key: str | None = None) -> int:
    """Sign `user` out everywhere but the session `keep_session_key` (the one changing the password,
    say); returns how many sessions ended. Call it whenever the password changes or is reset.

    Sessions are rows in the database (SESSION_ENGINE), the user's id inside each row's encoded
    data: the live rows are read once, a column pair at a time, and the user's deleted in one
    statement. With cached_db the cached copies go too.
    """
    store = import_module(settings.SESSION_ENGINE).SessionStore
    model = store.get_model_class()  # AttributeError: not a database-backed session engine
    live = model.objects.filter(expire_date__gt=timezone.now())
    if keep_session_key:
        live = live.exclude(session_key=keep_session_key)
    user_id = str(user.pk)
    decoder = store()
    keys = [key for key, data in live.values_list("session_key", "session_data").iterator()
            if str(decoder.decode(data).get(SESSION_KEY)) == user_id]
    if hasattr(store, "cache_key_prefix"):  # cached_db: drop the cached copies as well
        from django.core.cache import caches

        caches[settings.SESSION_CACHE_ALIAS].delete_many([store.cache_key_prefix + key for key in keys])
    deleted, _ = model.objects.filter(session_key__in=keys).delete()
    return deleted
