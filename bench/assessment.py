"""数据质量月考评 at county scale: compute time, page time and queries per page.

    python bench/assessment.py [--households 20000] [--requests 20]
                               [--use-database URL] [--explain]

Without --use-database: seeds a county of `--households` (seed_demo) in a scratch PostgreSQL
database next to DATABASE_URL's, dropped afterwards. With --use-database (e.g. the 100,000-household
ledger_100k): measures there, inside one transaction that is rolled back at the end, so that
nothing is left behind (no score, no session, no audit event).

Computes the month just ended and the current month (each twice: the second run replaces the
first), the month just ended again with every ticket event moved to now (each ticket's deadline
at the month's end then rebuilt from its history: the slow path), then fetches the ranking page and a township page `--requests` times as county staff
and the ranking page as a township reviewer, counting each page's queries. Prints one line:
`households=… tickets=… townships=… compute_last_s=… compute_current_s=… compute_queries=…
county_page_queries=… county_page_p50_ms=… …` (queries = the most any request took).
"""

import argparse
import subprocess
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _support import PYTHON, ROOT, bench_env, log, scratch_database, seed  # noqa: E402

MEASURE = """
import sys, time
import django
django.setup()
from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from accounts.models import User
from audits.models import Ticket
from households.models import Household
from analysis.assessment import selectors, services

requests, explain = int(sys.argv[1]), sys.argv[2] == "1"
result = {}


def timed(function):
    with CaptureQueriesContext(connection) as queries:
        started = time.perf_counter()
        value = function()
        seconds = time.perf_counter() - started
    return value, seconds, len(queries)


def page(client, url, params):
    client.get(url, params)  # warm up
    times, most = [], 0
    for _ in range(requests):
        response, seconds, count = timed(lambda: client.get(url, params))
        assert response.status_code == 200, (url, response.status_code)
        times.append(seconds * 1000)
        most = max(most, count)
    times.sort()
    return most, times[len(times) // 2], times[int(len(times) * 0.95) - 1] if len(times) > 1 else times[0]


with transaction.atomic():
    staff = User.objects.filter(role="county_staff", is_active=True).order_by("pk").first()
    reviewer = User.objects.filter(role="township_reviewer", is_active=True, area__code__startswith=staff.area_id) \\
        .order_by("pk").first()
    county = staff.area_id
    result["households"] = Household.objects.active().filter(village__code__startswith=county).count()
    result["tickets"] = Ticket.objects.filter(village__code__startswith=county).count()
    last, current = selectors.last_month(), timezone.localdate().replace(day=1)
    for name, month in (("last", last), ("current", current)):
        count, seconds, queries = timed(lambda: services.compute_assessment(county=county, month=month))
        _, again, _ = timed(lambda: services.compute_assessment(county=county, month=month))
        result["townships"] = count
        result[f"compute_{name}_s"] = round(seconds, 3)
        result[f"recompute_{name}_s"] = round(again, 3)
        result["compute_queries"] = queries
    # The worst case for a past month: every ticket moved since its end, so that each one's
    # deadline then is rebuilt from its history (rolled back with everything else).
    from audits.models import TicketEvent
    TicketEvent.objects.filter(ticket__village__code__startswith=county).update(at=timezone.now())
    _, seconds, _ = timed(lambda: services.compute_assessment(county=county, month=last))
    result["compute_last_all_moved_since_s"] = round(seconds, 3)
    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(staff)
    params = {"month": f"{last:%Y-%m}"}
    for name, url in (("county_page", "/analysis/assessment/"),
                      ("township_page", f"/analysis/assessment/{reviewer.area_id[:9]}/")):
        most, p50, p95 = page(client, url, params)
        result[f"{name}_queries"], result[f"{name}_p50_ms"], result[f"{name}_p95_ms"] = most, round(p50, 1), round(p95, 1)
    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(reviewer)
    most, p50, p95 = page(client, "/analysis/assessment/", params)
    result["reviewer_page_queries"], result["reviewer_page_p50_ms"], result["reviewer_page_p95_ms"] = \\
        most, round(p50, 1), round(p95, 1)
    if explain:
        moment = selectors.moment_of(last)
        from audits.deadlines import deadline_days
        with CaptureQueriesContext(connection) as captured:
            selectors.ticket_counts(county, moment, deadline_days(county))
        sql = captured.captured_queries[-1]["sql"]
        with connection.cursor() as cursor:
            cursor.execute("EXPLAIN ANALYZE " + sql)
            print("\\n".join(row[0] for row in cursor.fetchall()), file=sys.stderr)
    transaction.set_rollback(True)
print(" ".join(f"{key}={value}" for key, value in result.items()))
"""


def measure(env: dict, requests: int, explain: bool) -> None:
    env = {**env, "DJANGO_SETTINGS_MODULE": "monitoring.settings", "SECOND_FACTOR_REQUIRED_ROLES": ""}
    subprocess.run([PYTHON, "-c", MEASURE, str(requests), "1" if explain else "0"], cwd=ROOT, env=env, check=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--households", type=int, default=20000)
    parser.add_argument("--requests", type=int, default=20)
    parser.add_argument("--use-database", metavar="URL")
    parser.add_argument("--explain", action="store_true", help="log EXPLAIN ANALYZE of the ticket counts")
    args = parser.parse_args()
    if args.use_database:
        measure(bench_env(args.use_database), args.requests, args.explain)
        return
    with scratch_database("bench_assess") as url:
        env = bench_env(url)
        log(f"seeding {args.households} households …")
        seconds = seed(env, args.households)
        log(f"seeded in {seconds:.0f} s")
        measure(env, args.requests, args.explain)


if __name__ == "__main__":
    main()
