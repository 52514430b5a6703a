"""Batches write tickets exactly once, resolve what passes again, and survive a crash."""

import gc

import pytest
from django.core.management import call_command
from django.utils import timezone

from audits.models import Resolution, Ticket, TicketStatus
from households.choices import MemberStatus
from households.models import Area
from rules import services
from rules.models import Batch, BatchRuleResult, BatchStatus, RiskScore, RuleSetting
from tests.builders import make_household, make_income, make_member

pytestmark = pytest.mark.django_db


def run(area_code="230381", rules=None):
    batch = services.batch_create(area=Area.objects.get(code=area_code), rule_ids=rules)
    services.batch_run_sync(batch=batch)
    return Batch.objects.get(pk=batch.pk)


def tickets():
    return sorted(Ticket.objects.values_list("rule_id", "household__number", "member_key", "status"))


@pytest.fixture
def defects(village):
    """One household without phone (B06) and without this year's income (I14); one member with a bad ID (B01)."""
    household = make_household(village, members=1, phone="")
    make_income(household, 2024, wage="30000")
    bad_id = make_member(household, id_number="11010519491231002Y", name="错号")
    return household, bad_id


def test_a_rerun_never_duplicates_a_ticket(defects):
    first = run(rules=["B01", "B06", "I14"])
    before = tickets()
    second = run(rules=["B01", "B06", "I14"])
    assert tickets() == before and len(before) == 3
    result = BatchRuleResult.objects.get(batch=second, rule_id="B06")
    assert (result.failing, result.new, result.still_open, result.resolved) == (1, 0, 1, 0)
    assert first.status == second.status == BatchStatus.DONE


def test_tickets_carry_rule_record_year_village_severity_and_final_level(defects):
    household, bad_id = defects
    run(rules=["B01", "B06"])
    b01 = Ticket.objects.get(rule_id="B01")
    assert (b01.member, b01.year, b01.village_id, b01.status) == (bad_id, 2025, household.village_id, TicketStatus.PENDING_VILLAGE)
    assert (b01.severity, b01.final_level) == ("error", "county")
    assert Ticket.objects.get(rule_id="B06").final_level == "township"
    assert "大写X" in b01.message


def test_a_record_that_passes_again_is_resolved_by_the_system(defects):
    household, _ = defects
    run(rules=["B06", "I14"])
    household.phone = "13912345678"
    household.save()
    batch = run(rules=["B06", "I14"])
    ticket = Ticket.objects.get(rule_id="B06")
    assert (ticket.resolution, ticket.status) == (Resolution.SYSTEM, TicketStatus.PENDING_TOWNSHIP)
    assert ticket.system_resolved_at is not None
    assert BatchRuleResult.objects.get(batch=batch, rule_id="B06").resolved == 1
    assert Ticket.objects.get(rule_id="I14").resolution == ""


def test_a_ticket_explained_as_correct_is_not_raised_again_until_the_data_changes(defects):
    household, _ = defects
    run(rules=["I14"])
    Ticket.objects.update(status=TicketStatus.CLOSED, resolution=Resolution.EXPLAINED)
    run(rules=["I14"])
    assert Ticket.objects.count() == 1
    make_member(household, name="新生儿")  # the household's data change: size 2 → 3
    run(rules=["I14"])
    assert Ticket.objects.filter(status=TicketStatus.PENDING_VILLAGE).count() == 1


def test_inactive_members_and_removed_households_raise_nothing(village):
    household = make_household(village, members=1)
    make_member(household, id_number="bad", status=MemberStatus.DECEASED)
    removed = make_household(village, members=1, phone="")
    removed.removed_on = "2025-01-01"
    removed.save()
    run(rules=["B01", "B06"])
    assert tickets() == []


