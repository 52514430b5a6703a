"""Evaluating the catalog: one query per base, one flag column per rule.

`evaluate` returns the failing records of the given rules; it reads, never writes.
`rules/services.py` turns findings into tickets.
"""

import hashlib
import importlib.metadata
import threading
from collections import OrderedDict
from functools import cache
from pathlib import Path
from functools import reduce
from operator import or_

from django.db.models import Case, ExpressionWrapper, F, IntegerField, Value, When
from django.core.cache import cache as shared_cache
from django.core.exceptions import EmptyResultSet
from django.db import connection, connections
from django_cte import CTE, with_cte
from django_cte.raw import raw_cte_sql

from households.choices import MeasureType

from rules.bases import household_base, member_base
from rules.expressions import balanced
from rules.messages import HouseholdValues, member_context, message_values, parameter_context, render_values
from rules.registry import HOUSEHOLD, MEMBER, Parameters, Rule
from rules.models import FACTOR_LABELS
from rules.risk import annotate_factors, upsert_statement

HOUSEHOLD_FACTS = [
    "pk", "village_id", "number", "phone", "household_type", "monitoring_type", "risk_status",
    "included_on", "eliminated_on", "housing_safe", "water_safe", "size", "head_count", "head_age",
    "has0", "has1", "has2", "has3", "net0", "net1", "net2", "net3", "wage0", "welfare_income0",
    "transfer0", "transfer1", "property0", "property1", "transfer_parts0", "any_welfare_job",
    "any_young_dropout", "any_uninsured_not_newborn", "any_on_subsistence", "any_on_extreme_poverty",
    "risk", *[f"rf_{name}" for name in FACTOR_LABELS],
]
# Read for the messages but not kept among a ticket's facts (an explained ticket's facts are compared).
HOUSEHOLD_MESSAGE_VALUES = [
    "pc0", "pc1", "pc2", "pc3", "risk_types_text", "head_gender", "spouse_count", "labour_count", "phone_holders",
    "helper_name", "helper_phone", "operating0", *[f"measure_{kind}" for kind in MeasureType.values],
]
MEMBER_FACTS = [
    "pk", "household_id", "household__village_id", "name", "id_number", "id_valid", "gender", "birth_date",
    "age", "head_age", "relationship", "student_status", "education", "labour_ability", "employment",
    "months_worked", "disability_grade", "listed_disability",
]
MEMBER_MESSAGE_VALUES = ["health", "public_welfare_job"]


class Finding:
    """One failing record of one rule. Its message and facts are built only when asked for:
    a rerun finds mostly records whose tickets are already open and need neither."""

    __slots__ = ("rule", "household_id", "member_id", "village_id", "_row", "_describe", "_facts")

    def __init__(self, rule: Rule, household_id: int, member_id: int | None, village_id: str, row: dict,
                 describe, facts: list[str]):
        self.rule, self.household_id, self.member_id, self.village_id = rule, household_id, member_id, village_id
        self._row, self._describe, self._facts = row, describe, facts

    @property
    def rule_id(self) -> str:
        return self.rule.id

    @property
    def key(self) -> tuple[str, int, int]:
        return (self.rule.id, self.household_id, self.member_id or 0)

    @property
    def message(self) -> str:
        return self._describe(self.rule, self._row)

    @property
    def facts(self) -> dict:
        """The values that made the record fail, as JSON (dates and decimals as text)."""
        plain = (int, str, bool, type(None))
        row = self._row
        return {key: row[key] if isinstance(row[key], plain) else str(row[key]) for key in self._facts if key != "pk"}


def evaluate(*, rules: list[Rule], params: Parameters, area_prefix: str,
             household_id: int | None = None, store_risk: bool = False) -> list[Finding]:
    """The failing records of `rules` in an area (or one household of it).

    With `store_risk`, every active household's risk coefficient of the area is upserted
    too, from the same household base: on PostgreSQL in the same statement (a
    data-modifying CTE), elsewhere in a statement of its own just before.
    """
    household_rules = [r for r in rules if r.scope == HOUSEHOLD]
    findings = []
    if household_rules or store_risk:
        rows = _household_rows(household_rules, params, area_prefix, household_id, store_risk=store_risk)
        findings += _household_findings(rows, household_rules, params)
    return findings + _member_findings(rules, params, area_prefix, household_id)


