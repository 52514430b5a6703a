"""PostgreSQL restarted under page traffic: the next request succeeds (CONN_HEALTH_CHECKS); during
a batch: the group caught by it is retried and the batch writes exactly the right tickets.

The test starts its own throwaway PostgreSQL (never the shared one, tests/faults/conftest.py)
and a gunicorn worker that keeps its connection between requests; skipped unless PostgreSQL
15's binaries are installed and the test runs as root or postgres (CI).
"""

import subprocess
import sys
import time
import urllib.request

from django.conf import settings
from django.db import connection, transaction

from audits.models import Ticket
from households.models import Area, Household
from rules import services
from rules.models import Batch, BatchRuleResult, BatchStatus, RiskScore
from tests.builders import make_area, make_household, make_income, make_year
from tests.faults.conftest import free_port
from tests.faults.test_worker_killed import tickets, wait_until
from tests.processes import bare_environment


def seed_county() -> Area:
    make_year(2025, "7600")
    village = make_area("230381100201", "金湾村")
    for n in range(30):
        household = make_household(village, members=2, phone="" if n % 2 else "13800000000")
        make_income(household, 2025, wage="1000" if n % 3 else "90000")
    return Area.objects.get(code="230381")


def get(url: str) -> int:
    try:
        with urllib.request.urlopen(url, timeout=20) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


def test_the_next_request_after_a_postgresql_restart_succeeds(own_postgres):
    database_url, restart = own_postgres
    env = bare_environment(DJANGO_SETTINGS_MODULE="monitoring.settings_test", DATABASE_URL=database_url,
                           DB_CONN_MAX_AGE="600", ALLOWED_HOSTS="127.0.0.1")
    port = free_port()
    server = subprocess.Popen([sys.executable, "-m", "gunicorn", "monitoring.wsgi", "-b", f"127.0.0.1:{port}",
                               "-w", "1", "--threads", "1"], cwd=settings.BASE_DIR, env=env)
    url = f"http://127.0.0.1:{port}/healthz/"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                if get(url) == 200:
                    break
            except OSError:
                pass
            assert time.monotonic() < deadline, "gunicorn did not start"
            time.sleep(0.3)
        assert get(url) == 200  # the worker now holds a connection it keeps (CONN_MAX_AGE)
        restart()  # every connection to the old server is gone
        assert get(url) == 200  # found dead before use, replaced: no error for the user
        assert get(url) == 200
    finally:
        server.kill()
        server.wait(timeout=30)


def test_a_batch_caught_by_a_postgresql_restart_retries_its_group_and_writes_exactly_the_right_tickets(
        on_own_postgres, workers, tmp_path):
    database_url, restart = on_own_postgres
    county = seed_county()
    with transaction.atomic():  # what the batch must write, found in this process and rolled back
        services.batch_run_sync(batch=services.batch_create(area=county))
        expected = tickets()
        transaction.set_rollback(True)
    assert expected and not Ticket.objects.exists()

    workers(pause=True, database_url=database_url)
    batch = services.batch_create(area=county)
    services.batch_start(batch=batch)
    wait_until((tmp_path / "paused").exists, what="the worker to reach the middle of a group")
    restart()  # the group's transaction, its tickets written, dies with the worker's connection
    connection.close()  # ours too
    assert not Ticket.objects.exists() and not BatchRuleResult.objects.exists()
    (tmp_path / "resume").touch()  # the worker goes on: its next query fails, the task is retried

    done = wait_until(lambda: Batch.objects.filter(pk=batch.pk).exclude(
        status__in=[BatchStatus.QUEUED, BatchStatus.RUNNING]).first(), seconds=50, what="the batch to end")
    assert done.status == BatchStatus.DONE, done.error  # the failed group ran again, in a new transaction
    assert tickets() == expected and len(set(expected)) == len(expected)
    assert sum(BatchRuleResult.objects.filter(batch=batch).values_list("new", flat=True)) == len(expected)
    assert RiskScore.objects.count() == Household.objects.count()
