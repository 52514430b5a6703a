"""帮扶措施, 新增农户 and 农户核减 as change requests."""

import datetime

import pytest
from django.urls import reverse

from households.changes import kinds as change_kinds
from households.changes import services
from households import id_numbers
from households.changes.models import ChangeKind, ChangeRequest, ChangeStatus
from households.choices import Gender, HouseholdType, MeasureType, MemberStatus, Relationship, RemovalReason
from households.models import AssistanceMeasure, Household
from tests.builders import make_household
from tests.conftest import VILLAGE_A1, VILLAGE_A2, VILLAGE_B1
from tests.households.changes.test_views import outsiders  # noqa: F401  (fixture)

HEAD_BORN = datetime.date(1975, 8, 9)
NEW_HOUSEHOLD = {
    "household_type": HouseholdType.ORDINARY, "address": "金湾村三组 12 号", "phone": "13900001111",
    "name": "赵新户", "gender": Gender.MALE, "birth_date": HEAD_BORN,
    "id_number": id_numbers.make("230381", HEAD_BORN, 11),
}


def add_measure(world, user=None):
    return services.change_submit(user=user or world.clerk, kind=ChangeKind.MEASURE, household=world.home,
                                  data={"year": 2025, "measure_type": MeasureType.INDUSTRY, "content": "发放肉牛 2 头"})


def add_household(world, user=None, village=VILLAGE_A1, **data):
    return services.change_submit(user=user or world.clerk, kind=ChangeKind.HOUSEHOLD_ADD, village_id=village,
                                  data={**NEW_HOUSEHOLD, **data})


def remove_household(world, user=None, household=None):
    return services.change_submit(user=user or world.clerk, kind=ChangeKind.HOUSEHOLD_REMOVE,
                                  household=household or world.home,
                                  data={"removal_reason": RemovalReason.EXTINCT, "removed_on": datetime.date(2025, 7, 1)})


# --- 帮扶措施 ------------------------------------------------------------------------------

def test_a_measure_is_added_only_on_approval_with_history_and_the_event(world, events,
                                                                       django_capture_on_commit_callbacks):
    change = add_measure(world)
    assert change.changes == {"year": [None, "2025"], "measure_type": [None, "industry"],
                              "content": [None, "发放肉牛 2 头"]}
    assert not AssistanceMeasure.objects.exists()
    with django_capture_on_commit_callbacks(execute=True):
        services.change_request_approve(change=change, reviewer=world.reviewer)
    measure = AssistanceMeasure.objects.get()
    assert (measure.household, measure.year, measure.measure_type) == (world.home, 2025, MeasureType.INDUSTRY)
    assert measure.history.get().change_request_id == change.pk
    assert events == [world.home.pk]


def test_outsiders_cannot_add_measures(world, outsiders):  # noqa: F811
    for user in (*outsiders.values(), world.inspector):
        with pytest.raises(services.ChangeRequestError):
            add_measure(world, user=user)


# --- 新增农户 ------------------------------------------------------------------------------

def test_a_new_household_waits_without_a_household_and_is_created_with_its_head_on_approval(
    world, events, django_capture_on_commit_callbacks
):
    change = add_household(world)
    assert (change.household, change.village_id, change.status) == (None, VILLAGE_A1, ChangeStatus.PENDING_TOWNSHIP)
    assert change.changes["name"] == [None, "赵新户"]
    with django_capture_on_commit_callbacks(execute=True):
        services.change_request_approve(change=change, reviewer=world.reviewer)
    change.refresh_from_db()
    household = change.household
    assert household.number == f"{VILLAGE_A1}0001"
    assert (household.village_id, household.address, household.phone) == (VILLAGE_A1, "金湾村三组 12 号", "13900001111")
    head = household.members.get()
    assert (head, head.relationship, head.status, head.id_valid) == (change.member, Relationship.HEAD,
                                                                     MemberStatus.NORMAL, True)
    assert events == [household.pk]
    assert household.history.get().change_request_id == change.pk


def test_the_new_number_follows_the_villages_highest_four_digit_sequence(world):
    make_household(VILLAGE_A1, number=f"{VILLAGE_A1}0041")
    make_household(VILLAGE_A1, number=f"{VILLAGE_A1}X9999")  # another shape: not a sequence
    assert change_kinds.next_household_number(world.home.village) == f"{VILLAGE_A1}0042"


def test_a_new_household_must_be_in_a_village_of_the_users_scope(world, outsiders):  # noqa: F811
    with pytest.raises(services.ChangeRequestError, match="无权"):
        add_household(world, village=VILLAGE_A2)  # the clerk's neighbour village
    with pytest.raises(services.ChangeRequestError, match="无权"):
        add_household(world, user=world.reviewer, village=VILLAGE_B1)
    with pytest.raises(services.ChangeRequestError, match="无权"):
        add_household(world, user=world.inspector)
    with pytest.raises(services.ChangeRequestError, match="无权"):
        add_household(world, user=world.reviewer, village=VILLAGE_A1[:9])  # a township is not a village
    assert add_household(world, user=world.reviewer, village=VILLAGE_A2).status == ChangeStatus.PENDING_COUNTY


