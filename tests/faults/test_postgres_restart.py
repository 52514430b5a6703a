"""PostgreSQL restarted under page traffic: the next request succeeds (CONN_HEALTH_CHECKS).

The test starts its own throwaway PostgreSQL (never the shared one) and a gunicorn worker that
keeps its connection between requests; skipped unless PostgreSQL 15's binaries are installed
and the test runs as root or postgres (CI).
"""

import os
import pwd
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

import pytest
from django.conf import settings

from tests.processes import bare_environment

BIN = Path("/usr/lib/postgresql/15/bin")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def as_postgres(*command) -> list[str]:
    return list(command) if os.geteuid() != 0 else ["runuser", "-u", "postgres", "--", *command]


@pytest.fixture
def own_postgres():
    if not (BIN / "initdb").exists():
        pytest.skip("PostgreSQL 15's initdb is not installed")
    user = pwd.getpwuid(os.geteuid()).pw_name
    if user not in ("root", "postgres"):
        pytest.skip("starting a throwaway PostgreSQL needs root (runs it as postgres) or the postgres user")
    directory = Path(tempfile.mkdtemp(prefix="faults-pg-"))
    shutil.chown(directory, "postgres")
    port = free_port()
    data = directory / "data"
    run = lambda *c: subprocess.run(as_postgres(*c), check=True, capture_output=True)  # noqa: E731
    run(str(BIN / "initdb"), "-D", str(data), "-U", "postgres", "--auth=trust", "-E", "UTF8")
    ctl = [str(BIN / "pg_ctl"), "-D", str(data), "-l", str(directory / "log"), "-w",
           "-o", f"-p {port} -k {directory} -c listen_addresses=127.0.0.1"]
    run(*ctl, "start")
    run(str(BIN / "createdb"), "-h", "127.0.0.1", "-p", str(port), "-U", "postgres", "monitoring")
    try:
        yield f"postgres://postgres@127.0.0.1:{port}/monitoring", lambda: run(*ctl, "-m", "fast", "restart")
    finally:
        subprocess.run(as_postgres(*ctl, "-m", "immediate", "stop"), capture_output=True)
        shutil.rmtree(directory, ignore_errors=True)


def get(url: str) -> int:
    try:
        with urllib.request.urlopen(url, timeout=20) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


def test_the_next_request_after_a_postgresql_restart_succeeds(own_postgres):
    database_url, restart = own_postgres
    env = bare_environment(DJANGO_SETTINGS_MODULE="monitoring.settings_test", DATABASE_URL=database_url,
                           DB_CONN_MAX_AGE="600", ALLOWED_HOSTS="127.0.0.1")
    subprocess.run([sys.executable, "manage.py", "migrate", "-v", "0"], cwd=settings.BASE_DIR, env=env, check=True)
    port = free_port()
    server = subprocess.Popen([sys.executable, "-m", "gunicorn", "monitoring.wsgi", "-b", f"127.0.0.1:{port}",
                               "-w", "1", "--threads", "1"], cwd=settings.BASE_DIR, env=env)
    url = f"http://127.0.0.1:{port}/healthz/"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                if get(url) == 200:
                    break
            except OSError:
                pass
            assert time.monotonic() < deadline, "gunicorn did not start"
            time.sleep(0.3)
        assert get(url) == 200  # the worker now holds a connection it keeps (CONN_MAX_AGE)
        restart()  # every connection to the old server is gone
        assert get(url) == 200  # found dead before use, replaced: no error for the user
        assert get(url) == 200
    finally:
        server.kill()
        server.wait(timeout=30)
