"""收入分析研判: the figures of operations.md's `export_income_analysis`, by village, township
and county, for the page, the export and the snapshots.

One query groups the area's population by village into integer sums (counts, members, cents);
a township's and the county's figures are the sums of their villages' (every household lies
in exactly one village), so they are exact without a second pass over the households. Money
figures are the exact quotient of those integers, rounded half-up to the cent here.
"""

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, F, OuterRef, Q, Subquery, Sum

from households.choices import AreaLevel
from households.expressions import per_capita
from households.models import Area, Household, YearParameters
from households.scope import scope_prefix

from analysis.income.models import IncomeSnapshot, IncomeSnapshotHousehold
from analysis.income.querysets import COMPONENTS, FIGURE_BITS, conditions, figure_bit, population

# Counted figures: key (the households list's ?figure=) -> column
COUNTED = {
    "households": "户数",
    "declined": "下降户数",
    "declined2": "连续两年下降户数",
    "declined3": "连续三年下降户数",
    "grew30": "增幅超30%户数",
    "grew50": "增幅超50%户数",
    "grew100": "增幅超100%户数",
    "below_monitoring": "低于监测线户数",
    "between_lines": "监测线至关注线户数",
}
assert tuple(COUNTED) == FIGURE_BITS  # the snapshot rows' bits follow the figures
COMPONENT_COLUMNS = {
    "wage": "人均工资性收入",
    "welfare": "人均公益性岗位收入",
    "operating": "人均生产经营性净收入",
    "property": "人均财产性收入",
    "transfer": "人均转移性收入",
}
COLUMNS = [
    "户数", "人口", "人均纯收入", "人均纯收入上年",
    *[COUNTED[key] for key in ("declined", "declined2", "declined3", "grew30", "grew50", "grew100",
                               "below_monitoring", "between_lines")],
    *COMPONENT_COLUMNS.values(),
    *[f"{name}上年" for name in COMPONENT_COLUMNS.values()],
]
MONEY_COLUMNS = {"人均纯收入", "人均纯收入上年", *COMPONENT_COLUMNS.values(),
                 *(f"{name}上年" for name in COMPONENT_COLUMNS.values())}
SUM_KEYS = ("people", "people_last", "net0", "net1",
            *(f"{key}{back}" for key, _a, _s in COMPONENTS for back in (0, 1)),
            *COUNTED)


def quotient(total_cents: int, divisor: int) -> Decimal | None:
    """total_cents / 100 / divisor, rounded half-up (half away from zero) to the cent; None
    when the divisor is 0. Integer arithmetic only, so no rounding happens twice."""
    if not divisor:
        return None
    whole, rest = divmod(abs(total_cents), divisor)
    if 2 * rest >= divisor:
        whole += 1
    cents = -whole if total_cents < 0 else whole
    return (Decimal(cents) / 100).quantize(Decimal("0.01"))


def figures_of(sums: dict[str, int]) -> dict[str, object]:
    """The export's columns from an area's integer sums: counts as ints, money as Decimal or None."""
    people, people_last = sums["people"], sums["people_last"]
    figures: dict[str, object] = {
        "户数": sums["households"],
        "人口": people,
        "人均纯收入": quotient(sums["net0"], people),
        "人均纯收入上年": quotient(sums["net1"], people_last),
    }
    for key in ("declined", "declined2", "declined3", "grew30", "grew50", "grew100",
                "below_monitoring", "between_lines"):
        figures[COUNTED[key]] = sums[key]
    for key, name in COMPONENT_COLUMNS.items():
        figures[name] = quotient(sums[f"{key}0"], people)
    for key, name in COMPONENT_COLUMNS.items():
        figures[f"{name}上年"] = quotient(sums[f"{key}1"], people_last)
    return figures


def empty_sums() -> dict[str, int]:
    return dict.fromkeys(SUM_KEYS, 0)


def add_sums(total: dict[str, int], more: dict[str, int]) -> None:
    for key in SUM_KEYS:
        total[key] += more[key]


def year_lines(county: str, year: int) -> YearParameters | None:
    return YearParameters.objects.filter(county=county, year=year).first()


def current_year(county: str) -> int | None:
    params = YearParameters.current(county)
    return params.year if params else None


def household_conditions(lines: YearParameters | None) -> dict[str, Q]:
    return conditions(monitoring_line=lines.monitoring_line if lines else None,
                      attention_line=lines.attention_line if lines else Decimal("10000"))


