"""Load: 50 signed-in users at once on a 100,000-household county, under gunicorn on PostgreSQL.

    python bench/load.py [--households 100000] [--users 50] [--seconds 60] [--max-requests 30000]
                         [--workers 4] [--use-database URL]

Seeds a county in a scratch PostgreSQL database (or takes an already seeded one with
--use-database; the rules are run first if it has no tickets), creates the users (village
clerks, township reviewers and county staff, each signed in through the real login form with
a session of their own), starts gunicorn on loopback and has every user work at once until
--seconds have passed or --max-requests were made: the household list with filters, a
household, the change-request and ticket queues, a ticket, and (clerks) a change submitted
through the real form. Prints throughput, p50/p95/p99 per kind of page and overall, and the
errors (goal: zero). On loopback only; bounded in time and requests.
"""

import argparse
import contextlib
import http.client
import random
import re
import socket
import subprocess
import sys
import threading
import time
from collections import defaultdict
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from urllib.parse import urlencode

import lxml.html

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _support import PYTHON, ROOT, bench_env, log, percentile, scratch_database, seed  # noqa: E402

PASSWORD = "load-test-password-2026"
LIST_QUERIES = [{}, {"page": "3"}, {"household_type": "alleviated"}, {"monitoring_type": "any"},
                {"risk_status": "unresolved", "sort": "-number"}, {"q": "王"}, {"sort": "income"}]
HOUSEHOLD_LINK = re.compile(r'href="/households/(\d{10,})/"')
TICKET_LINK = re.compile(r'href="/tickets/(\d+)/"')

# Who the users are: a village's clerk, a township's reviewer, county staff (`manage.py shell`).
CREATE_USERS = """
import sys
from django.db.models import Count
from accounts.models import User
from accounts.roles import Role
from households.models import Household
users, password = int(sys.argv[1]), sys.argv[2]
villages = list(Household.objects.values_list("village_id", flat=True).annotate(n=Count("pk"))
                .order_by("-n", "village_id")[: users])
townships = sorted({code[:9] for code in villages})
county = villages[0][:6]
plan = [("clerk", Role.VILLAGE_CLERK, code) for code in villages[: users * 6 // 10]]
plan += [("reviewer", Role.TOWNSHIP_REVIEWER, townships[i % len(townships)]) for i in range(users * 3 // 10)]
plan += [("county", Role.COUNTY_STAFF, county)] * (users - len(plan))
for i, (kind, role, area) in enumerate(plan):
    user, _ = User.objects.update_or_create(username=f"load{i:03d}", defaults={
        "role": role, "area_id": area, "is_active": True, "first_name": f"压测{i}"})
    user.set_password(password)
    user.save()
    print(f"load{i:03d} {kind}")
"""


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def manage_shell(env: dict, code: str, *args: str) -> str:
    return subprocess.run([PYTHON, "-c", "import django, os, sys; os.environ.setdefault('DJANGO_SETTINGS_MODULE', "
                           "'monitoring.settings'); django.setup(); exec(sys.stdin.read())", *args],
                          input=code, cwd=ROOT, env=env, capture_output=True, text=True, check=True).stdout


class Session:
    """One user: a keep-alive connection and a session cookie from the real login form."""

    def __init__(self, port: int, username: str):
        self.port, self.cookies = port, {}
        self.connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        page = self.get("/accounts/login/")[1]
        status, _ = self.post("/accounts/login/", {
            "username": username, "password": PASSWORD, "csrfmiddlewaretoken": self.token(page)})
        if status != 302 or "sessionid" not in self.cookies:
            raise SystemExit(f"{username}: login answered HTTP {status}")

    def token(self, page: str) -> str:
        return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)

    def _send(self, method, path, body=None, headers=None):
        headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items()), **(headers or {})}
        try:
            self.connection.request(method, path, body, headers)
            response = self.connection.getresponse()
        except (http.client.HTTPException, OSError):
            self.connection.close()
            self.connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
            self.connection.request(method, path, body, headers)
            response = self.connection.getresponse()
        page = response.read().decode("utf-8", "replace")
        for header in response.headers.get_all("Set-Cookie") or []:
            name, _, rest = header.partition("=")
            self.cookies[name] = rest.split(";", 1)[0]
        return response.status, page

    def get(self, path):
        return self._send("GET", path)

    def post(self, path, fields):
        return self._send("POST", path, urlencode(fields, doseq=True), {
            "Content-Type": "application/x-www-form-urlencoded",
            "Referer": f"http://127.0.0.1:{self.port}{path}"})


class Recorder:
    def __init__(self, deadline: float, max_requests: int):
        self.deadline, self.max_requests = deadline, max_requests
        self.lock, self.count = threading.Lock(), 0
        self.latencies, self.errors = defaultdict(list), []

    def take(self) -> bool:
        with self.lock:
            if self.count >= self.max_requests or time.monotonic() >= self.deadline:
                return False
            self.count += 1
            return True

    def timed(self, kind, call, expected=(200,)):
        started = time.perf_counter()
        status, page = call()
        elapsed = (time.perf_counter() - started) * 1000
        with self.lock:
            self.latencies[kind].append(elapsed)
            if status not in expected:
                self.errors.append(f"{kind}: HTTP {status}")
        return status, page


