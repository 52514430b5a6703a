"""PostgreSQL restarted under page traffic: the next request succeeds (CONN_HEALTH_CHECKS); during
a batch: the group caught by it is retried and the batch writes exactly the right tickets; during
an import: it fails whole, its file deleted, and the rerun imports it; during a review step: the step
is written whole or not at all.

The test starts its own throwaway PostgreSQL (never the shared one, tests/faults/conftest.py)
and a gunicorn worker that keeps its connection between requests; skipped unless PostgreSQL
15's binaries are installed and the test runs as root or postgres (CI).
"""

import subprocess
import sys
import threading
import time
import urllib.parse
import urllib.request
from contextlib import contextmanager
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection, transaction
from django.test import Client

from audits.models import Severity, Ticket, TicketEvent, TicketStatus
from accounts.roles import Role
from households.changes.models import ChangeRequest, ChangeRequestEvent, ChangeStatus
from households.changes.services import PENDING, change_request_submit
from households.models import Area, Household, Member
from households.workbook import messages as msg
from households.workbook.models import ImportStatus, RegistryImport
from households.workbook.services import registry_import_confirm
from rules import services
from rules.models import Batch, BatchRuleResult, BatchStatus, RiskScore
from tests.audits.builders import make_ticket
from tests.builders import make_area, make_household, make_income, make_user, make_year
from tests.conftest import VILLAGE_A1, VILLAGE_A2
from tests.faults.conftest import free_port
from tests.faults.test_worker_killed import tickets, validated_upload, wait_until
from tests.households.workbook.workbooks import write_workbook
from tests.processes import bare_environment


def seed_county() -> Area:
    make_year(2025, "7600")
    village = make_area("230381100201", "金湾村")
    for n in range(30):
        household = make_household(village, members=2, phone="" if n % 2 else "13800000000")
        make_income(household, 2025, wage="1000" if n % 3 else "90000")
    return Area.objects.get(code="230381")


class Browser:
    """A signed-in user's HTTP client (session and CSRF cookies, redirects not followed)."""

    class _NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args, **kwargs):
            return None

    def __init__(self, base: str, cookies: dict[str, str] | None = None):
        self.base, self.cookies = base, dict(cookies or {})
        self.opener = urllib.request.build_opener(self._NoRedirect)

    def request(self, path: str, data: dict | None = None) -> int:
        headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())}
        body = None
        if data is not None:
            body = urllib.parse.urlencode({**data, "csrfmiddlewaretoken": self.cookies.get("csrftoken", "")}).encode()
        request = urllib.request.Request(self.base + path, data=body, headers=headers)
        try:
            with self.opener.open(request, timeout=60) as response:
                status, received = response.status, response.headers.get_all("Set-Cookie") or []
        except urllib.error.HTTPError as error:
            status, received = error.code, error.headers.get_all("Set-Cookie") or []
        for line in received:
            name, _, rest = line.partition("=")
            self.cookies[name] = rest.split(";", 1)[0]
        return status

    def get(self, path: str) -> int:
        return self.request(path)

    def post(self, path: str, data: dict | None = None) -> int:
        return self.request(path, data or {})


@contextmanager
def gunicorn(database_url: str, app: str = "monitoring.wsgi", settings_module: str = "monitoring.settings_test",
             **variables):
    """One gunicorn worker (one thread) on the database, keeping its connection 600 s; its base URL."""
    # This process's SECRET_KEY too: the session cookie it hands the server is signed with it
    # (CI sets a random one; without it the server would read the session as corrupted).
    env = bare_environment(DJANGO_SETTINGS_MODULE=settings_module, DATABASE_URL=database_url,
                           SECRET_KEY=settings.SECRET_KEY, DB_CONN_MAX_AGE="600", ALLOWED_HOSTS="127.0.0.1",
                           **variables)
    port = free_port()
    server = subprocess.Popen([sys.executable, "-m", "gunicorn", app, "-b", f"127.0.0.1:{port}",
                               "-w", "1", "--threads", "1", "--timeout", "120"], cwd=settings.BASE_DIR, env=env)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                if Browser(base).get("/healthz/") == 200:
                    break
            except OSError:
                pass
            assert server.poll() is None and time.monotonic() < deadline, "gunicorn did not start"
            time.sleep(0.3)
        yield base
    finally:
        server.kill()
        server.wait(timeout=30)


