"""通过后的问题线索: the reviewer of a change request sees which tickets approving it would
resolve or raise. The rules side serves it as a fragment the change page loads; it reads the
change through the registry's scope, writes nothing that stays, and locks no row on a GET."""

import threading
import time

import pytest
from django.db import OperationalError, connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.roles import Role
from audits.models import Ticket
from households.changes import services as change_services
from households.models import AnnualIncome, Area, Household
from rules import services as rule_services
from tests.builders import make_income, make_user
from tests.conftest import VILLAGE_B1

pytestmark = pytest.mark.django_db

HTMX = {"HX-Request": "true"}


@pytest.fixture
def income_ticket(world) -> Ticket:
    """I01 (income under the line, not monitored) on the home household, found by a real batch."""
    make_income(world.home, 2025, wage="9000")
    batch = rule_services.batch_create(area=Area.objects.get(code="230381"), rule_ids=["I01"])
    rule_services.batch_run_sync(batch=batch)
    return Ticket.objects.get(rule_id="I01", household=world.home)


@pytest.fixture
def fix(world, income_ticket):
    """The clerk's income request that lifts the household over the line (fixes I01)."""
    return change_services.income_change_submit(user=world.clerk, household=world.home, year=2025,
                                                data={"wage": "30000"}, note="工资填错")


def preview_url(change) -> str:
    return reverse("change_ticket_preview", args=[change.pk])


def as_user(client, user):
    client.force_login(user)
    return client


def test_the_change_page_loads_the_preview_for_its_reviewer_only(client, world, fix):
    page = as_user(client, world.reviewer).get(reverse("change_detail", args=[fix.pk])).content.decode()
    assert f'hx-get="{preview_url(fix)}"' in page and 'hx-trigger="load"' in page
    assert 'data-testid="ticket-preview"' in page and "正在计算" in page
    clerk_page = as_user(client, world.clerk).get(reverse("change_detail", args=[fix.pk])).content.decode()
    assert preview_url(fix) not in clerk_page


def test_the_fragment_shows_what_approving_would_resolve_and_raise(client, world, fix):
    response = as_user(client, world.reviewer).get(preview_url(fix), headers=HTMX)
    page = response.content.decode()
    assert response.status_code == 200 and "<html" not in page
    preview = response.context["preview"]
    assert [t.rule_id for t in preview.would_resolve] == ["I01"]
    assert "将销号（1）" in page and "I01" in page

    # The same as writing the proposed wage by hand and evaluating, rolled back.
    def write_wage():
        AnnualIncome.objects.filter(household=world.home, year=2025).update(wage=30000)

    expected = rule_services.household_change_preview(household_id=world.home.pk, apply_change=write_wage)
    assert [f.key for f in preview.would_raise] == [f.key for f in expected.would_raise]
    assert [t.pk for t in preview.would_resolve] == [t.pk for t in expected.would_resolve]
    assert f"将新增（{len(expected.would_raise)}）" in page
    assert AnnualIncome.objects.get(household=world.home, year=2025).wage == 9000  # nothing kept


def test_the_preview_of_a_new_problem_lists_it_under_would_raise(client, world):
    change = change_services.change_request_submit(user=world.clerk, household=world.home, data={"phone": ""})
    preview = as_user(client, world.reviewer).get(preview_url(change), headers=HTMX).context["preview"]
    assert "B06" in {f.rule_id for f in preview.would_raise}  # no phone any more
    assert Household.objects.get(pk=world.home.pk).phone == "13800138000"


def test_the_preview_takes_no_row_lock(client, world, fix, monkeypatch):
    # SQLite leaves FOR UPDATE out of the SQL; pretend it locks rows so a requested lock shows.
    monkeypatch.setattr(connection.features, "has_select_for_update", True)
    as_user(client, world.reviewer)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(preview_url(fix), headers=HTMX)
    assert response.status_code == 200 and "I01" in response.content.decode()
    statements = [query["sql"] for query in queries.captured_queries]
    assert not [sql for sql in statements if "FOR UPDATE" in sql.upper()]
    if connection.vendor == "postgresql":
        assert any("lock_timeout" in sql for sql in statements)


