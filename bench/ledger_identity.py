"""Issue 12's acceptance check: a county's problem ledger, byte for byte, before and after a change of code.

    export DATABASE_URL=postgres://user:pw@127.0.0.1:5432/postgres  # a server, an account that may CREATE DATABASE
    python bench/ledger_identity.py build --database ledger_100k --households 100000
    python bench/ledger_identity.py export --database ledger_100k --out ledger.xlsx [--repeat 2]

`build` makes a PERSISTENT database (kept, unlike the other benchmarks' scratch ones) with the
code of this checkout: migrate, `seed_demo --households N`, a synchronous cleansing batch
(`run_cleansing --sync`) that opens the tickets, then some tickets moved through review by
the village clerks, township reviewers and county staff through the ticket service of this
checkout (explained, approved, returned, closed, re-explained; the 办理记录 column then holds
people, dates and reasons). Every step runs under libfaketime with the
clock ticking from a fixed Beijing time (batch on 2026-11-20, reviews on the 22nd, 24th, 26th
and 28th), so the deadlines and overdue marks come out the same on every build day. The
database's comment records the commit and size it was built with. Re-running `build` on an
existing database finishes the steps not done yet; `--replace` starts again.

`export` leaves the built database untouched: it copies it (`CREATE DATABASE … TEMPLATE`),
migrates the copy with THIS checkout's code (the "after" code brings its own migrations),
runs `manage.py export_ledger OUT --county C` (the whole county, ID numbers masked, as county
staff download it from /ledger/) with the clock frozen at 2026-12-01 10:00 Beijing time, then
prints the workbook's sha256, its size and the rows of each sheet, and drops the copy.

What is pinned for a byte-reproducible workbook, all outside the product: the clock
(libfaketime, frozen: openpyxl stamps docProps/core.xml with now, and the zip entries written
with `writestr` with the local time; the ledger marks 是否超期 against today), the zip time of
the worksheets (openpyxl streams them to temporary files and zips them with `ZipFile.write`,
which takes the file's real mtime: libfaketime does not fake what stat() returns to Python, so
the export runs through a two-line wrapper that stamps those entries with the frozen clock too),
TZ=Asia/Shanghai and PYTHONHASHSEED=0. `--repeat 2` exports twice and fails if the files differ.
"""

import argparse
import contextlib
import hashlib
import os
import subprocess
import sys
import time
import uuid
from pathlib import Path
from urllib.parse import urlparse, urlunparse

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _support import PYTHON, ROOT, bench_env, log  # noqa: E402

COUNTY = "360732"  # seed_demo's default county
FAKETIME = "/usr/bin/faketime"
ZONE = "Asia/Shanghai"
BATCH_CLOCK = "2026-11-20 09:00:00"  # Beijing time; the clock ticks on from here while the step runs
REVIEW_CLOCKS = {"explain": "2026-11-22 10:00:00", "township": "2026-11-24 10:00:00",
                 "county": "2026-11-26 10:00:00", "again": "2026-11-28 10:00:00"}
EXPORT_CLOCK = "2026-12-01 10:00:00"  # frozen