def test_a_crash_mid_batch_leaves_nothing_and_the_rerun_is_exact(defects, monkeypatch):
    expected_after_clean_run = None
    original = services.tickets_sync

    def crash_after_writing(**kwargs):
        original(**kwargs)
        raise RuntimeError("worker killed")

    monkeypatch.setattr(services, "tickets_sync", crash_after_writing)
    batch = services.batch_create(area=Area.objects.get(code="230381"))
    with pytest.raises(RuntimeError):
        services.batch_run_sync(batch=batch)
    assert Ticket.objects.count() == 0 and RiskScore.objects.count() == 0
    assert Batch.objects.get(pk=batch.pk).status == BatchStatus.FAILED
    monkeypatch.setattr(services, "tickets_sync", original)
    run()
    expected_after_clean_run = tickets()
    assert len(expected_after_clean_run) >= 3
    run()
    assert tickets() == expected_after_clean_run


def test_a_duplicate_delivery_of_a_finished_group_changes_nothing(defects):
    batch = run(rules=["B06"])
    services.batch_run_group(batch_id=batch.pk, group="household")
    assert Ticket.objects.count() == 1
    assert Batch.objects.get(pk=batch.pk).groups_done == 1


def test_disabled_rules_do_not_run(defects):
    RuleSetting.objects.create(county="230381", rule_id="B06", enabled=False)
    run()
    assert not Ticket.objects.filter(rule_id="B06").exists()


def test_every_active_household_gets_a_risk_coefficient(defects, village):
    other = make_household(village, members=2)
    run(rules=["R01"])
    assert set(RiskScore.objects.values_list("household_id", flat=True)) == {defects[0].pk, other.pk}


def test_run_cleansing_prints_per_rule_counts(defects, capsys):
    call_command("run_cleansing", "--sync", "--rules", "B06,I14")
    out = capsys.readouterr().out
    assert "B06" in out and "I14" in out and "合计" in out


def test_a_township_batch_touches_only_its_township(defects, village):
    elsewhere = make_household("230381101201", members=1, phone="")
    run(area_code="230381101", rules=["B06"])
    assert list(Ticket.objects.values_list("household", flat=True)) == [elsewhere.pk]


def test_household_recheck_resolves_and_raises_for_that_household_only(defects, village):
    household, _ = defects
    neighbour = make_household(village, members=1, phone="")
    run(rules=["B06"])
    household.phone = "13912345678"
    household.save()
    services.household_recheck(household_id=household.pk)
    assert Ticket.objects.get(household=household, rule_id="B06").resolution == Resolution.SYSTEM
    assert Ticket.objects.get(household=neighbour, rule_id="B06").resolution == ""


def test_a_household_changed_event_rechecks_that_household_on_commit(defects, django_capture_on_commit_callbacks):
    from households.signals import household_changed_send

    household, _ = defects
    run(rules=["B06"])
    household.phone = "13912345678"
    household.save()
    with django_capture_on_commit_callbacks(execute=True):
        household_changed_send(household_id=household.pk)
    assert Ticket.objects.get(rule_id="B06").resolution == Resolution.SYSTEM


def test_a_change_preview_lists_what_it_would_resolve_and_raise_and_keeps_nothing(defects):
    from households.models import Household

    household, _ = defects
    run(rules=["B06", "B07"])  # no phone (B06) and no location (B07)

    def fix_phone_lose_head():
        Household.objects.filter(pk=household.pk).update(phone="13912345678")
        household.members.filter(relationship="head").update(relationship="other")

    preview = services.household_change_preview(household_id=household.pk, apply_change=fix_phone_lose_head)
    assert [t.rule_id for t in preview.would_resolve] == ["B06"]
    assert "B05" in {f.rule_id for f in preview.would_raise}
    household.refresh_from_db()
    assert household.phone == "" and household.members.filter(relationship="head").exists()


def test_a_rerun_rewrites_only_the_risk_coefficients_that_changed(defects, village):
    steady = make_household(village, members=1)
    household, _ = defects
    run(rules=["R01"])
    before = dict(RiskScore.objects.values_list("household_id", "computed_at"))
    household.housing_safe = False  # a new risk factor for this household only
    household.save()
    run(rules=["R01"])
    after = dict(RiskScore.objects.values_list("household_id", "computed_at"))
    assert after[steady.pk] == before[steady.pk]
    assert after[household.pk] > before[household.pk]


