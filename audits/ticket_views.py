"""Screens of ticket review: the queues, one ticket, and the clerk's and reviewers' actions.

Anything outside the user's scope is a 404, and so is an action the user's role cannot take.
"""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from households.scope import scope_prefix
from rules import registry

from . import ticket_selectors as selectors
from . import ticket_services as services
from .models import ReviewLevel, Ticket, TicketStatus
from .ticket_forms import ExplainForm, ReturnForm, TicketFilterForm

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
    if scope_prefix(user) is None:
        raise Http404("没有可查看的问题线索")
    form = TicketFilterForm(request.GET or None, user=user)
    filters = form.filters
    queryset = selectors.ticket_list(user=user, filters=filters)
    page = Paginator(queryset, settings.PAGE_SIZE).get_page(request.GET.get("page"))
    counts = selectors.status_counts(user=user, filters=filters)
    mine = selectors.queue_statuses(user)
    tabs = [{"value": "", "label": "我的待办" if mine is not None else "全部",
             "count": sum(counts.get(s, 0) for s in mine) if mine is not None else sum(counts.values())}]
    if mine is not None:
        tabs.append({"value": selectors.ALL, "label": "全部状态", "count": sum(counts.values())})
    tabs += [{"value": value, "label": label, "count": counts.get(value, 0)} for value, label in TicketStatus.choices]
    return render(request, "audits/ticket_list.html", {
        "form": form,
        "page": page,
        "tabs": tabs,
        "current_status": filters.get("status", ""),
        "overdue_count": queryset.overdue().count() if page.paginator.count else 0,
        "grouped": user.is_village_clerk,
    })


@login_required
def ticket_detail(request, pk, explain_form=None, return_form=None):
    ticket = _ticket_or_404(request.user, pk)
    actions = services.actions_for(request.user, ticket)
    try:
        rule = registry.get(ticket.rule_id)
    except KeyError:
        rule = None
    approve_to = services.next_status(ticket, "approve") if "approve" in actions else None
    events = list(ticket.events.select_related("actor"))
    last_return = next((e for e in reversed(events) if e.to_status == TicketStatus.RETURNED), None)
    invalid = explain_form is not None or return_form is not None
    return render(request, "audits/ticket_detail.html", {
        "ticket": ticket,
        "rule": rule,
        "events": events,
        "last_return": last_return if ticket.status == TicketStatus.RETURNED else None,
        "actions": actions,
        "approve_label": "通过并销号" if approve_to == TicketStatus.CLOSED else "通过并提交县级终审",
        "explain_form": explain_form or ExplainForm(),
        "return_form": return_form or ReturnForm(),
        "final_level_county": ticket.final_level == ReviewLevel.COUNTY,
    }, status=400 if invalid else 200)


def _act(request, pk, *, action: str, comment: str = ""):
    """Run one transition for the signed-in user; 404 outside scope or role, a message otherwise."""
    try:
        ticket = services.ticket_transition(ticket_id=pk, user=request.user, action=action, comment=comment)
    except (services.TicketNotFound, services.TicketNotAllowed) as error:
        raise Http404(error.message) from None
    except services.TicketError as error:
        messages.error(request, error.message)
        return redirect("ticket_detail", pk=pk)
    messages.success(request, f"问题线索 #{ticket.pk}：{DONE[ticket.status]}")
    return redirect("ticket_list")


def _role_or_404(user, action: str) -> None:
    if not services.statuses_for(user, action):
        raise Http404(services.NOT_ALLOWED)


@login_required
@require_POST
def ticket_explain(request, pk):
    _role_or_404(request.user, "explain")
    _ticket_or_404(request.user, pk)
    form = ExplainForm(request.POST)
    if not form.is_valid():
        return ticket_detail(request, pk, explain_form=form)
    return _act(request, pk, action="explain", comment=form.cleaned_data["explanation"])


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
