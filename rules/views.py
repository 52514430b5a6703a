from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.db.models import Count
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from accounts import permissions
from audits.exemptions import selectors as exemption_selectors
from audits.models import Ticket
from households.changes import selectors as change_selectors
from households.changes.models import ChangeRequest
from households.models import Area, YearParameters

from rules import registry, services, settings_services
from rules.forms import BatchForm, ParametersForm, ScheduleForm, YearLinesForm
from rules.models import Batch, BatchStatus
from rules.parameters import LABELS, current_values
from trail.selectors import setting_changes_of

# The rule page lists the latest exemptions of the rule; the exemption list has them all.
RULE_PAGE_EXEMPTIONS = 20


def _county_area_or_404(user, *, write: bool = False) -> Area:
    """The user's county: county staff's and, to read, the inspector's; the inspector may not
    change anything (403); everyone else gets a 404. Every setting read or written is this county's."""
    if not permissions.can_view_settings(user):
        raise Http404
    if write and not permissions.can_edit_settings(user):
        raise PermissionDenied("督导只能查看，不能修改规则设置")
    return user.area


@login_required
def catalog(request):
    county = _county_area_or_404(request.user)
    year = YearParameters.current(county.code)
    return render(request, "rules/catalog.html", {
        **_catalog_context(request, county.code),
        "parameters_form": ParametersForm(values=current_values(county.code)),
        "year_form": YearLinesForm(initial={"year": year.year, "monitoring_line": year.monitoring_line,
                                            "attention_line": year.attention_line} if year else None),
    })


@login_required
def rule_detail(request, rule_id):
    """One rule: what it checks and reads, its open tickets in the county, and its exemptions."""
    county = _county_area_or_404(request.user)
    try:
        rule = registry.get(rule_id)
    except KeyError:
        raise Http404("没有这条规则") from None
    user = request.user
    family = [r for r in registry.all_rules() if r.category == rule.category]
    values = current_values(county.code)
    return render(request, "rules/rule_detail.html", {
        "rule": rule,
        "family": family,
        "enabled": rule.id not in settings_services.disabled_rule_ids(county.code),
        "open_count": Ticket.objects.in_scope(user).unclosed().filter(rule_id=rule.id).count(),
        "parameters": [(LABELS[key], f"{values[key].normalize():f}") for key in rule.parameters if key in LABELS],
        "exemptions": exemption_selectors.exemptions_of(user=user, filters={"rule": rule.id})[:RULE_PAGE_EXEMPTIONS],
        "exemption_counts": exemption_selectors.state_counts(user=user, rule_id=rule.id),
        "can_exempt": permissions.can_exempt(user),
    })


@login_required
@require_POST
def rule_toggle(request, rule_id):
    county = _county_area_or_404(request.user, write=True)
    try:
        registry.get(rule_id)
    except KeyError:
        raise Http404 from None
    enabled = request.POST.get("enabled") == "1"
    settings_services.rule_enabled_set(county=county.code, rule_id=rule_id, enabled=enabled, user=request.user)
    messages.success(request, f"规则 {rule_id} 已{'启用' if enabled else '停用'}。")
    return redirect("rules_catalog")


@login_required
@require_POST
def parameters_update(request):
    county = _county_area_or_404(request.user, write=True)
    form = ParametersForm(request.POST, values=current_values(county.code))
    if form.is_valid():
        changed = settings_services.parameters_set(county=county.code, values=form.cleaned_data, user=request.user)
        messages.success(request, f"已保存，{changed} 项参数有变化。" if changed else "参数没有变化。")
        return redirect("rules_catalog")
    messages.error(request, "参数有误，请按提示修改。")
    return _catalog_with(request, parameters_form=form)


@login_required
@require_POST
def year_lines_update(request):
    county = _county_area_or_404(request.user, write=True)
    form = YearLinesForm(request.POST)
    if form.is_valid():
        settings_services.year_lines_set(county=county.code, **form.cleaned_data, user=request.user)
        messages.success(request, f"{form.cleaned_data['year']} 年度监测标准已保存。")
        return redirect("rules_catalog")
    return _catalog_with(request, year_form=form)


def _catalog_with(request, **forms):
    """The catalog again with the bound forms, so errors sit next to their fields."""
    county = request.user.area_id
    context = {
        "parameters_form": forms.get("parameters_form") or ParametersForm(values=current_values(county)),
        "year_form": forms.get("year_form") or YearLinesForm(),
    }
    return render(request, "rules/catalog.html", {**_catalog_context(request, county), **context}, status=400)


def _catalog_context(request, county: str) -> dict:
    open_counts = dict(
        Ticket.objects.in_scope(request.user).unclosed().values_list("rule_id").annotate(n=Count("pk")).order_by()
    )
    disabled = settings_services.disabled_rule_ids(county)
    rules = [{"rule": r, "enabled": r.id not in disabled, "open": open_counts.get(r.id, 0)} for r in registry.all_rules()]
    values = current_values(county)
    return {
        "categories": [(code, label, [r for r in rules if r["rule"].category == code])
                       for code, label in registry.CATEGORIES.items()],
        "changes": setting_changes_of(county)[:30],
        "open_total": sum(open_counts.values()),
        "rule_total": len(rules),
        "parameter_values": [(LABELS[key], f"{values[key].normalize():f}") for key in LABELS],
    }


