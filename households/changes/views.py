"""Screens of change requests: propose an edit, the queues, review, revise.

Anything outside the user's scope is a 404, and so is a write the user's role cannot do.
"""

import uuid

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db import IntegrityError, transaction
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from monitoring.params import parse_id, parse_uuid

from households.changes import panels
from households.changes import review
from households.changes import selectors
from households.changes import services
from households.changes.filters import ChangeRequestFilter
from households.changes.fields import HOUSEHOLD_INFO_FIELDS, INCOME_FIELDS
from households.changes.forms import HouseholdInfoForm, ReturnForm, initial_from
from households.changes.models import ChangeKind, ChangeRequest, ChangeRequestAttachment, ChangeStatus
from households.changes.income_forms import IncomeForm, IncomeYearForm, default_year, year_choices
from households.changes.member_forms import (
    HouseholdAddForm,
    HouseholdRemoveForm,
    MeasureForm,
    MemberAddForm,
    MemberForm,
    MemberRemoveForm,
)
from households.changes.member_forms import initial_from as member_initial
from households.choices import MemberStatus
from households.models import Area, Household
from households.services import NothingToReveal
from households.signals import NOBODY_LINKED, change_submitted_send
from households.uploads import stored_file_response

SUBMITTED = {
    ChangeStatus.PENDING_TOWNSHIP: "已提交乡镇审核。审核通过后才会更新该户信息。",
    ChangeStatus.PENDING_COUNTY: "已提交县级审核。审核通过后才会更新该户信息。",
    ChangeStatus.APPROVED: "已修改该户信息，并记入变更历史。",
}


def _change_or_404(user, pk: int) -> ChangeRequest:
    try:
        return selectors.change_request_detail(user=user, pk=pk)
    except ChangeRequest.DoesNotExist:
        raise Http404("该申请不存在或不在您的管辖范围内") from None


def _reviewer_or_404(user) -> None:
    if not user.can.review_change():
        raise Http404("您无权审核变更申请")


@login_required
def household_change_new(request, number):
    if not request.user.can.submit_change():
        raise Http404("您无权修改农户信息")
    household = get_object_or_404(Household.objects.in_scope(request.user).active(), number=number)
    ticket_id = _ticket_param(request)
    initial = initial_from({name: getattr(household, name) for name in HOUSEHOLD_INFO_FIELDS})
    form = HouseholdInfoForm(request.POST or None, initial=initial)
    attachments = review.attachments_form(request)
    if request.method == "POST" and all([form.is_valid(), attachments.is_valid()]):
        response = _create_once(request, form, attachments, ticket_id=ticket_id, submit=lambda token: (
            services.change_request_submit(user=request.user, household=household, data=form.data_for_request,
                                           note=form.cleaned_data["note"], token=token)))
        if response:
            return response
    return render(request, "households/change_form.html", {
        "form": form, "household": household, "attachments_form": attachments,
        "submission_token": _submission_token(request),
    })


@login_required
def change_list(request):
    user = request.user
    if not user.can.view_change_requests():
        raise Http404("没有可查看的变更申请")
    tabs = selectors.queue_tabs(user=user)
    filterset = ChangeRequestFilter(request.GET or None, queryset=ChangeRequest.objects.all(), user=user)

    def narrowed(queryset):
        return filterset.filter_queryset(queryset) if filterset.is_valid() else queryset

    current = next((tab for tab in tabs if tab.key == request.GET.get("tab")), tabs[0])
    page = Paginator(narrowed(current.queryset), settings.PAGE_SIZE).get_page(request.GET.get("page"))
    counts = [(tab, narrowed(tab.queryset).count()) for tab in tabs]
    return render(request, "households/change_list.html", {
        "tabs": counts,
        # the names the page had before it had tabs
        "queue_page": page if current.key == "queue" else None,
        "mine": page.object_list if current.key == "mine" else None,
        "overdue_count": next((count for tab, count in counts if tab.key == "overdue"), 0),
        "current": current,
        "page": page,
        "filter": filterset,
        "can_bulk_approve": current.key in ("queue", "overdue") and user.can.review_change(),
    })


