"""The ledger page (/ledger/) and its Excel download.

County staff and township reviewers read and download their scope's ledger; inspectors
read it; anyone else gets a 404. Only county staff may ask for full ID numbers. Every
download is an EXPORT audit event with its filters, and county staff see the recent ones.
"""

import tempfile

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import FileResponse, Http404
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_POST

from accounts import permissions
from households.scope import scope_prefix

from audits import selectors
from audits.ledger.workbook import ledger_number, ledger_queryset, ledger_write
from audits.models import Exemption, Ticket, TicketStatus
from trail.models import AuditAction, AuditEvent
from trail.services import audit_record
from audits.forms import TicketFilterForm

NOT_FOUND = "没有可查看的问题台账"
RECENT_EXPORTS = 10


class LedgerFilterForm(TicketFilterForm):
    """The queue's filters; an empty status means every status (the ledger has no 待办), and the
    ledger keeps its own order (village, household, date found)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        del self.fields["sort"]
        self.fields["status"].choices = [("", "全部状态")] + list(TicketStatus.choices)


def _reader_or_404(user) -> None:
    if not permissions.can_view_ledger(user):
        raise Http404(NOT_FOUND)


def _downloader_or_404(user) -> None:
    if not permissions.can_export_ledger(user):
        raise Http404(NOT_FOUND)


def ledger_tickets(*, user, filters: dict):
    """The tickets in `user`'s scope matching the queue's filters, the status included."""
    queryset = selectors.filtered(Ticket.objects.in_scope(user), filters)
    if filters.get("status"):
        queryset = queryset.filter(status=filters["status"])
    return queryset


def recent_exports(*, user):
    """The latest exports by people of `user`'s area, and command-line exports of its county."""
    prefix = scope_prefix(user)
    return (AuditEvent.objects.filter(action=AuditAction.EXPORT)
            .filter(Q(actor__area__code__startswith=prefix) | Q(actor__isnull=True, detail__county=prefix[:6]))
            .select_related("actor")[:RECENT_EXPORTS])


@login_required
def ledger(request):
    user = request.user
    _reader_or_404(user)
    form = LedgerFilterForm(request.GET or None, user=user)
    filters = form.filters
    tickets = ledger_tickets(user=user, filters=filters)
    page = Paginator(ledger_queryset(tickets), settings.PAGE_SIZE).get_page(request.GET.get("page"))
    for ticket in page.object_list:
        ticket.ledger_number = ledger_number(ticket)
    counts = selectors.status_counts(user=user, filters=filters)
    return render(request, "audits/ledger.html", {
        "form": form,
        "page": page,
        "status_counts": [{"value": value, "label": label, "count": counts.get(value, 0)}
                          for value, label in TicketStatus.choices],
        "total": sum(counts.values()),
        "overdue_count": tickets.overdue().count(),
        "can_download": permissions.can_export_ledger(user),
        "can_full_ids": permissions.can_export_full_ids(user),
        "exemptions_holding": Exemption.objects.in_scope(user).holding().count(),
        "exports": recent_exports(user=user) if permissions.can_view_export_log(user) else None,
    })


@login_required
@require_POST
def ledger_download(request):
    """The workbook of the filtered ledger, written in write-only mode to a temporary file
    (deleted when the response closes it) and streamed from there."""
    user = request.user
    _downloader_or_404(user)
    form = LedgerFilterForm(request.POST, user=user)
    filters = form.filters
    full_ids = permissions.can_export_full_ids(user) and request.POST.get("full_ids") == "on"
    out = tempfile.TemporaryFile(suffix=".xlsx")
    rows = ledger_write(tickets=ledger_tickets(user=user, filters=filters), out=out, full_ids=full_ids,
                        exemptions=Exemption.objects.in_scope(user))
    out.seek(0)
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    audit_record(
        action=AuditAction.EXPORT, request=request,
        subject=f"问题台账 {user.area_id}" + ("（完整证件号码）" if full_ids else ""),
        detail={"kind": "ledger", "area": user.area_id, "county": user.area_id[:6],
                "filters": {name: str(value) for name, value in filters.items()},
                "full_ids": full_ids, "rows": rows},
    )
    return FileResponse(out, as_attachment=True, filename=f"问题台账-{user.area_id}-{stamp}.xlsx",
                        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
