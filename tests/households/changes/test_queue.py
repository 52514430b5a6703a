"""The change list: tabs with counts (待我审核 / 已超时 / 我的申请 / 已退回), filters, oldest first,
overdue marked, pages; a bounded number of queries whatever the queue's size."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from households.choices import ReviewLevel
from accounts.roles import Role
from households.changes import services
from households.changes.models import ChangeKind, ChangeRequest, ChangeRequestAttachment, ChangeStatus
from households.models import Area
from tests.builders import make_user
from tests.conftest import VILLAGE_A1, VILLAGE_A2

pytestmark = pytest.mark.django_db


def make_pending(household, clerk, count=1, *, days_ago=0, kind=ChangeKind.HOUSEHOLD_INFO, status=None):
    """`count` requests of `clerk` on `household`, submitted `days_ago` days ago (bulk, no checks)."""
    at = timezone.now() - datetime.timedelta(days=days_ago)
    return ChangeRequest.objects.bulk_create([
        ChangeRequest(
            household=household, village_id=household.village_id, kind=kind, requested_by=clerk,
            status=status or ChangeStatus.PENDING_TOWNSHIP, review_level=ReviewLevel.TOWNSHIP,
            changes={"phone": [household.phone, f"139{n:08d}"]}, submitted_at=at - datetime.timedelta(seconds=n),
        )
        for n in range(count)
    ])


def get(client, user, **params):
    client.force_login(user)
    return client.get(reverse("change_list"), params)


def counts(response) -> dict:
    return {tab.key: count for tab, count in response.context["tabs"]}


def test_a_reviewer_has_four_tabs_with_counts(client, world):
    make_pending(world.home, world.clerk, 2)
    make_pending(world.home, world.clerk, 1, days_ago=5)
    make_pending(world.home, world.reviewer, 1, status=ChangeStatus.RETURNED)
    response = get(client, world.reviewer)
    assert counts(response) == {"queue": 3, "overdue": 1, "mine": 1, "returned": 1}
    page = response.content.decode()
    for label in ("待我审核", "已超时", "我的申请", "已退回"):
        assert label in page


def test_a_clerk_has_only_their_own_tabs_and_an_inspector_only_the_queue(client, world):
    make_pending(world.home, world.clerk, 2)
    assert counts(get(client, world.clerk)) == {"mine": 2, "returned": 0}
    assert counts(get(client, world.inspector)) == {"queue": 2, "overdue": 0}


def test_the_queue_is_oldest_first_and_marks_the_overdue(client, world):
    new = make_pending(world.home, world.clerk, 1)[0]
    old = make_pending(world.home, world.clerk, 1, days_ago=4)[0]
    response = get(client, world.reviewer)
    assert [c.pk for c in response.context["page"]] == [old.pk, new.pk]
    page = response.content.decode()
    assert page.count("审核超时") == 2  # the badge of the old request, and the filter's label
    overdue_tab = get(client, world.reviewer, tab="overdue")
    assert [c.pk for c in overdue_tab.context["page"]] == [old.pk]


def test_filters_narrow_the_list_and_every_tabs_count(client, world):
    make_pending(world.home, world.clerk, 2)
    make_pending(world.neighbour, make_user("clerk2", Role.VILLAGE_CLERK, VILLAGE_A2), 3)
    make_pending(world.home, world.clerk, 1, kind=ChangeKind.INCOME, days_ago=4)
    village_a2 = Area.objects.get(code=VILLAGE_A2)
    by_village = get(client, world.reviewer, village=village_a2.pk)
    assert counts(by_village)["queue"] == 3
    assert {c.village_id for c in by_village.context["page"]} == {village_a2.pk}
    assert counts(get(client, world.reviewer, kind=ChangeKind.INCOME)) == {
        "queue": 1, "overdue": 1, "mine": 0, "returned": 0}
    assert counts(get(client, world.reviewer, requested_by=world.clerk.pk))["queue"] == 3
    assert counts(get(client, world.reviewer, overdue="on"))["queue"] == 1


def test_the_filters_offer_only_villages_and_requesters_in_scope(client, world):
    make_pending(world.home, world.clerk, 1)
    make_pending(world.other_township, make_user("clerk-b", Role.VILLAGE_CLERK, world.other_township.village))
    form = get(client, world.reviewer).context["filter"].form
    assert {a.code for a in form.fields["village"].queryset} == {VILLAGE_A1, VILLAGE_A2}
    assert list(form.fields["requested_by"].queryset) == [world.clerk]


def test_a_village_of_another_township_filters_to_nothing(client, world):
    make_pending(world.home, world.clerk, 1)
    other = world.other_township.village
    response = get(client, world.reviewer, village=other.pk)
    assert counts(response)["queue"] == 1  # an invalid choice is ignored, not trusted
    assert "village" in response.context["filter"].form.errors


def test_the_queue_is_paged(client, world, settings):
    settings.PAGE_SIZE = 5
    make_pending(world.home, world.clerk, 12)
    response = get(client, world.reviewer, page=3)
    assert len(response.context["page"]) == 2 and response.context["page"].paginator.num_pages == 3
    assert "3 / 3" in response.content.decode()


def test_my_requests_list_returned_first_with_the_reason(client, world):
    pending = services.change_request_submit(user=world.clerk, household=world.home, data={"phone": "13911112222"})
    returned = services.change_request_submit(user=world.clerk, household=world.home, data={"address": "2 组"})
    services.change_request_return(change=returned, reviewer=world.reviewer, reason="地址请写全")
    response = get(client, world.clerk)
    assert [c.pk for c in response.context["page"]] == [returned.pk, pending.pk]
    assert "地址请写全" in response.content.decode()
    assert [c.pk for c in get(client, world.clerk, tab="returned").context["page"]] == [returned.pk]


def test_nobody_sees_requests_outside_their_scope(client, world):
    make_pending(world.other_township, world.clerk, 3)  # not the reviewer's township
    assert counts(get(client, world.reviewer))["queue"] == 0


@pytest.mark.parametrize("size", [3, 60])
def test_the_queue_page_takes_a_bounded_number_of_queries(client, world, django_assert_max_num_queries,
                                                          size, settings):
    settings.MEDIA_ROOT = "/nonexistent"  # the list never opens a file
    changes = make_pending(world.home, world.clerk, size, days_ago=5)
    ChangeRequestAttachment.objects.bulk_create([
        ChangeRequestAttachment(change=change, file=f"change_attachments/{change.pk}.jpg", original_name="a.jpg",
                                content_type="image/jpeg", size=10, uploaded_by=world.clerk)
        for change in changes
    ])
    client.force_login(world.reviewer)
    with django_assert_max_num_queries(16):  # one of them: does the user have a second factor?
        response = client.get(reverse("change_list"), {"kind": ChangeKind.HOUSEHOLD_INFO})
    assert response.status_code == 200 and len(response.context["page"]) == min(size, 25)
