"""收入异常值: per-capita income and its components that stand out within their village.

For each village and component, over the village's households with data (active, an income
record for the assessment year, at least one active member):

    x       the household's per-capita value in whole cents (half away from zero, as shown)
    median  the median of x in the village (the mean of the two middle values for an even count)
    MAD     the median of |x − median| in the village
    M       0.6745 × (x − median) / MAD        (the modified z-score, Iglewicz and Hoaglin)

A value is listed when |M| > the county's `outlier_score_limit`; a village whose MAD is 0
(half or more of its households have the same value) is skipped for that component: every
value off the median would score infinitely, so nothing is scored there and the page says so.

Everything is computed in one SQL statement: the medians by ROW_NUMBER and COUNT windows
partitioned by village and component (SQLite and PostgreSQL alike), in integers, so "exactly at
the limit" is decided exactly: with S = 2·median and D = |2x − S| (both whole cents), and T the
sum of the two middle D's (or twice the middle one), MAD = T/4 and |M| = 1.349 · D / T, so
|M| > limit ⇔ 13490 · D > (10000 · limit) · T.

A village's figures depend on its own households only: a county is computed at once (about
6–10 s at 100,000 households) and kept in the cache (`refresh`, every 30 minutes by
analysis.map.tasks); each page shows the kept rows of the user's area.
"""

import datetime
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

from django.core.cache import cache
from django.db import connection, transaction
from django.utils import timezone

from households.choices import MemberStatus
from households.expressions import EXPENSE_FIELDS, INCOME_FIELDS
from households.models import AnnualIncome, Area, Household, Member, YearParameters
from households.scope import scope_prefix
from rules.colours import assessment_year
from rules.parameters import current_values

# |M| > limit ⇔ SCORE_FACTOR · D > limit_scaled · T (see the module's docstring).
SCORE_FACTOR = 13490
LIMIT_SCALE = 10000
# The scheduled task recomputes every county's outliers every 30 minutes (monitoring/settings.py);
# kept twice as long, so a page never waits for the computation after the first one.
CACHE_SECONDS = 2 * 60 * 60


@dataclass(frozen=True)
class Component:
    key: str
    label: str
    column: str  # the population's column holding its amount in cents


COMPONENTS = (
    Component("income", "人均纯收入", "net_c"),
    Component("wage", "人均工资性收入", "wage_c"),
    Component("public_welfare", "人均公益性岗位收入", "welfare_c"),
    Component("operating", "人均生产经营性净收入", "operating_c"),
    Component("property", "人均财产性收入", "property_c"),
    Component("transfer", "人均转移性收入", "transfer_c"),
)
COMPONENT_BY_KEY = {c.key: c for c in COMPONENTS}


def population(county: str):
    """The households the outliers are looked for among: the county's active households, as a
    queryset of (id, village). A village's figures depend on its own households only, so one
    computation serves every user of the county; each sees the rows of their area (`listed`)."""
    return Household.objects.filter(village__code__startswith=county).active().order_by().values("id", "village_id")


def _cents(*columns: str, subtract: tuple[str, ...] = ()) -> str:
    """A sum of income amounts (empty counts as 0) in whole cents, rounded once: PostgreSQL adds
    numerics exactly; SQLite's float sums are far within half a cent of the exact one."""
    terms = [f"COALESCE(i.{c}, 0)" for c in columns] + [f"- COALESCE(i.{c}, 0)" for c in subtract]
    return f"CAST(ROUND(({' + '.join(terms).replace('+ -', '-')}) * 100) AS BIGINT)"


POPULATION_COLUMNS = {
    "net_c": _cents(*INCOME_FIELDS, subtract=EXPENSE_FIELDS),
    "wage_c": _cents("wage"),
    "welfare_c": _cents("public_welfare_income"),
    "operating_c": _cents("operating_income", subtract=("operating_expense",)),
    "property_c": _cents("property_income"),
    "transfer_c": _cents("transfer_total"),
}


def _per_capita(column: str) -> str:
    """column / size in whole cents, rounded half away from zero, in integer SQL (both databases
    truncate an integer division toward zero)."""
    return (f"CASE WHEN {column} >= 0 THEN (2 * {column} + size) / (2 * size) "
            f"ELSE -((size - 2 * {column}) / (2 * size)) END")


