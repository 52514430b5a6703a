"""The application pages: one 识别纳入 or 风险消除 application, the village's record of it, the
steps the user may take on it, its files, and starting an elimination from a household.

A role that may never take an action gets a 403; anything outside the user's scope a 404.
Each step's form carries the status the user saw, so a second reviewer is told the
application was already handled instead of moving it twice.
"""

from django.contrib import messages
from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from accounts import permissions
from households.choices import RiskType
from households.models import Household
from households.uploads import stored_file_response

from monitoring_objects import services, transitions
from monitoring_objects.applications import selectors
from monitoring_objects.applications.forms import ApplicationFilterForm, RecordForm, ReasonForm
from monitoring_objects.models import Application, ApplicationKind, ApplicationStatus, ProcedureFile
from monitoring_objects.transitions import APPLICATION, StepRefused

NOT_FOUND = "没有可查看的申请"
ACTIONS = ("submit", "approve", "return", "withdraw")
DONE = {
    "submit": "已提交乡镇审核。",
    "return": "已退回村级，村级信息员会看到退回原因。",
    "withdraw": "已撤回申请。",
}
ERROR_LABELS = {"authorisation": "承诺授权书扫描件", "criteria": "消除条件", "reason": "理由"}


def _allowed_or_403(allowed: bool, message: str = "您的角色不能执行此操作。") -> None:
    if not allowed:
        raise PermissionDenied(message)


def _application_or_404(user, pk: int) -> Application:
    try:
        return selectors.application_detail(user=user, pk=pk)
    except Application.DoesNotExist:
        raise Http404(NOT_FOUND) from None


def _role_takes(role: str | None, action: str) -> bool:
    """Whether `role` takes `action` on an application in any status (the view's first guard)."""
    return any(kind == APPLICATION and name == action and role in step.who
               for (kind, _status, name), step in transitions.TRANSITIONS.items())


def _may(user, application: Application, action: str) -> bool:
    if action in ("submit", "withdraw"):
        return permissions.can_edit_application(user, application)
    return permissions.can_review_application(user, application)


def _approve_label(application: Application) -> str:
    if application.status == ApplicationStatus.PENDING_TOWNSHIP:
        return "审核通过，提交县级审批"
    return "批准纳入监测对象" if application.kind == ApplicationKind.INCLUSION else "批准风险消除"


def _label(name: str) -> str:
    if name in ERROR_LABELS:
        return ERROR_LABELS[name]
    try:
        return str(Application._meta.get_field(name).verbose_name)
    except Exception:  # noqa: BLE001  a key that is no field: show it as it is
        return name


@login_required
def application_list(request):
    """识别纳入 and 风险消除 applications: the user's queue first, overdue ones amber."""
    user = request.user
    if not permissions.can_view_monitoring(user):
        raise PermissionDenied(NOT_FOUND)
    form = ApplicationFilterForm(request.GET or None)
    today = timezone.localdate()
    applications = selectors.application_list(user=user, filters=form.filters, today=today)
    page = Paginator(applications, settings.PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "monitoring_objects/applications/application_list.html", {
        "form": form, "page": page, "today": today,
    })


@login_required
def application_detail(request, pk, forms_by_action=None, status=200):
    user = request.user
    _allowed_or_403(permissions.can_view_monitoring(user), NOT_FOUND)
    application = _application_or_404(user, pk)
    household = application.household
    actions = [action for action in transitions.actions_for(APPLICATION, application.status, user.role)
               if _may(user, application, action)]
    criteria = None
    if application.kind == ApplicationKind.ELIMINATION:
        criteria = (application.criteria if application.criteria and not application.is_editable_by_village
                    else services.criteria_now(household))
    failing = bool(criteria) and any(not (c["passed"] if isinstance(c, dict) else c.passed) for c in criteria)
    can_edit = permissions.can_edit_application(user, application)
    errors = services.submission_errors(application) if can_edit else {}
    forms_by_action = forms_by_action or {}
    files = selectors.application_files(application)
    return render(request, "monitoring_objects/applications/application_detail.html", {
        "application": application,
        "household": household,
        "overdue": application.is_open and application.deadline is not None
        and application.deadline < timezone.localdate(),
        "risk_labels": [RiskType(r).label for r in application.risk_types if r in RiskType.values],
        "criteria": criteria,
        "failing": failing,
        "photos": [f for f in files if f.kind == "photo"],
        "authorisations": [f for f in files if f.kind == "authorisation"],
        "events": list(selectors.application_events(application)),
        "submission_errors": [(_label(name), message) for name, message in errors.items()],
        "actions": actions,
        "approve_label": _approve_label(application),
        "return_form": forms_by_action.get("return") or ReasonForm(),
        "withdraw_form": forms_by_action.get("withdraw") or ReasonForm(),
        "override_form": forms_by_action.get("override") or ReasonForm(),
        "can_edit": can_edit or (application.green_channel and application.appraisal_missing
                                 and permissions.can_complete_appraisal(user, application)),
        "can_override": (application.kind == ApplicationKind.ELIMINATION and application.is_open and failing
                         and permissions.can_decide_risk(user, household)),
    }, status=status)