@login_required
def change_detail(request, pk, return_form=None, revealed=None):
    change = _change_or_404(request.user, pk)
    reviewing = request.user.can.review_change(change)
    return render(request, "households/change_detail.html", {
        "change": change,
        "rows": selectors.diff_rows(change=change),
        "events": change.events.select_related("actor"),
        "can_review": reviewing,
        "can_revise": request.user.can.revise_change(change),
        "review_panels": panels.review_panels() if reviewing else [],
        "figures": selectors.income_request_figures(change=change) if change.household_id else None,
        "return_form": return_form or ReturnForm(),
        "return_label": selectors.return_label(change),
        "attachments": change.attachments.all(),
        "can_withdraw": request.user.can.withdraw_change(change),
        "revealed": revealed or {},
    }, status=400 if return_form is not None else 200)


@login_required
@require_POST
def change_approve(request, pk):
    _reviewer_or_404(request.user)
    change = _change_or_404(request.user, pk)
    try:
        change = services.change_request_approve(change=change, reviewer=request.user)
    except services.ChangeRequestError as error:
        messages.error(request, error.message)
        return redirect("change_detail", pk=change.pk)
    messages.success(request, f"已通过变更申请 #{change.pk}，{change.household}户信息已更新。")
    return redirect("change_list")


@login_required
@require_POST
def change_return(request, pk):
    _reviewer_or_404(request.user)
    change = _change_or_404(request.user, pk)
    form = ReturnForm(request.POST)
    if not form.is_valid():
        return change_detail(request, pk, return_form=form)
    try:
        services.change_request_return(change=change, reviewer=request.user, reason=form.cleaned_data["reason"])
    except services.ChangeRequestError as error:
        messages.error(request, error.message)
        return redirect("change_detail", pk=change.pk)
    messages.success(request, f"已退回变更申请 #{change.pk}，申请人会看到退回原因。")
    return redirect("change_list")


@login_required
def change_resubmit(request, pk):
    change = _change_or_404(request.user, pk)
    if change.requested_by_id != request.user.pk or not request.user.can.revise_change():
        raise Http404("只有申请人可以修改自己的申请")
    if change.status != ChangeStatus.RETURNED:
        messages.info(request, services.NOT_RETURNED)
        return redirect("change_detail", pk=change.pk)
    if change.kind == ChangeKind.INCOME:
        return _income_form(request, change.household, year=change.year, change=change)
    if change.kind in KIND_FORMS:
        return kind_resubmit(request, change)
    initial = initial_from(services.proposed_values(change)) | {"note": change.note}
    form = HouseholdInfoForm(request.POST or None, initial=initial)
    attachments = review.attachments_form(request)
    if request.method == "POST" and all([form.is_valid(), attachments.is_valid()]):
        response = _revise(request, form, attachments, change, resubmit=lambda: (
            services.change_request_resubmit(change=change, user=request.user, data=form.data_for_request,
                                             note=form.cleaned_data["note"])))
        if response:
            return response
    return render(request, "households/change_form.html",
                  {"form": form, "household": change.household, "change": change, "attachments_form": attachments})


@login_required
def household_income_new(request, number):
    """录入/更正收入: one year's amounts of a household, as a change request."""
    if not request.user.can.submit_change():
        raise Http404("您无权修改农户信息")
    household = get_object_or_404(Household.objects.in_scope(request.user).active(), number=number)
    years = year_choices(household)
    picker = IncomeYearForm(request.GET or None, years=years)
    year = picker.cleaned_data["year"] if request.GET and picker.is_valid() else default_year(years, county=household.county_code)
    return _income_form(request, household, year=year, picker=picker)


