"""The clue pages (/clues/): the list and its export, registering a clue, one from a ticket,
and one clue with its 入户核查.

Every view asks accounts.permissions first: a role that may never do the thing gets a 403;
a clue or ticket outside the user's scope is a 404.
"""

import tempfile

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db import transaction
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from accounts import permissions
from audits.models import Ticket
from households.models import Household
from trail.models import AuditAction
from trail.services import audit_record

from monitoring_objects import services
from monitoring_objects.clues import selectors
from monitoring_objects.clues.forms import ClueFilterForm, ClueForm, VerificationForm
from monitoring_objects.clues.workbook import clues_write
from monitoring_objects.models import Clue
from monitoring_objects.transitions import StepRefused

NOT_FOUND = "没有可查看的预警线索"
CLUE_PREFILL = ("channel", "village", "household_number", "description")
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _allowed_or_403(allowed: bool, message: str = "您的角色不能执行此操作。") -> None:
    if not allowed:
        raise PermissionDenied(message)


def _clue_or_404(user, pk: int) -> Clue:
    try:
        return selectors.clue_detail(user=user, pk=pk)
    except Clue.DoesNotExist:
        raise Http404(NOT_FOUND) from None


def _add_errors(form, error: services.ProcedureError, renamed: dict | None = None) -> None:
    """The service's field errors next to the form's fields; the rest above the form."""
    placed = False
    for name, message in error.fields.items():
        name = (renamed or {}).get(name, name)
        if name in form.fields:
            form.add_error(name, message)
            placed = True
    if not placed:
        form.add_error(None, error.message)


@login_required
def clue_list(request):
    user = request.user
    _allowed_or_403(permissions.can_view_monitoring(user), NOT_FOUND)
    form = ClueFilterForm(request.GET or None, user=user)
    filters = form.filters
    clues = selectors.clue_list(user=user, filters=filters)
    page = Paginator(clues, settings.PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "monitoring_objects/clues/clue_list.html", {
        "form": form,
        "filters": filters,
        "page": page,
        "townships": None if user.is_village_clerk else selectors.township_counts(user=user),
        "can_record": permissions.can_record_clue(user),
        "can_export": permissions.can_export_monitoring(user),
    })


@login_required
def clue_export(request):
    """The filtered list as a workbook (masked), written to a temporary file and streamed."""
    user = request.user
    _allowed_or_403(permissions.can_export_monitoring(user), "您的角色不能导出预警线索。")
    filters = ClueFilterForm(request.GET or None, user=user).filters
    out = tempfile.TemporaryFile(suffix=".xlsx")
    rows = clues_write(clues=selectors.clue_list(user=user, filters=filters), out=out)
    out.seek(0)
    audit_record(
        action=AuditAction.EXPORT, request=request, subject=f"预警线索 {user.area_id}",
        detail={"kind": "clues", "area": user.area_id, "county": user.area_id[:6],
                "filters": {name: str(value) for name, value in filters.items()}, "rows": rows},
    )
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    return FileResponse(out, as_attachment=True, filename=f"预警线索-{user.area_id}-{stamp}.xlsx", content_type=XLSX)


