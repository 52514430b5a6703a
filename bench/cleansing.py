"""Full cleansing batch and one-household re-check, against PostgreSQL reading every row once.

    python bench/cleansing.py [--households 100000] [--rechecks 20]

Builds a county in a scratch PostgreSQL database (seed_demo: ~3.5 members per household,
four years of income), times `COPY (SELECT * FROM t) TO STDOUT` of every table the rules
read into a null sink, then a full batch of all rules run in-process (every group, as
the workers would), twice (new tickets, then a rerun), and the re-check of single
households. Prints `households=… batch_s=… copy_s=… recheck_p50_s=… ratio=…`
(goals: ratio ≤ 5, re-check < 0.2 s).
"""

import argparse
import os
import random
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _support import ROOT, bench_env, log, scratch_database, seed  # noqa: E402

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


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--households", type=int, default=100_000)
    parser.add_argument("--rechecks", type=int, default=20)
    args = parser.parse_args()

    with scratch_database("bench_cleansing") as database_url:
        env = bench_env(database_url)
        log(f"seeding {args.households} households …")
        log(f"seeded in {seed(env, args.households):.1f} s")
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
        connection.close()

    print(
        f"households={args.households} members={members} copy_s={copy_s:.2f} "
        f"first_batch_s={first_s:.2f} batch_s={rerun_s:.2f} "
        f"recheck_p50_s={statistics.median(rechecks):.3f} recheck_max_s={max(rechecks):.3f} "
        f"ratio={rerun_s / copy_s:.2f}"
    )


if __name__ == "__main__":
    main()
