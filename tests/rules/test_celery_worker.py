"""A real batch through a real Celery worker on Redis (CI: PostgreSQL and Redis are running)."""

import os
import subprocess
import sys
import time
import uuid

import pytest
from django.conf import settings
from django.db import connection

from audits.models import Ticket
from households.models import Area
from monitoring.celery import app as celery_app
from rules import services
from rules.models import Batch, BatchStatus
from tests.builders import make_household, make_income

BROKER = os.environ.get("CELERY_BROKER_URL", "")
# `python -m celery …` with the clock of the process that starts it (its time.time() as argv[1]).
CLOCK_LAUNCHER = ("import sys, time_machine; time_machine.travel(float(sys.argv.pop(1))).start(); "
                  "sys.argv[0] = 'celery'; from celery.__main__ import main; main()")

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(not BROKER, reason="needs CELERY_BROKER_URL (Redis), as CI sets"),
]


@pytest.fixture
def worker(request):
    """A worker process on its own queue, reading the test database (and this session's clock)."""
    if connection.vendor != "postgresql":
        pytest.skip("a worker process cannot see an in-memory SQLite test database")
    db = connection.settings_dict
    queue = f"test-{uuid.uuid4().hex[:8]}"
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "monitoring.settings_test",
        "DATABASE_URL": f"postgres://{db['USER']}:{db['PASSWORD']}@{db['HOST']}:{db['PORT']}/{db['NAME']}",
        "CELERY_BROKER_URL": BROKER,
    }
    command = [sys.executable, "-m", "celery", "-A", "monitoring", "worker", "--pool=solo", "-Q", queue,
               "--without-gossip", "--without-mingle", "--without-heartbeat", "-l", "warning"]
    if request.config.getoption("clock"):  # TEST_CLOCK moved this process's clock: move the worker's too
        command[1:3] = ["-c", CLOCK_LAUNCHER, f"{time.time():.6f}"]
    process = subprocess.Popen(command, cwd=settings.BASE_DIR, env=env)
    eager, default_queue = celery_app.conf.task_always_eager, celery_app.conf.task_default_queue
    celery_app.conf.task_always_eager, celery_app.conf.task_default_queue = False, queue
    try:
        yield process
    finally:
        celery_app.conf.task_always_eager, celery_app.conf.task_default_queue = eager, default_queue
        process.terminate()
        process.wait(timeout=30)


def wait_for(batch_id: int, seconds: float = 90) -> Batch:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        batch = Batch.objects.get(pk=batch_id)
        if batch.status in (BatchStatus.DONE, BatchStatus.FAILED):
            return batch
        time.sleep(0.3)
    raise AssertionError(f"batch {batch_id} did not finish in {seconds} s")


def test_a_batch_runs_on_a_real_worker_and_writes_the_same_tickets_as_in_process(village, worker):
    for _ in range(5):
        household = make_household(village, members=2, phone="")
        make_income(household, 2024, wage="1000")
    batch = services.batch_create(area=Area.objects.get(code="230381"))
    services.batch_start(batch=batch)  # on commit: autocommit here, so queued at once
    finished = wait_for(batch.pk)
    assert finished.status == BatchStatus.DONE, finished.error
    assert finished.groups_done == finished.groups_total == 2
    on_worker = sorted(Ticket.objects.values_list("rule_id", "household_id", "member_key"))
    assert {"B06", "I14"} <= {rule_id for rule_id, *_ in on_worker}

    again = services.batch_create(area=Area.objects.get(code="230381"))
    services.batch_run_sync(batch=again)
    assert sorted(Ticket.objects.values_list("rule_id", "household_id", "member_key")) == on_worker