@login_required
@require_http_methods(["GET", "POST"])
def clue_new(request):
    user = request.user
    _allowed_or_403(permissions.can_record_clue(user), "您的角色不能登记预警线索。")
    # Another page may open the form filled in (收入异常值: the household and what to verify).
    prefilled = {name: request.GET[name] for name in CLUE_PREFILL if request.GET.get(name)}
    form = ClueForm(request.POST or None, user=user, initial=prefilled if request.method == "GET" else None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            clue = services.clue_record(
                village=data["village_area"], household=data["household"], channel=data["channel"],
                description=data["description"], user=user, reporter_name=data["reporter_name"].strip(),
                reporter_phone=data["reporter_phone"], reporter_id_number=data["reporter_id_number"],
            )
        except services.ProcedureError as error:
            _add_errors(form, error, {"household": "household_number"})
        else:
            messages.success(request, f"已登记预警线索（回执 {clue.receipt_number}），请在 "
                                      f"{clue.deadline:%Y-%m-%d} 前完成入户核查。")
            return redirect("clue_detail", pk=clue.pk)
    return render(request, "monitoring_objects/clues/clue_new.html", {"form": form},
                  status=400 if form.is_bound and form.errors else 200)


@login_required
@require_http_methods(["GET", "POST"])
def clue_from_ticket(request, pk):
    """发起预警线索 from a ticket of a warning or department rule: a confirm page, then the clue."""
    user = request.user
    _allowed_or_403(permissions.can_record_clue(user), "您的角色不能登记预警线索。")
    ticket = (Ticket.objects.in_scope(user).select_related("household", "village", "village__parent")
              .filter(pk=pk).first())
    if ticket is None:
        raise Http404("没有可查看的问题线索")
    existing = Clue.objects.filter(ticket=ticket).first()
    if request.method == "POST":
        try:
            clue = services.clue_from_ticket(ticket=ticket, user=user)
        except services.ProcedureError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, f"已发起预警线索（回执 {clue.receipt_number}），转村级入户核查。")
            return redirect("clue_detail", pk=clue.pk)
        if existing is not None:
            return redirect("clue_detail", pk=existing.pk)
        return redirect("ticket_detail", pk=ticket.pk)
    eligible = ticket.rule_id in services.SYSTEM_WARNING_RULES or ticket.rule_id.startswith("D")
    return render(request, "monitoring_objects/clues/clue_from_ticket.html", {
        "ticket": ticket, "existing": existing, "eligible": eligible,
        "channel": "系统风险预警" if ticket.rule_id in services.SYSTEM_WARNING_RULES else "部门筛查预警",
    })


@login_required
@require_http_methods(["GET", "POST"])
def clue_detail(request, pk):
    user = request.user
    _allowed_or_403(permissions.can_view_monitoring(user), NOT_FOUND)
    if request.method == "POST":
        _allowed_or_403(permissions.can_answer_clue(user), "只有村级信息员可以入户核查并答复线索。")
    clue = _clue_or_404(user, pk)
    form = None
    if permissions.can_answer_clue(user, clue):
        form = VerificationForm(request.POST or None)
    elif request.method == "POST":
        messages.error(request, "该线索已办结，不能再次答复。")
        return redirect("clue_detail", pk=clue.pk)
    if request.method == "POST" and form.is_valid():
        done = _answer(request, clue, form)
        if done is not None:
            return done
    return render(request, "monitoring_objects/clues/clue_detail.html", {
        "clue": clue,
        "overdue": clue.is_overdue(timezone.localdate()),
        "events": list(selectors.clue_events(clue)),
        "application": selectors.clue_application(clue),
        "form": form,
        "open_form": bool(form is not None and form.is_bound),
    }, status=400 if form is not None and form.is_bound else 200)


def _answer(request, clue, form):
    """Run the chosen outcome of 入户核查; None when the form now carries the errors."""
    data, user = form.cleaned_data, request.user
    verification = {name: data[name] for name in ("verified_on", "verified_by_name", "findings")}
    try:
        if data["outcome"] == VerificationForm.DECLINE:
            services.clue_decline(clue=clue, user=user, answer=data["answer"], **verification)
            messages.success(request, "已答复不纳入，理由已记录。")
            return redirect("clue_detail", pk=clue.pk)
        household = clue.household
        number = data["household_number"].strip()
        if household is None and number:
            household = (Household.objects.in_scope(user).active()
                         .filter(number=number, village_id=clue.village_id).first())
            if household is None:
                form.add_error("household_number", "本村没有这个户编号的在册农户。")
                return None
        with transaction.atomic():
            application = services.inclusion_start(clue=clue, user=user, household=household)
            filled = {name: value for name, value in verification.items() if value}
            if filled:
                services.application_record(application=application, user=user, **filled)
    except services.ProcedureError as error:
        _add_errors(form, error, {"reason": "answer", "household": "household_number"})
        return None
    except StepRefused as error:
        messages.error(request, str(error))
        return redirect("clue_detail", pk=clue.pk)
    except PermissionError:
        raise PermissionDenied("无权执行此操作。") from None
    messages.success(request, "已发起识别纳入申请：请补全入户核查、承诺授权书、民主评议和公示后提交乡镇审核。")
    return redirect("application_detail", pk=application.pk)
