"""The floor of any registry import that writes through PostgreSQL from Python, in phases.

    DATABASE_URL=postgres://…/an_empty_migrated_database python bench/_import_floor.py registry.xlsx

Run by bench/registry_import.py against an empty migrated scratch database. It does the
least any import must do, and nothing else: python-calamine reads the five sheets into
Python rows, exactly as the bench's reference does (`read`); every cell is touched once to
become the value stored (labels to codes, numbers of integer columns to int, date cells to
dates, the household's key and county, 证件号码合规), no check of any kind, the rows built
as the tuples COPY takes (`cells`); those rows go into the tables with one COPY per table
in one transaction, households' keys fetched back by number, committed (`copy`). No
comparison with stored rows, no error report, no spool, no ANALYZE: what the import adds to
this is the price of its promises. Each phase is timed in the process (wall and CPU);
Django's start is not counted (only its models and the template's labels are used).
Prints one line of key=value.
"""

import datetime
import json
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "monitoring.settings")

CHUNK = 10_000  # rows read, converted and copied at a time (calamine holds the sheet; we need not)


class Phases:
    def __init__(self):
        self.wall = {"read": 0.0, "cells": 0.0, "copy": 0.0}
        self.cpu = dict(self.wall)
        self._phase, self._wall, self._cpu = None, 0.0, 0.0

    def start(self, phase: str) -> None:
        self.stop()
        self._phase, self._wall, self._cpu = phase, time.perf_counter(), time.process_time()

    def stop(self) -> None:
        if self._phase:
            self.wall[self._phase] += time.perf_counter() - self._wall
            self.cpu[self._phase] += time.process_time() - self._cpu
        self._phase = None