@login_required
def batches(request):
    county = _county_area_or_404(request.user)
    form = BatchForm(request.POST or None, county=county)
    if request.method == "POST":
        if not permissions.can_run_batch(request.user):
            raise PermissionDenied("督导只能查看，不能运行清洗批次")
        if form.is_valid():
            area = get_object_or_404(Area.objects.in_scope(request.user), code=form.cleaned_data["area"])
            try:
                with transaction.atomic():
                    batch = services.batch_create(area=area, rule_ids=form.cleaned_data["rules"] or None,
                                                  user=request.user, request=request)
                    services.batch_start(batch=batch)
            except services.CleansingError as error:
                form.add_error(None, str(error))
            else:
                # with the queue down the batch is already failed, and its page says why
                return redirect("rules_batch", batch.pk)
    day, hour, enabled = settings_services.schedule_get(county.code)
    return render(request, "rules/batches.html", {
        "form": form,
        "schedule_form": ScheduleForm(initial={"day": day, "hour": hour, "enabled": enabled}),
        "schedule": (day, hour, enabled),
        "batches": Batch.objects.filter(county=county).select_related("area", "created_by")[:50],
    })


@login_required
@require_POST
def schedule_update(request):
    county = _county_area_or_404(request.user, write=True)
    form = ScheduleForm(request.POST)
    if form.is_valid():
        settings_services.schedule_set(county=county.code, **form.cleaned_data, user=request.user)
        messages.success(request, f"自动清洗时间已设为每月{form.cleaned_data['day']}日{form.cleaned_data['hour']}时。")
    else:
        messages.error(request, "自动清洗时间有误：日期应为1–28，时间应为0–23。")
    return redirect("rules_batches")


def _batch_or_404(request, batch_id) -> Batch:
    county = _county_area_or_404(request.user)
    return get_object_or_404(Batch.objects.select_related("area"), pk=batch_id, county=county)


@login_required
def batch_detail(request, batch_id):
    batch = _batch_or_404(request, batch_id)
    return render(request, "rules/batch_detail.html", _batch_context(batch))


@login_required
def batch_progress(request, batch_id):
    """The progress fragment htmx polls; HTTP 286 stops the polling once the batch has ended."""
    batch = _batch_or_404(request, batch_id)
    context = _batch_context(batch)
    return render(request, "rules/_batch_progress.html", context, status=286 if context["finished"] else 200)


def _batch_context(batch: Batch) -> dict:
    if batch.status in (BatchStatus.QUEUED, BatchStatus.RUNNING) and services.batches_mark_stuck(batch_id=batch.pk):
        batch.refresh_from_db()  # its worker died: say so now rather than at the next sweep
    fraction, step = services.batch_progress(batch)
    results = list(batch.results.all())
    names = {rule.id: rule for rule in registry.all_rules()}
    townships = dict(Area.objects.townships().filter(parent=batch.county).values_list("code", "name"))
    by_township = {}
    for result in results:
        for code, count in result.by_township.items():
            by_township[code] = by_township.get(code, 0) + count
    seconds = (batch.finished_at - batch.started_at).total_seconds() if batch.finished_at and batch.started_at else None
    return {
        "batch": batch,
        "duration": None if seconds is None else (f"{seconds:.1f} 秒" if seconds < 120 else f"{seconds / 60:.1f} 分钟"),
        "percent": round(fraction * 100),
        "step": step,
        "finished": batch.status in (BatchStatus.DONE, BatchStatus.FAILED),
        "results": [(result, names.get(result.rule_id)) for result in results],
        "totals": {key: sum(getattr(r, key) for r in results) for key in ("failing", "new", "still_open", "resolved",
                                                                             "exempted")},
        "townships": sorted(((townships.get(code, code), count) for code, count in by_township.items()),
                            key=lambda item: -item[1]),
    }


@login_required
def change_ticket_preview(request, pk):
    """What approving a pending change request would do to its household's tickets: the fragment
    the change page loads (htmx), or a page of its own without JavaScript. Only for the reviewer
    the request waits for, through the registry's scope; a 404 for anyone else."""
    try:
        change = change_selectors.change_request_detail(user=request.user, pk=pk)
    except ChangeRequest.DoesNotExist:
        raise Http404("不存在或不在您的管辖范围内") from None
    if not (change.is_pending and permissions.can_review_change(request.user, change)):
        raise Http404("该申请不在您的待审核范围内")
    try:
        context = {"change": change, "preview": services.change_request_preview(change=change), "busy": False}
    except services.PreviewBusy:
        context = {"change": change, "preview": None, "busy": True}
    template = "rules/_change_ticket_preview.html" if request.htmx else "rules/change_ticket_preview.html"
    return render(request, template, context)