def change_fields(page: str, rng: random.Random) -> dict | None:
    """The change form as the browser would send it, with the address edited."""
    document = lxml.html.fromstring(page)
    forms = [form for form in document.forms if form.find('.//*[@name="address"]') is not None]
    if not forms:
        return None
    fields = dict(forms[0].form_values())
    fields["address"] = f"压测路{rng.randrange(1, 9999)}号"
    fields["note"] = "压测提交"
    return fields


def work(session: Session, kind: str, recorder: Recorder, seed_value: int) -> None:
    rng = random.Random(seed_value)
    households, tickets = [], []
    while recorder.take():
        roll = rng.random()
        if roll < 0.3 or not households:
            status, page = recorder.timed("list", lambda: session.get(
                "/households/?" + urlencode(rng.choice(LIST_QUERIES))))
            households = HOUSEHOLD_LINK.findall(page) or households
        elif roll < 0.5:
            recorder.timed("detail", lambda: session.get(f"/households/{rng.choice(households)}/"))
        elif roll < 0.6:
            recorder.timed("change_queue", lambda: session.get("/changes/"))
        elif roll < 0.75 or not tickets:
            status, page = recorder.timed("ticket_queue", lambda: session.get("/tickets/"))
            tickets = TICKET_LINK.findall(page) or tickets
        elif roll < 0.9 or kind != "clerk":
            if tickets:
                recorder.timed("ticket", lambda: session.get(f"/tickets/{rng.choice(tickets)}/"))
        else:
            path = f"/households/{rng.choice(households)}/change/"
            status, page = recorder.timed("change_form", lambda: session.get(path))
            fields = change_fields(page, rng) if status == 200 else None
            if fields is not None and recorder.take():
                # 302 when accepted; 200 with the form again when the household already has an
                # open change (one at a time): both are right answers, not errors.
                recorder.timed("change_submit", lambda: session.post(path, fields), expected=(200, 302))


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--households", type=int, default=100_000)
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--max-requests", type=int, default=30_000)
    parser.add_argument("--workers", type=int, default=4, help="gunicorn worker processes")
    parser.add_argument("--use-database", metavar="URL", help="an already seeded database (seed_demo)")
    args = parser.parse_args()

    with (contextlib.nullcontext(args.use_database) if args.use_database
          else scratch_database("bench_load")) as database_url:
        # The load users sign in with a password alone: the second factor is not what is measured.
        env = bench_env(database_url, SECOND_FACTOR_REQUIRED_ROLES="")
        if args.use_database:
            subprocess.run([PYTHON, "manage.py", "migrate", "-v0"], cwd=ROOT, env=env, check=True)
        else:
            log(f"seeding {args.households} households …")
            log(f"seeded in {seed(env, args.households):.1f} s")
        households = int(manage_shell(env, "from households.models import Household; "
                                           "print(Household.objects.count())"))
        if not int(manage_shell(env, "from audits.models import Ticket; print(Ticket.objects.count())")):
            log("running the rules once (no tickets yet) …")
            subprocess.run([PYTHON, "manage.py", "run_cleansing", "--sync", "-v0"], cwd=ROOT, env=env, check=True)
        users = [line.split() for line in manage_shell(env, CREATE_USERS, str(args.users), PASSWORD).split("\n")
                 if line.strip()]
        port = free_port()
        server = subprocess.Popen(
            [PYTHON, "-m", "gunicorn", "monitoring.wsgi", "-b", f"127.0.0.1:{port}", "-w", str(args.workers),
             "--log-level", "warning", "--timeout", "120"], cwd=ROOT, env=env)
        try:
            for _ in range(150):
                try:
                    socket.create_connection(("127.0.0.1", port), timeout=1).close()
                    break
                except OSError:
                    time.sleep(0.2)
            log(f"{len(users)} users signing in …")
            with ThreadPoolExecutor(8) as pool:
                sessions = list(pool.map(lambda user: Session(port, user[0]), users))
            log(f"working for {args.seconds:.0f} s (at most {args.max_requests} requests) …")
            started = time.monotonic()
            recorder = Recorder(started + args.seconds, args.max_requests)
            with ThreadPoolExecutor(len(sessions)) as pool:
                list(pool.map(lambda i: work(sessions[i], users[i][1], recorder, i), range(len(sessions))))
            elapsed = time.monotonic() - started
        finally:
            server.terminate()
            server.wait(timeout=30)

    everything = [ms for values in recorder.latencies.values() for ms in values]
    print(f"households={households} users={len(users)} gunicorn_workers={args.workers} "
          f"seconds={elapsed:.1f} requests={len(everything)} throughput_rps={len(everything) / elapsed:.1f} "
          f"errors={len(recorder.errors)}")
    for kind, values in sorted(recorder.latencies.items()) + [("all", everything)]:
        print(f"  {kind:<14} n={len(values):<6} p50_ms={percentile(values, 0.5):7.1f} "
              f"p95_ms={percentile(values, 0.95):7.1f} p99_ms={percentile(values, 0.99):7.1f}")
    for error in sorted(set(recorder.errors))[:20]:
        print(f"  error: {error} ×{recorder.errors.count(error)}")
    sys.exit(1 if recorder.errors else 0)


if __name__ == "__main__":
    main()