# One review step, run by the Python of the build checkout under the step's clock.
# A ticket's scenario is its pk modulo EVERY: 1 explained; 2 explained, approved by the township;
# 3 explained, returned by the township; 4 … and closed by the county; 5 … and returned by the
# county; 6 explained, returned, explained again. Any other: left as the batch opened it.
REVIEW = r"""
import sys
import django
django.setup()
from django.db.models import F
from accounts.models import User
from accounts.roles import Role
from audits.models import Ticket, TicketStatus
from audits.services import TicketError, ticket_transition
from households.models import Area

step, every, county = sys.argv[1], int(sys.argv[2]), sys.argv[3]
EXPLAIN = "已入户核实，信息无误"
RETURN = {0: "核实不充分，请补充佐证材料", 1: "=请重新核实家庭人口"}

def user_for(role, area):
    prefix = {Role.VILLAGE_CLERK: "vc", Role.TOWNSHIP_REVIEWER: "tr", Role.COUNTY_STAFF: "cs"}[role]
    user, created = User.objects.get_or_create(username=f"{prefix}{area.code}")
    if created:
        user.role, user.area, user.first_name = role, area, f"{area.name}{role.label}"
        user.set_unusable_password()
        user.save()
    return user

# (scenarios, from status, action, acting level)
PLAN = {
    "explain": ([1, 2, 3, 4, 5, 6], TicketStatus.PENDING_VILLAGE, "explain", "village"),
    "township": ([2, 4, 5, 3, 6], TicketStatus.PENDING_TOWNSHIP, None, "township"),
    "county": ([4, 5], TicketStatus.PENDING_COUNTY, None, "county"),
    "again": ([6], TicketStatus.RETURNED, "explain", "village"),
}
scenarios, status, action, level = PLAN[step]
tickets = (Ticket.objects.filter(village__code__startswith=county, status=status)
           .annotate(scenario=F("id") % every).filter(scenario__in=scenarios)
           .select_related("village", "village__parent", "village__parent__parent").order_by("pk"))
users, moved, refused = {}, 0, {}
for ticket in tickets.iterator(chunk_size=2000):
    area = {"village": ticket.village, "township": ticket.village.parent,
            "county": ticket.village.parent.parent if ticket.village.parent else None}[level]
    role = {"village": Role.VILLAGE_CLERK, "township": Role.TOWNSHIP_REVIEWER, "county": Role.COUNTY_STAFF}[level]
    if area.code not in users:
        users[area.code] = user_for(role, area)
    act = action or ("return" if ticket.scenario in (3, 5, 6) else "approve")
    comment = EXPLAIN if act == "explain" else RETURN[ticket.pk % 2] if act == "return" else ""
    try:
        ticket_transition(ticket_id=ticket.pk, user=users[area.code], action=act, comment=comment)
        moved += 1
    except TicketError as error:
        refused[error.message] = refused.get(error.message, 0) + 1
print(f"{step}: moved {moved}" + "".join(f"; refused {n}: {why}" for why, n in refused.items()))
"""

# The export: manage.py export_ledger, with the zip entries of the streamed worksheets stamped
# with the (frozen) clock instead of their temporary files' real mtime.
EXPORT = r"""
import runpy, sys, time, zipfile
_from_file = zipfile.ZipInfo.from_file.__func__
def _stamped(cls, *args, **kwargs):
    info = _from_file(cls, *args, **kwargs)
    info.date_time = time.localtime(time.time())[:6]
    return info
zipfile.ZipInfo.from_file = classmethod(_stamped)
sys.argv = ["manage.py", *sys.argv[1:]]
runpy.run_path("manage.py", run_name="__main__")
"""


def server_url() -> str:
    base = os.environ.get("DATABASE_URL", "")
    if not base.startswith(("postgres://", "postgresql://")):
        sys.exit("Set DATABASE_URL to a PostgreSQL database on the server to use "
                 "(postgres://user:pw@host:5432/postgres): its host and account are used, not its name.")
    return base


def database_url(name: str) -> str:
    return urlunparse(urlparse(server_url())._replace(path=f"/{name}"))


def admin_connection():
    import psycopg

    admin = urlparse(server_url())._replace(path="/postgres").geturl().replace("postgres://", "postgresql://", 1)
    return psycopg.connect(admin, autocommit=True)


def database_exists(name: str) -> bool:
    with admin_connection() as connection:
        return connection.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone() is not None


def sql(name: str, query: str) -> list[tuple]:
    import psycopg

    with psycopg.connect(database_url(name).replace("postgres://", "postgresql://", 1), autocommit=True) as connection:
        cursor = connection.execute(query)
        return cursor.fetchall() if cursor.description else []


def env_for(name: str) -> dict:
    return bench_env(database_url(name), TZ=ZONE, PYTHONHASHSEED="0", DJANGO_SETTINGS_MODULE="monitoring.settings")


