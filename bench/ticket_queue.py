"""The ticket queue page over 100,000 tickets: queries per page and p50/p95 response time.

    python bench/ticket_queue.py [--template devmon_100k] [--households 100000] [--tickets 100000]
                                 [--requests 200] [--use-database URL] [--explain]

Builds a county in a scratch PostgreSQL database next to DATABASE_URL's: a copy of
`--template` (an already seeded database: quicker) or a fresh `seed_demo`. Tops its
tickets up to `--tickets`, spread over every status, both severities and deadlines a
week either side of today. `--use-database` reuses a database so prepared (it is written
to: sessions, and the top-up if it has fewer tickets). Then, in one process, the queue
page is fetched `--requests` times for county staff and for a township reviewer, over a
mix of filters, sorts and pages, counting each page's queries. Prints one line:
`tickets=… county_queries=… county_p50_ms=… county_p95_ms=… reviewer_queries=… …`
(queries = the most any page took). `--explain` logs EXPLAIN ANALYZE of the list queries.
"""

import argparse
import contextlib
import os
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlparse

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _support import PYTHON, ROOT, bench_env, log, scratch_database, seed  # noqa: E402

TOP_UP = """
import datetime, itertools, random, sys
import django
django.setup()
from django.utils import timezone
from households.choices import ReviewLevel
from audits.models import Severity, Ticket, TicketStatus
from households.models import Household

wanted = int(sys.argv[1])
missing = wanted - Ticket.objects.count()
rng = random.Random(7)
# Roughly a county mid-way through a review round.
statuses = [TicketStatus.PENDING_VILLAGE] * 8 + [TicketStatus.RETURNED] + [TicketStatus.PENDING_TOWNSHIP] * 3 \\
    + [TicketStatus.PENDING_COUNTY] * 2 + [TicketStatus.CLOSED] * 6
taken = set(Ticket.objects.exclude(status=TicketStatus.CLOSED).values_list("rule_id", "household_id"))
households = list(Household.objects.values_list("pk", "village_id"))
today, now = timezone.localdate(), timezone.now()
batch, made = [], 0
for rule_id in ("B01", "B02", "B03", "B05", "B06", "B07", "I01", "I14", "M03"):
    for pk, village in households:
        if made >= missing:
            break
        if (rule_id, pk) in taken:
            continue
        status, error = rng.choice(statuses), rng.random() < 0.6
        batch.append(Ticket(
            rule_id=rule_id, household_id=pk, village_id=village, year=2025,
            severity=Severity.ERROR if error else Severity.WARNING,
            final_level=ReviewLevel.COUNTY if error else ReviewLevel.TOWNSHIP, status=status,
            message="测试问题 " + rule_id, due_on=today + datetime.timedelta(days=rng.randint(-7, 7)),
            closed_at=now if status == TicketStatus.CLOSED else None))
        made += 1
        if len(batch) == 5000:
            Ticket.objects.bulk_create(batch)
            batch = []
Ticket.objects.bulk_create(batch)
print(Ticket.objects.count())
"""