def test_the_next_request_after_a_postgresql_restart_succeeds(own_postgres, postgres_cluster):
    database_url, restart = own_postgres
    with gunicorn(database_url) as base:
        page = Browser(base)
        assert page.get("/healthz/") == 200  # the worker now holds a connection it keeps (CONN_MAX_AGE)
        restart()  # every connection to the old server is gone
        assert page.get("/healthz/") == 200  # found dead before use, replaced: no error for the user
        assert page.get("/healthz/") == 200

        postgres_cluster.down()
        try:
            assert page.get("/healthz/") == 500  # while it is down: the error page, at once
        finally:
            postgres_cluster.up()
        assert page.get("/healthz/") == 200


def test_without_health_checks_the_first_request_after_a_postgresql_restart_fails(own_postgres):
    """Why CONN_HEALTH_CHECKS is on: a kept connection is otherwise used once more after it died."""
    database_url, restart = own_postgres
    with gunicorn(database_url, settings_module="tests.faults.settings_without_health_checks") as base:
        page = Browser(base)
        assert page.get("/healthz/") == 200
        restart()
        assert page.get("/healthz/") == 500  # the dead connection, used: the user gets the error page
        assert page.get("/healthz/") == 200  # (closed after that error, so the one after works)

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


def review_state(change: ChangeRequest) -> tuple:
    """Everything a review step writes: the request's status, reviewer and reason, its events, the household's field."""
    change = ChangeRequest.objects.get(pk=change.pk)
    return (change.status, change.reviewer_id, change.return_reason,
            list(ChangeRequestEvent.objects.filter(change=change).order_by("pk")
                 .values_list("from_status", "to_status")),
            Household.objects.get(pk=change.household_id).phone)


STEPS = {  # the form sent, then what the step leaves: status, reason, the household's phone
    "approve": ({}, ChangeStatus.APPROVED, "", "13912345678"),
    "return": ({"reason": "请核实电话"}, ChangeStatus.RETURNED, "请核实电话", "13800000000"),
}


def caught_by_a_restart(database_url: str, restart, tmp_path, *, user, pause_at: str, path: str, form: dict,
                        opened: str, state) -> None:
    """`user` opens `opened` and posts `form` to `path` in gunicorn; the step stops at `pause_at`
    (tests/faults/paused_wsgi.py), PostgreSQL restarts, the step goes on: it answers the error page
    and leaves `state()` as it was; posting again then answers 302 (done)."""
    signed_in = Client()
    signed_in.force_login(user)
    before = state()
    with gunicorn(database_url, app="tests.faults.paused_wsgi:application", FAULT_PAUSE_ACTION=pause_at,
                  FAULT_PAUSE_FILE=str(tmp_path / "paused"), FAULT_RESUME_FILE=str(tmp_path / "resume")) as base:
        page = Browser(base, {settings.SESSION_COOKIE_NAME: signed_in.cookies[settings.SESSION_COOKIE_NAME].value})
        assert page.get(opened) == 200  # the reviewer opens it (and gets a CSRF cookie)
        answers = []
        step = threading.Thread(target=lambda: answers.append(page.post(path, form)))
        step.start()
        wait_until((tmp_path / "paused").exists, seconds=30, what="the review step to stop half-way")
        restart()  # what it wrote so far is in its transaction, lost with its connection
        connection.close()
        (tmp_path / "resume").touch()
        step.join(timeout=60)
        assert answers == [500]  # the error page: that step did not happen
        assert state() == before  # nothing of it

        assert page.post(path, form) == 302  # the next request: the step in full


