"""New tickets are written from the findings' values, in chunks (audits.findings.TicketWriter)."""

import datetime
import threading

import pytest
from django.db import DataError, connection
from django.utils import timezone

from audits import findings as ticket_findings
from audits.findings import tickets_sync
from audits.models import Resolution, Severity, Ticket, TicketStatus
from households.choices import ReviewLevel


class Found:
    """A finding as the rules app hands it over."""

    def __init__(self, household, rule_id, member=None, message=None):
        self.rule_id, self.household_id = rule_id, household.pk
        self.member_id = member.pk if member else None
        self.village_id, self.key = household.village_id, (rule_id, household.pk, self.member_id or 0)
        self._message = message or f"{rule_id} 测试问题 {household.pk}"
        self.facts = {"size": household.pk, "name": "张三", "quote": 'a "b"', "none": None, "on": True}

    @property
    def message(self):
        return self._message


def sync(world, findings):
    return tickets_sync(rule_ids=sorted({f.rule_id for f in findings}), findings=findings, year=2025,
                        area_prefix=world.home.village_id[:6], batch_id=41)


def written(ticket: Ticket) -> tuple:
    return (ticket.rule_id, ticket.household_id, ticket.member_id, ticket.member_key, ticket.village_id,
            ticket.severity, ticket.final_level, ticket.message, ticket.facts, ticket.year, ticket.status,
            ticket.resolution, ticket.batch_id, ticket.due_on, ticket.system_resolved_at, ticket.closed_at,
            ticket.change_request_id)


def test_new_tickets_are_written_in_the_order_found_with_every_value(world, monkeypatch):
    monkeypatch.setattr(ticket_findings, "INSERT_CHUNK", 2)  # five tickets: two full chunks and the rest
    member = world.home.members.order_by("pk").first()
    found = [Found(world.home, "B05"), Found(world.neighbour, "B06"), Found(world.home, "B01", member=member),
             Found(world.neighbour, "B05"), Found(world.home, "B06")]
    before = timezone.now()
    outcomes = sync(world, found)
    after = timezone.now()
    assert sum(o.new for o in outcomes.values()) == 5
    due = timezone.localdate() + datetime.timedelta(days=7)  # the village's days, in the county's calendar
    levels = {"B05": (Severity.ERROR, ReviewLevel.COUNTY), "B06": (Severity.WARNING, ReviewLevel.TOWNSHIP),
              "B01": (Severity.ERROR, ReviewLevel.COUNTY)}
    tickets = list(Ticket.objects.order_by("pk"))
    assert [written(t) for t in tickets] == [
        (f.rule_id, f.household_id, f.member_id, f.member_id or 0, f.village_id, *levels[f.rule_id], f.message,
         f.facts, 2025, TicketStatus.PENDING_VILLAGE, "", 41, due, None, None, None)
        for f in found
    ]
    assert all(before <= t.found_at <= after and before <= t.updated_at <= after for t in tickets)


def test_a_rerun_opens_only_what_is_not_open(world, monkeypatch):
    monkeypatch.setattr(ticket_findings, "INSERT_CHUNK", 2)
    sync(world, [Found(world.home, "B05"), Found(world.neighbour, "B05"), Found(world.home, "B06")])
    outcomes = sync(world, [Found(world.home, "B05"), Found(world.neighbour, "B05"), Found(world.neighbour, "B06")])
    assert (outcomes["B05"].new, outcomes["B05"].still_open, outcomes["B06"].new, outcomes["B06"].resolved) == (
        0, 2, 1, 1)
    assert Ticket.objects.filter(resolution=Resolution.SYSTEM).count() == 1
    assert Ticket.objects.count() == 4


def test_a_chunk_the_database_refuses_fails_the_whole_sync(world, monkeypatch):
    if connection.vendor != "postgresql":
        pytest.skip("SQLite does not hold a message to its column's length")
    monkeypatch.setattr(ticket_findings, "INSERT_CHUNK", 2)
    found = [Found(world.home, "B05", message="长" * 501), Found(world.neighbour, "B05"), Found(world.home, "B06"),
             Found(world.neighbour, "B06"), Found(world.home, "B07")]
    with pytest.raises(DataError):
        sync(world, found)
    assert not [t for t in threading.enumerate() if t.name.startswith("tickets-insert")]
    assert Ticket.objects.count() == 0  # the chunks before and after it are gone with it


def test_a_finding_that_fails_while_a_chunk_is_written_leaves_nothing(world, monkeypatch):
    monkeypatch.setattr(ticket_findings, "INSERT_CHUNK", 2)

    class Broken(Found):
        @property
        def message(self):
            raise RuntimeError("the message cannot be built")

    with pytest.raises(RuntimeError):
        sync(world, [Found(world.home, "B05"), Found(world.neighbour, "B05"), Broken(world.home, "B06")])
    assert not [t for t in threading.enumerate() if t.name.startswith("tickets-insert")]
    assert Ticket.objects.count() == 0
