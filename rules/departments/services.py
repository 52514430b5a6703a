"""Writes of 部门数据 on screen: an upload, stored all or nothing, and its line in the audit trail."""

import tempfile
from pathlib import PurePath

from django.db import transaction

from households.scope import county_of
from trail.models import AuditAction
from trail.services import audit_record

from rules.department_import import DepartmentImportError, DepartmentImportResult, department_import


def department_upload(*, user, source: str, year: int, upload, request=None) -> DepartmentImportResult:
    """Import an uploaded list as the newest batch of `source` and `year` for the uploader's county.

    Raises DepartmentImportError (with every problem) and saves nothing when any row is wrong;
    the attempt is logged either way.
    """
    file_name = PurePath(upload.name).name[:255]
    subject = f"部门数据 {source} {year} 年度"
    with tempfile.NamedTemporaryFile(suffix=PurePath(upload.name).suffix.lower()) as copy:
        for chunk in upload.chunks():
            copy.write(chunk)
        copy.flush()
        try:
            with transaction.atomic():
                result = department_import(source=source, path=copy.name, year=year, user=user,
                                           county=county_of(user), file_name=file_name)
                audit_record(action=AuditAction.IMPORT, request=request, actor=user, subject=subject, detail={
                    "batch": result.batch.pk, "file": file_name, "rows": result.rows, "matched": result.matched})
        except DepartmentImportError as error:
            audit_record(action=AuditAction.IMPORT, request=request, actor=user, subject=subject, success=False,
                         detail={"refused": str(error), "file": file_name, "problems": len(error.problems)})
            raise
    return result
