"""二次验证 pages: enrol a phone, verify a sign-in, see or renew recovery codes, turn it off."""

import segno
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.conf import settings
from django.http import HttpResponseRedirect
from django.shortcuts import redirect, render, resolve_url
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST
import django_otp
from django_otp.plugins.otp_static.models import StaticDevice

from accounts import second_factor
from accounts.forms import SecondFactorCodeForm

# Recovery codes made by the last action, shown once by the next GET of the codes page.
FRESH_CODES = "second_factor_fresh_codes"


@never_cache
@login_required
def second_factor_page(request):
    """The user's second factor: its state and actions, or the enrolment (QR code, secret and the
    first code) when there is no phone yet or the user asked to change it (?rebind)."""
    user = request.user
    status = second_factor.status_of(user)
    enrolling = status.device is None or "rebind" in request.GET or request.method == "POST"
    form = SecondFactorCodeForm(request.POST or None, recovery_allowed=False)
    if request.method == "POST" and form.is_valid():
        try:
            device, codes = second_factor.second_factor_confirm(
                user=user, token=form.cleaned_data["code"], request=request)
        except second_factor.SecondFactorError as error:
            form.add_error("code", str(error))
        else:
            django_otp.login(request, device)
            request.session[FRESH_CODES] = codes
            messages.success(request, "二次验证已启用。请立即保存下面的恢复码。")
            return redirect("second_factor_codes")
    context = {"status": status, "enrolling": enrolling, "form": form,
               "pending": getattr(request, "second_factor_pending", None)}
    if enrolling:
        device = second_factor.second_factor_start(user=user)
        context.update(qr_svg=_qr_svg(device.config_url), secret=second_factor.secret_text(device))
    return render(request, "accounts/second_factor.html", context)


@never_cache
@login_required
def second_factor_verify_page(request):
    """The second step of signing in: a code from the phone or a recovery code."""
    target = _next(request)
    if second_factor.pending_step(request.user) != second_factor.VERIFY:
        return HttpResponseRedirect(target)
    form = SecondFactorCodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            device = second_factor.second_factor_verify(
                user=request.user, token=form.cleaned_data["code"], request=request)
        except second_factor.SecondFactorError as error:
            form.add_error("code", str(error))
        else:
            django_otp.login(request, device)
            if isinstance(device, StaticDevice):
                left = second_factor.recovery_codes_left(request.user)
                messages.warning(request, f"已使用一个恢复码，还剩 {left} 个。"
                                          "恢复码不多时，请在“二次验证”页面重新生成。")
            return HttpResponseRedirect(target)
    return render(request, "accounts/second_factor_verify.html", {"form": form, "next": target})


@never_cache
@login_required
def second_factor_codes_page(request):
    """GET shows the recovery codes just made (once; a reload shows only how many are left);
    POST makes new ones, and the old ones stop working."""
    if request.method == "POST":
        try:
            request.session[FRESH_CODES] = second_factor.recovery_codes_regenerate(
                user=request.user, request=request)
        except second_factor.SecondFactorError as error:
            messages.error(request, str(error))
            return redirect("second_factor")
        messages.success(request, "已生成新的恢复码，原来的恢复码已作废。")
        return redirect("second_factor_codes")
    if second_factor.confirmed_device(request.user) is None:
        return redirect("second_factor")
    codes = request.session.pop(FRESH_CODES, None)
    return render(request, "accounts/second_factor_codes.html",
                  {"codes": codes, "codes_left": second_factor.recovery_codes_left(request.user)})


@require_POST
@login_required
def second_factor_remove_page(request):
    """停用二次验证: only where the user's role does not require it."""
    try:
        second_factor.second_factor_remove(user=request.user, request=request)
    except second_factor.SecondFactorError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, "二次验证已停用，验证器和恢复码均已删除。")
    return redirect("second_factor")


def _qr_svg(url: str) -> str:
    """The enrolment QR code as inline SVG, drawn here: the secret never leaves the site."""
    return segno.make(url, error="m").svg_inline(scale=5, dark="#000", light="#fff",
                                                 title="二次验证二维码")


def _next(request) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    # A path on this site only (redirect() would take any other word for a view's name).
    if target.startswith("/") and url_has_allowed_host_and_scheme(
            target, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        return target
    return resolve_url(settings.LOGIN_REDIRECT_URL)