@pytest.mark.parametrize("action", STEPS)
def test_a_change_review_step_caught_by_a_postgresql_restart_is_not_half_written_and_the_next_request_succeeds(
        on_own_postgres, tmp_path, action):
    database_url, restart = on_own_postgres
    make_year(2025, "7600")
    make_area(VILLAGE_A1, "金湾村")
    home = make_household(VILLAGE_A1, members=2, phone="13800000000")
    clerk = make_user("clerk", Role.VILLAGE_CLERK, VILLAGE_A1)
    reviewer = make_user("reviewer", Role.TOWNSHIP_REVIEWER, VILLAGE_A1[:9])
    change = change_request_submit(user=clerk, household=home, data={"phone": "13912345678"})
    before = review_state(change)
    assert before[0] in PENDING and before[4] == "13800000000"
    form, status, reason, phone = STEPS[action]

    # stopped with the status moved and the event written (an approval: the household not yet changed)
    caught_by_a_restart(database_url, restart, tmp_path, user=reviewer, pause_at=action, form=form,
                        opened=f"/changes/{change.pk}/", path=f"/changes/{change.pk}/{action}/",
                        state=lambda: review_state(change))
    assert review_state(change) == (status, reviewer.pk, reason, before[3] + [(before[0], status)], phone)


def test_a_ticket_approval_caught_by_a_postgresql_restart_is_not_half_written_and_the_next_request_succeeds(
        on_own_postgres, tmp_path):
    database_url, restart = on_own_postgres
    make_year(2025, "7600")
    make_area(VILLAGE_A1, "金湾村")
    ticket = make_ticket(make_household(VILLAGE_A1, members=2), severity=Severity.WARNING,
                         status=TicketStatus.PENDING_TOWNSHIP)
    reviewer = make_user("reviewer", Role.TOWNSHIP_REVIEWER, VILLAGE_A1[:9])

    def state():
        found = Ticket.objects.get(pk=ticket.pk)
        return found.status, found.closed_at, list(TicketEvent.objects.filter(ticket=found).values_list(
            "from_status", "to_status"))

    # stopped with the ticket saved as closed, its event not yet written
    caught_by_a_restart(database_url, restart, tmp_path, user=reviewer, pause_at="ticket", form={},
                        opened=f"/tickets/{ticket.pk}/", path=f"/tickets/{ticket.pk}/approve/", state=state)
    status, closed_at, events = state()
    assert (status, events) == (TicketStatus.CLOSED, [(TicketStatus.PENDING_TOWNSHIP, TicketStatus.CLOSED)])
    assert closed_at is not None


def test_an_import_caught_by_a_postgresql_restart_fails_cleanly_and_the_rerun_imports_it(
        on_own_postgres, workers, tmp_path, settings):
    database_url, restart = on_own_postgres
    settings.MEDIA_ROOT = tmp_path / "media"
    make_year(2025, "7600")
    for code, name in [(VILLAGE_A1, "金湾村"), (VILLAGE_A2, "石门村")]:
        make_area(code, name)
    staff = make_user("county", Role.COUNTY_STAFF, VILLAGE_A1[:6])
    path = write_workbook(tmp_path / "good.xlsx")

    workers(pause=True, database_url=database_url)
    record = validated_upload(staff, path)
    stored = Path(record.file.path)
    registry_import_confirm(record=record, user=staff)
    wait_until((tmp_path / "paused").exists, what="the worker to reach the middle of the import")
    restart()  # the households it wrote so far, in its transaction, are lost with its connection
    connection.close()
    (tmp_path / "resume").touch()
    failed = wait_until(lambda: RegistryImport.objects.exclude(status=ImportStatus.IMPORTING).filter(pk=record.pk)
                        .first(), seconds=30, what="the import to end")
    assert failed.status == ImportStatus.FAILED, failed.message
    assert failed.message.startswith(msg.IMPORT_CRASHED.split("{")[0])  # "…已全部撤销，数据库未作任何修改"
    assert not failed.file and not stored.exists()
    assert not Household.objects.exists() and not Member.objects.exists()

    again = validated_upload(staff, path)
    registry_import_confirm(record=again, user=staff)
    done = wait_until(lambda: RegistryImport.objects.exclude(status=ImportStatus.IMPORTING).filter(pk=again.pk)
                      .first(), seconds=30, what="the rerun")
    assert done.status == ImportStatus.IMPORTED, done.message
    assert sorted(Household.objects.values_list("number", flat=True)) == ["H0001", "H0002"]
    assert Member.objects.count() == 3
