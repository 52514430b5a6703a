"""Pages of the registry import, for county staff only (everyone else gets 404)."""

import io
import tempfile

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from trail.models import AuditAction
from trail.services import audit_record

from households.workbook import services as import_services
from households.workbook.exporter import registry_export, write_template
from households.workbook.forms import RegistryUploadForm
from households.workbook import messages as msg
from households.workbook.models import ImportStatus, RegistryImport
from households.workbook.template import SHEETS
from households.workbook.safety import limit

STOP_POLLING = 286  # htmx stops an `every 1s` trigger on this status


def _importer_or_404(user) -> None:
    if not user.can.import_registry():
        raise Http404("页面不存在")


def _import_or_404(user, pk: int) -> RegistryImport:
    _importer_or_404(user)
    return get_object_or_404(import_services.registry_imports_for(user), pk=pk)


@login_required
def registry_import_list(request):
    _importer_or_404(request.user)
    imports = import_services.registry_imports_for(request.user)
    page = Paginator(imports, settings.PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "households/registry_import_list.html", {"page": page})


@login_required
def registry_import_new(request):
    _importer_or_404(request.user)
    form = RegistryUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        record = import_services.registry_import_upload(user=request.user, upload=form.cleaned_data["workbook"])
        return redirect("registry_import_detail", pk=record.pk)
    return render(request, "households/registry_import_new.html", {
        "form": form, "sheets": SHEETS, "max_rows": limit("MAX_ROWS"),
    })


@login_required
def registry_import_detail(request, pk):
    record = _import_or_404(request.user, pk)
    return render(request, "households/registry_import_detail.html", _status_context(record))


@login_required
def registry_import_status(request, pk):
    """The status block alone, polled by htmx while the work runs; 286 once it is over."""
    record = _import_or_404(request.user, pk)
    response = render(request, "households/_registry_import_status.html", _status_context(record))
    if not record.is_running:
        response.status_code = STOP_POLLING
    return response


@login_required
@require_POST
def registry_import_confirm(request, pk):
    record = _import_or_404(request.user, pk)
    try:
        import_services.registry_import_confirm(record=record, user=request.user)
    except import_services.ImportNotConfirmable as refused:
        messages.error(request, str(refused))
    else:
        record.refresh_from_db(fields=["status"])
        if record.status == ImportStatus.VALID:  # the import's task could not be queued
            messages.error(request, msg.QUEUE_UNAVAILABLE_CONFIRM)
    return redirect("registry_import_detail", pk=record.pk)


@login_required
def registry_import_report(request, pk):
    record = _import_or_404(request.user, pk)
    if not record.error_report:
        raise Http404("这次导入没有问题清单")
    try:
        handle = record.error_report.open("rb")
    except FileNotFoundError:
        raise Http404("问题清单文件已不在服务器上") from None
    name = f"{record.file_name.removesuffix('.xlsx')}_问题清单.xlsx"
    audit_record(action=AuditAction.DOWNLOAD, request=request, subject=f"导入问题清单 {name}",
                 detail={"kind": "registry_import_report", "import": record.pk})  # it may hold full IDs
    return FileResponse(handle, as_attachment=True, filename=name)


@login_required
def registry_import_template(request):
    """The empty workbook: the five sheets with their headers, to fill in by hand."""
    _importer_or_404(request.user)
    handle = io.BytesIO()
    write_template(handle)
    handle.seek(0)
    return FileResponse(handle, as_attachment=True, filename="登记数据导入模板.xlsx")


@login_required
@require_POST
def registry_export_download(request):
    """The registry workbook of the user's county (the import's shape, full ID numbers and phones).

    Written in write-only mode to a temporary file (deleted when the response closes it) and
    streamed from there, like `export_registry`; every download is an EXPORT audit event.
    """
    user = request.user
    if not user.can.export_registry():
        raise Http404("页面不存在")
    county = user.area_id
    out = tempfile.TemporaryFile(suffix=".xlsx")  # noqa: SIM115  closed by the response
    counts = registry_export(out=out, county=county, user=user)
    out.seek(0)
    audit_record(
        action=AuditAction.EXPORT, request=request, subject=f"登记数据 {county}",
        detail={"kind": "registry", "county": county, "rows": counts},
    )
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    return FileResponse(out, as_attachment=True, filename=f"登记数据-{county}-{stamp}.xlsx",
                        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")


def _status_context(record: RegistryImport) -> dict:
    if record.is_running and import_services.registry_imports_mark_stuck(import_id=record.pk):
        record.refresh_from_db()  # its worker died: say so now rather than at the next sweep
    errors = [issue for issue in record.issues if issue.get("level") == "error"]
    warnings = [issue for issue in record.issues if issue.get("level") == "warning"]
    counts = [(spec.name, record.counts.get(spec.name)) for spec in SHEETS if record.counts.get(spec.name)]
    return {
        "record": record,
        "counts": counts,
        "errors": errors,
        "warnings": warnings,
        "unlisted_errors": max(0, record.error_count - len(errors)),
        "progress": import_services.registry_import_progress(record),
    }
