"""Member change requests (修改成员信息, 新增成员, 减员): drafted, reviewed and applied like any change."""

import datetime

import pytest
from django.urls import reverse

from households.changes import kinds as change_kinds
from households.changes import services
from households import id_numbers
from households.changes.models import ChangeKind, ChangeRequest, ChangeStatus
from households.choices import Gender, JoinReason, LeaveReason, MemberStatus, Relationship
from households.changes.member_forms import CONFIRM_REQUIRED, ID_TAKEN, MONTHS, MemberAddForm, MemberForm
from households.models import Household, Member
from tests.households.changes.test_views import outsiders  # noqa: F401  (fixture)

BABY_BORN = datetime.date(2025, 3, 2)


def son_of(world) -> Member:
    return world.home.members.filter(relationship=Relationship.SON).last()


def edit(world, member=None, user=None, **data):
    return services.change_submit(user=user or world.clerk, kind=ChangeKind.MEMBER_EDIT, household=world.home,
                                  member=member or son_of(world), data=data or {"months_worked": 6})


def add(world, user=None, **data):
    values = {"name": "王小宝", "gender": Gender.FEMALE, "birth_date": BABY_BORN,
              "id_number": id_numbers.make(world.home.village_id[:6], BABY_BORN, 2),
              "relationship": Relationship.GRANDDAUGHTER, "join_reason": JoinReason.BIRTH,
              "joined_on": datetime.date(2025, 4, 1), **data}
    return services.change_submit(user=user or world.clerk, kind=ChangeKind.MEMBER_ADD, household=world.home,
                                  data=values, warnings=["提示一"])


def remove(world, member=None, user=None, reason=LeaveReason.DIED):
    return services.change_submit(
        user=user or world.clerk, kind=ChangeKind.MEMBER_REMOVE, household=world.home, member=member or son_of(world),
        data={"leave_reason": reason, "left_on": datetime.date(2025, 6, 30)})


# --- 修改成员信息 ---------------------------------------------------------------------------

def test_a_member_edit_records_old_and_new_and_changes_nothing_live(world):
    member = son_of(world)
    change = edit(world, member, months_worked=6, ethnicity="满族")
    assert (change.kind, change.member, change.status) == (ChangeKind.MEMBER_EDIT, member, ChangeStatus.PENDING_TOWNSHIP)
    assert change.changes == {"ethnicity": ["", "满族"], "months_worked": ["0", "6"]}
    member.refresh_from_db()
    assert member.months_worked == 0


def test_approving_a_member_edit_applies_it_with_history_and_the_event(
    world, events, django_capture_on_commit_callbacks
):
    member = son_of(world)
    change = edit(world, member, months_worked=6)
    with django_capture_on_commit_callbacks(execute=True):
        services.change_request_approve(change=change, reviewer=world.reviewer)
    member.refresh_from_db()
    assert member.months_worked == 6
    assert events == [world.home.pk]
    record = member.history.latest()
    assert (record.history_user, record.change_request_id) == (world.reviewer, change.pk)


def test_a_member_edit_conflicts_field_by_field_when_the_member_changed_meanwhile(world):
    member = son_of(world)
    change = edit(world, member, months_worked=6, ethnicity="满族")
    Member.objects.filter(pk=member.pk).update(months_worked=3)
    with pytest.raises(services.ChangeConflict) as refused:
        services.change_request_approve(change=change, reviewer=world.reviewer)
    assert [c.field for c in refused.value.conflicts] == ["months_worked"]
    member.refresh_from_db()
    assert (member.months_worked, member.ethnicity) == (3, "")


def test_a_removed_member_cannot_be_edited_nor_an_edit_approved_after_removal(world):
    member = son_of(world)
    change = edit(world, member)
    Member.objects.filter(pk=member.pk).update(status=MemberStatus.DECEASED)
    with pytest.raises(services.ChangeRequestError, match="不在该户在册成员中"):
        services.change_request_approve(change=change, reviewer=world.reviewer)
    with pytest.raises(services.ChangeRequestError, match="不在该户在册成员中"):
        edit(world, member)


def test_a_member_of_another_household_cannot_be_named(world):
    stranger = world.neighbour.members.first()
    with pytest.raises(services.ChangeRequestError):
        edit(world, stranger)


