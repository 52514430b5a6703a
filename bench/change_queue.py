"""The change request review queue with 5,000 pending requests in one township: queries per
page and p50/p95 response time.

    python bench/change_queue.py [--households 1500] [--pending 5000] [--requests 20]
                                 [--use-database URL]

Builds a demo county in a scratch PostgreSQL database next to DATABASE_URL's (`seed_demo`),
then gives the township reviewer's township `--pending` pending change requests from its
villages' clerks, submitted over the last ten days (so some are overdue), one in five with
a photo attached. In one process the reviewer's queue page (/changes/) is fetched
`--requests` times as it opens, then `--requests` times over a mix of filters, tabs and
pages, counting each page's queries. Prints one line:
`pending=… default_queries=… default_p50_ms=… default_p95_ms=… mixed_queries=… …`
(queries = the most any page took).
"""

import argparse
import contextlib
import json
import os
import subprocess
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _support import PYTHON, ROOT, bench_env, log, scratch_database, seed  # noqa: E402

TOP_UP = """
import datetime, random, sys
import django
django.setup()
from django.utils import timezone
from households.choices import ReviewLevel
from accounts.models import User
from households.changes.models import (ChangeKind, ChangeRequest, ChangeRequestAttachment, ChangeStatus)
from households.models import Household

wanted = int(sys.argv[1])
reviewer = User.objects.get(role="township_reviewer")
clerks = list(User.objects.filter(role="village_clerk"))
households = list(Household.objects.filter(village__code__startswith=reviewer.area_id)
                  .values_list("pk", "village_id", "phone"))
rng, now = random.Random(5), timezone.now()
kinds = [ChangeKind.HOUSEHOLD_INFO] * 3 + [ChangeKind.INCOME]
batch = []
for n in range(wanted - ChangeRequest.objects.pending().count()):
    pk, village, phone = rng.choice(households)
    kind = rng.choice(kinds)
    changes = ({"phone": [phone or None, f"139{n:08d}"]} if kind == ChangeKind.HOUSEHOLD_INFO
               else {"wage": [None, f"{rng.randint(1000, 30000)}.00"]})
    batch.append(ChangeRequest(
        household_id=pk, village_id=village, kind=kind, year=2025 if kind == ChangeKind.INCOME else None,
        status=ChangeStatus.PENDING_TOWNSHIP, review_level=ReviewLevel.TOWNSHIP, changes=changes,
        requested_by=rng.choice(clerks), note="入户核实",
        submitted_at=now - datetime.timedelta(minutes=rng.randint(0, 10 * 24 * 60))))
made = ChangeRequest.objects.bulk_create(batch, batch_size=1000)
ChangeRequestAttachment.objects.bulk_create([
    ChangeRequestAttachment(change=change, file=f"change_attachments/bench/{change.pk}.jpg",
                            original_name="签字表.jpg", content_type="image/jpeg", size=200_000,
                            uploaded_by=change.requested_by)
    for change in made[::5]
], batch_size=1000)
print(ChangeRequest.objects.queue_for(reviewer).count())
"""

MEASURE = """
import json, random, sys, time
import django
django.setup()
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from accounts.models import User
from households.changes.models import ChangeRequest

requests = int(sys.argv[1])
reviewer = User.objects.get(role="township_reviewer")
village = ChangeRequest.objects.queue_for(reviewer).values_list("village_id", flat=True).first()
clerk = ChangeRequest.objects.queue_for(reviewer).values_list("requested_by_id", flat=True).first()
MIXED = [{"page": "3"}, {"page": "150"}, {"tab": "overdue"}, {"overdue": "on"}, {"kind": "income"},
         {"village": village}, {"requested_by": clerk}, {"village": village, "kind": "household_info", "page": "2"},
         {"tab": "mine"}, {"tab": "returned"}]
client = Client()
client.force_login(reviewer)
for filters in [{}, *MIXED]:  # warm up
    assert client.get("/changes/", filters).status_code == 200
rng = random.Random(1)
result = {"pending": ChangeRequest.objects.queue_for(reviewer).count()}
for name, choose in (("default", lambda: {}), ("mixed", lambda: rng.choice(MIXED))):
    times, most = [], 0
    for _ in range(requests):
        filters = choose()
        with CaptureQueriesContext(connection) as queries:
            started = time.perf_counter()
            response = client.get("/changes/", filters)
            times.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, (filters, response.status_code)
        most = max(most, len(queries))
    times.sort()
    result[name] = {"queries": most, "p50": times[len(times) // 2], "p95": times[int(len(times) * 0.95) - 1]}
print(json.dumps(result))
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--households", type=int, default=1500)
    parser.add_argument("--pending", type=int, default=5000, help="pending requests in the reviewer's township")
    parser.add_argument("--requests", type=int, default=20, help="page requests per measurement")
    parser.add_argument("--use-database", metavar="URL", help="reuse this seeded database (it is written to)")
    args = parser.parse_args()
    database = contextlib.nullcontext(args.use_database) if args.use_database else scratch_database("bench_changes")
    with database as database_url:
        env = bench_env(database_url, DJANGO_SETTINGS_MODULE="monitoring.settings",
                        ALLOWED_HOSTS="127.0.0.1,localhost,testserver")
        if args.use_database:
            subprocess.run([PYTHON, "manage.py", "migrate", "-v0"], cwd=ROOT, env=env, check=True)
        else:
            log(f"seeding {args.households} households: {seed(env, args.households):.0f} s")
        made = subprocess.run([PYTHON, "-c", TOP_UP, str(args.pending)], cwd=ROOT, env=env, check=True,
                              capture_output=True, text=True).stdout.strip()
        log(f"pending in the reviewer's township: {made}")
        subprocess.run([PYTHON, "manage.py", "dbshell", "--", "-c", "ANALYZE households_changerequest"],
                       cwd=ROOT, env=env, check=True, stdout=subprocess.DEVNULL)
        measured = subprocess.run([PYTHON, "-c", MEASURE, str(args.requests)], cwd=ROOT, env=env, check=True,
                                  stdout=subprocess.PIPE, text=True)
    result = json.loads(measured.stdout.strip().splitlines()[-1])
    print(f"pending={result['pending']} requests={args.requests} " + " ".join(
        f"{name}_queries={result[name]['queries']} {name}_p50_ms={result[name]['p50']:.0f} "
        f"{name}_p95_ms={result[name]['p95']:.0f}" for name in ("default", "mixed")))


if __name__ == "__main__":
    os.chdir(ROOT)
    main()