def _statement(population_sql: str, components: tuple) -> str:
    columns = ", ".join(f"{sql} AS {name}" for name, sql in POPULATION_COLUMNS.items())
    values = " UNION ALL ".join(
        f"SELECT household_id, village_id, {COMPONENTS.index(c)} AS component, {_per_capita(c.column)} AS x FROM pop"
        for c in components
    )
    middle = "rn IN ((n + 1) / 2, (n + 2) / 2)"  # one row for an odd count, two for an even one
    # Partitions are keyed by integers (the village code as a number, the component's index):
    # sorting 600,000 rows by collated text cost most of the statement's time.
    return f"""
WITH hh AS ({population_sql}),
sizes AS (
  SELECT m.household_id, COUNT(*) AS size
  FROM {Member._meta.db_table} m JOIN hh ON hh.id = m.household_id
  WHERE m.status = %s GROUP BY m.household_id),
pop AS (
  SELECT i.household_id, CAST(hh.village_id AS BIGINT) AS village_id, sizes.size, {columns}
  FROM {AnnualIncome._meta.db_table} i
  JOIN hh ON hh.id = i.household_id JOIN sizes ON sizes.household_id = i.household_id
  WHERE i.year = %s),
vals AS ({values}),
ranked AS (
  SELECT household_id, village_id, component, x,
         ROW_NUMBER() OVER (PARTITION BY village_id, component ORDER BY x) AS rn,
         COUNT(*) OVER (PARTITION BY village_id, component) AS n
  FROM vals),
medians AS (
  SELECT village_id, component, MAX(n) AS n,
         CAST(SUM(x) * CASE WHEN COUNT(*) = 1 THEN 2 ELSE 1 END AS BIGINT) AS s
  FROM ranked WHERE {middle} GROUP BY village_id, component),
deviations AS (
  SELECT r.household_id, r.village_id, r.component, r.x, m.s, ABS(2 * r.x - m.s) AS d
  FROM ranked r JOIN medians m ON m.village_id = r.village_id AND m.component = r.component),
dranked AS (
  SELECT village_id, component, d,
         ROW_NUMBER() OVER (PARTITION BY village_id, component ORDER BY d) AS rn,
         COUNT(*) OVER (PARTITION BY village_id, component) AS n
  FROM deviations),
mads AS (
  SELECT village_id, component, MAX(n) AS n,
         CAST(SUM(d) * CASE WHEN COUNT(*) = 1 THEN 2 ELSE 1 END AS BIGINT) AS t
  FROM dranked WHERE {middle} GROUP BY village_id, component),
listed AS (
  SELECT dv.household_id, dv.village_id, dv.component, dv.x, dv.s, dv.d, md.t, md.n
  FROM deviations dv JOIN mads md ON md.village_id = dv.village_id AND md.component = dv.component
  WHERE md.t > 0 AND %s * dv.d > %s * md.t)
SELECT 'row', l.household_id, l.village_id, l.component, l.x, l.s, l.d, l.t, l.n, h.number
FROM listed l JOIN {Household._meta.db_table} h ON h.id = l.household_id
UNION ALL
SELECT 'skip', NULL, village_id, component, NULL, NULL, NULL, NULL, n, NULL FROM mads WHERE t = 0
"""


@dataclass(frozen=True)
class Outlier:
    household_id: int
    number: str
    village_id: str
    component: str  # a Component's key
    x: int  # per-capita value, cents
    s: int  # twice the village median, cents
    d: int  # |2x − s|
    t: int  # four times the village MAD, cents
    households: int  # the village's households with data

    @property
    def kind(self) -> Component:
        return COMPONENT_BY_KEY[self.component]

    @property
    def value(self) -> Decimal:
        return _yuan(self.x)

    @property
    def median(self) -> Decimal:
        return _yuan(Decimal(self.s) / 2)

    @property
    def mad(self) -> Decimal:
        return _yuan(Decimal(self.t) / 4)

    @property
    def score(self) -> Decimal:
        """M = 0.6745 × (x − median) / MAD, to 2 places."""
        return (Decimal("1.349") * (2 * self.x - self.s) / self.t).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)

    @property
    def above(self) -> bool:
        return 2 * self.x > self.s

    @property
    def clue_description(self) -> str:
        direction = "高于" if self.above else "低于"
        return (f"收入异常值核实：{self.kind.label} {self.value:,.2f} 元/人，{direction}本村中位数 "
                f"{self.median:,.2f} 元/人（修正Z分数 {self.score}，本村 {self.households} 户有收入数据）。"
                f"请入户核实收入是否漏采、错录。")


@dataclass(frozen=True)
class Skipped:
    village_id: str
    component: str
    households: int

    @property
    def kind(self) -> Component:
        return COMPONENT_BY_KEY[self.component]


@dataclass
class Snapshot:
    county: str
    year: int
    limit: Decimal
    computed_at: datetime.datetime
    # The listed values as plain tuples (Outlier's fields, in order), the largest |M| first:
    # a county's tens of thousands are read back from the cache on every page.
    rows: list
    skipped: list  # Skipped, by village and component

    @property
    def outliers(self) -> list:
        return [Outlier(*row) for row in self.rows]


