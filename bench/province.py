"""One county's work with other counties beside it in the same database, against the county alone.

    python bench/province.py [--households 100000] [--counties 10] [--rechecks 50] [--list-requests 30]

Builds two scratch PostgreSQL databases: "alone" holds one county (360732, seed_demo's) of
`--households` households; "province" holds the same county, seeded identically, and
`--counties − 1` more counties of the same size (generated area codes 3699xx, each with
twenty townships, loaded with import_areas and seeded by seed_demo). In each, after VACUUM
ANALYZE, it times in-process for the county: a full batch (opens the tickets), a rerun, the
re-check of `--rechecks` households (the same ones in both) and `--list-requests` household
list pages as county staff (the list bench's queries, one client: the CPU a page costs).
Prints one line:
`counties=… households_per_county=… alone_batch_s=… province_batch_s=… batch_ratio=…
alone_recheck_max_s=… province_recheck_max_s=… recheck_ratio=… alone_list_p50_ms=…
province_list_p50_ms=… list_ratio=…` (goal: every ratio ≤ 1.2).
"""

import argparse
import csv
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _support import PYTHON, ROOT, bench_env, log, manage, scratch_database  # noqa: E402

COUNTY = "360732"  # seed_demo's default county: the one measured
OTHER_COUNTIES = [f"3699{index:02d}" for index in range(1, 100)]
TOWNSHIPS_PER_COUNTY = 20

# Run by `manage.py shell` in each database; prints one JSON line of timings.
MEASURE = """
import json, random, statistics, time
from django.test import Client
from accounts.roles import Role
from households.models import Area, Household
from rules import services
from django.contrib.auth import get_user_model

county = Area.objects.get(code="{county}")
timings = {{}}
def batch_seconds():
    batch = services.batch_create(area=county)
    started = time.perf_counter()
    services.batch_run_sync(batch=batch)
    return time.perf_counter() - started
timings["first_batch_s"] = batch_seconds()
timings["batch_s"] = batch_seconds()
numbers = sorted(Household.objects.filter(village__code__startswith="{county}").values_list("pk", flat=True))
rechecks = []
for household_id in random.Random(1).sample(numbers, min({rechecks}, len(numbers))):
    started = time.perf_counter()
    services.household_recheck(household_id=household_id)
    rechecks.append(time.perf_counter() - started)
timings["recheck_p50_s"] = statistics.median(rechecks)
timings["recheck_max_s"] = max(rechecks)
user = get_user_model().objects.create_user("bench_county", password="x", role=Role.COUNTY_STAFF, area=county)
client = Client(HTTP_HOST="127.0.0.1")
client.force_login(user)
township = Area.objects.filter(parent=county).order_by("code").first().code
queries = [{{}}, {{"page": "7"}}, {{"household_type": "alleviated", "page": "3"}}, {{"monitoring_type": "any"}},
           {{"risk_status": "unresolved", "sort": "-number"}}, {{"q": "王"}}, {{"township": township, "page": "2"}}]
client.get("/households/")
pages = []
for index in range({list_requests}):
    started = time.perf_counter()
    response = client.get("/households/", queries[index % len(queries)])
    pages.append(time.perf_counter() - started)
    assert response.status_code == 200, response.status_code
timings["list_p50_ms"] = statistics.median(pages) * 1000
print("MEASURED " + json.dumps(timings))
"""


def other_counties_csv(path: Path, counties: list[str]) -> None:
    with path.open("w", newline="", encoding="utf-8") as out:
        writer = csv.writer(out)
        writer.writerow(["code", "name", "parent_code"])
        for county in counties:
            writer.writerow([county, f"测试县{county[-2:]}", ""])
            for township in range(TOWNSHIPS_PER_COUNTY):
                writer.writerow([f"{county}{100 + township:03d}", f"测试县{county[-2:]}第{township + 1}镇", county])


def seed_county(env: dict, county: str, households: int) -> None:
    subprocess.run([PYTHON, "manage.py", "seed_demo", "--households", str(households), "--county", county],
                   cwd=ROOT, env=env, check=True, stdout=subprocess.DEVNULL)


def measure(env: dict, args) -> dict:
    subprocess.run([PYTHON, "manage.py", "shell", "-c", "from django.db import connection; "
                    "connection.cursor().execute('VACUUM ANALYZE')"], cwd=ROOT, env=env, check=True)
    script = MEASURE.format(county=COUNTY, rechecks=args.rechecks, list_requests=args.list_requests)
    output = subprocess.run([PYTHON, "manage.py", "shell", "-c", script], cwd=ROOT, env=env, check=True,
                            stdout=subprocess.PIPE, text=True).stdout
    return json.loads(output.rsplit("MEASURED ", 1)[1].splitlines()[0])


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--households", type=int, default=100_000, help="households per county")
    parser.add_argument("--counties", type=int, default=10, help="counties in the province database, the measured one included")
    parser.add_argument("--rechecks", type=int, default=50)
    parser.add_argument("--list-requests", type=int, default=30)
    args = parser.parse_args()
    others = OTHER_COUNTIES[:args.counties - 1]
    extra = {"SECOND_FACTOR_REQUIRED_ROLES": ""}

    with scratch_database("bench_province_alone") as database_url:
        env = bench_env(database_url, **extra)
        manage(env, "migrate", "-v0")
        log(f"alone: seeding {COUNTY} with {args.households} households …")
        seed_county(env, COUNTY, args.households)
        alone = measure(env, args)
        log(f"alone: {alone}")

    with scratch_database("bench_province") as database_url, tempfile.TemporaryDirectory() as workdir:
        env = bench_env(database_url, **extra)
        manage(env, "migrate", "-v0")
        areas = Path(workdir) / "areas.csv"
        other_counties_csv(areas, others)
        manage(env, "import_areas", str(areas), "-v0")
        started = time.perf_counter()
        for county in others:
            log(f"province: seeding {county} with {args.households} households …")
            seed_county(env, county, args.households)
        log(f"province: seeding {COUNTY} …")
        seed_county(env, COUNTY, args.households)
        log(f"province seeded in {time.perf_counter() - started:.0f} s")
        province = measure(env, args)
        log(f"province: {province}")

    print(
        f"counties={args.counties} households_per_county={args.households} "
        f"alone_first_batch_s={alone['first_batch_s']:.2f} province_first_batch_s={province['first_batch_s']:.2f} "
        f"alone_batch_s={alone['batch_s']:.2f} province_batch_s={province['batch_s']:.2f} "
        f"batch_ratio={province['batch_s'] / alone['batch_s']:.2f} "
        f"alone_recheck_max_s={alone['recheck_max_s']:.3f} province_recheck_max_s={province['recheck_max_s']:.3f} "
        f"recheck_ratio={province['recheck_max_s'] / alone['recheck_max_s']:.2f} "
        f"alone_list_p50_ms={alone['list_p50_ms']:.0f} province_list_p50_ms={province['list_p50_ms']:.0f} "
        f"list_ratio={province['list_p50_ms'] / alone['list_p50_ms']:.2f}"
    )


if __name__ == "__main__":
    main()
