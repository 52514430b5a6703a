"""Household list page under concurrent clients, against a minimal one-row view.

    python bench/household_list.py [--households 100000] [--clients 20] [--requests 400]

Builds a county in a scratch PostgreSQL database, starts gunicorn on loopback, logs
20 clients in as county staff and has them fetch filtered, sorted, paginated list
pages; then the same clients fetch /healthz/ (reads one row). Prints
`households=… list_p95_ms=… minimal_p95_ms=… ratio=…` (goal: ratio ≤ 3).
"""

import argparse
import contextlib
import http.client
import random
import re
import socket
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from urllib.parse import urlencode

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _support import ROOT, bench_env, log, percentile, scratch_database, seed  # noqa: E402

LIST_QUERIES = [
    {},
    {"page": "7"},
    {"household_type": "alleviated", "page": "3"},
    {"monitoring_type": "any"},
    {"risk_status": "unresolved", "sort": "-number"},
    {"q": "王"},
    {"township": "__TOWNSHIP__", "page": "2"},
    {"village": "__VILLAGE__", "sort": "income"},  # a reviewer: one village, lowest per-capita income first
]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def login(port: int) -> str:
    """Log in through the real form; returns the Cookie header for later requests."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    connection.request("GET", "/accounts/login/")
    response = connection.getresponse()
    page = response.read().decode()
    csrf_cookie = re.search(r"csrftoken=([^;]+)", response.getheader("Set-Cookie")).group(1)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    body = urlencode({"username": "county", "password": "demo12345", "csrfmiddlewaretoken": token})
    connection.request("POST", "/accounts/login/", body, {
        "Content-Type": "application/x-www-form-urlencoded", "Cookie": f"csrftoken={csrf_cookie}",
        "Referer": f"http://127.0.0.1:{port}/accounts/login/",
    })
    response = connection.getresponse()
    response.read()
    session = re.search(r"sessionid=([^;]+)", response.getheader("Set-Cookie") or "")
    if response.status != 302 or not session:
        sys.exit(f"login failed: HTTP {response.status}")
    return f"csrftoken={csrf_cookie}; sessionid={session.group(1)}"


def hammer(port: int, cookies: list[str], paths: list[str], clients: int) -> list[float]:
    """Every path fetched once, spread over `clients` keep-alive connections, each its own
    logged-in session (20 users, not one user in 20 tabs); latencies in ms."""
    def worker(chunk, cookie):
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        latencies = []
        for path in chunk:
            started = time.perf_counter()
            connection.request("GET", path, headers={"Cookie": cookie})
            response = connection.getresponse()
            response.read()
            if response.status != 200:
                raise RuntimeError(f"{path}: HTTP {response.status}")
            latencies.append((time.perf_counter() - started) * 1000)
        return latencies

    chunks = [paths[i::clients] for i in range(clients)]
    with ThreadPoolExecutor(clients) as pool:
        return [ms for result in pool.map(worker, chunks, cookies) for ms in result]


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--households", type=int, default=100_000)
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--requests", type=int, default=400)
    parser.add_argument("--workers", type=int, default=4, help="gunicorn worker processes")
    parser.add_argument("--use-database", metavar="URL",
                        help="an already seeded database (seed_demo) instead of a scratch one")
    args = parser.parse_args()

    with (contextlib.nullcontext(args.use_database) if args.use_database
          else scratch_database("bench_list")) as database_url:
        # County staff must otherwise enrol a second factor before any page opens (a 302 to
        # the enrolment page): this measures the list, not the sign-in.
        env = bench_env(database_url, SECOND_FACTOR_REQUIRED_ROLES="")
        if not args.use_database:
            log(f"seeding {args.households} households …")
            log(f"seeded in {seed(env, args.households):.1f} s")
        port = free_port()
        server = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "monitoring.wsgi", "-b", f"127.0.0.1:{port}",
             "-w", str(args.workers), "--log-level", "warning"],
            cwd=ROOT, env=env,
        )
        try:
            for _ in range(100):
                try:
                    socket.create_connection(("127.0.0.1", port), timeout=1).close()
                    break
                except OSError:
                    time.sleep(0.2)
            cookies = [login(port) for _ in range(args.clients)]
            village = subprocess.run(
                [sys.executable, "manage.py", "shell", "-v0", "-c",
                 "from households.models import Household; print(Household.objects.order_by('number').first().village_id)"],
                cwd=ROOT, env=env, capture_output=True, text=True, check=True,
            ).stdout.strip()
            township = village[:9]
            rng = random.Random(1)
            list_paths = [
                "/households/?" + urlencode({k: {"__TOWNSHIP__": township, "__VILLAGE__": village}.get(v, v)
                                             for k, v in rng.choice(LIST_QUERIES).items()})
                for _ in range(args.requests)
            ]
            hammer(port, cookies, list_paths[: args.clients * 2], args.clients)  # warm up
            list_ms = hammer(port, cookies, list_paths, args.clients)
            minimal_ms = hammer(port, cookies, ["/healthz/"] * args.requests, args.clients)
        finally:
            server.terminate()
            server.wait(timeout=30)

    list_p95, minimal_p95 = percentile(list_ms, 0.95), percentile(minimal_ms, 0.95)
    print(
        f"households={args.households} clients={args.clients} requests={args.requests} "
        f"list_p50_ms={percentile(list_ms, 0.5):.1f} list_p95_ms={list_p95:.1f} "
        f"minimal_p95_ms={minimal_p95:.1f} ratio={list_p95 / minimal_p95:.2f}"
    )


if __name__ == "__main__":
    main()