def _yuan(cents_value) -> Decimal:
    return (Decimal(cents_value) / 100).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def limit_scaled(limit: Decimal) -> int:
    """The limit in ten-thousandths (the county's parameter has at most four decimals)."""
    return int((Decimal(limit) * LIMIT_SCALE).to_integral_value(rounding=ROUND_HALF_UP))


def compute(*, county: str, year: int, limit: Decimal) -> Snapshot:
    """Every listed value and every skipped village of the county, in one statement."""
    population_sql, params = population(county).query.sql_with_params()
    statement = _statement(population_sql, COMPONENTS)
    with transaction.atomic(), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # One statement of a few wide sorts: JIT compiling it costs more than it saves (as
            # for the cleansing batches, rules/services.py), and 64 MB sorts it in memory.
            cursor.execute("SET LOCAL jit = off")
            cursor.execute("SET LOCAL work_mem = '64MB'")
            # The planner guesses millions of rows where a county has 600,000 and sorts them
            # once more for a merge join; a hash join on (village, component) needs no sort.
            cursor.execute("SET LOCAL enable_mergejoin = off")
        cursor.execute(statement, [*params, MemberStatus.NORMAL.value, year, SCORE_FACTOR, limit_scaled(limit)])
        fetched = cursor.fetchall()
    rows, skipped = [], []
    for kind, household_id, village_id, component, x, s, d, t, n, number in fetched:
        village_id, component = str(village_id), COMPONENTS[int(component)].key
        if kind == "skip":
            skipped.append(Skipped(village_id=village_id, component=component, households=int(n)))
        else:
            rows.append((household_id, number, village_id, component, int(x), int(s), int(d), int(t), int(n)))
    order = {c.key: i for i, c in enumerate(COMPONENTS)}
    rows.sort(key=lambda r: (-Fraction(r[6], r[7]), r[1], order[r[3]]))
    skipped.sort(key=lambda r: (r.village_id, order[r.component]))
    return Snapshot(county=county, year=year, limit=Decimal(limit), computed_at=timezone.now(),
                    rows=rows, skipped=skipped)


def _cache_key(county: str, year: int, limit: Decimal) -> str:
    return f"analysis:outliers:v1:{county}:{year}:{limit_scaled(limit)}"


def refresh(*, county: str, year: int, limit: Decimal) -> Snapshot:
    """Compute the county's outliers and keep them for the pages (the scheduled task and the
    first visit call this)."""
    snapshot = compute(county=county, year=year, limit=limit)
    cache.set(_cache_key(county, year, limit), snapshot, timeout=CACHE_SECONDS)
    return snapshot


def refresh_counties(*, county: str | None = None) -> int:
    """Recompute every county's outliers (or one county's) for its current year and limit, as
    the page reads them (rules.colours.assessment_year, the county's parameter)."""
    counties = [county] if county else YearParameters.objects.order_by("county").values_list(
        "county", flat=True).distinct()
    done = 0
    for code in counties:
        year = assessment_year(code)
        if year is not None:
            refresh(county=code, year=year, limit=current_values(code)["outlier_score_limit"])
            done += 1
    return done


def snapshot_for(*, county: str, year: int, limit: Decimal) -> Snapshot:
    """The county's kept outliers, computed now when none are kept."""
    return cache.get(_cache_key(county, year, limit)) or refresh(county=county, year=year, limit=limit)


def listed(snapshot: Snapshot, *, user, township: str = "", village: str = "", component: str = ""):
    """The snapshot's rows (tuples) and skipped villages inside the user's area (and the area
    and component asked for)."""
    prefix = scope_prefix(user)
    if prefix is None:
        return [], []
    area = village or township or ""
    wanted = area if area.startswith(prefix) else prefix
    rows = [r for r in snapshot.rows if r[2].startswith(wanted) and (not component or r[3] == component)]
    skipped = [s for s in snapshot.skipped
               if s.village_id.startswith(wanted) and (not component or s.component == component)]
    return rows, skipped


def head_names(rows) -> dict:
    """The heads' names of a page's households (one query), as the registry list shows them."""
    return dict(Household.objects.filter(pk__in=[r.household_id for r in rows]).with_head()
                .values_list("pk", "head_name"))


def village_names(codes) -> dict:
    """{village code: (township name, village name)} (one query)."""
    return {a.code: (a.parent.name if a.parent_id else "", a.name)
            for a in Area.objects.filter(code__in=set(codes)).select_related("parent")}