def _income_form(request, household, *, year, change=None, picker=None):
    ticket_id = _ticket_param(request) if change is None else None
    years = year_choices(household) if change is None else [change.year]
    if change is not None:
        values = services.proposed_values(change) | {"note": change.note}
    else:
        record = household.incomes.filter(year=year).first()
        values = {name: getattr(record, name, None) for name in INCOME_FIELDS}
    form = IncomeForm(request.POST or None, initial=values | {"year": year}, years=years)
    attachments = review.attachments_form(request)
    if request.method == "POST" and all([form.is_valid(), attachments.is_valid()]):
        if change is None:
            response = _create_once(request, form, attachments, ticket_id=ticket_id, submit=lambda token: (
                services.income_change_submit(
                    user=request.user, household=household, year=form.cleaned_data["year"],
                    data=form.data_for_request, note=form.cleaned_data["note"], token=token)))
        else:
            response = _revise(request, form, attachments, change, resubmit=lambda: (
                services.change_request_resubmit(change=change, user=request.user, data=form.data_for_request,
                                                 note=form.cleaned_data["note"])))
        if response:
            return response
    shown = form.cleaned_data if form.is_bound and hasattr(form, "cleaned_data") else values
    figures = selectors.income_figures(household_id=household.pk, values=shown) if year else None
    return render(request, "households/income_form.html", {
        "form": form, "household": household, "change": change, "year": year, "figures": figures,
        "picker": picker or IncomeYearForm(initial={"year": year}, years=years),
        "attachments_form": attachments,
        "submission_token": _submission_token(request) if change is None else None,
    })


@login_required
def change_attachment(request, pk, attachment_id):
    """附件 of a request in scope (a photo opens, a PDF downloads); 404 for anyone else."""
    try:
        attachment = selectors.change_attachment(user=request.user, pk=pk, attachment_id=attachment_id)
    except ChangeRequestAttachment.DoesNotExist:
        raise Http404("该附件不存在或不在您的管辖范围内") from None
    return stored_file_response(attachment)


@login_required
@require_POST
def change_withdraw(request, pk):
    change = _change_or_404(request.user, pk)
    if change.requested_by_id != request.user.pk:
        raise Http404("只有申请人可以撤回自己的申请")
    try:
        review.change_request_withdraw(change=change, user=request.user)
    except services.ChangeRequestError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, f"已撤回变更申请 #{change.pk}，该户信息没有改动。")
    return redirect("change_detail", pk=change.pk)


@login_required
@require_POST
def change_bulk_approve(request):
    """批量通过: each ticked request approved on its own; the refused ones are named with why."""
    _reviewer_or_404(request.user)
    outcome = review.bulk_approve(user=request.user, ids=request.POST.getlist("ids"))
    if outcome.refused or not outcome.approved:
        messages.warning(request, review.bulk_summary(outcome))
    else:
        messages.success(request, review.bulk_summary(outcome) + "，相关农户信息已更新。")
    if outcome.skipped:
        messages.warning(request, outcome.skipped_message)
    return redirect(request.POST.get("next") if _is_change_list(request.POST.get("next")) else "change_list")


def _is_change_list(url) -> bool:
    return bool(url) and url.split("?")[0] == reverse("change_list")


@login_required
@require_POST
def change_reveal(request, pk):
    """A masked phone of the request (original or proposed value) in full, logged."""
    change = _change_or_404(request.user, pk)
    if not request.user.can_reveal:
        raise Http404("您无权查看完整信息")
    try:
        revealed = review.change_reveal(request=request, change=change,
                                        name=request.POST.get("field", ""), which=request.POST.get("which", ""))
    except NothingToReveal:
        raise Http404("没有可显示的信息") from None
    if request.htmx:
        return render(request, "households/_revealed.html", {"revealed": revealed})
    return change_detail(request, pk, revealed={revealed.key: revealed.value})


# Members, measures and the household roll (新增/修改/减员, 帮扶措施, 新增农户, 核减): one form per kind.

KIND_FORMS = {
    ChangeKind.MEMBER_EDIT: MemberForm,
    ChangeKind.MEMBER_ADD: MemberAddForm,
    ChangeKind.MEMBER_REMOVE: MemberRemoveForm,
    ChangeKind.MEASURE: MeasureForm,
    ChangeKind.HOUSEHOLD_ADD: HouseholdAddForm,
    ChangeKind.HOUSEHOLD_REMOVE: HouseholdRemoveForm,
}


