"""Exact arithmetic for rule conditions: money as integer cents, thresholds as integer ratios.

pc(Y) compares against other years and lines always over the same household size, so
"pc(Y) < line" is "net(Y) < line × size" and "pc(Y) < pc(Y−1)" is "net(Y) < net(Y−1)":
every comparison is an exact integer comparison in SQL, on PostgreSQL and SQLite alike.
"""

import math
from decimal import Decimal
from fractions import Fraction

from django.db.models import BigIntegerField, BooleanField, Case, F, FloatField, IntegerField, Max, Q, Value, When
from django.db.models.functions import Cast, Coalesce, Round

from households.expressions import EXPENSE_FIELDS, INCOME_FIELDS

ONE = Value(1)
ZERO = Value(0)


# Django's SQLite backend wraps every step of decimal arithmetic in CAST(… AS NUMERIC),
# which doubles the nesting until SQLite's parser overflows. Intermediate money sums are
# therefore typed as plain numbers for Django's sake only: PostgreSQL still adds its
# numeric columns exactly, and every sum is rounded to whole cents before it is compared.
UNTYPED = FloatField()


class _Whole(Round):
    """ROUND(x) to a whole number, where x is about to be cast to an integer.

    On PostgreSQL the amounts are numerics, and casting a numeric to bigint already rounds
    half away from zero, exactly as ROUND(x, 0) does; Round would also cast the "float" to
    numeric(1000, 15) first (FixDecimalInputMixin). Skipping both saves two numeric operations
    per amount and income record: a batch computes ~1.7 million of them. SQLite keeps ROUND,
    which its float sums need before CAST (which truncates).
    """

    def as_postgresql(self, compiler, connection, **extra_context):
        sql, params = compiler.compile(self.get_source_expressions()[0])
        return f"({sql})", params


def whole_cents(total):
    """A sum in yuan (an expression) as whole cents."""
    return Cast(_Whole(total * Value(100)), BigIntegerField())


def cents(expression):
    """A money amount (empty counts as 0) as whole cents."""
    return whole_cents(Coalesce(expression, Value(0), output_field=UNTYPED))


def balanced(terms: list, combine):
    """combine(combine(a, b), combine(c, d)) rather than a left-deep chain: SQLite's parser
    overflows on deeply nested expressions, and a balanced tree keeps the depth logarithmic."""
    while len(terms) > 1:
        paired = [combine(terms[i], terms[i + 1]) for i in range(0, len(terms) - 1, 2)]
        terms = paired + ([terms[-1]] if len(terms) % 2 else [])
    return terms[0]


def amount(field: str):
    return Coalesce(F(field), Value(0), output_field=UNTYPED)


def sum_cents(fields: list[str], subtract: tuple[str, ...] = ()):
    """A sum of amounts (empty counts as 0) as whole cents, rounded once at the end.

    PostgreSQL adds numerics exactly; SQLite adds binary floats whose error stays far
    below half a cent, so rounding the sum gives the exact cents on both.
    """
    terms = [amount(name) for name in fields] + [amount(name) * Value(-1) for name in subtract]
    return whole_cents(balanced(terms, lambda a, b: a + b))


def net_cents(prefix: str):
    """纯收入 in cents, from an income relation reached through `prefix` (e.g. "inc0__")."""
    return sum_cents([f"{prefix}{name}" for name in INCOME_FIELDS],
                     subtract=tuple(f"{prefix}{name}" for name in EXPENSE_FIELDS))


def decimal_cents(amount: Decimal) -> int:
    """A parameter in yuan as exact cents; refuses sub-cent amounts rather than rounding them."""
    value = amount * 100
    if value != value.to_integral_value():
        raise ValueError(f"{amount} has more than two decimals")
    return int(value)


def ceil_cents(amount: Decimal) -> int:
    """The fewest whole cents ≥ a threshold in yuan: for an amount x in whole cents,
    x ≥ amount exactly when cents(x) ≥ ceil_cents(amount)."""
    return math.ceil(amount * 100)


def ratio(value: Decimal) -> tuple[int, int]:
    """An exact fraction p/q for a decimal threshold (0.5 → (1, 2))."""
    fraction = Fraction(value)
    return fraction.numerator, fraction.denominator


def flag(condition: Q):
    """1 where the condition holds for a row, else 0 (NULL comparisons fall to 0)."""
    return Case(When(condition, then=ONE), default=ZERO, output_field=IntegerField())


def any_of(condition: Q):
    """Over a joined relation: 1 when some joined row meets the condition."""
    return Max(flag(condition))


def boolean(condition: Q):
    return Case(When(condition, then=Value(True)), default=Value(False), output_field=BooleanField())
