"""Change requests, the services: nothing live changes before approval, nothing is overwritten."""

from decimal import Decimal

import pytest

from households.changes import services
from households.changes.history import household_timeline
from households.changes.models import ChangeRequest, ChangeStatus
from households.models import Household
from tests.builders import make_user
from tests.races import needs_row_locks, race, told
from accounts.roles import Role
from tests.conftest import VILLAGE_A1

NEW_PHONE = "13912345678"


def submit(world, user=None, household=None, **data):
    return services.change_request_submit(
        user=user or world.clerk, household=household or world.home,
        data=data or {"phone": NEW_PHONE, "housing_safe": False}, note="入户核实",
    )


def live(household) -> Household:
    return Household.objects.get(pk=household.pk)


def test_a_clerks_request_waits_for_the_township_and_changes_no_live_data(world):
    change = submit(world)
    assert change.status == ChangeStatus.PENDING_TOWNSHIP
    assert change.changes == {"phone": ["13800138000", NEW_PHONE], "housing_safe": [True, False]}
    assert (live(world.home).phone, live(world.home).housing_safe) == ("13800138000", True)
    assert [(e.from_status, e.to_status) for e in change.events.all()] == [("", ChangeStatus.PENDING_TOWNSHIP)]


def test_an_empty_change_is_refused(world):
    with pytest.raises(services.ChangeRequestError, match="没有修改任何内容"):
        submit(world, phone="13800138000", housing_safe=True)
    assert not ChangeRequest.objects.exists()


def test_decimal_places_do_not_make_a_change(world):
    Household.objects.filter(pk=world.home.pk).update(longitude=Decimal("132.5"), latitude=Decimal("45.1"))
    with pytest.raises(services.ChangeRequestError):
        submit(world, longitude=Decimal("132.500000"), latitude=Decimal("45.10"))


def test_approval_applies_every_field_records_history_and_sends_one_event_on_commit(
    world, events, django_capture_on_commit_callbacks
):
    change = submit(world)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        services.change_request_approve(change=change, reviewer=world.reviewer)
    household = live(world.home)
    assert (household.phone, household.housing_safe) == (NEW_PHONE, False)
    assert events == [world.home.pk]
    assert len(callbacks) == 1
    record = household.history.latest()
    assert (record.history_user, record.change_request_id) == (world.reviewer, change.pk)
    entry = household_timeline(household=household)[0]
    assert entry.change_request_id == change.pk
    assert ("联系电话", "138****8000", "139****5678") in entry.changes
    assert ("住房安全有保障", "是", "否") in entry.changes
    change.refresh_from_db()
    assert (change.status, change.reviewer) == (ChangeStatus.APPROVED, world.reviewer)


def test_a_return_needs_a_reason_and_changes_no_live_data(world):
    change = submit(world)
    with pytest.raises(services.ChangeRequestError, match="请填写退回原因"):
        services.change_request_return(change=change, reviewer=world.reviewer, reason="  ")
    services.change_request_return(change=change, reviewer=world.reviewer, reason="电话号码少一位")
    change.refresh_from_db()
    assert (change.status, change.return_reason) == (ChangeStatus.RETURNED, "电话号码少一位")
    assert live(world.home).phone == "13800138000"
    assert world.home.history.count() == 1  # only the creation


def test_the_clerk_revises_a_returned_request_against_the_live_record(world):
    change = submit(world)
    services.change_request_return(change=change, reviewer=world.reviewer, reason="住房情况请再核实")
    revised = services.change_request_resubmit(
        change=change, user=world.clerk, data={"phone": NEW_PHONE, "housing_safe": True}, note="住房安全")
    assert revised.status == ChangeStatus.PENDING_TOWNSHIP
    assert revised.changes == {"phone": ["13800138000", NEW_PHONE]}
    assert revised.events.count() == 3


def test_only_the_requester_resubmits_and_only_a_returned_request(world):
    change = submit(world)
    with pytest.raises(services.ChangeRequestError, match="只有已退回"):
        services.change_request_resubmit(change=change, user=world.clerk, data={"phone": "1"}, note="")
    services.change_request_return(change=change, reviewer=world.reviewer, reason="再核实")
    other_clerk = make_user("clerk2", Role.VILLAGE_CLERK, VILLAGE_A1)
    with pytest.raises(services.ChangeRequestError, match="只有申请人"):
        services.change_request_resubmit(change=change, user=other_clerk, data={"phone": "1"}, note="")


def test_a_clerk_cannot_approve_and_a_reviewer_not_their_own_request(world):
    change = submit(world)
    with pytest.raises(services.ChangeRequestError, match="不在您的审核范围"):
        services.change_request_approve(change=change, reviewer=world.clerk)
    own = submit(world, user=world.reviewer, household=world.neighbour, phone=NEW_PHONE)
    assert own.status == ChangeStatus.PENDING_COUNTY
    with pytest.raises(services.ChangeRequestError):
        services.change_request_approve(change=own, reviewer=world.reviewer)


