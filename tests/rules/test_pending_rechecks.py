"""A changed household's re-check is never lost: a marker written with the change, cleared by
the re-check's own transaction, and a sweep for the markers that outlive their re-check."""

from datetime import timedelta

import pytest
from django.db import connection, transaction
from django.db.models.functions import Now

from audits.models import Resolution, Ticket
from households.models import Area, Household
from households.signals import household_changed_send
from rules import services
from rules.models import PendingRecheck
from tests.builders import make_household, make_income

pytestmark = pytest.mark.django_db


def run(rules):
    batch = services.batch_create(area=Area.objects.get(code="230381"), rule_ids=rules)
    services.batch_run_sync(batch=batch)


@pytest.fixture
def no_phone(village):
    """A household opened under B06 (no phone) whose phone has since been entered."""
    household = make_household(village, members=1, phone="")
    make_income(household, 2024, wage="30000")
    run(["B06"])
    Household.objects.filter(pk=household.pk).update(phone="13912345678")
    return household


def b06_resolution():
    return Ticket.objects.get(rule_id="B06").resolution


def marked_minutes_ago(household, minutes):
    services.recheck_pending_mark(household_id=household.pk)
    # the database's clock, as the markers and the sweep use (the tests may move Python's)
    PendingRecheck.objects.filter(household=household).update(changed_at=Now() - timedelta(minutes=minutes))


def test_an_approved_change_is_marked_and_its_recheck_clears_the_mark(no_phone, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        household_changed_send(household_id=no_phone.pk)
    assert b06_resolution() == Resolution.SYSTEM
    assert not PendingRecheck.objects.exists()


def test_a_second_change_before_the_recheck_moves_the_mark_on(no_phone):
    marked_minutes_ago(no_phone, 10)
    first = PendingRecheck.objects.get().changed_at
    services.recheck_pending_mark(household_id=no_phone.pk)
    assert PendingRecheck.objects.get().changed_at >= first + timedelta(minutes=10)


def test_a_recheck_lost_on_its_way_is_done_by_the_sweep(no_phone):
    marked_minutes_ago(no_phone, 3)  # the change committed, its message never arrived
    assert b06_resolution() == ""
    assert services.pending_rechecks_run() == 1
    assert b06_resolution() == Resolution.SYSTEM
    assert not PendingRecheck.objects.exists()


def test_the_sweep_leaves_a_fresh_mark_to_the_recheck_on_its_way(no_phone):
    marked_minutes_ago(no_phone, 1)
    assert services.pending_rechecks_run() == 0
    assert b06_resolution() == ""
    assert PendingRecheck.objects.filter(household=no_phone).exists()


def test_a_mark_made_after_the_recheck_began_stays_for_its_own_recheck(no_phone):
    services.recheck_pending_mark(household_id=no_phone.pk)
    PendingRecheck.objects.update(changed_at=Now() + timedelta(hours=1))
    services.household_recheck(household_id=no_phone.pk)
    assert PendingRecheck.objects.filter(household=no_phone).exists()


def test_the_sweep_drops_the_mark_of_a_household_it_cannot_check(db, caplog):
    household = make_household("230381100201", members=1)  # no YearParameters: nothing to check against
    marked_minutes_ago(household, 10)
    assert services.pending_rechecks_run() == 0
    assert not PendingRecheck.objects.exists()
    assert "skipped" in caplog.text


def test_the_marks_of_a_removed_household_go_with_it(no_phone):
    services.recheck_pending_mark(household_id=no_phone.pk)
    Household.objects.filter(pk=no_phone.pk).delete()
    assert not PendingRecheck.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_only_the_rechecks_own_transaction_commits_without_waiting_for_the_disk(village):
    if connection.vendor != "postgresql":
        pytest.skip("synchronous_commit is PostgreSQL's")
    household = make_household(village, members=1, phone="")
    statements = []

    def record(execute, sql, params, many, context):
        statements.append(sql)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(record):
        services.household_recheck(household_id=household.pk)
    assert "SET LOCAL synchronous_commit = off" in statements
    with connection.cursor() as cursor:
        cursor.execute("SHOW synchronous_commit")
        assert cursor.fetchone() == ("on",)  # SET LOCAL ended with the re-check's transaction

    statements.clear()
    with transaction.atomic(), connection.execute_wrapper(record):
        services.household_recheck(household_id=household.pk)  # inside a caller's transaction
        with connection.cursor() as cursor:
            cursor.execute("SHOW synchronous_commit")
            assert cursor.fetchone() == ("on",)
    assert "SET LOCAL synchronous_commit = off" not in statements


def test_beat_runs_the_sweep_every_five_minutes(settings):
    from monitoring.celery import app

    entry = settings.CELERY_BEAT_SCHEDULE["pending-rechecks"]
    assert entry == {"task": "rules.tasks.run_pending_rechecks", "schedule": 5 * 60}
    assert entry["task"] in app.tasks
