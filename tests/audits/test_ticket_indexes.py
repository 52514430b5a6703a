"""The tickets keep an index for every way a page looks them up (audits.models.Ticket.Meta).

Read from the indexes' definitions rather than from a plan: on the test's nearly empty table
the planner's choice between two usable indexes is a tie that either may win (a queue's
status list once went to the partial unique index, whose predicate also names the status)."""

import re

import pytest
from django.db import connection

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="the indexes' kinds are PostgreSQL's"),
]

# each lookup: the column an index must begin with, and the operator class a prefix LIKE needs
LOOKUPS = {
    # every scope and the township filter: a prefix of the village's code (a varchar_pattern_ops
    # index: the database's collation is not C)
    "scope": ("village_id", "varchar_pattern_ops"),
    "category": ("rule_id", "varchar_pattern_ops"),  # rule_id LIKE 'B%'
    "village": ("village_id", ""),
    "rule": ("rule_id", ""),  # with the year and status after it
    "queue": ("status", ""),
    "household": ("household_id", ""),
    "batch": ("batch_id", ""),
    # a member's or a change request's tickets (their pages, SET_NULL on their deletion)
    "member": ("member_id", ""),
    "change request": ("change_request_id", ""),
}
LEADING = re.compile(r"USING btree \((\w+)(?: (\w+))?[,)]")


def definitions() -> list[str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT indexdef FROM pg_indexes WHERE tablename = 'audits_ticket'")
        return [row[0] for row in cursor.fetchall()]


def leading_columns() -> set[tuple[str, str]]:
    """(first column, its operator class or '') of every btree index on the tickets."""
    return {(match[1], match[2] or "") for match in map(LEADING.search, definitions()) if match}


@pytest.mark.parametrize("lookup", LOOKUPS)
def test_each_lookup_of_the_tickets_has_an_index_that_begins_with_its_column(lookup):
    assert LOOKUPS[lookup] in leading_columns()


def test_no_two_indexes_begin_alike_where_the_shorter_serves_nothing_the_longer_does_not():
    """The single-column indexes dropped because a composite begins with their column stay dropped."""
    found = definitions()
    assert not any(re.search(r"USING btree \((rule_id|village_id)\)$", d) for d in found), found
