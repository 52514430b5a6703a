"""Where the checks' findings become tickets: the one door from the rules app into the tickets.

The rules app evaluates its rules and hands the failing records to `tickets_sync`, which
opens new tickets and has the re-check's verdicts on the others moved through
`audits.transitions` (system_pass, system_fail). What a ticket records of its rule (severity,
final review level) is read from `audits.rule_facts`.
"""

from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Protocol

from django.db import connection, transaction
from django.utils import timezone

from households.scope import county_code

from audits import rule_facts, transitions
from audits.deadlines import due_date
from audits.models import Exemption, Resolution, Ticket, TicketStatus

CHUNK = 2000


class Finding(Protocol):
    """One failing record of one rule, as the rules app reports it (message and facts may be
    computed only when read: most findings of a rerun already have their ticket)."""

    rule_id: str
    household_id: int
    member_id: int | None
    village_id: str
    key: tuple[str, int, int]  # (rule id, household id, member id or 0)
    message: str
    facts: dict


@dataclass
class RuleOutcome:
    failing: int = 0
    new: int = 0
    still_open: int = 0
    resolved: int = 0
    exempted: int = 0  # failing records left alone because an exemption holds for them
    by_township: Counter = field(default_factory=Counter)


def tickets_sync(*, rule_ids: Iterable[str], findings: Iterable[Finding], year: int, area_prefix: str,
                 household_id: int | None = None, batch_id: int | None = None) -> dict[str, RuleOutcome]:
    """Make the unclosed tickets of `rule_ids` for `year` in an area (or one household) match `findings`.

    New failures open tickets at the village; records that pass again are marked
    "系统复核通过" and move on to the township; a record closed as 核实无误 is not
    raised again while the values that made it fail are unchanged; a record with an exemption
    holding for the rule (豁免清单) is counted as exempted and raises nothing. Runs in one transaction
    (inside the caller's, when there is one), so a crash leaves nothing half-written, and the
    partial unique constraint means a concurrent rerun can never duplicate a ticket.
    """
    rule_ids = list(rule_ids)
    outcomes = {rule_id: RuleOutcome() for rule_id in rule_ids}
    tickets = Ticket.objects.filter(rule_id__in=rule_ids, year=year, village__code__startswith=area_prefix)
    if household_id is not None:
        tickets = tickets.filter(household_id=household_id)
    with transaction.atomic():
        unclosed = {
            (rule_id, household, member): (pk, resolved_at)
            for pk, rule_id, household, member, resolved_at in tickets.unclosed().values_list(
                "pk", "rule_id", "household_id", "member_key", "system_resolved_at")
        }
        exemptions = Exemption.objects.holding().filter(
            rule_id__in=rule_ids, household__village__code__startswith=area_prefix)
        if household_id is not None:
            exemptions = exemptions.filter(household_id=household_id)
        exempt = set(exemptions.values_list("rule_id", "household_id", "member_key"))
        explained = defaultdict(list)
        for rule_id, household, member, facts in tickets.filter(
                status=TicketStatus.CLOSED, resolution=Resolution.EXPLAINED).values_list(
                "rule_id", "household_id", "member_key", "facts"):
            explained[(rule_id, household, member)].append(facts)

        failing_again, new = [], []
        seen = set()
        county = county_code(area_prefix)
        village_due = due_date(TicketStatus.PENDING_VILLAGE, county=county)
        for finding in findings:
            outcome = outcomes[finding.rule_id]
            if exempt and finding.key in exempt:
                outcome.exempted += 1
                seen.add(finding.key)  # an unclosed ticket of it (granted mid-batch) is left as it is
                continue
            outcome.failing += 1
            outcome.by_township[finding.village_id[:9]] += 1
            seen.add(finding.key)
            if finding.key in unclosed:
                outcome.still_open += 1
                pk, resolved_at = unclosed[finding.key]
                if resolved_at is not None:
                    failing_again.append(pk)
            elif finding.key not in explained or finding.facts not in explained[finding.key]:
                outcome.new += 1
                new.append(_new_ticket(finding, year=year, batch_id=batch_id, due_on=village_due))

        now = timezone.now()
        _insert_tickets(new)
        for chunk in _chunks(failing_again):
            transitions.move_many(chunk, action="system_fail", county=county, now=now, resolution="",
                                  system_resolved_at=None)
        passing = [(key, pk) for key, (pk, resolved_at) in unclosed.items()
                   if key not in seen and resolved_at is None]
        for key, _ in passing:
            outcomes[key[0]].resolved += 1
        for chunk in _chunks([pk for _, pk in passing]):
            transitions.move_many(chunk, action="system_pass", county=county, now=now,
                                  resolution=Resolution.SYSTEM, system_resolved_at=now)
    return outcomes


def _insert_tickets(tickets: list[Ticket]) -> None:
    """bulk_create(ignore_conflicts=True) of `tickets`, its statements sent with binary parameters on PostgreSQL.

    Django inserts the rows as one array per column (INSERT … SELECT * FROM UNNEST(…)) and its
    psycopg cursor binds parameters on the client, in text: every `"` of every ticket's facts
    (JSON) was backslash-escaped by a regular-expression callback, some five million of them
    for the ~50,000 tickets of a first batch at 100,000 households. In binary each array element
    goes with its length and nothing is escaped. The statements are Django's own, unchanged.
    """
    if connection.vendor != "postgresql":
        Ticket.objects.bulk_create(tickets, batch_size=CHUNK, ignore_conflicts=True)
        return
    with connection.execute_wrapper(_binary_parameters):
        Ticket.objects.bulk_create(tickets, batch_size=CHUNK, ignore_conflicts=True)


def _binary_parameters(execute, sql, params, many, context):
    """Run one statement on a server-binding psycopg cursor of the same connection, parameters in binary."""
    import psycopg  # PostgreSQL's driver, absent where only SQLite runs

    if many or "%%" in sql:  # a literal percent sign: leave the statement to Django as it is
        return execute(sql, params, many, context)
    database = context["connection"]
    with database.wrap_database_errors, psycopg.Cursor(database.connection) as cursor:
        cursor.execute(sql.replace("%s", "%b"), params)  # %b: this parameter in binary


def _new_ticket(finding: Finding, *, year: int, batch_id: int | None, due_on) -> Ticket:
    facts = rule_facts.facts_of(finding.rule_id)
    return Ticket(
        rule_id=finding.rule_id, household_id=finding.household_id, member_id=finding.member_id,
        member_key=finding.member_id or 0, year=year, village_id=finding.village_id,
        severity=facts.severity, final_level=facts.final_level, message=finding.message,
        facts=finding.facts, batch_id=batch_id, due_on=due_on,
    )


def _chunks(items: list, size: int = CHUNK):
    for start in range(0, len(items), size):
        yield items[start:start + size]
