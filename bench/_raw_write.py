"""The reference of the export benchmarks: a raw write of the same rows and cells.

`workbook_rows(path)` reads every sheet of an exported workbook with python-calamine (not
timed); `raw_write_seconds(sheets)` writes those rows again, sheet for sheet, with
xlsxwriter's constant_memory mode and nothing else: no formula neutralisation, no formats
but the dates', no widths, no queries. That is the floor of an .xlsx writer in Python on
this machine; an export's ratio to it is what its queries and rules cost on top.
`openpyxl_raw_write_seconds` is the same write with openpyxl's write-only mode (plain
values), to compare the two writers in one run. `timed_export(env, command, folder)` runs an
export command in a process of its own and gives its seconds, peak memory and sheets.
"""

import datetime
import os
import subprocess
import tempfile
import time
from pathlib import Path

from _support import PYTHON, ROOT, log

# The export, timed in a process of its own (its peak memory is the export's alone).
EXPORT = """
import resource, sys, time
import django
django.setup()
from django.core.management import call_command
started = time.perf_counter()
call_command(sys.argv[1], sys.argv[2], stdout=sys.stderr, verbosity=0)
print(time.perf_counter() - started, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)
"""


def timed_export(env: dict, command: str, folder: str) -> tuple[float, float, list[tuple[str, list[list]]]]:
    """Run `manage.py <command> OUT.xlsx` in its own process: (seconds, peak MB, the workbook's sheets)."""
    out = Path(folder) / f"{command}.xlsx"
    seconds, peak_kb = subprocess.run([PYTHON, "-c", EXPORT, command, str(out)], cwd=ROOT, env=env, check=True,
                                      capture_output=True, text=True).stdout.strip().splitlines()[-1].split()
    sheets = workbook_rows(out)
    log(f"workbook {out.stat().st_size / 1024 / 1024:.1f} MB, rows "
        + ", ".join(f"{name} {len(rows)}" for name, rows in sheets))
    return float(seconds), int(peak_kb) / 1024, sheets


def workbook_rows(path) -> list[tuple[str, list[list]]]:
    from python_calamine import CalamineWorkbook

    workbook = CalamineWorkbook.from_path(str(path))
    return [(name, workbook.get_sheet_by_name(name).to_python(skip_empty_area=False))
            for name in workbook.sheet_names]


def raw_write_seconds(sheets: list[tuple[str, list[list]]]) -> float:
    import xlsxwriter

    handle, out = tempfile.mkstemp(suffix=".xlsx")
    os.close(handle)
    try:
        started = time.perf_counter()
        workbook = xlsxwriter.Workbook(out, {"constant_memory": True, "strings_to_numbers": False,
                                             "strings_to_formulas": False, "strings_to_urls": False})
        day = workbook.add_format({"num_format": "yyyy-mm-dd"})
        for name, rows in sheets:
            sheet = workbook.add_worksheet(name)
            write_string, write_number, write_datetime = sheet.write_string, sheet.write_number, sheet.write_datetime
            for row_number, row in enumerate(rows):
                for column, value in enumerate(row):
                    if value == "" or value is None:
                        continue
                    if isinstance(value, str):
                        write_string(row_number, column, value)
                    elif isinstance(value, (datetime.date, datetime.datetime)):
                        write_datetime(row_number, column, value, day)
                    else:
                        write_number(row_number, column, value)
        workbook.close()
        return time.perf_counter() - started
    finally:
        os.unlink(out)


def openpyxl_raw_write_seconds(sheets: list[tuple[str, list[list]]]) -> float:
    from openpyxl import Workbook

    handle, out = tempfile.mkstemp(suffix=".xlsx")
    os.close(handle)
    try:
        started = time.perf_counter()
        workbook = Workbook(write_only=True)
        for name, rows in sheets:
            sheet = workbook.create_sheet(name)
            for row in rows:
                sheet.append([None if value == "" else value for value in row])
        workbook.save(out)
        return time.perf_counter() - started
    finally:
        os.unlink(out)