def evaluate_household(*, rules: list[Rule], params: Parameters, household_id: int, area_prefix: str):
    """One household's failing records and its risk coefficient, read in the same query.

    Returns (findings, risk, factor names). The two statements (household rules with the
    coefficient, member rules) are compiled once per area, rules and parameters
    (`OneHouseholdStatement`), the household's id bound at each call.
    """
    household_rules = [r for r in rules if r.scope == HOUSEHOLD]
    member_rules = [r for r in rules if r.scope == MEMBER]
    statements = _one_household_statements(household_rules, member_rules, params, area_prefix)
    rows = statements[HOUSEHOLD].rows(household_id)
    if not rows:
        return [], None, []
    factors = [name for name in FACTOR_LABELS if rows[0][f"rf_{name}"]]
    findings = _household_findings(rows, household_rules, params)
    if member_rules:
        findings += _member_findings_of(_member_village_ids(statements[MEMBER].rows(household_id)), member_rules,
                                        params)
    return findings, rows[0]["risk"], factors


# Stand-in for the household id, compiled in its place: no household has a negative id.
_STAND_IN = -1_000_000_007
# Compiled statements kept per process: a county has one set of rules and parameters at a time.
_STATEMENTS_KEPT = 32
_statements: OrderedDict = OrderedDict()
_statements_lock = threading.Lock()


class OneHouseholdStatement:
    """A `.values()` queryset over one household compiled once, its household id a parameter.

    Compiling the ~80 rules' conditions took most of a re-check (~0.1–0.2 s), while the SQL
    depends only on the rules, the parameters and the area: `build(household_id)` is compiled
    for a stand-in id, and the parameters equal to it are where the id goes. Compiling refuses
    a statement whose text holds the stand-in anywhere else.
    """

    def __init__(self, build):
        compiled = self._compile(build(_STAND_IN))
        if compiled is None:
            self.sql = None  # the queryset is empty for any household
            return
        self.sql, self.params, self.names, self.compiler, self.db = compiled
        self.slots = [index for index, value in enumerate(self.params) if type(value) is int and value == _STAND_IN]
        if not self.slots or str(_STAND_IN) in self.sql:
            raise ValueError("the household id is not a parameter of the statement as compiled")
        database = connections[self.db]
        self.literal = None
        if database.vendor == "postgresql":
            # The statement as psycopg would send it (parameters bound on the client), rendered
            # once: rendering ~400 parameters into ~40 kB of SQL took more Python time than the
            # database took to plan and run it. The id, an integer, is then written in its place.
            self.literal, self.stand_in = self._rendered(database, _STAND_IN), str(_STAND_IN)
            if self.literal.count(self.stand_in) != len(self.slots):
                raise ValueError("the household id cannot be written into the rendered statement")
        self.converters = None if database.vendor == "postgresql" else self.compiler.get_converters(
            [column for column, _sql, _alias in self.compiler.select[:self.compiler.col_count]])

    def shared(self) -> tuple[str, list[str]] | None:
        """What `rows` needs on PostgreSQL, in plain values another process can use (None: always empty)."""
        return None if self.sql is None else (self.literal, self.names)

    @classmethod
    def from_shared(cls, shared, db: str) -> "OneHouseholdStatement":
        """The statement `shared()` gave in another process; ValueError for anything not of its form."""
        statement = cls.__new__(cls)
        statement.db, statement.converters, statement.stand_in = db, None, str(_STAND_IN)
        if shared is None:
            statement.sql = None
            return statement
        literal, names = shared
        if not isinstance(literal, str) or statement.stand_in not in literal or not all(
                isinstance(name, str) for name in names):
            raise ValueError("not a shared re-check statement")
        statement.sql = statement.literal = literal
        statement.names = list(names)
        return statement

    def _rendered(self, database, household_id: int) -> str:
        return database.ops.compose_sql(self.sql, self._bound(household_id))

    def _bound(self, household_id: int) -> list:
        params = list(self.params)
        for index in self.slots:
            params[index] = household_id
        return params

    @staticmethod
    def _compile(rows):
        compiled = compiled_values(rows)
        return None if compiled is None else (*compiled, rows.db)

    def rows(self, household_id: int) -> list[dict]:
        """The statement's rows for this household, as `read_rows` returns them."""
        if self.sql is None:
            return []
        with connections[self.db].cursor() as cursor:
            if self.literal is not None:
                cursor.execute(self.literal.replace(self.stand_in, str(int(household_id))))
            else:
                cursor.execute(self.sql, self._bound(household_id))
            fetched = cursor.fetchall()
        if self.converters:
            fetched = self.compiler.apply_converters(fetched, self.converters)
        return [dict(zip(self.names, row)) for row in fetched]


