"""How a job whose worker died is found: opening its page, Celery beat every five minutes; and why a
task caught half-way by a dying worker is delivered again (acknowledged late)."""

from datetime import timedelta

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from rules import tasks
from rules.models import Batch, BatchStatus

pytestmark = pytest.mark.django_db


def test_opening_a_stuck_batchs_page_marks_it_failed(client, world):
    old = timezone.now() - timedelta(minutes=settings.STUCK_JOB_MINUTES + 1)
    batch = Batch.objects.create(county_id="230381", area_id="230381", year=2025, rule_ids=["B06"],
                                 groups_total=1, status=BatchStatus.RUNNING, heartbeat_at=old)
    client.force_login(world.county_staff)
    page = client.get(reverse("rules_batch", args=[batch.pk])).content.decode()
    batch.refresh_from_db()
    assert batch.status == BatchStatus.FAILED and "可能已中断" in batch.error and "可能已中断" in page


def test_a_batch_with_recent_progress_is_not_stuck(client, world):
    batch = Batch.objects.create(county_id="230381", area_id="230381", year=2025, rule_ids=["B06"],
                                 groups_total=1, status=BatchStatus.RUNNING, heartbeat_at=timezone.now())
    client.force_login(world.county_staff)
    client.get(reverse("rules_batch", args=[batch.pk]))
    assert Batch.objects.get(pk=batch.pk).status == BatchStatus.RUNNING


def test_beat_looks_for_stuck_jobs_every_five_minutes(world):
    assert settings.CELERY_BEAT_SCHEDULE["mark-stuck-jobs"] == {"task": "rules.tasks.mark_stuck_jobs",
                                                                 "schedule": 5 * 60}
    old = timezone.now() - timedelta(minutes=settings.STUCK_JOB_MINUTES + 1)
    batch = Batch.objects.create(county_id="230381", area_id="230381", year=2025, rule_ids=["B06"],
                                 groups_total=1, status=BatchStatus.QUEUED, created_at=old)
    Batch.objects.filter(pk=batch.pk).update(created_at=old)
    assert tasks.mark_stuck_jobs() == {"batches": [batch.pk], "registry_imports": []}


def test_job_tasks_are_acknowledged_late_and_delivered_again_if_their_worker_dies():
    from households.tasks import registry_import_run_task

    for task in (tasks.run_batch_group, registry_import_run_task):
        assert task.acks_late and task.reject_on_worker_lost, task.name
    # Redis delivers an unacknowledged task again after the visibility timeout: Celery's default (one hour)
    assert "visibility_timeout" not in settings.CELERY_BROKER_TRANSPORT_OPTIONS


def test_opening_a_stuck_imports_page_marks_it_failed(client, world):
    from households.workbook.models import ImportStatus, RegistryImport

    old = timezone.now() - timedelta(minutes=settings.STUCK_JOB_MINUTES + 1)
    record = RegistryImport.objects.create(created_by=world.county_staff, county="230381", file_name="x.xlsx",
                                           status=ImportStatus.IMPORTING, confirmed_at=old)
    client.force_login(world.county_staff)
    page = client.get(reverse("registry_import_detail", args=[record.pk])).content.decode()
    record.refresh_from_db()
    assert record.status == ImportStatus.FAILED and "可能已中断" in record.message and "可能已中断" in page


@pytest.mark.parametrize("status", ["failed", "imported"])
def test_a_late_delivery_of_an_import_no_longer_importing_does_nothing(world, status):
    from households.models import Household
    from households.workbook.models import RegistryImport
    from households.workbook.services import registry_import_run

    record = RegistryImport.objects.create(created_by=world.county_staff, county="230381", file_name="x.xlsx",
                                           status=status, message="原来的结果")
    households = Household.objects.count()
    registry_import_run(import_id=record.pk)
    record.refresh_from_db()
    assert (record.status, record.message, Household.objects.count()) == (status, "原来的结果", households)