def test_outsiders_and_readers_cannot_propose_member_changes(world, outsiders):  # noqa: F811
    for user in (*outsiders.values(), world.inspector, world.no_role):
        with pytest.raises(services.ChangeRequestError, match="无权"):
            edit(world, user=user)
        with pytest.raises(services.ChangeRequestError, match="无权"):
            add(world, user=user)


# --- 新增成员 -------------------------------------------------------------------------------

def test_a_member_addition_has_empty_old_values_and_creates_the_member_on_approval(world, events,
                                                                                    django_capture_on_commit_callbacks):
    change = add(world)
    assert change.changes["name"] == [None, "王小宝"]
    assert change.changes["join_reason"] == [None, JoinReason.BIRTH]
    assert change.member is None and change.confirmed_warnings == ["提示一"]
    with django_capture_on_commit_callbacks(execute=True):
        services.change_request_approve(change=change, reviewer=world.reviewer)
    change.refresh_from_db()
    baby = change.member
    assert (baby.name, baby.household, baby.status, baby.birth_date) == ("王小宝", world.home, MemberStatus.NORMAL,
                                                                         BABY_BORN)
    assert (baby.join_reason, baby.joined_on, baby.id_valid) == (JoinReason.BIRTH, datetime.date(2025, 4, 1), True)
    assert baby.history.get().change_request_id == change.pk
    assert events == [world.home.pk]


def test_county_staff_add_a_member_at_once(world):
    change = add(world, user=world.county_staff)
    assert change.status == ChangeStatus.APPROVED
    assert change.member.name == "王小宝"


# --- 减员 ----------------------------------------------------------------------------------

@pytest.mark.parametrize("reason, status", [
    (LeaveReason.DIED, MemberStatus.DECEASED), (LeaveReason.MOVED_OUT, MemberStatus.MOVED_OUT),
    (LeaveReason.MARRIED_OUT, MemberStatus.MOVED_OUT), (LeaveReason.OTHER, MemberStatus.MOVED_OUT),
])
def test_approving_a_removal_keeps_the_member_with_the_status_of_its_reason(world, reason, status):
    member = son_of(world)
    change = remove(world, member, reason=reason)
    services.change_request_approve(change=change, reviewer=world.reviewer)
    member.refresh_from_db()
    assert (member.status, member.leave_reason, member.left_on) == (status, reason, datetime.date(2025, 6, 30))
    assert Member.objects.filter(pk=member.pk).exists()


def test_an_already_removed_member_cannot_be_removed_again(world):
    member = son_of(world)
    first, second = remove(world, member), remove(world, member)
    services.change_request_approve(change=first, reviewer=world.reviewer)
    with pytest.raises(services.ChangeRequestError, match="不在该户在册成员中"):
        services.change_request_approve(change=second, reviewer=world.reviewer)
    with pytest.raises(services.ChangeRequestError, match="不在该户在册成员中"):
        remove(world, member)


def test_the_last_active_member_cannot_be_removed(world):
    household = world.neighbour
    members = list(household.members.all())
    household.members.filter(pk=members[1].pk).update(status=MemberStatus.MOVED_OUT)
    with pytest.raises(services.ChangeRequestError, match=change_kinds.LAST_MEMBER[:8]):
        services.change_submit(user=world.county_staff, kind=ChangeKind.MEMBER_REMOVE, household=household,
                               member=members[0], data={"leave_reason": LeaveReason.DIED,
                                                        "left_on": datetime.date(2025, 1, 1)})


def test_two_removals_that_would_empty_the_household_are_refused_at_the_second_approval(world):
    household = world.neighbour
    first, last = household.members.all()
    changes = [services.change_submit(user=world.reviewer, kind=ChangeKind.MEMBER_REMOVE, household=household,
                                      member=member, data={"leave_reason": LeaveReason.MOVED_OUT,
                                                           "left_on": datetime.date(2025, 1, 1)})
               for member in (first, last)]
    services.change_request_approve(change=changes[0], reviewer=world.county_staff)
    with pytest.raises(services.ChangeRequestError, match="只剩这一名"):
        services.change_request_approve(change=changes[1], reviewer=world.county_staff)


def test_a_removal_is_a_conflict_when_the_member_left_another_way_meanwhile(world):
    member = son_of(world)
    change = remove(world, member)
    Member.objects.filter(pk=member.pk).update(left_on=datetime.date(2025, 1, 1))
    with pytest.raises(services.ChangeConflict):
        services.change_request_approve(change=change, reviewer=world.reviewer)


# --- entry validation ----------------------------------------------------------------------