def main() -> None:
    import django

    django.setup()
    import psycopg
    from django.db import models
    from django.utils import timezone
    from python_calamine import CalamineWorkbook

    from households import id_numbers
    from households.workbook.cells import EMPTY, Kind, parse
    from households.workbook.importer import _match_header
    from households.workbook.template import SHEETS

    now = timezone.now()
    url = os.environ["DATABASE_URL"].replace("postgres://", "postgresql://", 1)
    phases = Phases()
    households: dict[str, int] = {}   # number → key
    counties: dict[str, str] = {}     # number → county code
    rows_copied = 0

    def converter(column, field):
        """The least Python that turns a calamine value of this column into the value stored."""
        kind = column.kind
        if kind in (Kind.ENUM, Kind.YES_NO, Kind.RISK_TYPES):
            memo = {"": json.dumps([]) if kind == Kind.RISK_TYPES else EMPTY.get(kind, "")}

            def label(raw):
                value = memo.get(raw, memo)
                if value is memo:  # a label seen for the first time: parsed once
                    value = memo[raw] = parse(column, raw)[0]
                    if kind == Kind.RISK_TYPES:
                        value = memo[raw] = json.dumps(value)
                return value
            return lambda cells: [label(raw) for raw in cells]
        if kind == Kind.INTEGER:
            return lambda cells: [None if raw == "" else int(raw) for raw in cells]
        if kind == Kind.DATE:
            return lambda cells: [raw.date() if raw.__class__ is datetime.datetime else raw or None for raw in cells]
        if kind in (Kind.MONEY, Kind.DEGREES):
            # A float: COPY writes its shortest text, which the numeric column reads.
            return lambda cells: [raw if raw != "" else None for raw in cells]
        # Text of every kind: calamine gives str ("" when empty), or a float for a number typed in.
        return lambda cells: [raw if raw.__class__ is str
                              else str(int(raw)) if raw == int(raw) else str(raw) for raw in cells]

    book = CalamineWorkbook.from_path(sys.argv[1])
    names = set(book.sheet_names)
    with psycopg.connect(url) as connection:
        backend = connection.execute("SELECT pg_backend_pid()").fetchone()[0]
        connection.commit()
        server_cpu_before = backend_cpu(backend)
        for spec in SHEETS:
            if spec.name not in names:
                continue
            phases.start("read")
            rows = book.get_sheet_by_name(spec.name).iter_rows()
            header = next(rows, None)
            phases.stop()
            if header is None:
                continue
            by_position = _match_header(spec, tuple(header))
            position_of = {column.field: position for position, column in by_position.items()}
            column_of = {column.field: column for column in by_position.values()}
            model = spec.model
            # Every stored column but a sequence's key (an area's key is its code, from the sheet)
            # and what the database derives itself (a household's county).
            fields = [field for field in model._meta.concrete_fields
                      if not (isinstance(field, (models.AutoField, models.BigAutoField)) or field.generated)]
            household_position = position_of.get("household")  # a child sheet's 户编号
            # Each stored field: ("cell", position, convert) | ("derived", name) | ("fixed", value)
            sources = []
            for field in fields:
                name = field.name
                if name in position_of and name != "household":
                    sources.append(("cell", position_of[name], converter(column_of[name], field)))
                elif field.attname in position_of:
                    sources.append(("cell", position_of[field.attname], converter(column_of[field.attname], field)))
                elif name in ("household", "county", "id_valid", "level", "parent"):
                    sources.append(("derived", name))
                elif getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
                    sources.append(("fixed", now))
                else:
                    default = field.get_default()
                    sources.append(("fixed", json.dumps(default) if isinstance(field, models.JSONField) else default))
            columns = ", ".join(f'"{field.column}"' for field in fields)
            statement = f'COPY "{model._meta.db_table}" ({columns}) FROM STDIN'
            with connection.cursor() as cursor, cursor.copy(statement) as copy:
                while True:
                    phases.start("read")
                    chunk = []
                    for row in rows:
                        chunk.append(row)
                        if len(chunk) >= CHUNK:
                            break
                    if not chunk:
                        phases.start("copy")  # the COPY's end: the server takes the last rows
                        break
                    phases.start("cells")
                    width = max(map(len, chunk))
                    transposed = list(zip(*(row + [""] * (width - len(row)) for row in chunk)))
                    numbers = transposed[household_position] if household_position is not None else None
                    if numbers is not None:
                        numbers = [raw if raw.__class__ is str else str(int(raw)) for raw in numbers]
                    columns_out = []
                    for source in sources:
                        if source[0] == "cell":
                            columns_out.append(source[2](transposed[source[1]]))
                        elif source[0] == "fixed":
                            columns_out.append((source[1],) * len(chunk))
                        elif source[1] == "household":
                            columns_out.append([households.get(number) for number in numbers])
                        elif source[1] == "county":
                            columns_out.append([counties.get(number) for number in numbers])
                        elif source[1] == "id_valid":
                            ids = columns_out[[f.name for f in fields].index("id_number")]
                            columns_out.append([id_numbers.is_valid(text) for text in ids])
                        elif source[1] in ("level", "parent"):
                            codes = columns_out[[f.name for f in fields].index("code")]
                            columns_out.append([model.level_for_code(code) for code in codes] if source[1] == "level"
                                               else [code[:-3] if len(code) > 6 else None for code in codes])
                    tuples = list(zip(*columns_out))
                    if model.__name__ == "Household":
                        number_at = [f.name for f in fields].index("number")
                        village_at = [f.name for f in fields].index("village")
                        counties.update((row[number_at], row[village_at][:6]) for row in tuples)
                    phases.start("copy")
                    for row in tuples:
                        copy.write_row(row)
                    rows_copied += len(tuples)
            phases.stop()
            if model.__name__ == "Household":
                phases.start("copy")
                households.update(connection.execute(
                    f'SELECT "number", "id" FROM "{model._meta.db_table}"').fetchall())
        phases.start("copy")
        connection.commit()
        phases.stop()
        server_cpu = backend_cpu(backend) - server_cpu_before
    book.close()
    keys = " ".join(f"{phase}_s={phases.wall[phase]:.2f} {phase}_cpu_s={phases.cpu[phase]:.2f}"
                    for phase in phases.wall)
    print(f"rows={rows_copied} {keys} copy_server_cpu_s={server_cpu:.2f}")


def backend_cpu(pid: int) -> float:
    """CPU seconds a PostgreSQL backend of this machine has used (user + system), -1 when unreadable
    (a server elsewhere): the COPY's work on the server side is no part of the client's CPU."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return -1.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


if __name__ == "__main__":
    main()
