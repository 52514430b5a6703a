"""监测对象: the list and its export, a household's measures and the county's decisions on its
risk, and the procedure's deadlines.

Every view asks accounts.permissions first: a role that may never do it gets 403, a household
outside the user's area 404. The writes are services' (monitoring_objects.services); a refused
step comes back as field errors on the household page or as a message.
"""

import tempfile

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import FileResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from accounts import permissions
from households import views as household_views
from households import list_extensions
from households.choices import MeasureState
from households.models import AssistanceMeasure, Household
from trail.models import AuditAction
from trail.selectors import setting_changes_of
from trail.services import audit_record

from monitoring_objects import selectors, services
from monitoring_objects.forms import (
    SETTINGS_FIELDS, GreenChannelForm, MeasureForm, MonitoringFilterForm, ProcedureSettingsForm, ReasonForm,
)
from monitoring_objects.transitions import StepRefused
from monitoring_objects.workbook import monitoring_write

SETTINGS_SUBJECT = "监测程序时限"


def _allow(allowed: bool, message: str = "您无权执行此操作。") -> None:
    if not allowed:
        raise PermissionDenied(message)


def _household_or_404(user, number: str) -> Household:
    return get_object_or_404(Household.objects.in_scope(user).select_related("village"), number=number)


def _filtered(request, data):
    form = MonitoringFilterForm(data, user=request.user)
    return form, form.filter(selectors.monitoring_list(user=request.user)).order_by("village_id", "number")


@login_required
def monitoring_list(request):
    _allow(permissions.can_view_monitoring(request.user), "您无权查看监测对象。")
    form, households = _filtered(request, request.GET or None)
    page = Paginator(households, settings.PAGE_SIZE).get_page(request.GET.get("page"))
    today = timezone.localdate()
    for household in page.object_list:
        household.days_since_step = selectors.days_since(household.last_event_at, today)
    return render(request, "monitoring_objects/list.html", {
        "form": form, "page": page, "can_export": permissions.can_export_monitoring(request.user),
        "extra_columns": list_extensions.columns(),
        "filters": {name: value for name, value in request.GET.items() if name != "page"},
    })


