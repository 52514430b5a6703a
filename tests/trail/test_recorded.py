"""What the audit log records besides logins, reveals and exports: rule and setting changes,
batches started, change-request decisions; each line carries its county and its outcome."""

import pytest

from households.changes import services as change_services
from households.models import Area
from rules import services as rule_services
from rules.settings_services import rule_enabled_set
from trail.models import AuditAction, AuditEvent
from trail.services import audit_record

pytestmark = pytest.mark.django_db


def test_failed_logins_and_lock_outs_are_failures_and_other_events_successes(world):
    assert not audit_record(action=AuditAction.LOGIN_FAILED, username="clerk").success
    assert not audit_record(action=AuditAction.LOCKED_OUT, username="clerk").success
    assert audit_record(action=AuditAction.LOGIN, actor=world.clerk).success
    assert not audit_record(action=AuditAction.IMPORT, actor=world.county_staff, success=False).success


def test_an_event_belongs_to_the_actors_county_else_the_named_users_else_the_households(world):
    assert audit_record(action=AuditAction.LOGIN, actor=world.clerk).county == "230381"
    assert audit_record(action=AuditAction.LOGIN_FAILED, username="county").county == "230381"
    assert audit_record(action=AuditAction.LOGIN_FAILED, username="no-such-user").county == ""
    assert audit_record(action=AuditAction.SELF_REPORT, household_number=world.other_county.number).county == "340323"
    assert audit_record(action=AuditAction.LOGIN, actor=world.no_role).county == ""


def test_a_rule_switched_off_is_a_setting_event_with_old_and_new(world):
    rule_enabled_set(county="230381", rule_id="R01", enabled=False, user=world.county_staff)
    event = AuditEvent.objects.get(action=AuditAction.SETTING)
    assert (event.actor, event.county) == (world.county_staff, "230381")
    assert event.detail == {"subject": "R01", "field": "启用", "old": "是", "new": "否"}


def test_a_batch_started_is_a_batch_event(world):
    batch = rule_services.batch_create(area=Area.objects.get(code="230381"), user=world.county_staff)
    event = AuditEvent.objects.get(action=AuditAction.BATCH)
    assert (event.actor, event.county, event.detail["batch"]) == (world.county_staff, "230381", batch.pk)
    assert event.detail["scheduled"] is False


def test_a_change_requests_submission_and_decision_are_change_events(world):
    change = change_services.change_request_submit(user=world.clerk, household=world.home, data={"address": "3 组"})
    change_services.change_request_approve(change=change, reviewer=world.reviewer)
    events = AuditEvent.objects.filter(action=AuditAction.CHANGE).order_by("pk")
    assert [(e.username, e.detail["action"], e.household_number) for e in events] == [
        ("clerk", "submit", world.home.number), ("reviewer", "approve", world.home.number)]
    assert {e.county for e in events} == {"230381"}
