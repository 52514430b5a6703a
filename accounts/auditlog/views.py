"""/accounts/audit-log/: the county's audit trail for its county staff, filtered, paged, exported.

Anyone else gets 403 (no role may read another's trail). Every export is itself an EXPORT
event with its filters and row count.
"""

import tempfile

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import FileResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from trail.models import AuditAction, AuditEvent
from trail.selectors import audit_events_of
from trail.services import audit_record

from accounts import permissions
from accounts.auditlog.forms import AuditLogFilterForm
from accounts.auditlog.workbook import TooManyEvents, audit_log_write

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _reader_or_403(user) -> str:
    """The user's county; 403 for anyone who may not read the audit log."""
    if not permissions.can_view_audit_log(user):
        raise PermissionDenied("只有县级数据管理员可以查看审计日志")
    return user.area_id[:6]


def _events(county: str, form: AuditLogFilterForm):
    """The county's events for a valid filter form; none while a filter is wrong."""
    if not form.is_valid():
        return AuditEvent.objects.none()
    return audit_events_of(county, **form.query()).select_related("actor")


@login_required
def audit_log(request):
    county = _reader_or_403(request.user)
    form = AuditLogFilterForm(request.GET)
    page = Paginator(_events(county, form), settings.PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "accounts/audit_log.html", {"form": form, "page": page})


@login_required
@require_POST
def audit_log_export(request):
    """The filtered log as a workbook, written to a temporary file (deleted when the response
    closes it) and streamed from there."""
    county = _reader_or_403(request.user)
    form = AuditLogFilterForm(request.POST)
    if not form.is_valid():
        messages.error(request, "筛选条件有误，请改正后再导出。")
        return redirect("audit_log")
    out = tempfile.TemporaryFile(suffix=".xlsx")  # noqa: SIM115  closed by the response
    try:
        rows = audit_log_write(events=_events(county, form), out=out)
    except TooManyEvents as refused:
        out.close()
        messages.error(request, str(refused))
        return redirect("audit_log")
    out.seek(0)
    filters = {name: str(value) for name, value in form.filters.items()}
    audit_record(action=AuditAction.EXPORT, request=request, subject=f"审计日志 {county}",
                 detail={"kind": "audit_log", "county": county, "filters": filters, "rows": rows})
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    return FileResponse(out, as_attachment=True, filename=f"审计日志-{county}-{stamp}.xlsx", content_type=XLSX)
