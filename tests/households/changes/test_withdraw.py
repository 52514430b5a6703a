"""撤回: the requester takes back their pending or returned request; nothing live changes."""

import pytest
from django.urls import reverse

from households.changes import review
from households.changes import services
from households.changes.models import ChangeRequest, ChangeStatus
from households.models import Household

pytestmark = pytest.mark.django_db


@pytest.fixture
def pending(world):
    return services.change_request_submit(user=world.clerk, household=world.home, data={"phone": "13912345678"})


def withdraw(client, user, change):
    client.force_login(user)
    return client.post(reverse("change_withdraw", args=[change.pk]), follow=True)


def test_the_requester_withdraws_a_pending_request(client, world, pending):
    response = withdraw(client, world.clerk, pending)
    change = ChangeRequest.objects.get(pk=pending.pk)
    assert change.status == ChangeStatus.WITHDRAWN
    event = change.events.last()
    assert (event.actor, event.from_status, event.to_status) == (
        world.clerk, ChangeStatus.PENDING_TOWNSHIP, ChangeStatus.WITHDRAWN)
    assert Household.objects.get(pk=world.home.pk).phone == world.home.phone
    assert "已撤回变更申请" in response.content.decode()
    assert not ChangeRequest.objects.queue_for(world.reviewer).exists()


def test_a_returned_request_can_be_withdrawn_too(world, pending):
    services.change_request_return(change=pending, reviewer=world.reviewer, reason="不需要修改")
    assert review.change_request_withdraw(change=pending, user=world.clerk).status == ChangeStatus.WITHDRAWN


def test_an_approved_or_withdrawn_request_cannot_be_withdrawn(client, world, pending):
    services.change_request_approve(change=pending, reviewer=world.reviewer)
    with pytest.raises(services.ChangeRequestError, match="只有待审核或已退回"):
        review.change_request_withdraw(change=pending, user=world.clerk)
    page = withdraw(client, world.clerk, pending).content.decode()
    assert "只有待审核或已退回的申请可以撤回" in page
    assert ChangeRequest.objects.get(pk=pending.pk).status == ChangeStatus.APPROVED


def test_someone_else_cannot_withdraw_it(client, world, pending):
    for user in (world.reviewer, world.county_staff, world.inspector):
        assert withdraw(client, user, pending).status_code == 404
        with pytest.raises(services.ChangeRequestError):
            review.change_request_withdraw(change=pending, user=user)
    assert ChangeRequest.objects.get(pk=pending.pk).status == ChangeStatus.PENDING_TOWNSHIP


def test_the_detail_page_asks_for_confirmation_before_withdrawing(client, world, pending):
    client.force_login(world.clerk)
    page = client.get(reverse("change_detail", args=[pending.pk])).content.decode()
    assert "撤回申请" in page and "确认撤回" in page and reverse("change_withdraw", args=[pending.pk]) in page
    client.force_login(world.reviewer)
    assert "确认撤回" not in client.get(reverse("change_detail", args=[pending.pk])).content.decode()


def test_withdraw_is_post_only(client, world, pending):
    client.force_login(world.clerk)
    assert client.get(reverse("change_withdraw", args=[pending.pk])).status_code == 405