def form_data(member: Member, **overrides) -> dict:
    data = {name: getattr(member, name) for name in MemberForm.names}
    data["public_welfare_job"] = "unknown"
    data = {name: ("" if value is None else value) for name, value in data.items()}
    return {**data, **overrides}


def test_an_id_of_an_impossible_shape_is_an_error_next_to_the_field(world):
    form = MemberForm(form_data(son_of(world), id_number="23038119800517"))
    assert not form.is_valid()
    assert form.errors["id_number"] == ["证件号码应为18位，当前为14位。"]


def test_a_wrong_check_character_is_a_warning_that_needs_confirmation(world):
    member = son_of(world)
    wrong = member.id_number[:17] + ("0" if member.id_number[17] != "0" else "1")
    form = MemberForm(form_data(member, id_number=wrong))
    assert not form.is_valid()
    assert form.errors["confirm_warnings"] == [CONFIRM_REQUIRED]
    assert any("校验码应为" in text for text in form.warning_texts)
    confirmed = MemberForm(form_data(member, id_number=wrong, confirm_warnings="on"))
    assert confirmed.is_valid(), confirmed.errors
    assert confirmed.confirmed_warnings == confirmed.warning_texts != []


def test_birth_date_and_gender_disagreeing_with_the_id_are_warnings(world):
    member = son_of(world)  # a man born 1980-05-17
    form = MemberForm(form_data(member, birth_date="1980-05-18", gender=Gender.FEMALE))
    assert not form.is_valid()
    assert "出生日期 1980-05-18 与证件号码中的出生日期 1980-05-17 不一致" in form.warning_texts
    assert "性别“女”与证件号码第17位（男）不一致" in form.warning_texts


def test_a_head_younger_than_16_is_a_warning(world):
    born = datetime.date(2020, 1, 1)
    form = MemberAddForm(form_data(son_of(world), relationship=Relationship.SPOUSE, birth_date=born,
                                   id_number=id_numbers.make("230381", born, 3),
                                   gender=Gender.MALE, join_reason=JoinReason.MARRIED_IN, joined_on="2025-01-01"))
    assert not form.is_valid()
    assert any("配偶年龄仅" in text for text in form.warning_texts)


@pytest.mark.parametrize(("born", "warned"), [
    (datetime.date(2009, 11, 15), True),  # 15 on 30 September 2025, though 16 or more today
    (datetime.date(2009, 9, 30), False),  # 16 on the reference date
])
def test_a_young_head_is_warned_about_by_the_age_b08_reads_on_the_reference_date(world, born, warned):
    """World's county is in assessment year 2025: B08 takes the head's age on 30 September 2025."""
    member = world.home.members.get(relationship=Relationship.HEAD)
    form = MemberForm(form_data(member, birth_date=born, id_number=id_numbers.make("230381", born, 3),
                                gender=Gender.MALE), user=world.clerk)
    form.is_valid()
    assert ("户主年龄仅 15 岁，请核实与户主关系和出生日期" in form.warning_texts) is warned


def test_months_worked_outside_0_12_is_an_error(world):
    form = MemberForm(form_data(son_of(world), months_worked="13"))
    assert not form.is_valid()
    assert form.errors["months_worked"] == [MONTHS]


def test_a_future_join_date_is_an_error(world):
    form = MemberAddForm(form_data(son_of(world), join_reason=JoinReason.BIRTH, joined_on="2999-01-01"))
    assert not form.is_valid()
    assert "joined_on" in form.errors


# --- screens -------------------------------------------------------------------------------

def as_user(client, user):
    client.force_login(user)
    return client


def test_the_household_page_offers_member_actions_to_writers_only(client, world):
    page = reverse("household_detail", args=[world.home.number])
    member = son_of(world)
    links = [reverse("member_change_new", args=[world.home.number, member.pk]),
             reverse("member_remove_new", args=[world.home.number, member.pk]),
             reverse("member_add_new", args=[world.home.number]),
             reverse("measure_new", args=[world.home.number]),
             reverse("household_remove_new", args=[world.home.number])]
    content = as_user(client, world.clerk).get(page).content.decode()
    assert all(link in content for link in links)
    content = as_user(client, world.inspector).get(page).content.decode()
    assert not any(link in content for link in links)


