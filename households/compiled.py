"""Querysets compiled once per process, some of their values bound on each run.

Compiling the household list's page query (three correlated subqueries, the 三色码 CASE, the
joins) took about a millisecond of every request, and its year query as much again, while their
SQL depends only on the shape of the request: which filters, which sort, the year and the
county's settings. A `CompiledQuery` is compiled once from a queryset built with stand-ins
(strings marked by a private-use character) in place of the values that vary between requests
of one shape — the user's scope, a search text, a chosen area —, and each run writes the
request's values into the parameters where the stand-ins were (by position: a request's own
values are never searched). Compiling refuses a statement in which a stand-in appears anywhere
but a parameter of its lookup's form, or in which a bound value is missing: such a statement
could not be bound safely, and the caller then runs the queryset as Django compiles it.

Rows come back as the queryset's model instances would: the same columns, select_related
objects, annotations and the backend's converters (Django's ModelIterable, minus what these
querysets do not use).
"""

from dataclasses import dataclass

from django.core.exceptions import EmptyResultSet
from django.db import connections
from django.db.models.query import get_related_populators

_MARK = "\ue000"  # a private-use character, in no value the statements are built with

EXACT = "exact"
STARTSWITH = "startswith"


def stand_in(name: str) -> str:
    """The value standing in for `name` while the statement is compiled."""
    return f"{_MARK}{name}\ue001"


def _written(connection, kind: str, value: str) -> str:
    """A value as Django writes it into the parameter of a lookup of this kind."""
    if kind == STARTSWITH:
        return f"{connection.ops.prep_for_like_query(value)}%"
    return value


class NotBindable(ValueError):
    """The queryset's SQL cannot take the bound values safely: run it as Django compiles it."""


@dataclass(frozen=True)
class _Slot:
    index: int  # of the parameter
    name: str
    kind: str


class CompiledQuery:
    """`queryset`, built with `stand_in(name)` for each of `bound` (name → EXACT or STARTSWITH,
    the lookup the value goes through), compiled once; unsliced and ordered."""

    def __init__(self, queryset, bound: dict[str, str]):
        query = queryset.query
        if query.low_mark or query.high_mark is not None:
            raise NotBindable("a sliced queryset: the page is given to rows()")
        self.db = queryset.db
        compiler = query.get_compiler(using=self.db)
        try:
            sql, params = compiler.as_sql()
        except EmptyResultSet:
            raise NotBindable("the queryset matches nothing") from None
        if _MARK in sql:
            raise NotBindable("a stand-in is written into the SQL, not a parameter")
        connection = compiler.connection
        written = {(name, kind): _written(connection, kind, stand_in(name)) for name, kind in bound.items()}
        slots = []
        for index, param in enumerate(params):
            if not isinstance(param, str) or _MARK not in param:
                continue
            names = [(name, kind) for (name, kind), text in written.items() if text == param]
            if len(names) != 1:
                raise NotBindable(f"a stand-in in a parameter of unknown form: {param!r}")
            slots.append(_Slot(index, *names[0]))
        if {slot.name for slot in slots} != set(bound):
            raise NotBindable("a bound value is not a parameter of the statement")
        self.sql, self.params, self.slots = sql, list(params), slots
        self.select, self.klass_info = compiler.select, compiler.klass_info
        self.annotation_col_map = compiler.annotation_col_map
        self.columns = [column for column, _sql, _alias in compiler.select[: compiler.col_count]]
        self.converters = compiler.get_converters(self.columns)

    def bound_params(self, values: dict[str, str]) -> list:
        connection = connections[self.db]
        params = list(self.params)
        for slot in self.slots:
            params[slot.index] = _written(connection, slot.kind, values[slot.name])
        return params

    def rows(self, values: dict[str, str], *, limit: int, offset: int) -> list:
        """The model instances of rows offset … offset + limit, `values` bound."""
        connection = connections[self.db]
        with connection.cursor() as cursor:
            cursor.execute(f"{self.sql} LIMIT %s OFFSET %s", [*self.bound_params(values), limit, offset])
            fetched = cursor.fetchall()
        if self.converters:
            fetched = self._converted(fetched, connection)
        return self._instances(fetched)

    def _converted(self, rows, connection):
        converters = list(self.converters.items())
        for row in map(list, rows):
            for position, (functions, expression) in converters:
                value = row[position]
                for function in functions:
                    value = function(value, expression, connection)
                row[position] = value
            yield row

    def _instances(self, rows) -> list:
        klass_info, select = self.klass_info, self.select
        model = klass_info["model"]
        start, end = klass_info["select_fields"][0], klass_info["select_fields"][-1] + 1
        init_list = [column[0].target.attname for column in select[start:end]]
        related_populators = get_related_populators(klass_info, select, self.db)
        instances = []
        for row in rows:
            instance = model.from_db(self.db, init_list, row[start:end])
            for populator in related_populators:
                populator.populate(row, instance)
            for name, position in self.annotation_col_map.items():
                setattr(instance, name, row[position])
            instances.append(instance)
        return instances

    def count(self, values: dict[str, str], *, at_most: int | None = None) -> int:
        """How many rows the statement (compiled from a `.values("pk")` queryset) gives, `values`
        bound; counting stops after `at_most` rows."""
        params = self.bound_params(values)
        sql = f"SELECT COUNT(*) FROM ({self.sql}"
        if at_most is not None:
            sql += " LIMIT %s"
            params.append(at_most)
        with connections[self.db].cursor() as cursor:
            cursor.execute(f"{sql}) counted", params)
            return cursor.fetchone()[0]
