"""Where import_registry's time goes, by phase: CPU and wall seconds, one import.

    DATABASE_URL=postgres://…/an_empty_migrated_database python bench/_import_phases.py registry.xlsx

Timers wrap the importer's functions that run once per sheet, chunk or batch (never per
cell, so they cost nothing measurable; cProfile's per-call cost, with millions of calls,
inflates the per-cell paths several-fold). Times are exclusive: a phase nested in another is
taken out of it. PostgreSQL's own CPU is not counted; its work shows as wall time (the
commit's deferred foreign-key checks, ANALYZE, the end of each COPY). Not a benchmark: the
figures go into docs/performance.md (导入).
"""

import collections
import functools
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "monitoring.settings")

spent = collections.defaultdict(lambda: [0.0, 0.0])  # phase → [CPU s, wall s]
running: list[str] = []


def _charge(name: str, cpu: float, wall: float) -> None:
    spent[name][0] += cpu
    spent[name][1] += wall
    if running:  # exclusive times: the enclosing phase does not count them again
        spent[running[-1]][0] -= cpu
        spent[running[-1]][1] -= wall


def timed(name: str, function):
    @functools.wraps(function)
    def wrapper(*args, **kwargs):
        cpu, wall = time.process_time(), time.perf_counter()
        running.append(name)
        try:
            return function(*args, **kwargs)
        finally:
            running.pop()
            _charge(name, time.process_time() - cpu, time.perf_counter() - wall)
    return wrapper


def timed_generator(name: str, function):
    @functools.wraps(function)
    def wrapper(*args, **kwargs):
        items = function(*args, **kwargs)
        while True:
            cpu, wall = time.process_time(), time.perf_counter()
            running.append(name)
            try:
                item = next(items)
            except StopIteration:
                return
            finally:
                running.pop()
                _charge(name, time.process_time() - cpu, time.perf_counter() - wall)
            yield item
    return wrapper


def main() -> None:
    cpu, wall = time.process_time(), time.perf_counter()
    import django

    django.setup()
    spent["Django's start"] = [time.process_time() - cpu, time.perf_counter() - wall]

    from django.core.management import call_command
    from django.core.management.base import BaseCommand
    from django.db import transaction

    from households.workbook import importer, safety, sheets

    importer._validate_sheet = timed("validating: row filter, chunking", importer._validate_sheet)
    importer.sheet_rows = timed_generator("reading: calamine, values made openpyxl's", importer.sheet_rows)
    safety.calamine_can_read = timed("reading: the safety scan", safety.calamine_can_read)
    importer._take_chunk = timed("validating: rows made dicts, check()", importer._take_chunk)
    importer.parse_column = timed("validating: parse_column", importer.parse_column)
    importer._parse_row = timed("validating: rows parsed cell by cell", importer._parse_row)
    importer._Spool.put = timed("validating: the spool written", importer._Spool.put)
    importer._Spool.batches = timed_generator("writing: the spool read back", importer._Spool.batches)
    importer._write = timed("writing: the loop", importer._write)
    importer.analyze = timed("ANALYZE (server)", importer.analyze)
    for handler in sheets.HANDLERS.values():
        process = handler.process

        def timed_process(self, batch, *, validating, process=process):
            name = "validating: planning (process)" if validating else "writing: planning again (process)"
            return timed(name, process)(self, batch, validating=validating)
        handler.process = timed_process
    for handler in {*sheets.HANDLERS.values(), sheets.SheetHandler, sheets.ChildSheet}:
        if "write" in handler.__dict__:
            handler.write = timed("writing: records, keys fetched back, updates", handler.__dict__["write"])
    sheets.bulk_create = timed("writing: COPY (client; wall includes the server)", sheets.bulk_create)
    transaction.Atomic.__exit__ = timed("commit (server: deferred foreign keys)", transaction.Atomic.__exit__)
    BaseCommand.check = timed("the system checks", BaseCommand.check)

    cpu, wall = time.process_time(), time.perf_counter()
    call_command("import_registry", sys.argv[1], error_report=os.devnull, verbosity=0, skip_checks=False)
    total = [time.process_time() - cpu + spent["Django's start"][0],
             time.perf_counter() - wall + spent["Django's start"][1]]
    print(f"{'phase':55s} {'CPU s':>6s} {'wall s':>7s}")
    for name, (cpu, wall) in sorted(spent.items(), key=lambda item: -item[1][0]):
        print(f"{name:55s} {cpu:6.2f} {wall:7.2f}")
    print(f"{'total':55s} {total[0]:6.2f} {total[1]:7.2f}")


if __name__ == "__main__":
    main()
