"""The registry export: time and peak memory of `export_registry` over a seeded county.

    DATABASE_URL=postgres://lead:leadpass@127.0.0.1:5432/postgres \\
        python bench/registry_export.py [--households 100000] [--openpyxl]

Builds a county of `--households` households in a scratch PostgreSQL database (seed_demo),
then runs `manage.py export_registry OUT` in a child process: export_s is the command's own
time (without the interpreter's start), peak_mb the child's peak RSS. The reference
(bench/_raw_write.py) is a raw write of the same five sheets' rows and cells, read back from
the export with python-calamine, with xlsxwriter's constant_memory mode, in the same run;
ratio = export_s / raw_write_s (goal ≤ 1.5). `--use-database URL` exports an already seeded
county instead of seeding a scratch one (`CREATE DATABASE copy TEMPLATE seeded` first: the
export logs itself in the audit trail). `--openpyxl` also times that raw write with
openpyxl's write-only mode (raw_openpyxl_s).

Prints `households=… rows=… peak_mb=… export_s=… raw_write_s=… ratio=…`.
"""

import argparse
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _raw_write import openpyxl_raw_write_seconds, raw_write_seconds, timed_export  # noqa: E402
from _support import bench_env, log, scratch_database, seed  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--households", type=int, default=100000)
    parser.add_argument("--openpyxl", action="store_true", help="also time a raw write with openpyxl write-only")
    parser.add_argument("--use-database", metavar="URL", help="an already seeded county's database (not seeded, not dropped)")
    args = parser.parse_args()
    if args.use_database:
        measure(args, bench_env(args.use_database, DJANGO_SETTINGS_MODULE="monitoring.settings"))
        return
    with scratch_database("bench_registry_export") as database_url:
        env = bench_env(database_url, DJANGO_SETTINGS_MODULE="monitoring.settings")
        log(f"seeding {args.households} households: {seed(env, args.households):.0f} s")
        measure(args, env)


def measure(args, env: dict) -> None:
    with tempfile.TemporaryDirectory() as folder:
        export_s, peak_mb, sheets = timed_export(env, "export_registry", folder)
    rows = sum(len(sheet_rows) for _name, sheet_rows in sheets)
    households = len(dict(sheets)["户信息"]) - 1  # the header row
    raw_write_s = raw_write_seconds(sheets)
    extra = f" raw_openpyxl_s={openpyxl_raw_write_seconds(sheets):.1f}" if args.openpyxl else ""
    print(f"households={households} rows={rows}{extra} peak_mb={peak_mb:.0f} "
          f"export_s={export_s:.1f} raw_write_s={raw_write_s:.1f} ratio={export_s / raw_write_s:.2f}")


if __name__ == "__main__":
    main()
