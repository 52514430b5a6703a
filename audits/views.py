"""Screens of ticket review: the queues, one ticket, and the clerk's and reviewers' actions.

Anything outside the user's scope is a 404, and so is an action the user's role cannot take.
"""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from accounts import permissions
from households.choices import ReviewLevel
from households.changes.models import ChangeRequest
from monitoring.params import parse_ids
from households.uploads import stored_file_response

from audits import deadlines, rule_facts, transitions
from audits.exemptions import selectors as exemption_selectors
from audits import selectors
from audits import services
from audits.models import Ticket, TicketEvidence, TicketStatus
from audits.forms import DeadlinesForm, ExplainForm, LinkChangeForm, ReturnForm, TicketFilterForm
from audits import record as record_reads
from audits.record import ticket_record

DONE = {
    TicketStatus.PENDING_TOWNSHIP: "已提交乡镇审核。",
    TicketStatus.PENDING_COUNTY: "已通过，提交县级终审。",
    TicketStatus.RETURNED: "已退回村级，村级信息员会看到退回原因。",
    TicketStatus.CLOSED: "已通过并销号。",
}


def _ticket_or_404(user, pk: int) -> Ticket:
    try:
        return selectors.ticket_detail(user=user, pk=pk)
    except Ticket.DoesNotExist:
        raise Http404(services.NOT_FOUND) from None


@login_required
def ticket_list(request):
    user = request.user
    if not permissions.can_view_tickets(user):
        raise Http404("没有可查看的问题线索")
    form = TicketFilterForm(request.GET or None, user=user)
    filters = form.filters
    queryset = selectors.ticket_list(user=user, filters=filters)
    page = Paginator(queryset, settings.PAGE_SIZE).get_page(request.GET.get("page"))
    counts, overdue = selectors.queue_counts(user=user, filters=filters)
    mine = selectors.queue_statuses(user)
    tabs = [{"value": "", "label": "我的待办" if mine is not None else "全部",
             "count": sum(counts.get(s, 0) for s in mine) if mine is not None else sum(counts.values())}]
    if mine is not None:
        tabs.append({"value": selectors.ALL, "label": "全部状态", "count": sum(counts.values())})
    tabs += [{"value": value, "label": label, "count": counts.get(value, 0)} for value, label in TicketStatus.choices]
    listed = selectors.listed_statuses(user=user, filters=filters)
    township_names = dict(form.fields["township"].choices)
    return render(request, "audits/ticket_list.html", {
        "form": form,
        "page": page,
        "tabs": tabs,
        "current_status": filters.get("status", ""),
        "overdue_count": sum(n for status, n in overdue.items() if listed is None or status in listed),
        "townships": [row | {"name": township_names.get(row["township"], row["township"])}
                      for row in selectors.overdue_by_township(user=user)]
        if permissions.can_view_county_overview(user) else None,
        "can_see_deadlines": permissions.can_view_settings(user),
        "bulk_statuses": transitions.statuses_for(user, "approve"),
        # A clerk's queue comes grouped by household, for one visit per household, unless re-sorted.
        "grouped": user.is_village_clerk and filters.get("sort", "household") == "household",
    })


@login_required
@require_POST
def ticket_bulk_approve(request):
    """批量通过: each selected ticket is approved on its own; the messages say which were not."""
    _role_or_404(request.user, "approve")
    ids = parse_ids(request.POST.getlist("ticket"))
    back = reverse("ticket_list") + (f"?{request.POST['query']}" if request.POST.get("query") else "")
    if not ids:
        messages.error(request, "请先勾选要通过的问题线索。")
        return redirect(back)
    result = services.tickets_bulk_approve(ticket_ids=ids, user=request.user)
    if result.approved:
        closed = sum(ticket.status == TicketStatus.CLOSED for ticket in result.approved)
        messages.success(request, f"已通过 {len(result.approved)} 条问题线索"
                         + (f"（其中 {closed} 条已销号）" if closed else "") + "。")
    for pk, reason in result.refused:
        messages.error(request, f"问题线索 #{pk} 未通过：{reason}")
    if result.skipped:
        messages.warning(request, result.skipped_message)
    return redirect(back)


@login_required
def ticket_detail(request, pk, explain_form=None, return_form=None, link_form=None):
    ticket = _ticket_or_404(request.user, pk)
    actions = services.actions_for(request.user, ticket)
    rule = rule_facts.facts_of(ticket.rule_id)
    approve_to = transitions.next_status(ticket, "approve") if "approve" in actions else None
    events = list(ticket.events.select_related("actor"))
    evidence = list(ticket.evidence.all())
    for event in events:
        event.evidence_files = [item for item in evidence if item.event_id == event.pk]
    last_return = next((e for e in reversed(events) if e.to_status == TicketStatus.RETURNED), None)
    can_link = services.may_link_change(request.user, ticket)
    pending_changes = record_reads.pending_changes(user=request.user, ticket=ticket) if can_link else []
    invalid = explain_form is not None or return_form is not None or link_form is not None
    exemption_holding = exemption_selectors.holding_for(rule_id=ticket.rule_id, household_id=ticket.household_id,
                                                        member_key=ticket.member_key)
    return render(request, "audits/ticket_detail.html", {
        "ticket": ticket,
        "rule": rule,
        "record": ticket_record(ticket),
        "events": events,
        "evidence": evidence,
        "last_return": last_return if ticket.status == TicketStatus.RETURNED else None,
        "actions": actions,
        "approve_label": "通过并销号" if approve_to == TicketStatus.CLOSED else "通过并提交县级终审",
        "explain_form": explain_form or ExplainForm(),
        "return_form": return_form or ReturnForm(),
        "link_form": link_form or (LinkChangeForm(changes=pending_changes) if pending_changes else None),
        "can_link": can_link,
        "final_level_county": ticket.final_level == ReviewLevel.COUNTY,
        "related": rule_facts.related_of(ticket, request.user),
        "exemption": exemption_holding,
        "can_exempt": (permissions.can_exempt(request.user, ticket.household) and exemption_holding is None
                       and ticket.status != TicketStatus.CLOSED),
    }, status=400 if invalid else 200)


