"""收入分析研判 at scale: the live computation, the snapshot and the page.

    python bench/income_analysis.py [--households 100000] [--use-database URL]

Builds a county in a scratch PostgreSQL database (or uses a seeded one; only rows of
analysis_incomesnapshot and analysis_incomesnapshothousehold are written there; it needs
analysis 0002), then measures in one Django process: the live
analysis of the county (best of three), taking the month's snapshot, and the page as county
staff before and after it (time and query count), plus the households behind 户数. Prints
`households=… live_s=… snapshot_s=… page_live_s=… page_live_queries=… page_snapshot_s=…
page_snapshot_queries=… households_page_s=… households_page_queries=…` (goal: the page
under a second: it reads the snapshot).
"""

import argparse
import contextlib
import subprocess
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _support import ROOT, bench_env, log, scratch_database, seed  # noqa: E402

MEASURE = r'''
import time
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from accounts.models import User
from analysis.income import selectors, services
from analysis.income.models import IncomeSnapshot
from households.models import Area, Household

user = User.objects.filter(role="county_staff").order_by("pk").first()
county = user.area_id
area = Area.objects.get(code=county)
year = selectors.current_year(county)
IncomeSnapshot.objects.filter(county=county, year=year).delete()
timings = []
for _ in range(3):
    started = time.perf_counter()
    analysis = selectors.income_analysis(registry=Household.objects.in_scope(user), area=area, year=year)
    timings.append(time.perf_counter() - started)
client = Client()
client.force_login(user)

def page(path, **query):
    with CaptureQueriesContext(connection) as queries:
        started = time.perf_counter()
        response = client.get(path, query)
        took = time.perf_counter() - started
    assert response.status_code == 200, response.status_code
    return took, len(queries)

page_live, page_live_queries = page("/analysis/income/")
started = time.perf_counter()
rows = services.take_income_snapshot(county=county)
snapshot_s = time.perf_counter() - started
page("/analysis/income/")  # warm
page_snapshot, page_snapshot_queries = page("/analysis/income/")
households_page, households_queries = page("/analysis/income/households/", area=county, figure="households")
print(f"households={analysis.total.figures['户数']} live_s={min(timings):.2f} snapshot_s={snapshot_s:.2f} "
      f"snapshot_rows={rows} page_live_s={page_live:.2f} page_live_queries={page_live_queries} "
      f"page_snapshot_s={page_snapshot:.3f} page_snapshot_queries={page_snapshot_queries} "
      f"households_page_s={households_page:.2f} households_page_queries={households_queries}")
'''


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--households", type=int, default=100_000)
    parser.add_argument("--use-database", metavar="URL", help="an already seeded database instead of a scratch one")
    args = parser.parse_args()
    with (contextlib.nullcontext(args.use_database) if args.use_database
          else scratch_database("bench_income")) as database_url:
        env = bench_env(database_url, ALLOWED_HOSTS="testserver,127.0.0.1", SECOND_FACTOR_REQUIRED_ROLES="",
                        ENV_FILE="")
        if not args.use_database:
            log(f"seeding {args.households} households …")
            log(f"seeded in {seed(env, args.households):.1f} s")
        subprocess.run([sys.executable, "manage.py", "shell", "-v0", "-c", MEASURE], cwd=ROOT, env=env, check=True)


if __name__ == "__main__":
    main()