def test_self_approval_is_refused_even_at_the_right_level(world):
    county_two = make_user("county2", Role.COUNTY_STAFF, VILLAGE_A1[:6])
    change = submit(world, user=world.reviewer)
    change.requested_by = county_two  # a county member's own request waiting at county level
    change.save()
    with pytest.raises(services.ChangeRequestError, match="不能审核自己"):
        services.change_request_approve(change=change, reviewer=county_two)


def test_a_reviewer_outside_the_township_cannot_act(world):
    other = make_user("reviewer-b", Role.TOWNSHIP_REVIEWER, world.other_township.village_id[:9])
    change = submit(world)
    with pytest.raises(services.ChangeRequestError):
        services.change_request_approve(change=change, reviewer=other)
    with pytest.raises(services.ChangeRequestError):
        services.change_request_return(change=change, reviewer=other, reason="x")


def test_a_township_edit_goes_to_the_county_and_is_approved_there(world, events, django_capture_on_commit_callbacks):
    change = submit(world, user=world.reviewer, phone=NEW_PHONE)
    assert change.status == ChangeStatus.PENDING_COUNTY
    assert list(ChangeRequest.objects.queue_for(world.county_staff)) == [change]
    assert list(ChangeRequest.objects.queue_for(world.reviewer)) == []
    with django_capture_on_commit_callbacks(execute=True):
        services.change_request_approve(change=change, reviewer=world.county_staff)
    assert live(world.home).phone == NEW_PHONE
    assert events == [world.home.pk]


def test_a_county_edit_applies_at_once_as_an_approved_request(world, events, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        change = submit(world, user=world.county_staff, phone=NEW_PHONE)
    assert (change.status, change.reviewer) == (ChangeStatus.APPROVED, world.county_staff)
    assert live(world.home).phone == NEW_PHONE
    assert live(world.home).history.latest().change_request_id == change.pk
    assert events == [world.home.pk]


def test_inspectors_and_users_out_of_scope_cannot_submit(world):
    for user, household in [(world.inspector, world.home), (world.no_role, world.home),
                            (world.clerk, world.neighbour), (world.reviewer, world.other_township)]:
        with pytest.raises(services.ChangeRequestError, match="无权修改"):
            submit(world, user=user, household=household)


def test_a_conflict_is_refused_field_by_field_and_nothing_is_overwritten(world, events):
    change = submit(world, phone=NEW_PHONE, housing_safe=False, address="新地址 1 号")
    Household.objects.filter(pk=world.home.pk).update(phone="13700000000", housing_safe=None)
    with pytest.raises(services.ChangeConflict) as refused:
        services.change_request_approve(change=change, reviewer=world.reviewer)
    conflicts = {c.field: (c.old, c.now, c.proposed) for c in refused.value.conflicts}
    assert conflicts == {
        "phone": ("138****8000", "137****0000", "139****5678"),
        "housing_safe": ("是", "—", "否"),
    }
    assert "联系电话" in refused.value.message
    household = live(world.home)
    assert (household.phone, household.housing_safe, household.address) == ("13700000000", None, "")
    change.refresh_from_db()
    assert change.status == ChangeStatus.PENDING_TOWNSHIP
    assert events == []


def test_a_second_reviewer_is_told_the_request_was_handled(world):
    change = submit(world)
    second = make_user("reviewer2", Role.TOWNSHIP_REVIEWER, VILLAGE_A1[:9])
    services.change_request_approve(change=change, reviewer=world.reviewer)
    with pytest.raises(services.ChangeRequestError, match="已被他人处理"):
        services.change_request_return(change=change, reviewer=second, reason="x")


@pytest.mark.django_db(transaction=True)
def test_two_concurrent_approvals_one_wins_the_other_is_told(world):
    needs_row_locks()
    change = submit(world)
    second = make_user("reviewer2", Role.TOWNSHIP_REVIEWER, VILLAGE_A1[:9])
    outcomes = race(lambda reviewer: services.change_request_approve(
        change=ChangeRequest.objects.get(pk=change.pk), reviewer=reviewer), [world.reviewer, second])
    assert told(outcomes) == sorted(["done", services.ALREADY_HANDLED])
    assert live(world.home).phone == NEW_PHONE
    assert live(world.home).history.count() == 2
    assert ChangeRequest.objects.get(pk=change.pk).events.count() == 2


def test_a_removed_household_cannot_be_changed(world):
    Household.objects.filter(pk=world.home.pk).update(removed_on="2025-03-01")
    with pytest.raises(services.ChangeRequestError, match="已核减"):
        submit(world, household=live(world.home))