def _proposable_household(request, number) -> Household:
    if not request.user.can.submit_change():
        raise Http404("您无权修改农户信息")
    return get_object_or_404(Household.objects.in_scope(request.user).active(), number=number)


def _active_member(household, member_id):
    return get_object_or_404(household.members, pk=member_id, status=MemberStatus.NORMAL)


def _villages(user):
    return Area.objects.in_scope(user).villages().select_related("parent").order_by("code")


def _kind_form(request, *, kind, household=None, member=None, change=None, initial=None):
    form_class = KIND_FORMS[kind]
    ticket_id = _ticket_param(request) if change is None else None
    extra = {"villages": _villages(request.user)} if kind == ChangeKind.HOUSEHOLD_ADD else {}
    if kind == ChangeKind.MEASURE:
        extra = {"county": household.county_code}
    extra["user"] = request.user  # the duplicate-ID warning looks inside the user's scope only
    bound = request.POST if request.method == "POST" else None  # an empty POST is still a submission
    form = form_class(bound, initial=member_initial(initial or {}), **extra)
    attachments = review.attachments_form(request)
    if request.method == "POST" and all([form.is_valid(), attachments.is_valid()]):
        village = form.cleaned_data.get("village")
        if change is None:
            response = _create_once(request, form, attachments, ticket_id=ticket_id, submit=lambda token: (
                services.change_submit(
                    user=request.user, kind=kind, household=household, member=member,
                    village_id=village.pk if village else None, data=form.data_for_request,
                    note=form.cleaned_data["note"], warnings=form.confirmed_warnings, token=token,
                )))
        else:
            response = _revise(request, form, attachments, change, resubmit=lambda: (
                services.change_request_resubmit(
                    change=change, user=request.user, data=form.data_for_request,
                    note=form.cleaned_data["note"], warnings=form.confirmed_warnings,
                )))
        if response:
            return response
    return render(request, "households/member_form.html", {
        "form": form, "household": household, "member": member, "change": change,
        "kind_label": ChangeKind(kind).label, "attachments_form": attachments,
        "sections": form.sections(ChangeKind(kind).label),
        "submission_token": _submission_token(request) if change is None else None,
    })


@login_required
def member_change_new(request, number, member_id):
    """修改成员信息 of one active member."""
    household = _proposable_household(request, number)
    member = _active_member(household, member_id)
    initial = {name: getattr(member, name) for name in MemberForm.names}
    return _kind_form(request, kind=ChangeKind.MEMBER_EDIT, household=household, member=member, initial=initial)


@login_required
def member_add_new(request, number):
    """新增成员 (出生, 婚入, 其他迁入)."""
    household = _proposable_household(request, number)
    return _kind_form(request, kind=ChangeKind.MEMBER_ADD, household=household)


@login_required
def member_remove_new(request, number, member_id):
    """减员 of one active member (死亡, 迁出, 婚出, 其他)."""
    household = _proposable_household(request, number)
    member = _active_member(household, member_id)
    return _kind_form(request, kind=ChangeKind.MEMBER_REMOVE, household=household, member=member)


@login_required
def measure_new(request, number):
    """新增帮扶措施."""
    household = _proposable_household(request, number)
    return _kind_form(request, kind=ChangeKind.MEASURE, household=household,
                      initial={"year": MeasureForm.initial_year(household.county_code)})


@login_required
def household_remove_new(request, number):
    """农户核减."""
    household = _proposable_household(request, number)
    return _kind_form(request, kind=ChangeKind.HOUSEHOLD_REMOVE, household=household)


@login_required
def household_add_new(request):
    """新增农户 in a village of the user's scope, with its head."""
    if not request.user.can.submit_change() or not _villages(request.user).exists():
        raise Http404("您无权新增农户")
    return _kind_form(request, kind=ChangeKind.HOUSEHOLD_ADD)


def kind_resubmit(request, change):
    """The revision form of a returned member, measure or household-roll request."""
    initial = services.proposed_values(change) | {"note": change.note}
    if change.kind == ChangeKind.HOUSEHOLD_ADD:
        initial["village"] = change.village_id
    return _kind_form(request, kind=change.kind, household=change.household, member=change.member,
                      change=change, initial=initial)


