"""The life of a registry import: upload, dry run, confirmation, import, history.

Uploads are validated (a dry run) by a Celery task; county staff read the result and
confirm, and a second task validates the same file again (the database may have moved
on) and writes it. Without a broker both tasks run in-process, so the page the user
lands on already shows the outcome. Status changes are compare-and-set.
"""

import datetime
import logging
import tempfile
import uuid
from pathlib import Path

from celery.result import AsyncResult
from django.conf import settings
from django.core.files import File
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from trail.models import AuditAction
from trail.services import audit_record

from households import tasks  # a module: tasks.py imports this one back to run its services
from households.jobs import job_hold, job_mark_if_unheld, job_send, stuck_after
from households.workbook import messages as msg
from households.workbook.report import write_error_report
from households.workbook.importer import ImportResult, Issue, Progress, registry_import
from households.workbook.models import ImportSource, ImportStatus, RegistryImport
from households.workbook.safety import UnsafeWorkbook

logger = logging.getLogger(__name__)
ISSUES_ON_PAGE = 1000
UNCONFIRMED_HOURS = 24  # an upload never confirmed loses its workbook after this long


class ImportNotConfirmable(Exception):
    """The import is not waiting for confirmation (already confirmed, or its dry run failed)."""


def registry_imports_for(user):
    """The imports a county staff member may see: their county's. Nobody else sees any."""
    if not user.can.import_registry():
        return RegistryImport.objects.none()
    return RegistryImport.objects.filter(county=user.area_id).select_related("created_by")


def registry_import_upload(*, user, upload) -> RegistryImport:
    """Keep an uploaded workbook (already checked by the form) and queue its dry run."""
    record = RegistryImport(
        created_by=user, username=user.get_username(), source=ImportSource.WEB, county=user.area_id,
        file_name=Path(upload.name).name[:255], file_size=upload.size, task_id=str(uuid.uuid4()),
    )
    record.file.save(f"{uuid.uuid4().hex}.xlsx", upload, save=False)
    record.save()
    transaction.on_commit(lambda: job_send(tasks.registry_import_validate_task, record.pk, task_id=record.task_id,
                                           on_unavailable=lambda: _fail(record.pk, msg.QUEUE_UNAVAILABLE_UPLOAD)))
    return record


def registry_import_validate(*, import_id: int, progress: Progress | None = None) -> RegistryImport:
    """The dry run of an uploaded workbook, recorded on the import."""
    record = RegistryImport.objects.get(pk=import_id)
    if record.status != ImportStatus.VALIDATING:
        return record  # a duplicate delivery, or marked failed (stuck) before this one came
    outcome = _run(record, dry_run=True, progress=progress)
    if outcome is not None:
        _finish(record, outcome, ImportStatus.VALID if outcome.ok else ImportStatus.INVALID)
    return record


def registry_import_confirm(*, record: RegistryImport, user) -> None:
    """Start the import of a validated upload; raises ImportNotConfirmable when it is not waiting."""
    task_id = str(uuid.uuid4())
    confirmed = RegistryImport.objects.filter(pk=record.pk, status=ImportStatus.VALID).update(
        status=ImportStatus.IMPORTING, dry_run=False, task_id=task_id, finished_at=None,
        confirmed_by=user, confirmed_at=timezone.now(),
    )
    if not confirmed:
        record.refresh_from_db()
        raise ImportNotConfirmable(msg.IMPORT_NOT_CONFIRMABLE.format(status=record.get_status_display()))
    transaction.on_commit(lambda: job_send(tasks.registry_import_run_task, record.pk, task_id=task_id,
                                           on_unavailable=lambda: _unconfirm(record.pk)))


def _unconfirm(import_id: int) -> None:
    """The import's task could not be queued: it waits for confirmation again, nothing written."""
    RegistryImport.objects.filter(pk=import_id, status=ImportStatus.IMPORTING).update(
        status=ImportStatus.VALID, dry_run=True, confirmed_by=None, confirmed_at=None)


def _fail(import_id: int, message: str) -> bool:
    """End a validating or importing record as failed with `message`, and delete its upload."""
    record = RegistryImport.objects.filter(
        pk=import_id, status__in=[ImportStatus.VALIDATING, ImportStatus.IMPORTING]).first()
    if record is None:
        return False
    if record.file:
        record.file.delete(save=False)
    record.status, record.message, record.finished_at = ImportStatus.FAILED, message, timezone.now()
    record.save(update_fields=["status", "message", "finished_at", "file"])
    return True


def registry_imports_mark_stuck(*, older_than=None, import_id: int | None = None) -> list[int]:
    """Mark failed (deleting their uploads) the imports validating or importing for longer than
    `older_than` (default STUCK_JOB_MINUTES) that no worker is running; their ids."""
    older_than = stuck_after() if older_than is None else older_than
    since = timezone.now() - older_than
    candidates = RegistryImport.objects.filter(
        Q(status=ImportStatus.VALIDATING, created_at__lt=since)
        | Q(status=ImportStatus.IMPORTING, confirmed_at__lt=since))
    if import_id is not None:
        candidates = candidates.filter(pk=import_id)
    message = msg.IMPORT_STUCK.format(minutes=max(1, round(older_than.total_seconds() / 60)))
    return [pk for pk in candidates.values_list("pk", flat=True)
            if job_mark_if_unheld("registry_import", pk, lambda pk=pk: _fail(pk, message))]