def faked(clock: str, *, frozen: bool = False) -> list[str]:
    """The command prefix running a child with its clock at `clock` (Beijing time): ticking on, or frozen."""
    if not Path(FAKETIME).exists():
        sys.exit(f"{FAKETIME} is missing: apt-get install faketime (the clock must be fixed for a reproducible ledger)")
    return [FAKETIME, "-f", clock] if frozen else [FAKETIME, clock]


def run(env: dict, *args: str, clock: str | None = None, frozen: bool = False, capture: bool = False) -> str:
    prefix = faked(clock, frozen=frozen) if clock else []
    extra = {"FAKETIME_DONT_FAKE_MONOTONIC": "1"} if clock else {}
    result = subprocess.run([*prefix, *args], cwd=ROOT, env={**env, **extra}, check=True, text=True,
                            stdout=subprocess.PIPE if capture else None)
    return result.stdout if capture else ""


def commit() -> str:
    head = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True)
    dirty = subprocess.run(["git", "status", "--porcelain", "--untracked-files=no"], cwd=ROOT,
                           capture_output=True, text=True).stdout.strip()
    return (head.stdout.strip() or "unknown") + ("+dirty" if dirty else "")


def timed(label: str, started: float) -> float:
    seconds = time.perf_counter() - started
    log(f"{label}: {seconds:.1f} s")
    return seconds


def build(args) -> None:
    name = args.database
    if args.replace and database_exists(name):
        with admin_connection() as connection:
            connection.execute(f'DROP DATABASE "{name}" WITH (FORCE)')
    if not database_exists(name):
        with admin_connection() as connection:
            connection.execute(f'CREATE DATABASE "{name}"')
        log(f"created database {name}")
    env = env_for(name)
    overall = time.perf_counter()
    started = time.perf_counter()
    run(env, PYTHON, "manage.py", "migrate", "-v0")
    timed("migrate", started)

    households = sql(name, f"SELECT count(*) FROM households_household WHERE village_id LIKE '{args.county}%'")[0][0]
    if households == 0:
        log(f"seeding {args.households} households …")
        started = time.perf_counter()
        run(env, PYTHON, "manage.py", "seed_demo", "--households", str(args.households), "--county", args.county,
            clock=BATCH_CLOCK)
        timed("seed_demo", started)
    elif households != args.households:
        sys.exit(f"{name} already holds {households} households of {args.county}, not {args.households}: "
                 "use --replace to build it again")
    else:
        log(f"seeded already: {households} households")

    if sql(name, "SELECT count(*) FROM audits_ticket")[0][0] == 0:
        log("cleansing batch (run_cleansing --sync) …")
        started = time.perf_counter()
        run(env, PYTHON, "manage.py", "run_cleansing", "--county", args.county, "--sync", clock=BATCH_CLOCK)
        timed("run_cleansing", started)
    else:
        log("tickets opened already")

    if args.review_every and sql(name, "SELECT count(*) FROM audits_ticketevent WHERE actor_id IS NOT NULL")[0][0] == 0:
        for step, clock in REVIEW_CLOCKS.items():
            started = time.perf_counter()
            output = run(env, PYTHON, "-c", REVIEW, step, str(args.review_every), args.county,
                         clock=clock, capture=True)
            log(f"review {output.strip()} ({time.perf_counter() - started:.1f} s)")
    else:
        log("reviews done already" if args.review_every else "no reviews (--review-every 0)")

    sql(name, "VACUUM ANALYZE")
    counts = sql(name, "SELECT status, count(*) FROM audits_ticket GROUP BY status ORDER BY status")
    events = sql(name, "SELECT count(*) FROM audits_ticketevent")[0][0]
    members = sql(name, "SELECT count(*) FROM households_member")[0][0]
    summary = (f"households={args.households} members={members} tickets={sum(n for _s, n in counts)} "
               f"events={events} " + " ".join(f"{status}={n}" for status, n in counts))
    comment = (f"bench/ledger_identity.py build at {commit()}: county {args.county}, {summary}; "
               f"built {time.strftime('%Y-%m-%d %H:%M:%S %z')}")
    with admin_connection() as connection:
        connection.execute(f'COMMENT ON DATABASE "{name}" IS ' + "'" + comment.replace("'", "''") + "'")
    timed("build", overall)
    print(summary)