def _submitted(request, change, *, revised: bool = False, linked=None):
    """Where a submitted request leads, with its message: a revision to its page; a new one to
    its page, or to the household when county staff's edit applied at once. `linked` is the
    (level, message) of linking the ticket the request was made from (see `_link_ticket`)."""
    if revised:
        messages.success(request, "已修改并重新提交审核。")
        return redirect("change_detail", pk=change.pk)
    if linked:
        messages.add_message(request, *linked)
    messages.success(request, SUBMITTED[change.status])
    return _to_change(change)


def _to_change(change):
    if change.status == ChangeStatus.APPROVED:
        return redirect("household_detail", number=change.household.number)
    return redirect("change_detail", pk=change.pk)


ALREADY_SUBMITTED = "该申请已经提交过（表单被重复提交），没有再次创建。"
BAD_TICKET = "链接中的问题线索编号无效"


def _ticket_param(request) -> int | None:
    """?ticket=N (from a ticket's 去修改数据), read before anything is written: a value that is
    no ticket number is a broken link (404), not a request saved and then a 500."""
    raw = request.GET.get("ticket") or request.POST.get("ticket") or ""
    if not raw:
        return None
    ticket_id = parse_id(raw)
    if ticket_id is None:
        raise Http404(BAD_TICKET)
    return ticket_id


def _submission_token(request) -> str:
    """The hidden token of a new-request form: the posted one, or a fresh one for a new form."""
    posted = parse_uuid(request.POST.get("submission_token")) if request.method == "POST" else None
    return str(posted or uuid.uuid4())


def _earlier(user, token):
    return ChangeRequest.objects.filter(submission_token=token, requested_by=user).first() if token else None


def _already_submitted(request, change):
    messages.info(request, ALREADY_SUBMITTED)
    return _to_change(change)


def _create_once(request, form, attachments, *, ticket_id, submit):
    """Create a request from a valid form exactly once per opened form: `submit(token)` makes
    it; its attachments and the link to the ticket it fixes are written in the same transaction.
    A second POST of the same form (a double click, a resent page) leads to the first request.
    Returns the response, or None when the form is to be shown again with the error."""
    token = parse_uuid(request.POST.get("submission_token"))
    earlier = _earlier(request.user, token)
    if earlier:
        return _already_submitted(request, earlier)
    try:
        with transaction.atomic():
            change = submit(token)
            review.save_attachments(change, attachments, user=request.user)
            linked = _link_ticket(change, ticket_id, user=request.user)
    except services.ChangeRequestError as error:
        form.add_error(None, error.message)
        return None
    except IntegrityError:
        earlier = _earlier(request.user, token)  # the same form, submitted at the same moment
        if earlier is None:
            raise
        return _already_submitted(request, earlier)
    return _submitted(request, change, linked=linked)


def _revise(request, form, attachments, change, *, resubmit):
    """A returned request revised: `resubmit()` and the new attachments in one transaction.
    Returns the response, or None when the form is to be shown again with the error."""
    try:
        with transaction.atomic():
            saved = resubmit()
            review.save_attachments(saved, attachments, user=request.user)
    except services.ChangeRequestError as error:
        form.add_error(None, error.message)
        return None
    return _submitted(request, saved, revised=True)


def _link_ticket(change, ticket_id: int | None, *, user):
    """Inside the submission's transaction: `change_submitted`, whose listener on the tickets side
    makes the request the fix of ticket `ticket_id`. A ticket that can no longer be linked
    leaves the request saved, with a warning."""
    linked, refusals = change_submitted_send(change_request=change, ticket_id=ticket_id, user=user)
    if ticket_id is None:
        return None
    if not linked:
        return messages.WARNING, f"变更申请未关联问题线索：{refusals[0] if refusals else NOBODY_LINKED}"
    return messages.INFO, f"已关联问题线索 #{ticket_id}，审核通过后系统会复核。"
