"""The crafted ids the outside probe sent: each is a clear answer, never a 500, and a bad
`?ticket=` on a change form is refused before anything is written."""

import pytest
from django.test import Client
from django.urls import reverse

from audits.models import TicketStatus
from households.changes import services
from households.changes.models import ChangeRequest, ChangeStatus
from monitoring.params import MAX_ID, parse_id, parse_ids
from tests.audits.builders import make_ticket
from tests.households.changes.test_views import FORM

pytestmark = pytest.mark.django_db

CRAFTED_IDS = ["²", "9" * 30, "-1", "1e309", "[]", "", " ", "١٢"]


@pytest.fixture
def client():
    return Client(raise_request_exception=False)


def test_parse_id_reads_ascii_digits_that_fit_a_primary_key_and_nothing_else():
    assert parse_id("42") == 42 and parse_id(" 7 ") == 7 and parse_id(7) == 7
    assert parse_id(str(MAX_ID)) == MAX_ID
    for crafted in [*CRAFTED_IDS, str(MAX_ID + 1), None, "4 2", "0x10"]:
        assert parse_id(crafted) is None, crafted
    assert parse_ids(["3", "²", "1", "3", "9" * 30]) == [3, 1]


@pytest.mark.parametrize("crafted", CRAFTED_IDS)
def test_bulk_approve_of_change_requests_ignores_a_crafted_id_and_approves_the_rest(client, world, crafted):
    change = services.change_request_submit(user=world.clerk, household=world.home, data={"phone": "13911112222"})
    client.force_login(world.reviewer)
    response = client.post(reverse("change_bulk_approve"), {"ids": [crafted, str(change.pk)]}, follow=True)
    assert response.status_code == 200
    assert "1 条已通过" in response.content.decode()
    assert ChangeRequest.objects.get(pk=change.pk).status == ChangeStatus.APPROVED


@pytest.mark.parametrize("crafted", CRAFTED_IDS)
def test_bulk_approve_of_change_requests_with_only_crafted_ids_asks_to_tick_some(client, world, crafted):
    client.force_login(world.reviewer)
    response = client.post(reverse("change_bulk_approve"), {"ids": [crafted]}, follow=True)
    assert response.status_code == 200 and "请先勾选要通过的申请" in response.content.decode()


@pytest.mark.parametrize("crafted", CRAFTED_IDS)
def test_bulk_approve_of_tickets_ignores_a_crafted_id_and_approves_the_rest(client, world, crafted):
    ticket = make_ticket(world.home, status=TicketStatus.PENDING_TOWNSHIP)
    client.force_login(world.reviewer)
    response = client.post(reverse("ticket_bulk_approve"), {"ticket": [crafted, str(ticket.pk)]}, follow=True)
    assert response.status_code == 200
    assert "已通过 1 条问题线索" in response.content.decode()


@pytest.mark.parametrize("crafted", CRAFTED_IDS)
def test_bulk_approve_of_tickets_with_only_crafted_ids_asks_to_tick_some(client, world, crafted):
    client.force_login(world.reviewer)
    response = client.post(reverse("ticket_bulk_approve"), {"ticket": [crafted]}, follow=True)
    assert response.status_code == 200 and "请先勾选要通过的问题线索" in response.content.decode()


@pytest.mark.parametrize("crafted", ["²", "9" * 30, "-1", "1e309", "[]"])
def test_a_crafted_ticket_on_a_change_form_is_a_404_and_saves_nothing(client, world, crafted):
    client.force_login(world.clerk)
    url = reverse("household_change_new", args=[world.home.number])
    assert client.get(url, {"ticket": crafted}).status_code == 404
    response = client.post(f"{url}?ticket={crafted}", FORM)
    assert response.status_code == 404 and "问题线索编号无效" in response.content.decode()
    assert not ChangeRequest.objects.exists()


def test_a_ticket_number_outside_scope_still_saves_the_request_with_a_warning(client, world):
    elsewhere = make_ticket(world.other_county)
    client.force_login(world.clerk)
    url = reverse("household_change_new", args=[world.home.number])
    response = client.post(f"{url}?ticket={elsewhere.pk}", FORM, follow=True)
    assert ChangeRequest.objects.count() == 1
    assert "变更申请未关联问题线索" in response.content.decode()


def test_the_request_and_its_ticket_link_are_written_together_or_not_at_all(client, world, monkeypatch):
    """A failure while linking the ticket leaves no request behind, so a retry makes no duplicate."""
    import audits.services

    ticket = make_ticket(world.home)

    def broken(**kwargs):
        raise RuntimeError("the link failed")

    monkeypatch.setattr(audits.services, "ticket_link_change", broken)
    client.force_login(world.clerk)
    url = reverse("household_change_new", args=[world.home.number])
    assert client.post(f"{url}?ticket={ticket.pk}", FORM).status_code == 500
    assert not ChangeRequest.objects.exists()


def test_a_linked_request_says_so(client, world):
    ticket = make_ticket(world.home)
    client.force_login(world.clerk)
    url = reverse("household_change_new", args=[world.home.number])
    page = client.post(f"{url}?ticket={ticket.pk}", FORM, follow=True).content.decode()
    change = ChangeRequest.objects.get()
    assert f"已关联问题线索 #{ticket.pk}" in page
    ticket.refresh_from_db()
    assert ticket.change_request == change


@pytest.mark.parametrize("where", ["path", "query", "form"])
def test_a_nul_byte_anywhere_is_a_chinese_400(client, world, where):
    client.force_login(world.county_staff)
    if where == "path":
        response = client.get("/households/%00/")
    elif where == "query":
        response = client.get(reverse("household_list"), {"q": "a\x00b"})
    else:
        response = client.post(reverse("household_change_new", args=[world.home.number]), FORM | {"note": "\x00"})
    page = response.content.decode()
    assert response.status_code == 400 and "请求中含有无效字符" in page and "返回首页" in page
    assert not ChangeRequest.objects.exists()