def _one_household_statements(household_rules: list[Rule], member_rules: list[Rule], params: Parameters,
                              area_prefix: str) -> dict[str, OneHouseholdStatement]:
    """The re-check's two statements for these rules, parameters and area, compiled at most once per process
    (on PostgreSQL, at most once per deployment: see `_shared_statements`).

    The key holds everything the SQL is compiled from, so a change of a county's parameters,
    lines, department lists or enabled rules is a new key (the old entry ages out)."""
    key = (connection.alias, connection.vendor, area_prefix, tuple(r.id for r in household_rules),
           tuple(r.id for r in member_rules), parameters_key(params))
    with _statements_lock:
        statements = _statements.get(key)
        if statements is not None:
            _statements.move_to_end(key)
            return statements
    shared_key = _shared_key(key) if connection.vendor == "postgresql" else None
    statements = _shared_statements(shared_key) if shared_key else None
    if statements is None:
        statements = {
            HOUSEHOLD: OneHouseholdStatement(lambda household_id: flagged_values(
                household_facts(params, area_prefix, household_id), household_rules, params,
                [*HOUSEHOLD_FACTS, *HOUSEHOLD_MESSAGE_VALUES], only_failing=False)),
            MEMBER: OneHouseholdStatement(lambda household_id: _member_values(
                member_base(params=params, area_prefix=area_prefix, household_id=household_id),
                member_rules, params)) if member_rules else None,
        }
        if shared_key:
            shared_cache.set(shared_key, {scope: (statement.shared(),) if statement else None
                                          for scope, statement in statements.items()}, timeout=SHARED_FOR)
    with _statements_lock:
        _statements[key] = statements
        while len(_statements) > _STATEMENTS_KEPT:
            _statements.popitem(last=False)
    return statements


def household_statements_warm(*, rules: list[Rule], params: Parameters, area_prefix: str) -> None:
    """Compile (or fetch) the statements `evaluate_household` will run for these rules, parameters and
    area, so that the next re-check does not compile them itself."""
    _one_household_statements([r for r in rules if r.scope == HOUSEHOLD], [r for r in rules if r.scope == MEMBER],
                              params, area_prefix)


# How long a rendered statement stays in the shared cache: longer than the month between two
# scheduled batches, each of which puts its county's statements back (rules/services.py).
SHARED_FOR = 40 * 24 * 3600
# What the statements are built from: a deploy that changes any of these files has a new fingerprint,
# so no process runs SQL another version of the code rendered.
_SQL_SOURCES = ("rules", "households/models.py", "households/choices.py", "households/expressions.py",
                "households/id_numbers.py", "audits/rule_facts.py")
_SQL_LIBRARIES = ("django", "django-cte", "psycopg")


@cache
def code_fingerprint() -> str:
    """A hash of the code that builds the re-check's SQL, computed once per process."""
    return sources_fingerprint(Path(__file__).resolve().parent.parent)


def sources_fingerprint(root: Path) -> str:
    """A hash of the `_SQL_SOURCES` under `root` (names and contents) and the `_SQL_LIBRARIES`' versions."""
    digest = hashlib.sha256()
    for source in _SQL_SOURCES:
        path = root / source
        for file in sorted(path.rglob("*.py")) if path.is_dir() else [path]:
            digest.update(str(file.relative_to(root)).encode())
            digest.update(file.read_bytes())
    for library in _SQL_LIBRARIES:
        digest.update(f"{library}=={importlib.metadata.version(library)}".encode())
    return digest.hexdigest()


def _shared_key(key: tuple) -> str:
    """The shared cache's key for an in-process key (less the connection's alias, which is this
    process's name for the database), the code's fingerprint and the server's version."""
    _alias, *rest = key
    text = repr((rest, connection.pg_version, code_fingerprint()))
    return f"recheck-sql:{hashlib.sha256(text.encode()).hexdigest()}"


def _shared_statements(shared_key: str) -> dict[str, OneHouseholdStatement] | None:
    """The statements another process rendered for the same key, from Django's cache (Redis in
    production); None when they are not there, cannot be read, or the cache cannot be reached.

    Only PostgreSQL's statements are shared: there the rendered text with the household id written
    in is all a re-check sends. The cache is trusted as the task queue is (the same Redis)."""
    try:
        entry = shared_cache.get(shared_key)
    except Exception:  # noqa: BLE001  an entry that cannot be read (truncated, another pickle protocol) is a miss
        return None
    if not isinstance(entry, dict) or set(entry) != {HOUSEHOLD, MEMBER}:
        return None
    try:
        return {scope: OneHouseholdStatement.from_shared(shared[0], connection.alias) if shared else None
                for scope, shared in entry.items()}
    except (TypeError, ValueError):
        return None


