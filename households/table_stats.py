"""Fresh planner statistics after a bulk write: one `analyze(...)` for every bulk writer.

PostgreSQL plans a query from the statistics ANALYZE gathers, and autovacuum gathers them
only a while after a large write. A cleansing batch started right after `import_registry`
of a 100,000-household county was planned as if the tables were nearly empty (nested
loops over hundreds of thousands of rows: minutes instead of seconds). So whatever writes
in bulk (the registry and department imports, the demo) names the models it wrote, and
their tables are analysed once the write has committed (at once outside a transaction).
SQLite is left alone: its planner has no such cliff, and ANALYZE would change its plans
for every query of the embedded deployment.
"""

from django.db import connection, models, transaction


def analyze(*written: type[models.Model]) -> None:
    """ANALYZE the tables of `written` after the current transaction commits (PostgreSQL only)."""
    if connection.vendor != "postgresql" or not written:
        return
    tables = ", ".join(connection.ops.quote_name(name) for name in sorted({m._meta.db_table for m in written}))

    def run() -> None:
        with connection.cursor() as cursor:
            cursor.execute(f"ANALYZE {tables}")

    transaction.on_commit(run)


def share_of(model: type[models.Model], column: str, value: str) -> float | None:
    """The share of `model`'s rows whose `column` is `value`, as ANALYZE last saw it (its most common
    values); 0 for a value too rare to be among them; None without statistics (SQLite, or never analysed)."""
    if connection.vendor != "postgresql":
        return None
    with connection.cursor() as cursor:
        cursor.execute("SELECT most_common_vals::text::text[], most_common_freqs FROM pg_stats "
                       "WHERE schemaname = current_schema() AND tablename = %s AND attname = %s",
                       [model._meta.db_table, column])
        row = cursor.fetchone()
    if row is None:
        return None
    values, shares = row
    return dict(zip(values or [], shares or [])).get(value, 0.0)