MEASURE = """
import json, random, sys, time
import django
django.setup()
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from accounts.models import User
from audits import selectors as ticket_selectors
from audits.models import Ticket

requests, explain = int(sys.argv[1]), sys.argv[2] == "1"
village = Ticket.objects.order_by("pk").values_list("village_id", flat=True).first()
reviewer = User.objects.filter(role="township_reviewer").first()
county = User.objects.filter(role="county_staff").first()
township = reviewer.area_id if reviewer else village[:9]
QUERIES = [{}, {}, {"page": "3"}, {"overdue": "on"}, {"status": "all"}, {"status": "all", "page": "40"},
           {"sort": "rule"}, {"sort": "found", "category": "B"}, {"severity": "error", "sort": "household"},
           {"rule": "B05"}, {"village": village, "status": "all"}, {"township": township, "overdue": "on"}]
rng = random.Random(1)
result = {"tickets": Ticket.objects.count()}
for name, user in (("county", county), ("reviewer", reviewer)):
    client = Client()
    client.force_login(user)
    if explain:
        for filters in ({}, {"status": "all"}, {"overdue": "on"}):
            listed = ticket_selectors.ticket_list(user=user, filters=filters)[:25]
            print(f"--- {name} {filters}\\n" + listed.explain(analyze=True), file=sys.stderr)
    for filters in QUERIES:  # warm up
        client.get("/tickets/", filters)
    times, most = [], 0
    for _ in range(requests):
        filters = rng.choice(QUERIES)
        with CaptureQueriesContext(connection) as queries:
            started = time.perf_counter()
            response = client.get("/tickets/", filters)
            times.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, (filters, response.status_code)
        most = max(most, len(queries))
    times.sort()
    result[name] = {"queries": most, "p50": times[len(times) // 2], "p95": times[int(len(times) * 0.95) - 1]}
print(json.dumps(result))
"""


@contextlib.contextmanager
def copied_database(template: str):
    """A scratch database made as a copy of `template` (PostgreSQL's CREATE DATABASE … TEMPLATE)."""
    import psycopg

    with scratch_database("bench_queue") as url:
        name = urlparse(url).path.lstrip("/")
        admin = urlparse(url)._replace(path="/postgres").geturl().replace("postgres://", "postgresql://", 1)
        with psycopg.connect(admin, autocommit=True) as connection:
            connection.execute(f'DROP DATABASE "{name}"')
            connection.execute(f'CREATE DATABASE "{name}" TEMPLATE "{template}"')
        yield url


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--template", help="a seeded database to copy instead of seeding one")
    parser.add_argument("--households", type=int, default=100_000)
    parser.add_argument("--tickets", type=int, default=100_000)
    parser.add_argument("--requests", type=int, default=200, help="page requests per role")
    parser.add_argument("--use-database", metavar="URL", help="reuse this database (it is written to)")
    parser.add_argument("--explain", action="store_true", help="log EXPLAIN ANALYZE of the list queries")
    args = parser.parse_args()
    if args.use_database:
        database = contextlib.nullcontext(args.use_database)
    elif args.template:
        database = copied_database(args.template)
    else:
        database = scratch_database("bench_queue")
    with database as database_url:
        env = bench_env(database_url, DJANGO_SETTINGS_MODULE="monitoring.settings",
                        ALLOWED_HOSTS="127.0.0.1,localhost,testserver")
        if args.template or args.use_database:
            subprocess.run([PYTHON, "manage.py", "migrate", "-v0"], cwd=ROOT, env=env, check=True)
        else:
            log(f"seeding {args.households} households: {seed(env, args.households):.0f} s")
        made = subprocess.run([PYTHON, "-c", TOP_UP, str(args.tickets)], cwd=ROOT, env=env, check=True,
                              capture_output=True, text=True).stdout.strip()
        log(f"tickets: {made}")
        subprocess.run([PYTHON, "manage.py", "dbshell", "--", "-c", "ANALYZE audits_ticket"], cwd=ROOT, env=env,
                       check=True, stdout=subprocess.DEVNULL)
        measured = subprocess.run([PYTHON, "-c", MEASURE, str(args.requests), "1" if args.explain else "0"],
                                  cwd=ROOT, env=env, check=True, stdout=subprocess.PIPE, text=True)
    import json

    result = json.loads(measured.stdout.strip().splitlines()[-1])
    print(f"tickets={result['tickets']} requests={args.requests} " + " ".join(
        f"{role}_queries={result[role]['queries']} {role}_p50_ms={result[role]['p50']:.0f} "
        f"{role}_p95_ms={result[role]['p95']:.0f}" for role in ("county", "reviewer")))


if __name__ == "__main__":
    os.chdir(ROOT)
    main()