def test_a_clerk_edits_a_member_through_the_form_and_the_reviewer_sees_the_diff(client, world):
    member = son_of(world)
    url = reverse("member_change_new", args=[world.home.number, member.pk])
    response = as_user(client, world.clerk).post(url, form_data(member, months_worked="7", note="入户核实"),
                                                 follow=True)
    change = ChangeRequest.objects.get(kind=ChangeKind.MEMBER_EDIT)
    assert response.redirect_chain[-1][0] == reverse("change_detail", args=[change.pk])
    content = as_user(client, world.reviewer).get(reverse("change_detail", args=[change.pk])).content.decode()
    assert "务工时间(月)" in content and member.name in content


def test_the_form_shows_warnings_and_stores_the_confirmed_ones_for_the_reviewer(client, world):
    member = son_of(world)
    url = reverse("member_change_new", args=[world.home.number, member.pk])
    as_user(client, world.clerk)
    response = client.post(url, form_data(member, gender=Gender.FEMALE))
    assert response.status_code == 200
    content = response.content.decode()
    assert "已核实，仍要提交" in content and "与证件号码第17位" in content
    assert not ChangeRequest.objects.exists()
    client.post(url, form_data(member, gender=Gender.FEMALE, confirm_warnings="on"))
    change = ChangeRequest.objects.get()
    assert change.confirmed_warnings == ["性别“女”与证件号码第17位（男）不一致"]
    detail = as_user(client, world.reviewer).get(reverse("change_detail", args=[change.pk])).content.decode()
    assert 'data-testid="confirmed-warnings"' in detail and "与证件号码第17位" in detail


def test_an_id_number_is_masked_in_the_diff(client, world):
    member = son_of(world)
    new_id = id_numbers.make("230381", member.birth_date, 55)
    change = edit(world, member, id_number=new_id)
    content = as_user(client, world.reviewer).get(reverse("change_detail", args=[change.pk])).content.decode()
    assert id_numbers.mask(new_id) in content and new_id not in content


def test_member_forms_are_404_outside_scope_and_for_readers(client, world, outsiders):  # noqa: F811
    member = son_of(world)
    urls = [reverse("member_change_new", args=[world.home.number, member.pk]),
            reverse("member_remove_new", args=[world.home.number, member.pk]),
            reverse("member_add_new", args=[world.home.number])]
    for user in (outsiders["clerk_of_a2"], outsiders["reviewer_of_b"], world.inspector):
        as_user(client, user)
        for url in urls:
            assert client.get(url).status_code == 404
            assert client.post(url, form_data(member)).status_code == 404
    assert not ChangeRequest.objects.exists()


def test_a_removed_members_forms_are_404(client, world):
    member = son_of(world)
    Member.objects.filter(pk=member.pk).update(status=MemberStatus.MOVED_OUT)
    as_user(client, world.clerk)
    assert client.get(reverse("member_change_new", args=[world.home.number, member.pk])).status_code == 404
    assert client.get(reverse("member_remove_new", args=[world.home.number, member.pk])).status_code == 404


def test_a_clerk_adds_a_member_then_revises_it_after_a_return(client, world):
    as_user(client, world.clerk)
    born = datetime.date(2025, 3, 2)
    data = {"name": "王小宝", "gender": Gender.FEMALE, "birth_date": born.isoformat(),
            "id_number": id_numbers.make("230381", born, 2), "relationship": Relationship.GRANDDAUGHTER,
            "join_reason": JoinReason.BIRTH, "joined_on": "2025-04-01", "public_welfare_job": "unknown",
            "note": "出生"}
    client.post(reverse("member_add_new", args=[world.home.number]), data)
    change = ChangeRequest.objects.get(kind=ChangeKind.MEMBER_ADD)
    services.change_request_return(change=change, reviewer=world.reviewer, reason="出生日期请核对")
    revise = reverse("change_resubmit", args=[change.pk])
    assert "王小宝" in client.get(revise).content.decode()
    client.post(revise, {**data, "name": "王小贝"})
    change.refresh_from_db()
    assert (change.status, change.changes["name"]) == (ChangeStatus.PENDING_TOWNSHIP, [None, "王小贝"])


def test_a_clerk_removes_a_member_through_the_form(client, world):
    member = son_of(world)
    as_user(client, world.clerk)
    response = client.post(reverse("member_remove_new", args=[world.home.number, member.pk]), {})
    assert "这个字段是必填项" in response.content.decode()
    client.post(reverse("member_remove_new", args=[world.home.number, member.pk]),
                {"leave_reason": LeaveReason.MARRIED_OUT, "left_on": "2025-05-01", "note": "出嫁"})
    change = ChangeRequest.objects.get(kind=ChangeKind.MEMBER_REMOVE)
    assert (change.member, change.changes["leave_reason"]) == (member, ["", LeaveReason.MARRIED_OUT])


