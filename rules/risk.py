"""The risk coefficient (风险系数): factors as conditions on the household base, combined as
independent probabilities, risk = 1 − Π(1 − wᵢ), rounded half-up to 4 decimals."""

from decimal import ROUND_HALF_UP, Decimal

from django.db import connection
from django.db.models import Case, DecimalField, ExpressionWrapper, F, Q, Value, When
from django.db.models.functions import Round
from django.utils import timezone

from rules.catalog.common import gt, gte, line_times_size, lt, lte, pc_defined, scaled
from rules.expressions import UNTYPED, balanced, flag
from rules.models import FACTOR_LABELS, RiskScore
from rules.registry import Parameters

# Typed loosely for Django only (see rules/expressions.UNTYPED); PostgreSQL multiplies numerics exactly.
RISK = UNTYPED



def factor_conditions(p: Parameters) -> dict[str, Q]:
    """Each factor as a condition on the household base; factors needing income of Y need its record."""
    never = Q(pk__isnull=True)
    line = p.monitoring_line
    below = never if line is None else pc_defined(0) & lt(F("net0"), line_times_size(line))
    near = never if line is None else (
        pc_defined(0) & lte(line_times_size(line), F("net0"))
        & lt(F("net0") * Value(2), line_times_size(line) * Value(3))
    )
    dropped, tenths = scaled("net1", Decimal("0.7"))
    medical, halves = scaled("net0", Decimal("0.5"))
    schooling, thirds = scaled("net0", Decimal("0.3"))
    return {
        "income_below_line": below,
        "income_near_line": near,
        "income_drop": pc_defined(0, 1) & Q(net1__gt=0) & lte(F("net0") * tenths, dropped),
        "major_illness": Q(any_major_illness=1),
        "severe_disability": Q(any_severe_disability=1),
        "no_labour": Q(any_labour=0),
        "medical_burden": Q(has0=1) & (
            (Q(net0__gt=0) & gte(F("medical0") * halves, medical)) | (Q(net0__lte=0) & Q(medical0__gt=0))
        ),
        "education_burden": Q(has0=1) & (
            (Q(net0__gt=0) & gte(F("education0") * thirds, schooling)) | (Q(net0__lte=0) & Q(education0__gt=0))
        ),
        "housing_unsafe": Q(housing_safe=False),
        "water_unsafe": Q(water_safe=False),
        "dropout": Q(any_dropout=1),
        "uninsured": Q(any_uninsured=1),
    }


def annotate_factors(base, p: Parameters):
    """Add one 0/1 column per factor (`rf_<name>`) and the rounded coefficient `risk`."""
    conditions = factor_conditions(p)
    base = base.annotate(**{f"rf_{name}": flag(condition) for name, condition in conditions.items()})
    kept = [
        Case(When(condition, then=Value(1 - p.values[f"weight_{name}"])), default=Value(Decimal(1)),
             output_field=RISK)
        for name, condition in conditions.items()
    ]
    product = balanced(kept, lambda a, b: ExpressionWrapper(a * b, output_field=RISK))
    exact = ExpressionWrapper(Value(Decimal(1)) - product, output_field=RISK)
    if connection.vendor == "sqlite":
        # SQLite multiplies in binary floating point: nudge exact halves (0.88625) up before rounding.
        exact = ExpressionWrapper(exact + Value(Decimal("1e-12")), output_field=RISK)
    return base.annotate(risk=Round(exact, 4, output_field=DecimalField(max_digits=5, decimal_places=4)))


def mask_sql(alias: str) -> str:
    """The factors of a source with the `rf_<name>` columns of `annotate_factors` as a bit mask
    (bit i: the i-th of FACTOR_LABELS), in SQL: summed from the stored 0/1 columns, where an
    annotation would compute every factor's condition once more."""
    return " + ".join(f"{alias}.rf_{name} * {1 << bit}" for bit, name in enumerate(FACTOR_LABELS))


def upsert_statement(source: str, p: Parameters) -> tuple[str, list]:
    """INSERT … SELECT … ON CONFLICT of the risk coefficients of `source` (a table, CTE or
    parenthesised subquery with the columns rs_household, risk and rf_<factor>), and its parameters.

    A coefficient that has not changed is not rewritten (a rerun changes few of them), so
    `computed_at` is when the coefficient last changed. Unchanged rows are left out of the
    INSERT by one hashed join with the stored coefficients: sent to ON CONFLICT, each cost an
    index probe and a tuple lock only to be filtered out (~0.2 s of a rerun at 100,000
    households). ON CONFLICT still settles a row stored concurrently meanwhile."""
    table = RiskScore._meta.db_table
    mask = f"({mask_sql('s')})"
    statement = (
        f'INSERT INTO {table} (household_id, year, risk, factor_mask, computed_at) '
        f'SELECT s.rs_household, %s, s.risk, {mask}, %s FROM {source} s '
        # the year inlined (an int), so the statement's parameters all precede the source's
        f'LEFT JOIN {table} stored ON stored.household_id = s.rs_household AND stored.year = {int(p.year)} '
        f'WHERE stored.id IS NULL OR stored.risk <> s.risk OR stored.factor_mask <> {mask} '
        f'ON CONFLICT (household_id, year) DO UPDATE SET risk = excluded.risk, '
        f'factor_mask = excluded.factor_mask, computed_at = excluded.computed_at '
        f'WHERE {table}.risk <> excluded.risk OR {table}.factor_mask <> excluded.factor_mask'
    )
    return statement, [p.year, timezone.now()]


def risk_of(factors: list[str], p: Parameters) -> Decimal:
    """The same coefficient computed in Python, exactly (for explanations and tests)."""
    product = Decimal(1)
    for name in factors:
        product *= 1 - p.values[f"weight_{name}"]
    return (1 - product).quantize(Decimal("0.0001"), rounding=ROUND_HALF_UP)


__all__ = ["annotate_factors", "factor_conditions", "mask_sql", "upsert_statement", "risk_of", "FACTOR_LABELS", "gt"]
