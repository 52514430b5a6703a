"""批量通过: each ticked request approved on its own; conflicts, handled ones and ids out of
scope are reported by number and never stop the others."""


import pytest
from django.urls import reverse

from accounts.roles import Role
from households import bulk
from households.changes import review
from households.changes import services
from households.changes.models import ChangeRequest, ChangeStatus
from households.models import Household
from tests.builders import make_user
from tests.races import needs_row_locks, race
from tests.conftest import VILLAGE_A2, VILLAGE_B1

pytestmark = pytest.mark.django_db


def submit(world, household=None, user=None, **data):
    if household is world.neighbour and user is None:
        user = make_user("clerk-a2", Role.VILLAGE_CLERK, VILLAGE_A2)
    return services.change_request_submit(user=user or world.clerk, household=household or world.home, data=data)


def post(client, user, ids, **extra):
    client.force_login(user)
    return client.post(reverse("change_bulk_approve"), {"ids": [str(i) for i in ids], **extra}, follow=True)


def status(change) -> str:
    return ChangeRequest.objects.get(pk=change.pk).status


def test_a_reviewer_approves_the_selected_requests_at_once(client, world):
    phone = submit(world, phone="13911112222")
    address = submit(world, household=world.neighbour, address="石门村 2 组")
    untouched = submit(world, address="金湾村 5 组")
    response = post(client, world.reviewer, [phone.pk, address.pk])
    assert status(phone) == status(address) == ChangeStatus.APPROVED
    assert status(untouched) == ChangeStatus.PENDING_TOWNSHIP
    assert Household.objects.get(pk=world.home.pk).phone == "13911112222"
    assert Household.objects.get(pk=world.neighbour.pk).address == "石门村 2 组"
    assert "2 条已通过" in response.content.decode()
    assert response.redirect_chain[-1][0] == reverse("change_list")
    for change in (phone, address):
        event = ChangeRequest.objects.get(pk=change.pk).events.last()
        assert (event.actor, event.to_status) == (world.reviewer, ChangeStatus.APPROVED)


def test_a_conflict_among_the_selected_is_reported_and_the_others_still_approved(client, world):
    first = submit(world, phone="13911112222")
    clashing = submit(world, phone="13933334444")  # drafted against the same old phone
    other = submit(world, household=world.neighbour, address="石门村 2 组")
    outcome = review.bulk_approve(user=world.reviewer, ids=[first.pk, clashing.pk, other.pk])
    assert [change.pk for change in outcome.approved] == [first.pk, other.pk]
    assert [pk for pk, _why in outcome.refused] == [clashing.pk]
    assert status(clashing) == ChangeStatus.PENDING_TOWNSHIP
    assert review.bulk_summary(outcome).startswith(f"2 条已通过；#{clashing.pk} 未通过：该户信息在申请提交后已被修改")
    assert Household.objects.get(pk=world.home.pk).phone == "13911112222"


def test_the_page_names_each_refused_request(client, world):
    first = submit(world, phone="13911112222")
    clashing = submit(world, phone="13933334444")
    page = post(client, world.reviewer, [first.pk, clashing.pk]).content.decode()
    assert f"1 条已通过；#{clashing.pk} 未通过：" in page and "冲突项：联系电话" in page


def test_a_request_handled_meanwhile_is_reported_not_approved_twice(client, world):
    change = submit(world, phone="13911112222")
    services.change_request_return(change=change, reviewer=world.reviewer, reason="请核实")
    outcome = review.bulk_approve(user=world.reviewer, ids=[change.pk])
    assert outcome.approved == [] and outcome.refused == [(change.pk, services.ALREADY_HANDLED)]
    assert status(change) == ChangeStatus.RETURNED


def test_ids_outside_scope_are_never_approved(client, world):
    elsewhere = submit(world, household=world.other_township,
                       user=make_user("clerk-b", Role.VILLAGE_CLERK, VILLAGE_B1), phone="13911112222")
    mine = submit(world, phone="13955556666")
    page = post(client, world.reviewer, [elsewhere.pk, mine.pk, 999999]).content.decode()
    assert status(elsewhere) == ChangeStatus.PENDING_TOWNSHIP
    assert status(mine) == ChangeStatus.APPROVED
    assert f"#{elsewhere.pk} 未通过：不存在或不在您的管辖范围内" in page