def test_the_reviewer_sees_a_member_conflict_field_by_field_and_approval_is_refused(client, world):
    member = son_of(world)
    change = edit(world, member, months_worked=6, ethnicity="满族")
    Member.objects.filter(pk=member.pk).update(months_worked=3)
    as_user(client, world.reviewer)
    content = client.get(reverse("change_detail", args=[change.pk])).content.decode()
    assert '<tr class="table-danger" data-field="months_worked">' in content
    assert '<tr data-field="ethnicity">' in content
    response = client.post(reverse("change_approve", args=[change.pk]), follow=True)
    assert "冲突项：务工时间(月)" in response.content.decode()
    change.refresh_from_db()
    assert change.status == ChangeStatus.PENDING_TOWNSHIP


def test_a_member_request_needs_its_household(world):
    with pytest.raises(services.ChangeRequestError):
        services.change_submit(user=world.clerk, kind=ChangeKind.MEMBER_ADD, data={"name": "某某"})
    with pytest.raises(services.ChangeRequestError):
        services.change_submit(user=world.clerk, kind=ChangeKind.HOUSEHOLD_ADD, household=world.home,
                               village_id=world.home.village_id, data={"name": "某某"})


def add_form_taking(world, holder, user) -> MemberAddForm:
    return MemberAddForm(form_data(son_of(world), id_number=holder.id_number, birth_date=holder.birth_date,
                                   gender=holder.gender, join_reason=JoinReason.MOVED_IN, joined_on="2025-01-01"),
                         user=user)


def test_an_id_already_held_by_an_active_member_is_a_warning_that_says_not_where(world):
    other = world.neighbour.members.order_by("pk").first()
    form = add_form_taking(world, other, world.reviewer)
    assert not form.is_valid()
    assert ID_TAKEN in form.warning_texts
    assert other.household.number not in " ".join(form.warning_texts)


def test_the_duplicate_warning_looks_only_inside_the_users_scope(world):
    """A clerk of one county must not learn that a number is registered in another."""
    inside = world.home.members.order_by("pk").first()
    for holder in (world.neighbour, world.other_township, world.other_county):
        assert ID_TAKEN not in _warnings(add_form_taking(world, holder.members.order_by("pk").first(), world.clerk))
    assert ID_TAKEN in _warnings(add_form_taking(world, inside, world.clerk))
    assert ID_TAKEN in _warnings(add_form_taking(world, world.other_township.members.first(), world.county_staff))
    assert ID_TAKEN not in _warnings(add_form_taking(world, world.other_county.members.first(), world.county_staff))


def test_the_member_form_page_warns_of_a_number_inside_the_scope_only(client, world):
    client.force_login(world.clerk)
    url = reverse("member_add_new", args=[world.home.number])
    for holder, warned in ((world.other_county.members.first(), False), (world.home.members.first(), True)):
        data = form_data(son_of(world), id_number=holder.id_number, birth_date=holder.birth_date,
                         gender=holder.gender, join_reason=JoinReason.MOVED_IN, joined_on="2025-01-01")
        page = client.post(url, data).content.decode()
        assert (ID_TAKEN in page) is warned


def test_a_member_keeping_their_own_id_or_taking_a_departed_ones_gets_no_duplicate_warning(world):
    member = son_of(world)
    staff = world.county_staff
    assert ID_TAKEN not in _warnings(MemberForm(form_data(member), initial={"id_number": member.id_number}, user=staff))
    departed = world.neighbour.members.order_by("pk").last()
    departed.status = MemberStatus.DECEASED
    departed.save()
    removed = world.other_township.members.order_by("pk").first()
    Household.objects.filter(pk=world.other_township.pk).update(removed_on="2025-01-01", removal_reason="extinct")
    for holder in (departed, removed):
        form = MemberForm(form_data(member, id_number=holder.id_number, birth_date=holder.birth_date,
                                    gender=holder.gender), initial={"id_number": member.id_number}, user=staff)
        assert ID_TAKEN not in _warnings(form)


def _warnings(form) -> list[str]:
    form.is_valid()
    return form.warning_texts
