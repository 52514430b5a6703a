"""The household's timeline: its own changes and its members', incomes' and measures', newest first."""

import datetime
from decimal import Decimal

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from households.changes import services
from households.changes.history import household_timeline
from households.changes.models import ChangeKind
from households.choices import Gender, JoinReason, LeaveReason, MeasureType, Relationship, RiskType


def approve(world, change):
    services.change_request_approve(change=change, reviewer=world.reviewer)
    return change


def test_member_income_and_measure_changes_are_on_the_timeline_newest_first(world):
    son = world.home.members.filter(relationship=Relationship.SON).last()
    edit = approve(world, services.change_submit(user=world.clerk, kind=ChangeKind.MEMBER_EDIT, household=world.home,
                                                 member=son, data={"months_worked": 5}))
    income = approve(world, services.income_change_submit(user=world.clerk, household=world.home, year=2025,
                                                          data={"wage": Decimal("1000")}))
    measure = approve(world, services.change_submit(
        user=world.clerk, kind=ChangeKind.MEASURE, household=world.home,
        data={"year": 2025, "measure_type": MeasureType.HEALTH, "content": "大病救助"}))
    baby = approve(world, services.change_submit(
        user=world.clerk, kind=ChangeKind.MEMBER_ADD, household=world.home,
        data={"name": "王小宝", "gender": Gender.FEMALE, "relationship": Relationship.GRANDDAUGHTER,
              "join_reason": JoinReason.BIRTH, "joined_on": datetime.date(2025, 4, 1)}))
    removal = approve(world, services.change_submit(
        user=world.clerk, kind=ChangeKind.MEMBER_REMOVE, household=world.home, member=son,
        data={"leave_reason": LeaveReason.DIED, "left_on": datetime.date(2025, 6, 1)}))

    timeline = household_timeline(household=world.home)
    assert [entry.change_request_id for entry in timeline][:5] == [removal.pk, baby.pk, measure.pk, income.pk, edit.pk]
    assert timeline[0].user == world.reviewer
    assert (f"成员 {son.name}·人员状态", "正常", "死亡") in timeline[0].changes
    assert (f"成员 {son.name}·减员原因", "—", "死亡") in timeline[0].changes
    assert ("成员 王小宝·姓名", "—", "王小宝") in timeline[1].changes
    assert ("帮扶措施·措施内容", "—", "大病救助") in timeline[2].changes
    assert ("2025 年度工资性收入", "—", "1,000.00 元") in timeline[3].changes
    assert timeline[4].changes == [(f"成员 {son.name}·务工时间(月)", "0", "5")]


def test_a_new_households_head_shows_on_its_timeline(world):
    change = approve(world, services.change_submit(
        user=world.clerk, kind=ChangeKind.HOUSEHOLD_ADD, village_id=world.home.village_id,
        data={"household_type": "ordinary", "name": "赵新户", "gender": Gender.MALE}))
    change.refresh_from_db()
    timeline = household_timeline(household=change.household)
    assert {entry.kind for entry in timeline} == {"+", "~"}
    assert any(("成员 赵新户·姓名", "—", "赵新户") in entry.changes for entry in timeline)


def test_the_timeline_takes_a_bounded_number_of_queries_whatever_the_history(world):
    son = world.home.members.filter(relationship=Relationship.SON).last()

    def queries():
        with CaptureQueriesContext(connection) as captured:
            household_timeline(household=world.home)
        return len(captured)

    approve(world, services.change_submit(user=world.clerk, kind=ChangeKind.MEMBER_EDIT, household=world.home,
                                          member=son, data={"months_worked": 1}))
    few = queries()
    for months in range(2, 12):
        approve(world, services.change_submit(user=world.clerk, kind=ChangeKind.MEMBER_EDIT, household=world.home,
                                              member=son, data={"months_worked": months}))
        approve(world, services.income_change_submit(user=world.clerk, household=world.home, year=2025,
                                                     data={"wage": Decimal(months * 100)}))
    assert queries() == few <= 5


def test_the_household_page_shows_the_timeline_in_bounded_queries(client, world, django_assert_max_num_queries):
    son = world.home.members.filter(relationship=Relationship.SON).last()
    for months in range(1, 8):
        approve(world, services.change_submit(user=world.clerk, kind=ChangeKind.MEMBER_EDIT, household=world.home,
                                              member=son, data={"months_worked": months}))
    client.force_login(world.clerk)
    with django_assert_max_num_queries(30):
        content = client.get(reverse("household_detail", args=[world.home.number])).content.decode()
    assert f"成员 {son.name}·务工时间(月)" in content


def test_the_risk_types_read_as_their_labels_on_the_timeline(world):
    world.home.risk_types = [RiskType.ILLNESS, RiskType.SCHOOLING]
    world.home.save()
    world.home.risk_types = [RiskType.ILLNESS]
    world.home.save()
    timeline = household_timeline(household=world.home)
    assert timeline[0].changes == [("风险类型", "因病、因学", "因病")]
    assert timeline[1].changes == [("风险类型", "—", "因病、因学")]
