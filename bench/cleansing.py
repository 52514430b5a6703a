"""Full cleansing batch and one-household re-check, against PostgreSQL reading every row once.

    python bench/cleansing.py [--households 100000] [--rechecks 200] [--skip-import] [--use-database URL]

Builds a county in a scratch PostgreSQL database (seed_demo: ~3.5 members per household,
four years of income), times `COPY (SELECT * FROM t) TO STDOUT` of every table the rules
read into a null sink, then a full batch of all rules run in-process (every group, as
the workers would), twice (new tickets, then a rerun), and the re-check of single
households (200 by default). Prints `households=… batch_s=… copy_s=… recheck_p50_s=… recheck_first_s=… recheck_max_s=… ratio=…`
(goals, issue 16: the rerun's ratio ≤ 3, the first batch's first_batch_s ≤ 5 × copy_s, the
re-check's max < 0.1 s).

With --use-database, the county already seeded in that database is measured instead (no
scratch database, no seeding; --households is then only what the line reports). Its batches
write tickets and risks into it: give it a fresh copy (CREATE DATABASE … TEMPLATE a seeded one)
for the first batch to open the tickets.

To check that a change to the engine keeps every finding, dump them before and after on the
same database with bench/cleansing_findings.py and diff the files.

Then the operator's flow (operations.md), unless --skip-import: the seeded county is
written out with `export_registry`, a second scratch database is migrated and loaded
with `import_registry`, given its yearly parameters (set_parameters), and the first
batch runs right after (no VACUUM, no ANALYZE but what the import does itself).
Prints `import_s=… import_first_batch_s=… import_copy_s=… import_ratio=…` (goal: the
same ratio ≤ 5: the first batch after an import must not be planned on stale statistics).
"""

import argparse
import contextlib
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _support import PYTHON, ROOT, bench_env, log, manage, scratch_database, seed  # noqa: E402

COUNTY = "360732"  # seed_demo's default county
LINES = {2021: 6000, 2022: 6500, 2023: 6900, 2024: 7300, 2025: 7600}  # the demo's, as an operator sets them
# Run by `manage.py shell` in the imported database: the first batch, timed like the seeded one.
FIRST_BATCH = f"""
import time
from households.models import Area
from rules import services
batch = services.batch_create(area=Area.objects.get(code="{COUNTY}"))
started = time.perf_counter()
services.batch_run_sync(batch=batch)
print("first_batch_s=%.3f" % (time.perf_counter() - started))
"""

TABLES = [
    "households_household", "households_member", "households_annualincome",
    "households_assistancemeasure", "rules_departmentrecord",
]


def copy_seconds(database_url: str) -> float:
    import psycopg

    started = time.perf_counter()
    with psycopg.connect(database_url.replace("postgres://", "postgresql://", 1)) as connection:
        with connection.cursor() as cursor:
            for table in TABLES:
                with cursor.copy(f"COPY (SELECT * FROM {table}) TO STDOUT") as copy:
                    for _ in copy:
                        pass
    return time.perf_counter() - started


@contextlib.contextmanager
def given_or_scratch_database(database_url: str | None):
    """`database_url` as it is, or a scratch database dropped afterwards."""
    if database_url:
        yield database_url
        return
    with scratch_database("bench_cleansing") as scratch_url:
        yield scratch_url


