"""An uploaded workbook never confirmed is deleted after a day (it holds a county's ID numbers);
downloading an import's problem report is recorded (it may hold full ID numbers)."""

import datetime
from pathlib import Path

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from households.workbook.models import ImportStatus, RegistryImport
from households.workbook.services import (
    ImportNotConfirmable, registry_import_confirm, registry_import_expire_unconfirmed, registry_import_upload,
)
from monitoring.settings import CELERY_BEAT_SCHEDULE
from tests.households.workbook.test_import_views import refused_import, upload_file  # noqa: F401  (fixture)
from tests.households.workbook.workbooks import write_workbook
from trail.models import AuditAction, AuditEvent

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def uploaded(world, tmp_path, capture, name="a.xlsx") -> RegistryImport:
    with capture(execute=True):
        record = registry_import_upload(user=world.county_staff, upload=upload_file(write_workbook(tmp_path / name)))
    record.refresh_from_db()
    assert record.status == ImportStatus.VALID and Path(record.file.path).exists()
    return record


def aged(record: RegistryImport, hours: float) -> RegistryImport:
    RegistryImport.objects.filter(pk=record.pk).update(created_at=timezone.now() - datetime.timedelta(hours=hours))
    return record


def test_a_workbook_not_confirmed_within_a_day_is_deleted_and_can_no_longer_be_confirmed(
        world, tmp_path, django_capture_on_commit_callbacks):
    stale = aged(uploaded(world, tmp_path, django_capture_on_commit_callbacks, "old.xlsx"), 25)
    fresh = aged(uploaded(world, tmp_path, django_capture_on_commit_callbacks, "new.xlsx"), 23)
    stale_path, fresh_path = Path(stale.file.path), Path(fresh.file.path)
    call_command("purge_unconfirmed_imports")
    stale.refresh_from_db()
    fresh.refresh_from_db()
    assert not stale_path.exists() and not stale.file
    assert stale.status == ImportStatus.INVALID and "未确认导入，工作簿已删除" in stale.message
    with pytest.raises(ImportNotConfirmable):
        registry_import_confirm(record=stale, user=world.county_staff)
    assert fresh_path.exists() and fresh.status == ImportStatus.VALID  # still awaiting confirmation
    purge = AuditEvent.objects.get(action=AuditAction.PURGE)
    assert purge.county == "230381" and purge.detail["imports"] == [stale.pk]
    assert registry_import_expire_unconfirmed() == 0  # nothing left to do: no second event


def test_a_confirmed_import_is_not_touched(world, tmp_path, django_capture_on_commit_callbacks):
    record = uploaded(world, tmp_path, django_capture_on_commit_callbacks)
    with django_capture_on_commit_callbacks(execute=True):
        registry_import_confirm(record=record, user=world.county_staff)
    aged(record, 48)
    assert registry_import_expire_unconfirmed() == 0
    record.refresh_from_db()
    assert record.status == ImportStatus.IMPORTED


def test_the_expiry_and_the_audit_purge_are_in_beats_schedule():
    tasks = {entry["task"] for entry in CELERY_BEAT_SCHEDULE.values()}
    assert {"households.tasks.registry_import_expire_task", "trail.tasks.audit_purge_task"} <= tasks


def test_downloading_an_import_problem_report_is_recorded(client, world, refused_import):  # noqa: F811
    client.force_login(world.county_staff)
    response = client.get(reverse("registry_import_report", args=[refused_import.pk]))
    assert response.status_code == 200
    event = AuditEvent.objects.get(action=AuditAction.DOWNLOAD)
    assert event.actor == world.county_staff and event.county == "230381"
    assert event.detail == {"kind": "registry_import_report", "import": refused_import.pk}