@login_required
@require_POST
def monitoring_export(request):
    """Both sheets of the filtered list, streamed from a temporary file; logged as an export."""
    user = request.user
    _allow(permissions.can_export_monitoring(user), "您无权导出监测对象。")
    form, households = _filtered(request, request.POST)
    out = tempfile.TemporaryFile(suffix=".xlsx")
    counts = monitoring_write(households=households, out=out)
    out.seek(0)
    audit_record(
        action=AuditAction.EXPORT, request=request, subject=f"监测对象 {user.area_id}",
        detail={"kind": "monitoring_objects", "area": user.area_id, "county": user.area_id[:6],
                "filters": {name: str(value) for name, value in (form.cleaned_data if form.is_valid() else {}).items()},
                **counts},
    )
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    return FileResponse(out, as_attachment=True, filename=f"监测对象-{user.area_id}-{stamp}.xlsx",
                        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")


# The household page's actions --------------------------------------------------------------


def _back(household: Household):
    return redirect("household_detail", household.number)


def _page_with(request, household: Household, **bound):
    """The household page again with the bound form showing its errors (400)."""
    request.monitoring_forms = bound
    response = household_views.household_detail(request, household.number)
    response.status_code = 400
    return response


def _refused(request, household, form, error: services.ProcedureError):
    for field, message in error.fields.items():
        form.add_error(field if field in form.fields else None, message)
    if not error.fields:
        form.add_error(None, error.message)


@login_required
@require_POST
def measure_new(request, number):
    _allow(permissions.can_record_measure(request.user), "您无权登记帮扶措施。")
    household = _household_or_404(request.user, number)
    form = MeasureForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.measure_record(
                household=household, user=request.user, measure_type=data["measure_type"],
                content=data["content"], nature=data["nature"], months=data["months"],
                state=MeasureState.DONE if data["done"] else MeasureState.PLANNED,
            )
        except PermissionError:
            raise PermissionDenied("只能为本辖区在册的监测对象登记帮扶措施。") from None
        except services.ProcedureError as error:
            _refused(request, household, form, error)
        else:
            messages.success(request, f"已登记帮扶措施：{data['content']}。")
            return _back(household)
    return _page_with(request, household, measure=form)


@login_required
@require_POST
def measure_done(request, number, pk):
    _allow(permissions.can_record_measure(request.user), "您无权登记帮扶措施。")
    household = _household_or_404(request.user, number)
    measure = get_object_or_404(AssistanceMeasure.objects.select_related("household"), pk=pk, household=household)
    try:
        services.measure_done(measure=measure, user=request.user)
    except PermissionError:
        raise PermissionDenied("只能为本辖区在册的监测对象登记帮扶措施。") from None
    except StepRefused as error:
        messages.info(request, str(error))
    else:
        messages.success(request, f"已标记落实：{measure.get_measure_type_display()} {measure.content}。")
    return _back(household)


def _risk_step(request, number, *, prefix: str, service, done: str):
    _allow(permissions.can_decide_risk(request.user), "只有县级数据管理员可以作此决定。")
    household = _household_or_404(request.user, number)
    form = ReasonForm(request.POST, prefix=prefix)
    if form.is_valid():
        try:
            service(household=household, user=request.user, reason=form.cleaned_data["reason"])
        except PermissionError:
            raise PermissionDenied("只有县级数据管理员可以作此决定。") from None
        except StepRefused:
            messages.error(request, "该户的风险状态已变化（只有风险已消除的监测对象可以回退或再标注），请查看后再办理。")
            return _back(household)
        except services.ProcedureError as error:
            _refused(request, household, form, error)
        else:
            messages.success(request, done)
            return _back(household)
    return _page_with(request, household, **{prefix: form})


@login_required
@require_POST
def risk_roll_back(request, number):
    return _risk_step(request, number, prefix="rollback", service=services.risk_roll_back,
                      done="已回退风险消除：该户恢复为风险未消除，帮扶措施继续。")


@login_required
@require_POST
def risk_reflag(request, number):
    return _risk_step(request, number, prefix="reflag", service=services.risk_reflag,
                      done="已再标注风险：该户恢复为风险未消除的监测对象。")


@login_required
@require_POST
def green_channel(request, number):
    _allow(permissions.can_decide_risk(request.user), "只有县级数据管理员可以绿色通道纳入。")
    household = _household_or_404(request.user, number)
    form = GreenChannelForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.green_channel_include(
                household=household, user=request.user, monitoring_type=data["monitoring_type"],
                risk_types=data["risk_types"], risk_note=data["risk_note"], reason=data["reason"])
        except PermissionError:
            raise PermissionDenied("只有县级数据管理员可以绿色通道纳入。") from None
        except services.ProcedureError as error:
            _refused(request, household, form, error)
        else:
            messages.success(request, "已通过绿色通道纳入监测：请村级补充民主评议和公示，并落实帮扶措施。")
            return _back(household)
    return _page_with(request, household, green=form)


# The procedure's deadlines -------------------------------------------------------------------


@login_required
def procedure_settings(request):
    """监测程序时限: county staff set them, the inspector reads them; the changes are listed below."""
    user = request.user
    _allow(permissions.can_view_settings(user), "您无权查看监测程序时限。")
    if request.method == "POST":
        _allow(permissions.can_edit_settings(user), "督导只能查看监测程序时限，不能修改。")
    county = user.area_id[:6]
    current = selectors.procedure_settings(county)
    form = ProcedureSettingsForm(request.POST or None,
                                 initial={name: getattr(current, name) for name in SETTINGS_FIELDS})
    if request.method == "POST" and form.is_valid():
        changed = {name: value for name, value in form.cleaned_data.items() if getattr(current, name) != value}
        services.procedure_settings_set(county=county, user=user, values=form.cleaned_data)
        messages.success(request, f"已保存监测程序时限（{len(changed)} 项有变化），新登记的线索和申请按新时限计算期限。"
                         if changed else "监测程序时限没有变化。")
        return redirect("monitoring_settings")
    return render(request, "monitoring_objects/settings.html", {
        "form": form, "current": current,
        "changes": setting_changes_of(county).filter(subject=SETTINGS_SUBJECT)[:20],
    }, status=400 if form.is_bound else 200)