def test_a_reviewer_cannot_bulk_approve_their_own_request(client, world):
    own = submit(world, user=world.reviewer, phone="13911112222")  # waits for the county
    outcome = review.bulk_approve(user=world.county_staff, ids=[own.pk])
    assert [change.pk for change in outcome.approved] == [own.pk]  # the county may
    own_again = submit(world, user=world.reviewer, address="金湾村 9 组")
    assert review.bulk_approve(user=world.reviewer, ids=[own_again.pk]).approved == []


def test_more_than_the_limit_approves_the_first_ones_and_says_how_many_were_left(client, world, monkeypatch):
    """The same limit as the tickets' 批量通过: a change request's approval re-checks its
    household, and hundreds of them in one request would hold the reviewer's page for minutes."""
    monkeypatch.setattr(bulk, "BULK_LIMIT", 2)
    changes = [submit(world, phone="13911112222"), submit(world, household=world.neighbour, address="石门村 2 组"),
               submit(world, address="金湾村 9 组")]
    page = post(client, world.reviewer, [change.pk for change in changes]).content.decode()
    assert [status(change) for change in changes] == [ChangeStatus.APPROVED] * 2 + [ChangeStatus.PENDING_TOWNSHIP]
    assert "一次最多批量通过 2 条，另有 1 条未处理，请再次提交。" in page


def test_nothing_selected_says_so(client, world):
    page = post(client, world.reviewer, []).content.decode()
    assert review.NOTHING_SELECTED in page


@pytest.mark.parametrize("who", ["clerk", "inspector", "no_role"])
def test_who_may_not_review_gets_404_and_approves_nothing(client, world, who):
    change = submit(world, phone="13911112222")
    client.force_login(getattr(world, who))
    response = client.post(reverse("change_bulk_approve"), {"ids": [change.pk]})
    assert response.status_code == 404
    assert status(change) == ChangeStatus.PENDING_TOWNSHIP


def test_bulk_approve_is_post_only(client, world):
    client.force_login(world.reviewer)
    assert client.get(reverse("change_bulk_approve")).status_code == 405


def test_the_queue_offers_checkboxes_to_reviewers_only(client, world):
    change = submit(world, phone="13911112222")
    client.force_login(world.reviewer)
    page = client.get(reverse("change_list")).content.decode()
    assert f'name="ids" value="{change.pk}"' in page and "批量通过" in page
    client.force_login(world.inspector)
    assert "批量通过" not in client.get(reverse("change_list")).content.decode()


def test_after_a_filtered_bulk_approve_the_reviewer_is_back_on_the_same_filter(client, world):
    change = submit(world, phone="13911112222")
    back = reverse("change_list") + "?tab=queue&kind=household_info"
    response = post(client, world.reviewer, [change.pk], next=back)
    assert response.redirect_chain[-1][0] == back
    elsewhere = post(client, world.reviewer, [change.pk], next="https://evil.example/")
    assert elsewhere.redirect_chain[-1][0] == reverse("change_list")


@pytest.mark.django_db(transaction=True)
def test_two_reviewers_bulk_approving_the_same_requests_each_request_is_approved_once(world):
    needs_row_locks()
    second = make_user("reviewer2", Role.TOWNSHIP_REVIEWER, world.reviewer.area_id)
    changes = [submit(world, phone="13911112222"), submit(world, address="金湾村 6 组"),
               submit(world, natural_village="六组")]
    ids = [change.pk for change in changes]
    first, other = race(lambda reviewer: review.bulk_approve(user=reviewer, ids=ids), [world.reviewer, second])
    approved = first.approved + other.approved
    assert sorted(change.pk for change in approved) == ids  # each exactly once, by one or the other
    refused = first.refused + other.refused
    assert sorted(refused) == [(pk, services.ALREADY_HANDLED) for pk in ids]
    for change in changes:
        assert ChangeRequest.objects.get(pk=change.pk).events.filter(to_status=ChangeStatus.APPROVED).count() == 1
