"""A worker killed (SIGKILL) half-way through a batch or an import: nothing of the work is left, the
job is found stuck and marked failed (the upload deleted), and the rerun gives exactly the right result.

Real worker processes on Redis and PostgreSQL (CI); skipped without them.
"""

import signal
import time
from datetime import timedelta
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import transaction

from audits.models import Ticket
from households.models import Area, Household, Member
from households.workbook import messages as msg
from households.workbook.models import ImportStatus, RegistryImport
from households.workbook.services import registry_import_confirm, registry_import_upload, registry_imports_mark_stuck
from monitoring.celery import app as celery_app
from rules import services
from rules.models import Batch, BatchRuleResult, BatchStatus, RiskScore
from tests.builders import make_area, make_household, make_income, make_year
from tests.households.workbook.test_import_views import upload_file
from tests.households.workbook.workbooks import write_workbook

pytestmark = pytest.mark.django_db(transaction=True)

NOW = timedelta(0)  # "stuck" as soon as no worker holds the job, instead of after STUCK_JOB_MINUTES


def wait_until(condition, seconds: float = 90, what: str = ""):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.2)
    raise AssertionError(f"timed out waiting for {what or condition}")


def kill(process) -> None:
    process.send_signal(signal.SIGKILL)
    process.wait(timeout=30)


def tickets():
    return sorted(Ticket.objects.values_list("rule_id", "household_id", "member_key", "year"))


@pytest.fixture
def county(db):
    make_year(2025, "7600")
    village = make_area("230381100201", "金湾村")
    for n in range(30):
        household = make_household(village, members=2, phone="" if n % 2 else "13800000000")
        make_income(household, 2025, wage="1000" if n % 3 else "90000")
    return Area.objects.get(code="230381")


def test_a_batch_whose_worker_is_killed_leaves_nothing_is_marked_failed_and_reruns_exactly(
        county, workers, tmp_path):
    with transaction.atomic():  # what a batch must write, found in-process and rolled back
        services.batch_run_sync(batch=services.batch_create(area=county))
        expected = tickets()
        transaction.set_rollback(True)
    assert expected and not Ticket.objects.exists()

    worker = workers(pause=True)
    batch = services.batch_create(area=county)
    services.batch_start(batch=batch)
    wait_until((tmp_path / "paused").exists, what="the worker to reach the middle of the batch")
    assert Batch.objects.get(pk=batch.pk).status == BatchStatus.RUNNING
    assert services.batches_mark_stuck(older_than=NOW) == []  # a live worker holds it: not stuck

    kill(worker)
    assert not Ticket.objects.exists() and not RiskScore.objects.exists()  # its transaction died with it
    assert not BatchRuleResult.objects.exists()
    assert Batch.objects.get(pk=batch.pk).status == BatchStatus.RUNNING  # ...and would say so forever
    wait_until(lambda: services.batches_mark_stuck(older_than=NOW) == [batch.pk], seconds=20,
               what="PostgreSQL to release the dead worker's lock")
    failed = Batch.objects.get(pk=batch.pk)
    assert failed.status == BatchStatus.FAILED and "后台任务进程（worker）可能已中断" in failed.error

    workers()  # a new worker; the old batch's other group, still queued, finds it failed and does nothing
    rerun = services.batch_create(area=county)
    services.batch_start(batch=rerun)
    done = wait_until(lambda: Batch.objects.filter(pk=rerun.pk, status__in=[BatchStatus.DONE, BatchStatus.FAILED])
                      .first(), what="the rerun")
    assert done.status == BatchStatus.DONE, done.error
    assert tickets() == expected and len(set(expected)) == len(expected)
    assert sum(BatchRuleResult.objects.filter(batch=rerun).values_list("new", flat=True)) == len(expected)
    assert RiskScore.objects.count() == Household.objects.count()
    time.sleep(1)  # the failed batch's queued group has had its chance to run: it wrote nothing
    assert Batch.objects.get(pk=batch.pk).status == BatchStatus.FAILED and tickets() == expected


def validated_upload(user, path) -> RegistryImport:
    celery_app.conf.task_always_eager = True  # the dry run in-process; the import itself on the worker
    try:
        record = registry_import_upload(user=user, upload=upload_file(path))
    finally:
        celery_app.conf.task_always_eager = False
    record.refresh_from_db()
    assert record.status == ImportStatus.VALID, record.issues
    return record


def test_an_import_whose_worker_is_killed_leaves_nothing_is_marked_failed_its_file_deleted_and_reruns(
        world, workers, tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path / "media"
    path = write_workbook(tmp_path / "good.xlsx")
    households, members = Household.objects.count(), Member.objects.count()

    worker = workers(pause=True)
    record = validated_upload(world.county_staff, path)
    stored = Path(record.file.path)
    registry_import_confirm(record=record, user=world.county_staff)
    wait_until((tmp_path / "paused").exists, what="the worker to reach the middle of the import")
    assert registry_imports_mark_stuck(older_than=NOW) == []  # a live worker holds it

    kill(worker)
    assert (Household.objects.count(), Member.objects.count()) == (households, members)
    assert RegistryImport.objects.get(pk=record.pk).status == ImportStatus.IMPORTING
    call_command("mark_stuck_jobs", "--minutes", "0")  # what beat runs every five minutes
    wait_until(lambda: RegistryImport.objects.get(pk=record.pk).status == ImportStatus.FAILED
               or call_command("mark_stuck_jobs", "--minutes", "0"), seconds=20, what="the import marked failed")
    failed = RegistryImport.objects.get(pk=record.pk)
    assert failed.message == msg.IMPORT_STUCK.format(minutes=1)
    assert not failed.file and not stored.exists()  # the county's personal data is not left behind

    workers()
    again = validated_upload(world.county_staff, path)
    registry_import_confirm(record=again, user=world.county_staff)
    done = wait_until(lambda: RegistryImport.objects.filter(pk=again.pk).exclude(status=ImportStatus.IMPORTING)
                      .first(), what="the rerun")
    assert done.status == ImportStatus.IMPORTED, done.message
    assert Household.objects.count() == households + 2 and Member.objects.count() == members + 3
    assert sorted(Household.objects.filter(number__in=["H0001", "H0002"]).values_list("number", flat=True)) == [
        "H0001", "H0002"]