def test_a_household_changed_event_without_a_current_year_is_logged_not_raised(db, django_capture_on_commit_callbacks, caplog):
    from households.signals import household_changed_send

    household = make_household("230381100201", members=1)  # no YearParameters at all
    with django_capture_on_commit_callbacks(execute=True):
        household_changed_send(household_id=household.pk)
    assert "skipped" in caplog.text


def test_a_system_resolution_is_recorded_as_a_system_step_with_the_townships_deadline(defects):
    from audits.models import TicketEvent

    household, _ = defects
    run(rules=["B06"])
    household.phone = "13912345678"
    household.save()
    run(rules=["B06"])
    event = TicketEvent.objects.get()
    assert (event.actor, event.from_status, event.to_status, event.comment) == (
        None, TicketStatus.PENDING_VILLAGE, TicketStatus.PENDING_TOWNSHIP, "系统复核通过")
    ticket = Ticket.objects.get()
    assert (ticket.due_on - timezone.localdate(ticket.updated_at)).days in (2, 3)


@pytest.mark.django_db(transaction=True)
def test_a_sync_batch_runs_its_groups_at_once_on_postgresql(defects, monkeypatch):
    """Outside a transaction, on PostgreSQL, each group runs in a thread on its own connection
    (as on two Celery workers), and the batch ends as it does one group after the other."""
    import threading

    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("the groups run one after the other on SQLite")
    threads = []
    real = services.batch_run_group

    def recorded(**kwargs):
        threads.append(threading.get_ident())
        return real(**kwargs)

    monkeypatch.setattr(services, "batch_run_group", recorded)
    batch = run(rules=["B01", "B06", "I14"])
    assert len(set(threads)) == 2 and threading.get_ident() not in threads
    assert (batch.status, batch.groups_done) == (BatchStatus.DONE, 2)
    assert [(rule, status) for rule, _number, _member, status in tickets()] == [
        ("B01", "pending_village"), ("B06", "pending_village"), ("I14", "pending_village")]


@pytest.mark.django_db(transaction=True)
def test_a_group_failing_at_once_with_the_other_fails_the_batch_and_keeps_nothing_of_itself(defects, monkeypatch):
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("the groups run one after the other on SQLite")
    real = services.evaluate

    def member_group_fails(**kwargs):
        if any(rule.scope == "M" for rule in kwargs["rules"]):
            raise RuntimeError("worker lost")
        return real(**kwargs)

    monkeypatch.setattr(services, "evaluate", member_group_fails)
    batch = services.batch_create(area=Area.objects.get(code="230381"), rule_ids=["B01", "B06"])
    with pytest.raises(RuntimeError, match="worker lost"):
        services.batch_run_sync(batch=batch)
    batch.refresh_from_db()
    assert batch.status == BatchStatus.FAILED and "worker lost" in batch.error
    assert list(Ticket.objects.values_list("rule_id", flat=True)) == ["B06"]  # the household group's, committed
    assert not BatchRuleResult.objects.filter(batch=batch, rule_id="B01").exists()



def test_a_batch_ends_with_a_full_collection_so_the_next_task_in_the_worker_does_not_pay_for_it(defects, monkeypatch):
    """The groups run with the collector paused; what they leave is collected once the collector
    is back on, before the batch returns, not by whichever re-check the worker runs next."""
    collections = []
    monkeypatch.setattr(services.gc, "collect", lambda *generation: collections.append((generation, gc.isenabled())))
    batch = services.batch_create(area=Area.objects.get(code="230381"), rule_ids=["B01", "B06", "I14"])
    services.batch_run_sync(batch=batch)
    assert collections and set(collections) == {((), True)}  # after each group (here one after the other)