def parameters_key(params: Parameters) -> tuple:
    """Everything of `params` a compiled statement depends on, hashable (decimals as written)."""
    return (params.year, str(params.monitoring_line), str(params.attention_line),
            tuple(sorted((name, str(value)) for name, value in params.values.items())),
            tuple(sorted(params.department_batches.items())))


def household_facts(params, area_prefix, household_id=None):
    """The household base with its risk factors: what the household rules and the risk coefficient read."""
    return annotate_factors(household_base(params=params, area_prefix=area_prefix, household_id=household_id), params)


def _household_rows(rules: list[Rule], params: Parameters, area_prefix: str, household_id: int | None,
                    *, store_risk: bool) -> list[dict]:
    """The failing households, their facts and flags, from a MATERIALIZED household base.

    The base (member, income and measure summaries, risk factors, coefficient) is computed
    once per household; the rules, and the risk upsert when asked, read its plain columns.
    """
    base = household_facts(params, area_prefix, household_id).annotate(rs_household=F("pk")).order_by()
    households = CTE(base, name="household_facts", materialized=True)
    ctes = [households]
    if store_risk and rules and connection.vendor == "postgresql":
        statement, statement_params = upsert_statement(connection.ops.quote_name("household_facts"), params)
        ctes.append(CTE(raw_cte_sql(statement, statement_params, {}), name="risk_upsert"))
    elif store_risk:  # no data-modifying CTE (SQLite): the same INSERT … SELECT from the same base, on its own
        sql, sql_params = base.values(
            "rs_household", "risk", *(f"rf_{name}" for name in FACTOR_LABELS)).query.sql_with_params()
        statement, statement_params = upsert_statement(f"({sql})", params)
        with connection.cursor() as cursor:
            cursor.execute(statement, (*statement_params, *sql_params))
    if not rules:
        return []
    return _flagged(with_cte(*ctes, select=households.queryset()), rules, params,
                    [*HOUSEHOLD_FACTS, *HOUSEHOLD_MESSAGE_VALUES])


def _describer(params: Parameters, values_of):
    """render(rule, row) with the row's values (`values_of(row, params, parameter texts)`) built
    once however many rules it fails."""
    texts = parameter_context(params)
    values = {}

    def describe(rule: Rule, row: dict) -> str:
        key = id(row)
        if key not in values:
            values[key] = values_of(row, params, texts)
        return render_values(rule, values[key])

    return describe


def _member_values_of(row: dict, params: Parameters, texts: dict) -> dict:
    return message_values(member_context(row, params), texts)


def _household_findings(rows, rules: list[Rule], params: Parameters) -> list[Finding]:
    describe = _describer(params, HouseholdValues)
    return [
        Finding(rule, row["pk"], None, row["village_id"], row, describe, HOUSEHOLD_FACTS)
        for row, rule in _failures(rows, rules)
    ]


def _member_findings(rules, params, area_prefix, household_id) -> list[Finding]:
    member_rules = [r for r in rules if r.scope == MEMBER]
    if not member_rules:
        return []
    base = member_base(params=params, area_prefix=area_prefix, household_id=household_id)
    return _member_findings_of(_member_rows(base, member_rules, params), member_rules, params)


def _member_findings_of(rows: list[dict], rules: list[Rule], params: Parameters) -> list[Finding]:
    describe = _describer(params, _member_values_of)
    return [
        Finding(rule, row["household_id"], row["pk"], row["household__village_id"], row, describe, MEMBER_FACTS)
        for row, rule in _failures(rows, rules)
    ]


def _member_rows(base, rules: list[Rule], params: Parameters) -> list[dict]:
    """The failing members, their facts and flags.

    The member base is a MATERIALIZED CTE: its derived columns (age, the ID number's
    parts, B02's duplicate test, the department lists) are computed once per member and
    the rules' conditions compare plain columns. Inlined, PostgreSQL recomputed each of
    them in every rule that reads it, and every flag twice (in WHERE and in SELECT).
    """
    return _member_village_ids(read_rows(_member_values(base, rules, params)))


def _member_values(base, rules: list[Rule], params: Parameters):
    """The `.values()` queryset `_member_rows` reads."""
    facts = [name for name in MEMBER_FACTS if name != "household__village_id"]
    members = CTE(base.annotate(member_village_id=F("household__village_id")).order_by(), name="member_facts",
                  materialized=True)
    return flagged_values(with_cte(members, select=members.queryset()), rules, params,
                          [*facts, *MEMBER_MESSAGE_VALUES, "member_village_id"])