def test_a_preview_blocked_by_another_transaction_asks_to_refresh(client, world, fix, monkeypatch):
    class LockNotAvailable(Exception):
        sqlstate = "55P03"  # PostgreSQL, when lock_timeout runs out

    def blocked(**kwargs):
        raise OperationalError("canceling statement due to lock timeout") from LockNotAvailable()

    monkeypatch.setattr(change_services, "change_request_rehearse", blocked)
    response = as_user(client, world.reviewer).get(preview_url(fix), headers=HTMX)
    assert response.status_code == 200 and "暂时无法预览，请稍后刷新" in response.content.decode()


def test_other_database_errors_are_not_hidden_as_busy(client, world, fix, monkeypatch):
    def broken(**kwargs):
        raise OperationalError("no such column")

    monkeypatch.setattr(change_services, "change_request_rehearse", broken)
    with pytest.raises(OperationalError):
        as_user(client, world.reviewer).get(preview_url(fix), headers=HTMX)


def test_without_javascript_the_preview_is_a_page_of_its_own(client, world, fix):
    page = as_user(client, world.reviewer).get(preview_url(fix)).content.decode()
    assert "<html" in page and "将销号（1）" in page
    assert reverse("change_detail", args=[fix.pk]) in page


def test_the_preview_is_404_outside_scope_and_for_anyone_but_its_reviewer(client, world, fix):
    outsiders = [
        make_user("reviewer-b", Role.TOWNSHIP_REVIEWER, VILLAGE_B1[:9]),
        world.clerk,          # its requester sees the request, but reviews nothing
        world.county_staff,   # the request waits for the township, not the county
        world.inspector,
        world.no_role,
    ]
    for user in outsiders:
        assert as_user(client, user).get(preview_url(fix), headers=HTMX).status_code == 404, user
    client.logout()
    assert client.get(preview_url(fix)).status_code == 302  # to the login page
    change_services.change_request_approve(change=fix, reviewer=world.reviewer)
    assert as_user(client, world.reviewer).get(preview_url(fix), headers=HTMX).status_code == 404


@pytest.mark.django_db(transaction=True)
def test_on_postgresql_a_preview_does_not_wait_for_a_row_another_transaction_holds(client, world, fix):
    if connection.vendor != "postgresql":
        pytest.skip("SQLite ignores row locks: lock waits are tested on PostgreSQL")
    held, release = threading.Event(), threading.Event()

    def hold_the_household():
        try:
            with transaction.atomic():
                Household.objects.select_for_update().get(pk=world.home.pk)
                list(AnnualIncome.objects.select_for_update().filter(household=world.home))  # rows, not a count: PostgreSQL locks no rows for an aggregate
                held.set()
                release.wait(timeout=20)
        finally:
            connection.close()

    holder = threading.Thread(target=hold_the_household)
    holder.start()
    try:
        assert held.wait(timeout=10)
        started = time.monotonic()
        response = as_user(client, world.reviewer).get(preview_url(fix), headers=HTMX)
        assert time.monotonic() - started < 5
        assert "暂时无法预览，请稍后刷新" in response.content.decode()
    finally:
        release.set()
        holder.join(timeout=30)


@pytest.mark.django_db(transaction=True)
def test_on_sqlite_the_preview_waits_briefly_for_the_write_lock_and_restores_the_usual_wait(client, world, fix):
    if connection.vendor != "sqlite":
        pytest.skip("PostgreSQL bounds the wait with lock_timeout (the test above)")

    def busy_timeout() -> int:
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA busy_timeout")
            return cursor.fetchone()[0]

    usual = busy_timeout()
    with CaptureQueriesContext(connection) as queries:
        response = as_user(client, world.reviewer).get(preview_url(fix), headers=HTMX)
    assert "将销号（1）" in response.content.decode()
    assert f"PRAGMA busy_timeout = {rule_services.PREVIEW_LOCK_WAIT_MS}" in [q["sql"] for q in queries.captured_queries]
    assert busy_timeout() == usual
    assert AnnualIncome.objects.get(household=world.home, year=2025).wage == 9000