def _act(request, pk, *, action: str, comment: str = ""):
    """Run one transition for the signed-in user; 404 outside scope or role, a message otherwise."""
    return _moved(request, pk, lambda: services.ticket_transition(
        ticket_id=pk, user=request.user, action=action, comment=comment))


def _moved(request, pk, move):
    """Run `move` (a service call returning the moved ticket) and answer: 404 outside scope or
    role, the error on the ticket's page, or the success message on the queue."""
    try:
        ticket = move()
    except (services.TicketNotFound, services.TicketNotAllowed) as error:
        raise Http404(error.message) from None
    except services.TicketError as error:
        messages.error(request, error.message)
        return redirect("ticket_detail", pk=pk)
    messages.success(request, f"问题线索 #{ticket.pk}：{DONE[ticket.status]}")
    return redirect("ticket_list")


def _role_or_404(user, action: str) -> None:
    if not transitions.statuses_for(user, action):
        raise Http404(services.NOT_ALLOWED)


@login_required
@require_POST
def ticket_explain(request, pk):
    _role_or_404(request.user, "explain")
    _ticket_or_404(request.user, pk)
    form = ExplainForm(request.POST, request.FILES)
    if not form.is_valid():
        return ticket_detail(request, pk, explain_form=form)
    return _moved(request, pk, lambda: services.ticket_explain(
        ticket_id=pk, user=request.user, explanation=form.cleaned_data["explanation"],
        evidence=form.cleaned_data["evidence"]))


@login_required
@require_POST
def ticket_link_change(request, pk):
    """已整改: link one of the household's pending change requests to the ticket."""
    _role_or_404(request.user, "explain")
    ticket = _ticket_or_404(request.user, pk)
    form = LinkChangeForm(request.POST, changes=record_reads.pending_changes(user=request.user, ticket=ticket))
    if not form.is_valid():
        return ticket_detail(request, pk, link_form=form)
    change = ChangeRequest.objects.in_scope(request.user).get(pk=form.cleaned_data["change_request"])
    try:
        services.ticket_link_change(ticket_id=pk, change_request=change, user=request.user)
    except (services.TicketNotFound, services.TicketNotAllowed) as error:
        raise Http404(error.message) from None
    except services.TicketError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, f"已关联变更申请 #{change.pk}，审核通过后系统会复核。")
    return redirect("ticket_detail", pk=pk)


@login_required
def ticket_evidence(request, pk, evidence_id):
    """A 佐证材料 file, only to users whose scope holds the ticket."""
    try:
        item = record_reads.ticket_evidence(user=request.user, pk=pk, evidence_id=evidence_id)
    except TicketEvidence.DoesNotExist:
        raise Http404(services.NOT_FOUND) from None
    return stored_file_response(item)


@login_required
@require_POST
def ticket_approve(request, pk):
    _role_or_404(request.user, "approve")
    _ticket_or_404(request.user, pk)
    return _act(request, pk, action="approve")


@login_required
@require_POST
def ticket_return(request, pk):
    _role_or_404(request.user, "return")
    _ticket_or_404(request.user, pk)
    form = ReturnForm(request.POST)
    if not form.is_valid():
        return ticket_detail(request, pk, return_form=form)
    return _act(request, pk, action="return", comment=form.cleaned_data["reason"])


@login_required
def ticket_deadlines(request):
    """审核时限: county staff set the days each level has; the changes are listed below.

    The inspector reads them (and their history), like every other setting of the county.
    """
    user = request.user
    if not permissions.can_view_settings(user):
        raise Http404("您无权查看审核时限")
    if request.method == "POST" and not permissions.can_edit_settings(user):
        raise PermissionDenied("督导只能查看审核时限，不能修改")
    county = user.area_id
    form = DeadlinesForm(request.POST or None, initial=deadlines.deadline_days(county))
    if request.method == "POST" and form.is_valid():
        changed = deadlines.deadlines_set(county=county, values=form.cleaned_data, user=request.user)
        messages.success(request, f"已保存审核时限（{changed} 项有变化），新到达各级的问题线索按新时限计算截止日期。"
                         if changed else "审核时限没有变化。")
        return redirect("ticket_deadlines")
    return render(request, "audits/deadlines.html", {
        "form": form, "changes": deadlines.deadline_changes(county), "defaults": deadlines.DEFAULT_DAYS,
    }, status=400 if form.is_bound else 200)
