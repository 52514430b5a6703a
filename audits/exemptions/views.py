"""豁免清单 pages: the list (/ledger/exemptions/), granting one (/ledger/exemptions/new/), revoking one.

Whoever reads the ledger reads the exemptions of their scope; only county staff grant and
revoke them (the inspector gets 403 on those pages, other roles 404).
"""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from accounts import permissions

from audits import rule_facts
from audits.exemptions import selectors, services
from audits.exemptions.forms import ExemptionFilterForm, ExemptionForm, RevokeForm
from audits.exemptions.models import Exemption, ExemptionState
from audits.models import Ticket

NOT_FOUND = "没有可查看的豁免清单"
READ_ONLY = "督导只能查看豁免清单，不能登记或撤销豁免"


def _reader_or_404(user) -> None:
    if not permissions.can_view_exemptions(user):
        raise Http404(NOT_FOUND)


def _granter_or_refuse(user) -> None:
    if permissions.can_exempt(user):
        return
    if permissions.can_view_exemptions(user):
        raise PermissionDenied(READ_ONLY)
    raise Http404(NOT_FOUND)


@login_required
def exemption_list(request):
    user = request.user
    _reader_or_404(user)
    form = ExemptionFilterForm(request.GET or None)
    filters = form.filters
    page = Paginator(selectors.exemptions_of(user=user, filters=filters), settings.PAGE_SIZE).get_page(
        request.GET.get("page"))
    counts = selectors.state_counts(user=user, rule_id=filters.get("rule"))
    for exemption in page.object_list:
        exemption.rule_name = rule_facts.name_of(exemption.rule_id)
    return render(request, "audits/exemptions/list.html", {
        "form": form,
        "page": page,
        "states": [(value, label, counts[value]) for value, label in ExemptionState.choices],
        "can_exempt": permissions.can_exempt(user),
        "revoke_form": RevokeForm(),
    })


def _ticket_in_scope(user, pk) -> Ticket | None:
    if not pk:
        return None
    try:
        return get_object_or_404(Ticket.objects.in_scope(user).select_related("household", "member"), pk=int(pk))
    except (TypeError, ValueError):
        raise Http404 from None


@login_required
def exemption_new(request):
    user = request.user
    _granter_or_refuse(user)
    data = request.POST if request.method == "POST" else None
    ticket = _ticket_in_scope(user, (data or request.GET).get("ticket"))
    initial = {"rule": request.GET.get("rule", "")}
    form = ExemptionForm(data, user=user, ticket=ticket, initial=initial)
    if data is not None and form.is_valid():
        values = form.cleaned_data
        try:
            exemption = services.exemption_create(
                user=user, rule_id=values["rule"], household=values["household"], member=values["member"],
                reason=values["reason"], ends_on=values["ends_on"], request=request)
        except services.ExemptionError as error:
            field = error.field if error.field in form.fields else None
            form.add_error(field, str(error))
        else:
            messages.success(request, f"已登记豁免：{exemption.rule_id} 户 {exemption.household.number}，"
                                      f"至 {exemption.ends_on:%Y-%m-%d}。")
            return redirect(f"{_list_url()}?rule={exemption.rule_id}")
    return render(request, "audits/exemptions/new.html", {
        "form": form,
        "ticket": ticket,
        "rule": rule_facts.facts_of(ticket.rule_id) if ticket else None,
    }, status=400 if data is not None else 200)


@login_required
@require_POST
def exemption_revoke(request, pk):
    user = request.user
    _granter_or_refuse(user)
    exemption = get_object_or_404(Exemption.objects.in_scope(user).select_related("household"), pk=pk)
    form = RevokeForm(request.POST)
    if not form.is_valid():
        messages.error(request, "请填写撤销理由。")
    else:
        try:
            services.exemption_revoke(user=user, exemption=exemption, reason=form.cleaned_data["reason"],
                                      request=request)
        except services.ExemptionError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, f"已撤销豁免：{exemption.rule_id} 户 {exemption.household.number}，"
                                      "该户已重新检查。")
    return redirect(f"{_list_url()}?rule={exemption.rule_id}")


def _list_url() -> str:
    return reverse("exemption_list")