def village_sums(*, registry, prefix: str, year: int, lines: YearParameters | None) -> dict[str, dict[str, int]]:
    """Per village code under `prefix` (inside `user`'s scope): the integer sums. One query."""
    last = Q(has1=1)
    counted = household_conditions(lines)
    aggregates = {
        "households": Count("pk"),
        "people": Sum("size"),
        "people_last": Sum("size", filter=last),
        "sum_net0": Sum("net0"),
        "sum_net1": Sum("net1", filter=last),
    }
    for key, _added, _subtracted in COMPONENTS:
        aggregates[f"sum_{key}0"] = Sum(f"{key}0")
        aggregates[f"sum_{key}1"] = Sum(f"{key}1", filter=last)
    for key, condition in counted.items():
        if key != "households":
            aggregates[f"n_{key}"] = Count("pk", filter=condition)
    rows = population(registry=registry, prefix=prefix, year=year).values("village_id").annotate(**aggregates).order_by()
    found = {}
    for row in rows:
        sums = {}
        for key in SUM_KEYS:
            value = row.get(key, row.get(f"sum_{key}", row.get(f"n_{key}")))
            sums[key] = int(value or 0)
        found[row["village_id"]] = sums
    return found


@dataclass
class AreaFigures:
    area: Area
    figures: dict[str, object]
    sums: dict[str, int] = field(repr=False)


@dataclass
class IncomeAnalysis:
    """An area's analysis: its own figures, its children's (townships of a county, villages of a
    township; none for a village) and, for the export, every village under it."""

    area: Area
    year: int
    total: AreaFigures
    children: list[AreaFigures]
    villages: list[AreaFigures]
    lines: YearParameters | None


def income_analysis(*, registry, area: Area, year: int) -> IncomeAnalysis:
    """The analysis of `area` for year `year` over the households of `registry` (the user's
    scope, `Household.objects.in_scope(user)`; every household for a snapshot).
    Three queries: the year's lines, the village sums and the areas' names."""
    lines = year_lines(area.code[:6], year)
    by_village = village_sums(registry=registry, prefix=area.code, year=year, lines=lines)
    areas = list(Area.objects.filter(code__startswith=area.code).exclude(code=area.code)
                 .filter(level__in=[AreaLevel.TOWNSHIP, AreaLevel.VILLAGE]).order_by("code"))
    villages, townships = [], {}
    for each in areas:
        if each.level == AreaLevel.TOWNSHIP:
            townships[each.code] = AreaFigures(each, {}, empty_sums())
    total = empty_sums()
    for each in areas:
        if each.level != AreaLevel.VILLAGE:
            continue
        sums = by_village.get(each.code, empty_sums())
        villages.append(AreaFigures(each, figures_of(sums), sums))
        add_sums(total, sums)
        if each.parent_id in townships:
            add_sums(townships[each.parent_id].sums, sums)
    if area.level == AreaLevel.VILLAGE:
        total = by_village.get(area.code, empty_sums())
    for township in townships.values():
        township.figures = figures_of(township.sums)
    if area.level == AreaLevel.COUNTY:
        children = list(townships.values())
    elif area.level == AreaLevel.TOWNSHIP:
        children = villages
    else:
        children = []
    return IncomeAnalysis(area=area, year=year, total=AreaFigures(area, figures_of(total), total),
                          children=children, villages=villages, lines=lines)


def area_in_scope(user, code: str | None) -> Area | None:
    """The area `code` (default: the user's own) if it lies in `user`'s scope, else None."""
    prefix = scope_prefix(user)
    if prefix is None:
        return None
    code = code or prefix
    if not code.startswith(prefix):
        return None
    return Area.objects.filter(code=code).select_related("parent", "parent__parent").first()


def figure_households(*, registry, area: Area, year: int, figure: str):
    """The households behind one counted figure of `area`, in number order, with head and
    per-capita incomes of Y and Y−1 for the list; as many as the figure counts."""
    condition = household_conditions(year_lines(area.code[:6], year))[figure]
    households = population(registry=registry, prefix=area.code, year=year, components=False).filter(condition)
    return (households.select_related("village", "village__parent").with_head()
            .annotate(pc0=per_capita(F("net0"), F("size"), cents=True),
                      pc1=per_capita(F("net1"), F("size"), cents=True))
            .order_by("number"))



# --- the page: from the latest snapshot when there is one, the live analysis otherwise ---------

TREND_MONTHS = 12


def loaded(figures: dict[str, object]) -> dict[str, object]:
    """A snapshot's stored figures back as the export's values (money as Decimal or None)."""
    return {name: (Decimal(value) if value != "" else None) if name in MONEY_COLUMNS else value
            for name, value in figures.items()}


@dataclass
class PageAnalysis:
    analysis: IncomeAnalysis
    snapshot_taken_at: object | None  # when the figures come from a snapshot
    snapshot_month: object | None


def latest_snapshot(*, area: Area, year: int) -> IncomeSnapshot | None:
    """The snapshot the page and its households lists read for `area` and `year`, if any: the latest."""
    return IncomeSnapshot.objects.filter(area=area.code, year=year).order_by("-month").first()


