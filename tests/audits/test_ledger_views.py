"""The ledger page and its Excel download: scope, masking, and the export log."""

import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from audits.ledger.workbook import LEDGER_SHEET, ledger_number
from audits.models import TicketStatus
from trail.models import AuditAction, AuditEvent
from households.id_numbers import mask
from tests.audits.builders import make_ticket


def as_user(client, user):
    client.force_login(user)
    return client


def download(client, data=None):
    response = client.post(reverse("ledger_download"), data or {})
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")
    return load_workbook(io.BytesIO(b"".join(response.streaming_content)))


def ledger_rows(workbook) -> dict[str, dict]:
    values = list(workbook[LEDGER_SHEET].iter_rows(values_only=True))
    return {row[0]: dict(zip(values[0], row, strict=True)) for row in values[1:]}


def head_id(household) -> str:
    return household.members.order_by("pk").first().id_number


def listed(response) -> list[int]:
    return [ticket.pk for ticket in response.context["page"].object_list]


def test_the_menu_offers_the_ledger_to_county_township_and_inspectors_only(client, world):
    url = reverse("ledger")
    for user in (world.county_staff, world.reviewer, world.inspector):
        assert url in as_user(client, user).get(reverse("home")).content.decode()
    assert url not in as_user(client, world.clerk).get(reverse("home")).content.decode()


@pytest.mark.parametrize("persona", ["clerk", "no_role"])
def test_clerks_and_users_without_a_role_get_404(client, world, persona):
    user = getattr(world, persona)
    assert as_user(client, user).get(reverse("ledger")).status_code == 404
    assert as_user(client, user).post(reverse("ledger_download")).status_code == 404
    assert not AuditEvent.objects.filter(action=AuditAction.EXPORT).exists()


def test_anonymous_users_are_sent_to_log_in(client, world):
    assert client.get(reverse("ledger")).status_code == 302


def test_the_download_is_a_post(client, world):
    assert as_user(client, world.county_staff).get(reverse("ledger_download")).status_code == 405


def test_inspectors_read_the_ledger_but_do_not_download_it(client, world):
    ticket = make_ticket(world.home)
    response = as_user(client, world.inspector).get(reverse("ledger"))
    assert response.status_code == 200
    assert listed(response) == [ticket.pk]
    assert "下载Excel台账" not in response.content.decode()
    assert client.post(reverse("ledger_download")).status_code == 404


def test_a_township_reviewer_sees_and_downloads_only_their_township(client, world):
    home = make_ticket(world.home)
    neighbour = make_ticket(world.neighbour, status=TicketStatus.CLOSED)
    make_ticket(world.other_township)
    make_ticket(world.other_county)
    as_user(client, world.reviewer)
    response = client.get(reverse("ledger"))
    assert set(listed(response)) == {home.pk, neighbour.pk}
    assert "显示完整证件号码" not in response.content.decode()
    assert "导出记录" not in response.content.decode()
    assert set(ledger_rows(download(client))) == {ledger_number(home), ledger_number(neighbour)}


def test_the_ledger_lists_every_status_and_filters_like_the_queue(client, world):
    pending = make_ticket(world.home)
    closed = make_ticket(world.home, rule_id="B06", status=TicketStatus.CLOSED)
    as_user(client, world.county_staff)
    assert set(listed(client.get(reverse("ledger")))) == {pending.pk, closed.pk}
    assert listed(client.get(reverse("ledger"), {"status": TicketStatus.CLOSED})) == [closed.pk]
    assert listed(client.get(reverse("ledger"), {"rule": "B05"})) == [pending.pk]
    rows = ledger_rows(download(client, {"status": TicketStatus.CLOSED}))
    assert list(rows) == [ledger_number(closed)]
    assert rows[ledger_number(closed)]["状态"] == "已销号"


def test_the_page_shows_counts_and_each_tickets_history(client, world):
    ticket = make_ticket(world.home)
    make_ticket(world.neighbour, rule_id="B06", status=TicketStatus.RETURNED)
    client = as_user(client, world.clerk)
    client.post(reverse("ticket_explain", args=[ticket.pk]), {"explanation": "入户核实无误"})
    response = as_user(client, world.county_staff).get(reverse("ledger"))
    counts = {item["label"]: item["count"] for item in response.context["status_counts"]}
    assert counts["待乡镇审核"] == 1 and counts["已退回"] == 1 and counts["待核实"] == 0
    assert "待核实→待乡镇审核" in response.content.decode()


def test_the_query_count_of_the_page_does_not_grow_with_the_tickets(client, world, django_assert_max_num_queries):
    for rule_id in ("B01", "B02", "B03", "B04", "B05", "B06", "B07"):
        for household in world.households[:3]:
            make_ticket(household, rule_id=rule_id)
    as_user(client, world.county_staff)
    with django_assert_max_num_queries(20):
        assert client.get(reverse("ledger")).status_code == 200


def test_county_downloads_are_masked_by_default_and_logged(client, world):
    ticket = make_ticket(world.home)
    rows = ledger_rows(download(as_user(client, world.county_staff), {"severity": "error"}))
    assert rows[ledger_number(ticket)]["证件号码"] == mask(head_id(world.home))
    event = AuditEvent.objects.get(action=AuditAction.EXPORT)
    assert event.actor == world.county_staff
    assert event.detail["full_ids"] is False
    assert event.detail["filters"] == {"severity": "error"}
    assert event.detail["rows"] == 1


def test_county_staff_may_ask_for_full_ids_and_that_is_logged(client, world):
    ticket = make_ticket(world.home)
    rows = ledger_rows(download(as_user(client, world.county_staff), {"full_ids": "on"}))
    assert rows[ledger_number(ticket)]["证件号码"] == head_id(world.home)
    event = AuditEvent.objects.get(action=AuditAction.EXPORT)
    assert event.detail["full_ids"] is True
    assert "完整证件号码" in event.subject


def test_a_township_reviewer_cannot_get_full_ids(client, world):
    ticket = make_ticket(world.home)
    rows = ledger_rows(download(as_user(client, world.reviewer), {"full_ids": "on"}))
    assert rows[ledger_number(ticket)]["证件号码"] == mask(head_id(world.home))
    assert AuditEvent.objects.get(action=AuditAction.EXPORT).detail["full_ids"] is False


def test_county_staff_see_the_recent_exports_of_their_county(client, world):
    make_ticket(world.home)
    download(as_user(client, world.reviewer))
    as_user(client, world.county_staff)
    download(client, {"full_ids": "on"})
    response = client.get(reverse("ledger"))
    exports = list(response.context["exports"])
    assert [event.actor for event in exports] == [world.county_staff, world.reviewer]
    assert "完整证件号码" in response.content.decode()


def test_exports_of_another_county_are_not_listed(client, world):
    from tests.builders import make_user
    from tests.conftest import OTHER_COUNTY_VILLAGE

    elsewhere = make_user("county-x", "county_staff", OTHER_COUNTY_VILLAGE[:6])
    download(as_user(client, elsewhere))
    response = as_user(client, world.county_staff).get(reverse("ledger"))
    assert list(response.context["exports"]) == []