@login_required
@require_POST
def application_move(request, pk):
    """提交 / 通过 / 退回 / 撤回, each with the status the user saw (`expected_status`)."""
    user = request.user
    action = request.POST.get("action", "")
    if action not in ACTIONS:
        raise Http404("没有这个操作")
    _allowed_or_403(_role_takes(user.role, action))
    application = _application_or_404(user, pk)
    expected = request.POST.get("expected_status") or application.status
    form = ReasonForm(request.POST)
    form.is_valid()
    reason = form.cleaned_data.get("reason", "")
    try:
        if action == "submit":
            application = services.application_submit(application=application, user=user, expected_status=expected)
        elif action == "approve":
            application = services.application_approve(application=application, user=user, expected_status=expected,
                                                        comment=reason)
        elif action == "return":
            application = services.application_return(application=application, user=user, reason=reason,
                                                       expected_status=expected)
        else:
            if application.status != expected:
                raise StepRefused("该申请已被他人处理，请刷新后查看。")
            application = services.application_withdraw(application=application, user=user, reason=reason)
    except StepRefused as error:
        messages.error(request, f"已被他人处理：{error}")
        return redirect("application_detail", pk=pk)
    except services.ProcedureError as error:
        if "reason" in error.fields:
            form.add_error("reason", error.fields["reason"])
            return application_detail(request, pk, forms_by_action={action: form}, status=400)
        messages.error(request, error.message)
        return redirect("application_detail", pk=pk)
    except PermissionError:
        raise PermissionDenied("无权执行此操作。") from None
    if action == "approve":
        done = ("已批准。" if application.status == ApplicationStatus.APPROVED else "已通过，提交县级审批。")
    else:
        done = DONE[action]
    messages.success(request, f"{application.get_kind_display()}申请（{application.household.number}）：{done}")
    return redirect("application_detail", pk=pk)


@login_required
@require_POST
def application_override(request, pk):
    """县级特批: failing elimination criteria may be submitted, with the county's written reason."""
    user = request.user
    _allowed_or_403(permissions.can_decide_risk(user), "只有县级数据管理员可以特批。")
    application = _application_or_404(user, pk)
    form = ReasonForm(request.POST)
    form.is_valid()
    try:
        services.application_override(application=application, user=user, reason=form.cleaned_data.get("reason", ""))
    except services.ProcedureError as error:
        form.add_error("reason", error.fields.get("reason", error.message))
        return application_detail(request, pk, forms_by_action={"override": form}, status=400)
    except StepRefused as error:
        messages.error(request, str(error))
        return redirect("application_detail", pk=pk)
    except PermissionError:
        raise PermissionDenied("无权执行此操作。") from None
    messages.success(request, "已特批：村级可以提交该风险消除申请，特批理由会随申请显示。")
    return redirect("application_detail", pk=pk)


@login_required
@require_http_methods(["GET", "POST"])
def application_edit(request, pk):
    """The village record: the clerk while the application is at the village; county staff or
    the clerk to complete a 绿色通道 inclusion's appraisal and notice afterwards."""
    user = request.user
    _allowed_or_403(permissions.can_edit_application(user) or permissions.can_complete_appraisal(user),
                    "您的角色不能填写村级办理记录。")
    application = _application_or_404(user, pk)
    if not (permissions.can_edit_application(user, application)
            or (application.green_channel and permissions.can_complete_appraisal(user, application))):
        messages.error(request, "该申请已提交或已办结，村级记录不能再修改。")
        return redirect("application_detail", pk=pk)
    form = RecordForm(request.POST or None, request.FILES or None, instance=application)
    if request.method == "POST" and form.is_valid():
        try:
            services.application_record(application=application, user=user, photos=form.cleaned_data["photos"],
                                        authorisation=form.cleaned_data.get("authorisation"), **form.record())
        except services.ProcedureError as error:
            for name, message in error.fields.items():
                form.add_error(name if name in form.fields else None, message)
        except PermissionError:
            raise PermissionDenied("无权执行此操作。") from None
        else:
            messages.success(request, "已保存村级办理记录。")
            return redirect("application_detail", pk=pk)
    return render(request, "monitoring_objects/applications/application_edit.html", {
        "application": application, "household": application.household, "form": form,
    }, status=400 if form.is_bound else 200)


@login_required
def application_file(request, pk, file_pk):
    """A photo or scan of an application, only to users whose scope holds it."""
    _allowed_or_403(permissions.can_view_monitoring(request.user), NOT_FOUND)
    try:
        stored = selectors.application_file(user=request.user, pk=pk, file_pk=file_pk)
    except ProcedureFile.DoesNotExist:
        raise Http404("没有这个附件") from None
    return stored_file_response(stored)


@login_required
@require_POST
def elimination_new(request, number):
    """申请风险消除 for a monitoring object whose risk is unresolved."""
    user = request.user
    _allowed_or_403(permissions.can_start_elimination(user), "只有村级信息员可以申请风险消除。")
    try:
        household = selectors.household_in_scope(user=user, number=number)
    except Household.DoesNotExist:
        raise Http404("没有可查看的农户") from None
    if not permissions.can_start_elimination(user, household):
        messages.error(request, "该户不是风险未消除的监测对象，不能申请风险消除。")
        return redirect("household_detail", number=number)
    try:
        application = services.elimination_start(household=household, user=user)
    except services.ProcedureError as error:
        messages.error(request, error.message)
        return redirect("household_detail", number=number)
    except PermissionError:
        raise PermissionDenied("无权执行此操作。") from None
    messages.success(request, "已发起风险消除申请：请核对各项消除条件，补全入户核查、民主评议和公示后提交。")
    return redirect("application_detail", pk=application.pk)
