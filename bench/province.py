"""One county's work with other counties beside it in the same database, against the county alone.

    python bench/province.py [--template DATABASE | --households 10000] [--counties 10]
                             [--rechecks 50] [--list-requests 30]

Both scratch PostgreSQL databases start from one seeded county (360732, seed_demo's): a copy of
`--template` (a migrated database holding that county alone, such as the 100,000-household
`bench_100k`; never written to), or else of a scratch database seeded here with `--households`
households. "alone" is that copy, migrated. "province" is another copy with the county cloned
`--counties − 1` times in SQL (INSERT … SELECT, a few seconds per 100,000 households where
seeding takes many minutes) under generated county codes 3699xx: areas, year parameters,
households, members, incomes, measures and the department lists, with every area code, household
number, ID number (region and check character, so a valid number stays valid and an invalid one
invalid) and phone number rewritten per county, so each county's numbers are its own and P01
(phones across the database) and B02 (ID numbers across the database) see a province, not ten
copies of one county. In each, after VACUUM ANALYZE, it times in-process for the county: a full
batch (opens the tickets), a rerun, the re-check of `--rechecks` households (the same ones in
both) and `--list-requests` household list pages as county staff (the list bench's queries, one
client: the CPU a page costs).
Prints one line:
`counties=… households_per_county=… alone_batch_s=… province_batch_s=… batch_ratio=…
alone_recheck_max_s=… province_recheck_max_s=… recheck_ratio=… alone_list_p50_ms=…
province_list_p50_ms=… list_ratio=…` (goal: every ratio ≤ 1.2).
"""

import argparse
import contextlib
import json
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlparse

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _support import PYTHON, ROOT, bench_env, log, manage, scratch_database  # noqa: E402

COUNTY = "360732"  # seed_demo's default county: the one measured
OTHER_COUNTIES = [f"3699{index:02d}" for index in range(1, 100)]

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
if {first}:
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
user = (get_user_model().objects.filter(username="bench_county").first()
        or get_user_model().objects.create_user("bench_county", password="x", role=Role.COUNTY_STAFF, area=county))
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


# The check character of an ID number is CHECK_CHARACTERS[weighted sum of the first 17 digits mod 11];
# a new region (digits 1–6) adds the same amount to every number's sum, so the check character
# moves by a fixed step per county, whether it was right or wrong.
WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
CHECK_CHARACTERS = "10X98765432"
PHONE_STEP = 1_234_567  # added to the digits after a phone's first three, per county


def _region_sum(code: str) -> int:
    return sum(int(digit) * weight for digit, weight in zip(code, WEIGHTS))


def _check_characters_for(code: str) -> str:
    step = (_region_sum(code) - _region_sum(COUNTY)) % 11
    return "".join(CHECK_CHARACTERS[(index + step) % 11] for index in range(11))


def _id_number(column: str, code: str) -> str:
    return (f"CASE WHEN {column} LIKE '{COUNTY}%' AND length({column}) = 18 THEN "
            f"'{code}' || substr({column}, 7, 11) || translate(substr({column}, 18, 1), "
            f"'{CHECK_CHARACTERS}', '{_check_characters_for(code)}') "
            f"WHEN {column} LIKE '{COUNTY}%' THEN '{code}' || substr({column}, 7) ELSE {column} END")


def _phone(column: str, index: int) -> str:
    rest = f"substr({column}, 4)"
    return (f"CASE WHEN {column} ~ '^[0-9]{{4,}}$' THEN left({column}, 3) || lpad("
            f"(({rest}::numeric + {index * PHONE_STEP}) % power(10::numeric, length({rest})))::text, "
            f"length({rest}), '0') ELSE {column} END")


def _area(column: str, code: str) -> str:
    return f"CASE WHEN {column} LIKE '{COUNTY}%' THEN '{code}' || substr({column}, 7) ELSE {column} END"


def _columns(cursor, table: str) -> list[str]:
    cursor.execute("SELECT column_name FROM information_schema.columns WHERE table_name = %s AND is_generated = 'NEVER' "
                   "ORDER BY ordinal_position", (table,))
    return [name for (name,) in cursor.fetchall()]


def _copy_rows(cursor, table: str, where: str, rewritten: dict[str, str]) -> int:
    """INSERT INTO table SELECT its rows matching `where`, every column as it is except `rewritten`."""
    columns = _columns(cursor, table)
    unknown = set(rewritten) - set(columns)
    assert not unknown, f"{table} has no {unknown}"
    selected = ", ".join(rewritten.get(column, f'"{column}"') for column in columns)
    cursor.execute(f'INSERT INTO {table} ({", ".join(f"{chr(34)}{c}{chr(34)}" for c in columns)}) '
                   f"SELECT {selected} FROM {table} WHERE {where}")
    return cursor.rowcount


# The county's rows and what each clone rewrites besides the ids (offset per county) and area
# codes; the procedure's few clues and applications stay with the measured county only.
CLONED = {
    "households_household": ("id", {"village_id": "area", "number": "area", "phone": "phone",
                                    "helper_phone": "phone"}),
    "households_member": ("id", {"household_id": "offset:households_household", "id_number": "id_number"}),
    "households_annualincome": ("id", {"household_id": "offset:households_household"}),
    "households_assistancemeasure": ("id", {"household_id": "offset:households_household"}),
    "rules_departmentbatch": ("id", {"county": "county"}),
    "rules_departmentrecord": ("id", {"batch_id": "offset:rules_departmentbatch", "id_number": "id_number"}),
}

HOUSEHOLD_ROWS = ("households_member", "households_annualincome", "households_assistancemeasure")