def snapshot_figure_households(*, registry, snapshot: IncomeSnapshot, figure: str):
    """The households `snapshot` counted in `figure` (its area's, within `registry`, the user's
    scope), in number order, with head, and size and per-capita incomes as the snapshot read them."""
    bit = figure_bit(figure)
    rows = (IncomeSnapshotHousehold.objects
            .filter(county=snapshot.area[:6], month=snapshot.month, year=snapshot.year,
                    village__startswith=snapshot.area)
            .alias(bit=F("figures").bitand(bit)).filter(bit=bit))
    own = IncomeSnapshotHousehold.objects.filter(household=OuterRef("pk"), month=snapshot.month, year=snapshot.year)

    def stored(name):
        return Subquery(own.values(name)[:1])

    return (registry.filter(id__in=rows.values("household_id")).select_related("village", "village__parent")
            .with_head().annotate(size=stored("size"), net0=stored("net_cents"), net1=stored("net_cents_last"))
            .annotate(pc0=per_capita(F("net0"), F("size"), cents=True),
                      pc1=per_capita(F("net1"), F("size"), cents=True))
            .order_by("number"))


def page_analysis(*, user, area: Area, year: int) -> PageAnalysis:
    """What the page shows for `area`: the latest snapshot of `year` holding the area (the live
    computation takes seconds at 100,000 households), else the live analysis over the user's scope.
    Three or four queries either way."""
    latest = latest_snapshot(area=area, year=year)
    if latest is None:
        live = income_analysis(registry=Household.objects.in_scope(user), area=area, year=year)
        return PageAnalysis(live, None, None)
    children_areas = list(Area.objects.filter(parent=area).order_by("code")) if area.level != AreaLevel.VILLAGE else []
    stored_rows = dict(IncomeSnapshot.objects.filter(area__in=[a.code for a in children_areas], year=year,
                                                     month=latest.month).values_list("area", "figures"))
    empty = figures_of(empty_sums())
    children = [AreaFigures(a, loaded(stored_rows[a.code]) if a.code in stored_rows else empty, {})
                for a in children_areas]
    analysis = IncomeAnalysis(area=area, year=year, total=AreaFigures(area, loaded(latest.figures), {}),
                              children=children, villages=[], lines=year_lines(area.code[:6], year))
    return PageAnalysis(analysis, latest.taken_at, latest.month)


def trend(*, area: Area, until) -> dict:
    """The area's snapshots over the last TREND_MONTHS months up to `until` (a month's first day),
    each beside the snapshot of the same month a year earlier; for the trend chart. One query."""
    months = []
    month = until
    for _ in range(TREND_MONTHS):
        months.append(month)
        month = (month.replace(day=1) - datetime.timedelta(days=1)).replace(day=1)
    months.reverse()
    earlier = [m.replace(year=m.year - 1) for m in months]
    rows = {}
    for month, figures in (IncomeSnapshot.objects.filter(area=area.code, month__in=months + earlier)
                           .order_by("month", "-year").values_list("month", "figures")):
        rows.setdefault(month, figures)

    def series(which, name):
        values = []
        for m in which:
            value = rows.get(m, {}).get(name)
            values.append(None if value in (None, "") else (float(value) if name in MONEY_COLUMNS else value))
        return values

    return {
        "months": [m.strftime("%Y-%m") for m in months],
        "any": any(m in rows for m in months),
        "income": series(months, "人均纯收入"), "incomeLastYear": series(earlier, "人均纯收入"),
        "declined": series(months, "下降户数"), "declinedLastYear": series(earlier, "下降户数"),
    }


def component_chart(figures: dict[str, object]) -> dict:
    """Per-capita income by component, this year against last (for the chart; display only)."""
    def number(value):
        return None if value is None else float(value)
    return {
        "components": list(COMPONENT_COLUMNS.values()),
        "thisYear": [number(figures[name]) for name in COMPONENT_COLUMNS.values()],
        "lastYear": [number(figures[f"{name}上年"]) for name in COMPONENT_COLUMNS.values()],
    }


def counts_chart(rows: list[AreaFigures]) -> dict:
    """Decline and growth counts by area (for the chart)."""
    keys = ("declined", "declined2", "declined3", "grew30", "grew50", "grew100")
    series = [{"name": COUNTED[key], "data": [row.figures[COUNTED[key]] for row in rows]} for key in keys]
    return {"areas": [row.area.name for row in rows], "series": series,
            "any": any(value for each in series for value in each["data"])}


FIGURE_KEYS = {name: key for key, name in COUNTED.items()}
OVERVIEW_COLUMNS = COLUMNS[:12]
COMPONENT_TABLE_COLUMNS = COLUMNS[12:]


def cells(figures: dict[str, object], columns: list[str]) -> list[dict]:
    """A table row's cells: the value, whether it is money, and the households list's figure key
    for a count that has one (人口 has none)."""
    return [{"name": name, "value": figures[name], "money": name in MONEY_COLUMNS,
             "figure": FIGURE_KEYS.get(name, "")} for name in columns]
