"""The tickets keep an index for every way a page looks them up (audits.models.Ticket.Meta)."""

import pytest
from django.db import connection, transaction

from audits.models import Ticket, TicketStatus

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="the indexes' kinds are PostgreSQL's"),
]

# each lookup, and what its index condition begins with
LOOKUPS = {
    # every scope and the township filter: a prefix of the village's code (a varchar_pattern_ops
    # index: the database's collation is not C)
    "scope": (Ticket.objects.filter(village__code__startswith="360732"), "(((village_id)::text ~>=~ '360732'"),
    "category": (Ticket.objects.filter(rule_id__startswith="B"), "(((rule_id)::text ~>=~ 'B'"),
    "village": (Ticket.objects.filter(village_id="360732100201"), "((village_id)::text = '360732100201'"),
    "rule": (Ticket.objects.filter(rule_id="A01", year=2025), "((rule_id)::text = 'A01'"),
    "queue": (Ticket.objects.filter(status__in=[TicketStatus.PENDING_COUNTY, TicketStatus.RETURNED]), "((status)::text = ANY"),
    "household": (Ticket.objects.filter(household_id=1), "(household_id = 1)"),
    "batch": (Ticket.objects.filter(batch_id=1), "(batch_id = 1)"),
    # a member's or a change request's tickets (their pages, SET_NULL on their deletion)
    "member": (Ticket.objects.filter(member_id__in=[1, 2]), "(member_id = ANY"),
    "change request": (Ticket.objects.filter(change_request_id=1), "(change_request_id = 1)"),
}


@pytest.mark.parametrize("lookup", LOOKUPS)
def test_each_lookup_of_the_tickets_is_an_index_condition(lookup):
    queryset, condition = LOOKUPS[lookup]
    # With sequential scans priced out, a condition no index serves is a Filter of a whole scan.
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        plan = queryset.explain()
    assert f"Index Cond: {condition}" in plan, plan
