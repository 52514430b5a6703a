"""A batch group that loses its database connection (PostgreSQL restarted, or down a while) is
retried by its task up to three times; the fourth failure marks the batch failed, and a rerun
writes exactly the right tickets. In-process (eager retries run at once), on any database."""

import pytest
from django.db import OperationalError, transaction

from monitoring.celery import app as celery_app
from rules import services, tasks
from rules.models import Batch, BatchStatus
from tests.faults.test_postgres_restart import seed_county
from tests.faults.test_worker_killed import tickets

pytestmark = pytest.mark.django_db


@pytest.fixture
def failing_groups(monkeypatch):
    """failing_groups(n): the next n group runs lose their connection half-way (nothing committed)."""
    run = services.batch_run_group
    left = [0]

    def run_or_lose_the_connection(**kwargs):
        with transaction.atomic():
            outcome = run(**kwargs)
            if left[0]:
                left[0] -= 1
                raise OperationalError("server closed the connection unexpectedly")  # its writes roll back
        return outcome

    monkeypatch.setattr(services, "batch_run_group", run_or_lose_the_connection)
    return lambda n: left.__setitem__(0, n)


def run_tasks(batch: Batch) -> list[str]:
    """Each group's task, in this process, retries included (at once); their final states."""
    saved = celery_app.conf.task_eager_propagates
    celery_app.conf.task_eager_propagates = False  # else an eager retry raises instead of running again
    try:
        return [tasks.run_batch_group.apply(args=(batch.pk, group)).state for group in services.batch_groups(batch)]
    finally:
        celery_app.conf.task_eager_propagates = saved


def expected_tickets(county) -> list:
    with transaction.atomic():
        services.batch_run_sync(batch=services.batch_create(area=county))
        expected = tickets()
        transaction.set_rollback(True)
    assert expected
    return expected


def test_a_group_that_loses_its_connection_three_times_is_retried_and_the_batch_is_exact(failing_groups):
    county = seed_county()
    expected = expected_tickets(county)
    batch = services.batch_create(area=county)
    failing_groups(3)
    assert set(run_tasks(batch)) == {"SUCCESS"}
    assert Batch.objects.get(pk=batch.pk).status == BatchStatus.DONE
    assert tickets() == expected and len(set(expected)) == len(expected)


def test_a_fourth_failure_marks_the_batch_failed_and_a_rerun_is_exact(failing_groups):
    county = seed_county()
    expected = expected_tickets(county)
    batch = services.batch_create(area=county)
    failing_groups(4)
    assert run_tasks(batch)[0] == "FAILURE"
    failed = Batch.objects.get(pk=batch.pk)
    assert failed.status == BatchStatus.FAILED and "OperationalError" in failed.error
    assert tickets() == []

    rerun = services.batch_create(area=county)
    assert set(run_tasks(rerun)) == {"SUCCESS"}
    assert Batch.objects.get(pk=rerun.pk).status == BatchStatus.DONE
    assert tickets() == expected
