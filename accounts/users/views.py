"""账户管理 pages, for county staff: their county's accounts. Another role gets 403; an account
outside the officer's county, 404."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from accounts import permissions
from accounts.services import AccountError
from accounts.users import services
from accounts.users.filters import AccountFilter
from accounts.users.forms import AccountCreateForm, AccountUpdateForm, PasswordResetForm, StampForm
from accounts.users.selectors import account_history, accounts_managed_by, second_factor_devices

FORBIDDEN = "只有县级数据管理员可以管理账户。"


def _officer_or_403(user) -> None:
    if not permissions.can_manage_accounts(user):
        raise PermissionDenied(FORBIDDEN)


def _account_or_404(officer, pk: int):
    _officer_or_403(officer)
    return get_object_or_404(accounts_managed_by(officer), pk=pk)


@login_required
def account_list(request):
    _officer_or_403(request.user)
    accounts = AccountFilter(request.GET or None, queryset=accounts_managed_by(request.user), officer=request.user)
    page = Paginator(accounts.qs, settings.PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "accounts/account_list.html", {"filter": accounts, "page": page})


@never_cache
@login_required
def account_new(request):
    _officer_or_403(request.user)
    form = AccountCreateForm(request.POST or None, officer=request.user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            account, password = services.user_create(
                officer=request.user, username=data["username"], full_name=data["full_name"], role=data["role"],
                area=data["area"], password=data["password"], request=request)
        except AccountError as error:
            form.add_error(None, str(error))
        else:
            # Rendered, not redirected: a generated password is shown this once and stored nowhere.
            return render(request, "accounts/account_password_shown.html", {
                "account": account, "password": password if not data["password"] else "", "created": True})
    return render(request, "accounts/account_new.html", {"form": form})


def _initial(account) -> dict:
    return {"full_name": account.first_name, "role": account.role, "area": account.area_id}


def _detail(request, account, *, update_form=None, password_form=None):
    stamp = services.account_stamp(account)
    is_self = account.pk == request.user.pk
    return render(request, "accounts/account_detail.html", {
        "account": account,
        "stamp": stamp,
        "is_self": is_self,
        "update_form": update_form or AccountUpdateForm(initial={**_initial(account), "stamp": stamp},
                                                        officer=request.user, lock_role=is_self),
        "password_form": password_form or PasswordResetForm(initial={"stamp": stamp}, account=account),
        "history": account_history(account),
        "devices": second_factor_devices(account),
    })


@login_required
def account_detail(request, pk):
    return _detail(request, _account_or_404(request.user, pk))


@login_required
@require_POST
def account_update(request, pk):
    account = _account_or_404(request.user, pk)
    form = AccountUpdateForm(request.POST, initial=_initial(account), officer=request.user,
                             lock_role=account.pk == request.user.pk)
    if not form.is_valid():
        return _detail(request, account, update_form=form)
    data = form.cleaned_data
    try:
        changes = services.user_update(officer=request.user, account=account, stamp=data["stamp"],
                                       full_name=data["full_name"], role=data["role"], area=data["area"],
                                       request=request)
    except AccountError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, f"已保存 {account.username} 的修改。" if changes else "没有需要保存的修改。")
    return redirect("account_detail", pk=account.pk)


@login_required
@require_POST
def account_active(request, pk):
    account = _account_or_404(request.user, pk)
    form = StampForm(request.POST)
    active = request.POST.get("active") == "1"
    try:
        if not form.is_valid():
            raise services.AccountConflict(services.CONFLICT)
        services.user_set_active(officer=request.user, account=account, stamp=form.cleaned_data["stamp"],
                                 active=active, request=request)
    except AccountError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, f"已启用账户 {account.username}。" if active else
                         f"已停用账户 {account.username}，该用户已被强制退出，不能再登录。")
    return redirect("account_detail", pk=account.pk)


@never_cache
@login_required
@require_POST
def account_password(request, pk):
    account = _account_or_404(request.user, pk)
    form = PasswordResetForm(request.POST, account=account)
    if not form.is_valid():
        return _detail(request, account, password_form=form)
    typed = form.cleaned_data["password"]
    try:
        password = services.user_password_reset(officer=request.user, account=account,
                                                 stamp=form.cleaned_data["stamp"], password=typed, request=request)
    except AccountError as error:
        messages.error(request, str(error))
        return redirect("account_detail", pk=account.pk)
    return render(request, "accounts/account_password_shown.html", {
        "account": account, "password": "" if typed else password, "created": False})


@login_required
@require_POST
def account_second_factor(request, pk):
    account = _account_or_404(request.user, pk)
    form = StampForm(request.POST)
    try:
        if not form.is_valid():
            raise services.AccountConflict(services.CONFLICT)
        services.user_second_factor_reset(officer=request.user, account=account,
                                          stamp=form.cleaned_data["stamp"], request=request)
    except AccountError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, f"已重置 {account.username} 的二次验证，该用户下次登录时需要重新绑定。")
    return redirect("account_detail", pk=account.pk)
