"""Where the checks' findings become tickets: the one door from the rules app into the tickets.

The rules app evaluates its rules and hands the failing records to `tickets_sync`, which
opens new tickets and has the re-check's verdicts on the others moved through
`audits.transitions` (system_pass, system_fail). What a ticket records of its rule (severity,
final review level) is read from `audits.rule_facts`.
"""

import json
from collections import Counter, defaultdict
from collections.abc import Iterable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from functools import cache
from typing import Protocol

from django.db import DEFAULT_DB_ALIAS, connection, connections, transaction
from django.utils import timezone

from households.scope import county_code

from audits import rule_facts, transitions
from audits.deadlines import due_date
from audits.models import Exemption, Resolution, Ticket, TicketStatus

CHUNK = 2000


class Finding(Protocol):
    """One failing record of one rule, as the rules app reports it (message and facts may be
    computed only when read, without the database: most findings of a rerun already have their
    ticket, and `TicketWriter` reads them while it inserts the tickets before)."""

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

        failing_again = []
        seen = set()
        county = county_code(area_prefix)
        now = timezone.now()
        with TicketWriter(year=year, batch_id=batch_id, now=now,
                          due_on=due_date(TicketStatus.PENDING_VILLAGE, county=county)) as writer:
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
                    writer.add(finding)
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


# A new ticket's columns that differ between tickets, and their types in SQL; its member (a
# foreign key) is its member key where that is not 0.
VARYING = {"rule_id": "text", "household_id": "bigint", "member_key": "bigint", "village_id": "text",
           "severity": "text", "final_level": "text", "message": "text", "facts": "text"}
# Those that are the same for every ticket one call opens.
CONSTANT = {"year": "smallint", "status": "text", "resolution": "text", "batch_id": "bigint", "due_on": "date",
            "found_at": "timestamptz", "updated_at": "timestamptz"}
INSERT_CHUNK = 5000


class TicketWriter:
    """Opens new tickets in the order they are added, leaving out any that a concurrent batch
    opened meanwhile; on PostgreSQL the tickets one writer opens share their `found_at`. Use as a
    context manager.

    No `Ticket` instances: the tickets are kept as one list per varying column (preparing the
    ~50,000 instances of a first batch for `bulk_create` was ~2 s of its CPU). On PostgreSQL
    each INSERT_CHUNK of them is one INSERT … SELECT FROM UNNEST of the column arrays, sent with
    binary parameters (Django's bulk_create bound them as text on the client, every `"` of every
    ticket's facts backslash-escaped; the facts go as JSON text for the server to parse, as
    Django sends them). A full chunk is inserted on a thread of its own while the caller builds
    the next: building is Python (each finding's message and facts, which must not use the
    database), inserting is the server's work, and the two overlap. Chunks are inserted one at
    a time and in order, so ids follow the order of `add`. Elsewhere (SQLite), `bulk_create`.
    """

    def __init__(self, *, year: int, batch_id: int | None, due_on, now):
        self.constants = {"year": year, "status": TicketStatus.PENDING_VILLAGE.value, "resolution": "",
                          "batch_id": batch_id, "due_on": due_on, "found_at": now, "updated_at": now}
        self.columns = self._empty()
        self._levels: dict[str, tuple[str, str]] = {}  # rule id → (severity, final level)
        self._database = connections[DEFAULT_DB_ALIAS]  # this thread's: the inserting thread uses it too
        self._pool: ThreadPoolExecutor | None = None
        self._inserting: Future | None = None

    @staticmethod
    def _empty() -> dict[str, list]:
        return {name: [] for name in VARYING}

    def add(self, finding: Finding) -> None:
        levels = self._levels.get(finding.rule_id)
        if levels is None:
            facts = rule_facts.facts_of(finding.rule_id)
            levels = self._levels[finding.rule_id] = (str(facts.severity), str(facts.final_level))  # plain text
        columns = self.columns
        columns["rule_id"].append(finding.rule_id)
        columns["household_id"].append(finding.household_id)
        columns["member_key"].append(finding.member_id or 0)
        columns["village_id"].append(finding.village_id)
        columns["severity"].append(levels[0])
        columns["final_level"].append(levels[1])
        columns["message"].append(finding.message)
        columns["facts"].append(finding.facts)
        if len(columns["rule_id"]) == INSERT_CHUNK and self._database.vendor == "postgresql":
            chunk, self.columns = columns, self._empty()
            self._wait()
            if self._pool is None:
                self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="tickets-insert")
            self._inserting = self._pool.submit(self._insert, chunk)

    def __enter__(self) -> "TicketWriter":
        return self

    def __exit__(self, error_type, error, traceback) -> None:
        try:
            if error is None:
                self._wait()
                if self.columns["rule_id"]:
                    self._insert(self.columns)
        finally:
            if self._pool is not None:
                # waits for the chunk being inserted: never left running on the connection the caller rolls back
                self._pool.shutdown()

    def _wait(self) -> None:
        if self._inserting is not None:
            inserting, self._inserting = self._inserting, None
            inserting.result()

    def _insert(self, columns: dict[str, list]) -> None:
        database = self._database
        if database.vendor != "postgresql":
            fixed = {name: self.constants[name] for name in ("year", "status", "batch_id", "due_on")}
            rows = (dict(zip(VARYING, values)) for values in zip(*columns.values()))
            Ticket.objects.bulk_create([Ticket(**row, member_id=row["member_key"] or None, **fixed) for row in rows],
                                       batch_size=CHUNK, ignore_conflicts=True)
            return
        import psycopg  # PostgreSQL's driver, absent where only SQLite runs

        dumps = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode
        arrays = [*columns.values()]
        arrays[-1] = [dumps(facts) for facts in arrays[-1]]
        database.ensure_connection()
        with database.wrap_database_errors, psycopg.Cursor(database.connection) as cursor:
            cursor.execute(_insert_statement(), [*(self.constants[name] for name in CONSTANT), *arrays])


@cache
def _insert_statement() -> str:
    quote = connection.ops.quote_name
    names = ["member", *VARYING, *CONSTANT]
    selected = ["NULLIF(t.member_key, 0)", *(f"t.{name}" for name in VARYING if name != "facts"), "t.facts::jsonb",
                *(f"%b::{kind}" for kind in CONSTANT.values())]
    return (
        f"INSERT INTO {quote(Ticket._meta.db_table)} "
        f"({', '.join(quote(Ticket._meta.get_field(name).column) for name in names)}) "
        f"SELECT {', '.join(selected)} "
        f"FROM UNNEST({', '.join(f'%b::{kind}[]' for kind in VARYING.values())}) AS t({', '.join(VARYING)}) "
        "ON CONFLICT DO NOTHING"
    )


def _chunks(items: list, size: int = CHUNK):
    for start in range(0, len(items), size):
        yield items[start:start + size]