def _member_village_ids(found: list[dict]) -> list[dict]:
    for row in found:
        row["household__village_id"] = row.pop("member_village_id")
    return found


# Rules per mask column: bits 0…30, so a mask is a 32-bit integer on every backend.
MASK_BITS = 31


def _mask_names(rules: list[Rule]) -> list[str]:
    return [f"f_mask{start // MASK_BITS}" for start in range(0, len(rules), MASK_BITS)]


def _flagged(queryset, rules: list[Rule], params: Parameters, facts: list[str], *, only_failing: bool = True):
    """The rows of `queryset` with their facts and which of `rules` they fail (by default only failing rows)."""
    return read_rows(flagged_values(queryset, rules, params, facts, only_failing=only_failing))


def flagged_values(queryset, rules: list[Rule], params: Parameters, facts: list[str], *,
                   only_failing: bool = True):
    """The `.values()` queryset `_flagged` reads: `facts`, then the mask columns.

    The WHERE clause ORs the rules' conditions (it stops at the first that holds); the
    rows carry the flags as bits of a few integer columns rather than one column per rule:
    a batch reads tens of thousands of failing rows, and each column of each row costs a
    value to parse and a dictionary entry in Python. `_failures` reads the bits.
    """
    conditions = [rule.condition(params) for rule in rules]
    masks = {
        name: balanced([
            Case(When(condition, then=Value(1 << bit)), default=Value(0), output_field=IntegerField())
            for bit, condition in enumerate(conditions[start:start + MASK_BITS])
        ], lambda a, b: ExpressionWrapper(a + b, output_field=IntegerField()))
        for name, start in zip(_mask_names(rules), range(0, len(rules), MASK_BITS))
    }
    rows = queryset.annotate(**masks)
    if only_failing and conditions:
        # A row fails some rule exactly when one of the conditions is TRUE (NULL and FALSE
        # alike leave it out, as they leave the bit unset): the conditions themselves, ORed,
        # without a CASE around each.
        rows = rows.filter(reduce(or_, conditions))
    return rows.values(*facts, *masks).order_by()


def read_rows(rows) -> list[dict]:
    """The rows of a `.values()` queryset, as dicts.

    On PostgreSQL without Django's per-value converters: every column the engine selects
    already arrives as the Python type the facts keep (int, str, bool, date, Decimal; ages
    are cast to integers in SQL), and converting ~1.2 million values one call at a time was
    a tenth of a batch's time. Elsewhere (SQLite: dates as text, booleans as 0/1) Django converts.
    """
    if connections[rows.db].vendor != "postgresql":
        return list(rows)
    return raw_dicts(rows)


def compiled_values(rows):
    """(sql, params, column names in ValuesIterable's order, compiler) of a `.values()` queryset,
    or None when it can match nothing."""
    query = rows.query
    names = list(query.selected) if query.selected else [
        *query.extra_select, *query.values_select, *query.annotation_select]
    compiler = query.get_compiler(using=rows.db)
    try:
        sql, params = compiler.as_sql()
    except EmptyResultSet:
        return None
    return sql, params, names, compiler


def raw_dicts(rows, *, converted: bool = False) -> list[dict]:
    """The rows of a `.values()` queryset read by a bare cursor, each keyed by the column names
    in the order of Django's ValuesIterable: Django's internal column order, which
    tests/rules/test_engine_guards.py holds to what `.values()` returns. `converted` applies
    Django's converters, for a backend whose raw values are not yet Python's (SQLite)."""
    database = connections[rows.db]
    compiled = compiled_values(rows)
    if compiled is None:
        return []
    sql, params, names, compiler = compiled
    with database.cursor() as cursor:
        cursor.execute(sql, params)
        fetched = cursor.fetchall()
    if converted:
        converters = compiler.get_converters([column for column, _sql, _alias in compiler.select[:compiler.col_count]])
        fetched = compiler.apply_converters(fetched, converters) if converters else fetched
    return [dict(zip(names, row)) for row in fetched]


def _failures(rows: list[dict], rules: list[Rule]):
    """(row, rule) for every rule a row of `_flagged` fails, in catalog order; the mask columns leave the row."""
    names = _mask_names(rules)
    for row in rows:
        for chunk, name in enumerate(names):
            mask = row.pop(name)
            while mask:
                lowest = mask & -mask
                yield row, rules[chunk * MASK_BITS + lowest.bit_length() - 1]
                mask ^= lowest