@contextlib.contextmanager
def copy_of(name: str):
    """A scratch copy of database `name` (CREATE DATABASE … TEMPLATE), dropped afterwards."""
    copy = f"{name}_x{uuid.uuid4().hex[:8]}"
    with admin_connection() as connection:
        connection.execute(f'CREATE DATABASE "{copy}" TEMPLATE "{name}"')
    try:
        yield copy
    finally:
        with admin_connection() as connection:
            connection.execute(f'DROP DATABASE IF EXISTS "{copy}" WITH (FORCE)')


def sheet_rows(path: Path) -> dict[str, int]:
    """Rows per sheet, the header row included, read back as a reader would."""
    from openpyxl import load_workbook

    workbook = load_workbook(path, read_only=True)
    try:
        return {sheet.title: sum(1 for _row in sheet.iter_rows(values_only=True)) for sheet in workbook.worksheets}
    finally:
        workbook.close()


def sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as file:
        for block in iter(lambda: file.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def export(args) -> None:
    name = args.database
    if not database_exists(name):
        sys.exit(f"database {name} does not exist: run `build` first")
    built = sql(name, f"SELECT shobj_description(oid, 'pg_database') FROM pg_database WHERE datname = '{name}'")
    log(f"{name}: {built[0][0] or '(no build comment)'}")
    out = Path(args.out).resolve()
    outs = [out] + [out.with_name(f"{out.stem}.{n}{out.suffix}") for n in range(2, args.repeat + 1)]
    started = time.perf_counter()
    with copy_of(name) as copy:
        timed(f"copy {name} → {copy}", started)
        env = env_for(copy)
        started = time.perf_counter()
        run(env, PYTHON, "manage.py", "migrate", "-v0")
        migrate_s = timed(f"migrate at {commit()}", started)
        results = []
        for path in outs:
            path.unlink(missing_ok=True)
            started = time.perf_counter()
            run(env, PYTHON, "-c", EXPORT, "export_ledger", str(path), "--county", args.county,
                clock=EXPORT_CLOCK, frozen=True)
            export_s = timed(f"export_ledger → {path.name}", started)
            results.append((path, sha256(path), path.stat().st_size, export_s))
    rows = sheet_rows(outs[0])
    for path, digest, size, export_s in results:
        print(f"sha256={digest} size={size} rows={','.join(f'{s}:{n}' for s, n in rows.items())} "
              f"export_s={export_s:.1f} migrate_s={migrate_s:.1f} code={commit()} file={path}")
    if len({digest for _p, digest, _s, _e in results}) > 1:
        sys.exit("NOT REPRODUCIBLE: the exports of the same database with the same code differ")
    if len(results) > 1:
        log(f"{len(results)} exports identical")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command", required=True)
    made = commands.add_parser("build", help="build (or finish building) the persistent county database")
    made.add_argument("--database", required=True, help="name of the database to build and keep")
    made.add_argument("--households", type=int, default=100_000)
    made.add_argument("--county", default=COUNTY)
    made.add_argument("--review-every", type=int, default=20,
                      help="tickets whose id modulo this is 1–6 are moved through review (0: none)")
    made.add_argument("--replace", action="store_true", help="drop the database first")
    exported = commands.add_parser("export",
                                   help="export the ledger of a copy of the database, migrated by this checkout")
    exported.add_argument("--database", required=True)
    exported.add_argument("--out", required=True, help="the .xlsx to write (with --repeat: also OUT.2.xlsx, …)")
    exported.add_argument("--county", default=COUNTY)
    exported.add_argument("--repeat", type=int, default=1, help="export this many times and check they are identical")
    args = parser.parse_args()
    {"build": build, "export": export}[args.command](args)


if __name__ == "__main__":
    main()