def test_a_new_household_request_is_reviewed_in_scope_only(world, outsiders):  # noqa: F811
    change = add_household(world)
    with pytest.raises(services.ChangeRequestError):
        services.change_request_approve(change=change, reviewer=outsiders["reviewer_of_b"])
    assert not Household.objects.filter(address="金湾村三组 12 号").exists()


def test_a_clerk_adds_a_household_through_the_form_and_revises_it(client, world):
    client.force_login(world.clerk)
    url = reverse("household_add_new")
    page = client.get(url).content.decode()
    assert "户主姓名" in page and "金湾村" in page and "石门村" not in page
    data = {"village": VILLAGE_A1, "household_type": HouseholdType.ORDINARY, "address": "三组", "phone": "",
            "name": "赵新户", "gender": Gender.MALE, "birth_date": HEAD_BORN.isoformat(),
            "id_number": NEW_HOUSEHOLD["id_number"], "public_welfare_job": "unknown", "note": "分户"}
    client.post(url, {**data, "village": VILLAGE_A2})
    assert not ChangeRequest.objects.exists()  # not a choice for this clerk
    client.post(url, data)
    change = ChangeRequest.objects.get(kind=ChangeKind.HOUSEHOLD_ADD)
    detail = client.get(reverse("change_detail", args=[change.pk])).content.decode()
    assert "赵新户" in detail and "户主姓名" not in detail  # the diff names the field 姓名
    services.change_request_return(change=change, reviewer=world.reviewer, reason="地址请写全")
    client.post(reverse("change_resubmit", args=[change.pk]), {**data, "address": "金湾村三组 12 号"})
    change.refresh_from_db()
    assert (change.status, change.changes["address"]) == (ChangeStatus.PENDING_TOWNSHIP, [None, "金湾村三组 12 号"])


def test_the_household_list_offers_a_new_household_to_writers_only(client, world):
    for user, shown in ((world.clerk, True), (world.county_staff, True), (world.inspector, False)):
        client.force_login(user)
        content = client.get(reverse("household_list")).content.decode()
        assert (reverse("household_add_new") in content) is shown
    assert client.get(reverse("household_add_new")).status_code == 404


# --- 农户核减 ------------------------------------------------------------------------------

def test_a_removal_sets_the_date_and_reason_on_approval(world, events, django_capture_on_commit_callbacks):
    change = remove_household(world)
    assert Household.objects.get(pk=world.home.pk).removed_on is None
    with django_capture_on_commit_callbacks(execute=True):
        services.change_request_approve(change=change, reviewer=world.reviewer)
    household = Household.objects.get(pk=world.home.pk)
    assert (household.removed_on, household.removal_reason) == (datetime.date(2025, 7, 1), RemovalReason.EXTINCT)
    assert events == [world.home.pk]


def test_a_second_removal_is_refused(world):
    first, second = remove_household(world), remove_household(world)
    services.change_request_approve(change=first, reviewer=world.reviewer)
    with pytest.raises(services.ChangeRequestError, match=change_kinds.ALREADY_REMOVED):
        services.change_request_approve(change=second, reviewer=world.reviewer)
    with pytest.raises(services.ChangeRequestError, match=change_kinds.ALREADY_REMOVED):
        remove_household(world)


def test_the_removal_form_asks_for_reason_and_date(client, world):
    client.force_login(world.clerk)
    url = reverse("household_remove_new", args=[world.home.number])
    assert "这个字段是必填项" in client.post(url, {}).content.decode()
    client.post(url, {"removal_reason": RemovalReason.MOVED_AWAY, "removed_on": "2025-07-01", "note": "全户迁出"})
    change = ChangeRequest.objects.get(kind=ChangeKind.HOUSEHOLD_REMOVE)
    assert change.changes["removal_reason"] == ["", RemovalReason.MOVED_AWAY]


def test_household_forms_are_404_outside_scope(client, world, outsiders):  # noqa: F811
    urls = [reverse("measure_new", args=[world.home.number]),
            reverse("household_remove_new", args=[world.home.number])]
    for user in (outsiders["clerk_of_a2"], world.inspector):
        client.force_login(user)
        for url in urls:
            assert client.get(url).status_code == 404
    assert not ChangeRequest.objects.exists()


def test_a_clerk_adds_a_measure_through_the_form(client, world):
    client.force_login(world.clerk)
    url = reverse("measure_new", args=[world.home.number])
    assert 'value="2025" selected' in client.get(url).content.decode()
    client.post(url, {"year": "2025", "measure_type": MeasureType.EMPLOYMENT, "content": "安排公益性岗位"})
    change = ChangeRequest.objects.get(kind=ChangeKind.MEASURE)
    assert change.changes["measure_type"] == [None, MeasureType.EMPLOYMENT]