def operator_flow(workbook: Path) -> dict:
    """A fresh database, import_registry of `workbook`, its yearly parameters, the first batch at once."""
    with scratch_database("bench_cleansing_import") as database_url:
        env = bench_env(database_url)
        manage(env, "migrate", "-v0")
        log("importing the county workbook …")
        started = time.perf_counter()
        subprocess.run([PYTHON, "manage.py", "import_registry", str(workbook), "-v0"], cwd=ROOT, env=env, check=True)
        import_s = time.perf_counter() - started
        log(f"imported in {import_s:.1f} s; yearly parameters, then the first batch …")
        usage = subprocess.run([PYTHON, "manage.py", "set_parameters", "--help"], cwd=ROOT, env=env, check=True,
                               capture_output=True, text=True).stdout
        county = ["--county", COUNTY] if "--county" in usage else []  # yearly lines per county, where they are
        for year, line in LINES.items():
            manage(env, "set_parameters", "--year", str(year), "--monitoring-line", str(line), *county,
                   *(["--current"] if year == max(LINES) else []), "-v0")
        output = subprocess.run([PYTHON, "manage.py", "shell", "-c", FIRST_BATCH], cwd=ROOT, env=env, check=True,
                                capture_output=True, text=True).stdout
        first_s = float(output.rsplit("first_batch_s=", 1)[1].split()[0])
        log(f"first batch after the import: {first_s:.2f} s")
        copy_s = min(copy_seconds(database_url) for _ in range(3))
    return {"import_s": import_s, "first_s": first_s, "copy_s": copy_s}


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--households", type=int, default=100_000)
    parser.add_argument("--rechecks", type=int, default=200)
    parser.add_argument("--skip-import", action="store_true", help="only the seeded county, not the operator's flow")
    parser.add_argument("--use-database", metavar="URL",
                        help="an already seeded (and migrated) database to measure, instead of seeding a scratch one")
    args = parser.parse_args()
    workdir = tempfile.TemporaryDirectory(prefix="bench_cleansing_")
    workbook = Path(workdir.name) / "county.xlsx"

    with given_or_scratch_database(args.use_database) as database_url:
        env = bench_env(database_url)
        if not args.use_database:
            log(f"seeding {args.households} households …")
            log(f"seeded in {seed(env, args.households):.1f} s")
        if not args.skip_import:
            manage(env, "export_registry", str(workbook), "--county", COUNTY, "-v0")
        os.environ.update(env)
        sys.path.insert(0, str(ROOT))
        os.environ["DJANGO_SETTINGS_MODULE"] = "monitoring.settings"
        import django

        django.setup()
        from django.db import connection

        from households.models import Area, Household, Member
        from rules import services

        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")
        copy_runs = [copy_seconds(database_url) for _ in range(3)]
        copy_s = min(copy_runs)
        county = Area.objects.get(code=Household.objects.values_list("village_id", flat=True)[:1][0][:6])

        def batch_seconds() -> float:
            batch = services.batch_create(area=county)
            started = time.perf_counter()
            services.batch_run_sync(batch=batch)
            return time.perf_counter() - started

        first_s = batch_seconds()
        log(f"first batch (opens tickets): {first_s:.2f} s")
        rerun_s = batch_seconds()
        log(f"rerun: {rerun_s:.2f} s")

        ids = list(Household.objects.values_list("pk", flat=True))
        rng = random.Random(1)
        rechecks = []
        for household_id in rng.sample(ids, min(args.rechecks, len(ids))):
            started = time.perf_counter()
            services.household_recheck(household_id=household_id)
            rechecks.append(time.perf_counter() - started)
        members = Member.objects.count()
        household_count = Household.objects.count()
        connection.close()

    imported = None if args.skip_import else operator_flow(workbook)
    workdir.cleanup()
    households = args.households if not args.use_database else household_count
    line = (
        f"households={households} members={members} copy_s={copy_s:.2f} "
        f"first_batch_s={first_s:.2f} batch_s={rerun_s:.2f} "
        f"recheck_p50_s={statistics.median(rechecks):.3f} recheck_first_s={rechecks[0]:.3f} "
        f"recheck_max_s={max(rechecks):.3f} "
        f"ratio={rerun_s / copy_s:.2f}"
    )
    if imported:
        line += (f" import_s={imported['import_s']:.1f} import_first_batch_s={imported['first_s']:.2f} "
                 f"import_copy_s={imported['copy_s']:.2f} import_ratio={imported['first_s'] / imported['copy_s']:.2f}")
    print(line)


if __name__ == "__main__":
    main()