def registry_import_run(*, import_id: int, progress: Progress | None = None) -> RegistryImport:
    """Validate the confirmed workbook again and write it, all or nothing."""
    record = RegistryImport.objects.get(pk=import_id)
    if record.status != ImportStatus.IMPORTING:
        return record  # a duplicate delivery of the task: the first one did the work
    try:
        outcome = _run(record, dry_run=False, progress=progress)
    except Exception as error:  # anything at all: the transaction is rolled back; say so
        logger.exception("registry import %s failed", record.pk)
        record.status, record.message, record.finished_at = (
            ImportStatus.FAILED, msg.IMPORT_CRASHED.format(error=error), timezone.now())
        record.file.delete(save=False)
        record.save(update_fields=["status", "message", "finished_at", "file"])
        return record
    if outcome is not None:
        _finish(record, outcome, ImportStatus.IMPORTED if outcome.written else ImportStatus.INVALID)
    return record


def registry_import_record_command(*, path: Path, result: ImportResult, username: str,
                                   county: str) -> RegistryImport:
    """Put a command-line run into the import history (its error report lies beside the file)."""
    record = RegistryImport(
        username=username, source=ImportSource.COMMAND, county=county, file_name=path.name[:255],
        file_size=path.stat().st_size, dry_run=result.dry_run,
    )
    status = ImportStatus.IMPORTED if result.written else ImportStatus.VALID if result.ok else ImportStatus.INVALID
    _finish(record, result, status, store_report=False)
    return record


def registry_import_expire_unconfirmed(*, now=None) -> int:
    """Delete the workbooks of uploads never confirmed within UNCONFIRMED_HOURS (they hold a
    county's ID numbers); each such import can no longer be confirmed and says why. One PURGE
    audit event per county. Returns how many workbooks were deleted."""
    cutoff = (now or timezone.now()) - datetime.timedelta(hours=UNCONFIRMED_HOURS)
    stale = (RegistryImport.objects.filter(dry_run=True, created_at__lt=cutoff,
                                           status__in=[ImportStatus.VALID, ImportStatus.INVALID])
             .exclude(file="").order_by("pk"))
    expired: dict[str, list[int]] = {}
    for record in stale:
        # compare-and-set: a confirmation that got there first keeps its file
        if not RegistryImport.objects.filter(pk=record.pk, dry_run=True, status=record.status).update(
                status=ImportStatus.INVALID, file="",
                message=msg.UPLOAD_EXPIRED.format(hours=UNCONFIRMED_HOURS)):
            continue
        record.file.delete(save=False)
        expired.setdefault(record.county, []).append(record.pk)
    for county, ids in expired.items():
        audit_record(action=AuditAction.PURGE, subject=f"未确认导入的登记数据工作簿 {len(ids)} 个", county=county,
                     detail={"kind": "registry_import", "imports": ids, "hours": UNCONFIRMED_HOURS})
    return sum(len(ids) for ids in expired.values())


def registry_import_progress(record: RegistryImport) -> tuple[int, int] | None:
    """(rows done, rows in all) of a running import, from its Celery task; None when unknown."""
    if not record.is_running or not record.task_id or settings.CELERY_TASK_ALWAYS_EAGER:
        return None
    if not settings.CELERY_RESULT_BACKEND:
        return None
    try:
        info = AsyncResult(record.task_id).info
    except Exception:  # noqa: BLE001  the result backend is down: an indeterminate bar will do
        return None
    if isinstance(info, dict) and info.get("total"):
        return int(info["done"]), int(info["total"])
    return None


def _run(record: RegistryImport, *, dry_run: bool, progress: Progress | None) -> ImportResult | None:
    """The importer on the stored file; an unsafe or vanished file ends the import as invalid."""
    scope = record.county if record.source == ImportSource.WEB else None
    try:
        if not record.file or not Path(record.file.path).exists():
            raise UnsafeWorkbook(msg.FILE_MISSING)
        with transaction.atomic():
            job_hold("registry_import", record.pk)  # a worker killed in here releases it: the import is stuck
            if not RegistryImport.objects.filter(pk=record.pk, status=record.status).exists():
                return None  # marked stuck while this delivery waited for the lock
            return registry_import(path=record.file.path, dry_run=dry_run, scope=scope, progress=progress)
    except UnsafeWorkbook as refused:
        if record.file:
            record.file.delete(save=False)
        record.status, record.error_count, record.finished_at = ImportStatus.INVALID, 1, timezone.now()
        record.message = refused.message
        record.issues = [_issue_dict(Issue("", None, "", "", refused.message))]
        record.save()
        return None


def _issue_dict(issue: Issue) -> dict:
    return {"sheet": issue.sheet, "row": issue.row, "column": issue.column, "value": issue.value,
            "message": issue.message, "level": issue.level}


def _finish(record: RegistryImport, result: ImportResult, status: str, *, store_report: bool = True) -> None:
    record.status = status
    record.counts = result.counts_as_dict()
    record.error_count = result.error_count
    record.warning_count = len(result.warnings)
    record.issues = [_issue_dict(issue) for issue in [*result.errors, *result.warnings][:ISSUES_ON_PAGE]]
    record.message = msg.IMPORT_REFUSED.format(count=result.error_count) if result.error_count else ""
    record.finished_at = timezone.now()
    if record.file and status != ImportStatus.VALID:
        # The upload holds personal data of a whole county: keep it only while it awaits confirmation.
        record.file.delete(save=False)
    if store_report and (result.errors or result.warnings):
        with tempfile.TemporaryFile() as handle:
            write_error_report(result, handle)
            handle.seek(0)
            record.error_report.save(f"{uuid.uuid4().hex}.xlsx", File(handle), save=False)
    record.save()