def clone_county(database_url: str, counties: list[str]) -> int:
    """Copy the database's one county (COUNTY) to each of `counties`; returns the rows written."""
    import psycopg

    written = 0
    with psycopg.connect(database_url.replace("postgres://", "postgresql://", 1)) as connection:
        cursor = connection.cursor()
        cursor.execute(f"SELECT count(*) FROM households_household WHERE village_id NOT LIKE '{COUNTY}%'")
        assert cursor.fetchone()[0] == 0, "the template must hold one county, 360732, alone"
        offsets = {}
        for table in CLONED:
            cursor.execute(f"SELECT coalesce(max(id), 0) FROM {table}")
            offsets[table] = cursor.fetchone()[0]
        for index, code in enumerate(counties, start=1):
            assert len(code) == 6 and code.isdigit()
            written += _copy_rows(cursor, "households_area", f"code LIKE '{COUNTY}%'", {
                "code": _area("code", code), "parent_id": _area("parent_id", code),
                "name": f"CASE WHEN level = 'county' THEN '测试县{code[-2:]}' ELSE name END"})
            written += _copy_rows(cursor, "households_yearparameters", f"county = '{COUNTY}'", {
                "id": f"id + {index * 1000}", "county": f"'{code}'"})
            for table, (key, columns) in CLONED.items():
                rewritten = {key: f"{key} + {index * offsets[table]}"}
                if table in HOUSEHOLD_ROWS and "county" in _columns(cursor, table):
                    columns = {**columns, "county": "county"}  # the rows' copy of their household's county
                for column, how in columns.items():
                    if how.startswith("offset:"):
                        rewritten[column] = f"{column} + {index * offsets[how.split(':')[1]]}"
                    elif how == "area":
                        rewritten[column] = _area(column, code)
                    elif how == "phone":
                        rewritten[column] = _phone(column, index)
                    elif how == "id_number":
                        rewritten[column] = _id_number(column, code)
                    elif how == "county":
                        rewritten[column] = f"'{code}'"
                written += _copy_rows(cursor, table, f"id <= {offsets[table]}", rewritten)
            log(f"province: cloned {COUNTY} as {code}")
        for table in (*CLONED, "households_yearparameters"):
            cursor.execute(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                           f"(SELECT max(id) FROM {table}))")
    return written


def seed_county(env: dict, county: str, households: int) -> None:
    subprocess.run([PYTHON, "manage.py", "seed_demo", "--households", str(households), "--county", county],
                   cwd=ROOT, env=env, check=True, stdout=subprocess.DEVNULL)


def measure(env: dict, args, *, first: bool) -> dict:
    subprocess.run([PYTHON, "manage.py", "shell", "-c", "from django.db import connection; "
                    "connection.cursor().execute('VACUUM ANALYZE')"], cwd=ROOT, env=env, check=True)
    script = MEASURE.format(county=COUNTY, rechecks=args.rechecks, list_requests=args.list_requests, first=first)
    output = subprocess.run([PYTHON, "manage.py", "shell", "-c", script], cwd=ROOT, env=env, check=True,
                            stdout=subprocess.PIPE, text=True).stdout
    return json.loads(output.rsplit("MEASURED ", 1)[1].splitlines()[0])


def households_of(database_url: str) -> int:
    import psycopg

    with psycopg.connect(database_url.replace("postgres://", "postgresql://", 1)) as connection:
        return connection.execute("SELECT count(*) FROM households_household").fetchone()[0]


@contextlib.contextmanager
def one_county(args):
    """The name of a database holding the seeded county alone: `--template`, or a scratch one seeded here."""
    if args.template:
        yield args.template
        return
    with scratch_database("bench_province_seed") as database_url:
        env = bench_env(database_url)
        manage(env, "migrate", "-v0")
        log(f"seeding {COUNTY} with {args.households} households …")
        seed_county(env, COUNTY, args.households)
        yield urlparse(database_url).path.lstrip("/")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--template", help="a database holding county 360732 alone, copied (e.g. bench_100k)")
    parser.add_argument("--households", type=int, default=10_000, help="households to seed without --template")
    parser.add_argument("--counties", type=int, default=10, help="counties in the province database, the measured one included")
    parser.add_argument("--rechecks", type=int, default=50)
    parser.add_argument("--list-requests", type=int, default=30)
    parser.add_argument("--rounds", type=int, default=2, help="measurements of each database, alternating")
    args = parser.parse_args()
    others = OTHER_COUNTIES[:args.counties - 1]
    extra = {"SECOND_FACTOR_REQUIRED_ROLES": ""}

    with contextlib.ExitStack() as stack:
        template = stack.enter_context(one_county(args))
        alone_url = stack.enter_context(scratch_database("bench_province_alone", template))
        province_url = stack.enter_context(scratch_database("bench_province", template))
        envs = {"alone": bench_env(alone_url, **extra), "province": bench_env(province_url, **extra)}
        for env in envs.values():
            manage(env, "migrate", "-v0")
        households = households_of(alone_url)
        started = time.perf_counter()
        rows = clone_county(province_url, others)
        log(f"province: {rows} rows cloned in {time.perf_counter() - started:.0f} s")
        # Rounds alternate between the two databases, so that both see the same load on a shared
        # machine; each figure is the best of its rounds.
        runs = {"alone": [], "province": []}
        for round_number in range(args.rounds):
            for name, env in envs.items():
                runs[name].append(measure(env, args, first=round_number == 0))
                log(f"{name} (round {round_number + 1}): {runs[name][-1]}")
    alone, province = ({key: min(run[key] for run in runs[name] if key in run) for key in runs[name][0]}
                       for name in ("alone", "province"))

    print(
        f"counties={args.counties} households_per_county={households} "
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
