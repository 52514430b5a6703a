"""The analysis pages at county scale: time and query count of each page, per role.

    python bench/analysis_pages.py [--households 100000] [--database-url postgres://…] [--repeat 3]

Builds a county in a scratch PostgreSQL database (seed_demo, then a full cleansing batch so
that tickets and risk coefficients exist, then this month's income snapshot and assessment),
or reads an existing one (`--database-url`, not written to except the analysis tables' rows).
Then requests each page in-process through Django's test client as each role, `--repeat` times,
and prints one line per page and role: `page=… role=… queries=… median_ms=… max_ms=…`, and a
last line `pages=… slowest_ms=… most_queries=…`.
"""

import argparse
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _support import PYTHON, ROOT, bench_env, log, manage, scratch_database, seed  # noqa: E402

COUNTY = "360732"  # seed_demo's default county

# (label, url name, query string); each requested by each role that may open it.
PAGES = [
    ("home", "home", ""),
    ("dashboard", "dashboard", ""),
    ("household_list", "household_list", ""),
    ("household_list_red", "household_list", "risk_colour=red"),
    ("income_analysis", "income_analysis", ""),
    ("assessment", "assessment", ""),
    ("household_map", "household_map", ""),
    ("income_outliers", "income_outliers", ""),
]
ROLES = ("county", "reviewer", "clerk")


def prepare(env: dict) -> None:
    subprocess.run([PYTHON, "manage.py", "shell", "-c", PREPARE], cwd=ROOT, env=env, check=True)


PREPARE = f"""
from households.models import Area
from rules import services
batch = services.batch_create(area=Area.objects.get(code="{COUNTY}"))
services.batch_run_sync(batch=batch)
from django.core.management import call_command
for command in ("snapshot_income_analysis", "compute_assessment"):
    try:
        call_command(command, county="{COUNTY}")
    except Exception as error:  # a room not built yet: its page reads live
        print(command, "skipped:", error)
"""


def measure(env: dict, repeat: int) -> list[dict]:
    os.environ.update(env)
    os.environ["ALLOWED_HOSTS"] = "testserver"
    os.environ["SECOND_FACTOR_REQUIRED_ROLES"] = ""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "monitoring.settings")
    sys.path.insert(0, str(ROOT))
    import warnings

    import django

    warnings.filterwarnings("ignore", "No directory at")  # whitenoise: no collected static dir here
    django.setup()
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.urls import NoReverseMatch, reverse

    from accounts.models import User

    rows = []
    for role in ROLES:
        user = User.objects.get(username=role)
        client = Client()
        client.force_login(user)
        for label, name, query in PAGES:
            try:
                url = reverse(name) + (f"?{query}" if query else "")
            except NoReverseMatch:
                continue
            times, queries, status = [], 0, None
            for _ in range(repeat):
                with CaptureQueriesContext(connection) as captured:
                    started = time.perf_counter()
                    response = client.get(url)
                    if hasattr(response, "streaming_content"):
                        b"".join(response.streaming_content)
                    times.append((time.perf_counter() - started) * 1000)
                queries, status = len(captured), response.status_code
            rows.append({"page": label, "role": role, "status": status, "queries": queries,
                         "median_ms": round(statistics.median(times)), "max_ms": round(max(times))})
            print(" ".join(f"{k}={v}" for k, v in rows[-1].items()), flush=True)
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--households", type=int, default=100_000)
    parser.add_argument("--database-url", help="an existing seeded database instead of a scratch one")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    if args.database_url:
        rows = measure(bench_env(args.database_url), args.repeat)
    else:
        with scratch_database("bench_analysis") as url:
            env = bench_env(url)
            log(f"seeding {args.households} households ...")
            seed(env, args.households)
            log("batch, snapshot and assessment ...")
            prepare(env)
            rows = measure(env, args.repeat)
    ok = [r for r in rows if r["status"] == 200]
    print(f"pages={len(ok)} slowest_ms={max(r['median_ms'] for r in ok)} "
          f"most_queries={max(r['queries'] for r in ok)}")


if __name__ == "__main__":
    main()
