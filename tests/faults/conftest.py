"""Faults: the queue and cache (Redis) down, a worker killed, PostgreSQL restarted."""

import os
import pwd
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
from contextlib import contextmanager
from pathlib import Path

import pytest
from django.conf import settings
from django.core.cache import caches

from monitoring.celery import app as celery_app
from tests.processes import bare_environment

# Nothing listens on port 1: a connection is refused at once, as when Redis is stopped.
CLOSED = "redis://127.0.0.1:1/0"


def _reset_connections():
    """Forget the app's broker pools and result backend, so the next use connects to the conf's URLs."""
    celery_app._pool = None
    celery_app.amqp._producer_pool = None
    celery_app._local = threading.local()


@pytest.fixture
def redis_down(settings, monkeypatch):
    """Production's configuration with Redis stopped: tasks go to a broker that refuses, the cache too."""
    for variable in ("CELERY_BROKER_URL", "CELERY_RESULT_BACKEND"):  # Celery reads these before its conf
        monkeypatch.setenv(variable, CLOSED)
    saved = {key: celery_app.conf[key] for key in ("broker_url", "result_backend", "task_always_eager")}
    celery_app.conf.update(broker_url=CLOSED, result_backend=CLOSED, task_always_eager=False)
    _reset_connections()
    settings.CELERY_BROKER_URL = settings.CELERY_RESULT_BACKEND = CLOSED
    settings.CELERY_TASK_ALWAYS_EAGER = False
    settings.CACHES = {"default": {"BACKEND": "monitoring.cache.ForgivingRedisCache", "LOCATION": CLOSED,
                                   "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 2}}}
    try:
        yield
    finally:
        celery_app.conf.update(saved)
        _reset_connections()
        caches["default"].close()


# `python -m celery …` with tests/faults/hooks.py loaded first.
HOOKED_LAUNCHER = ("import sys; sys.argv[0] = 'celery'; import tests.faults.hooks; "
                   "from celery.__main__ import main; main()")


@pytest.fixture
def workers(settings, tmp_path):
    """start(pause=False, database_url="") -> a real worker process on this test's own queue, reading
    the test database (or `database_url`); with `pause`, it stops half-way through its first batch
    group or import (tests/faults/hooks.py), writes `tmp_path / "paused"` and goes on once
    `tmp_path / "resume"` exists. Every worker started is killed at the end."""
    import uuid

    from django.db import connection

    broker = os.environ.get("CELERY_BROKER_URL", "")
    if not broker:
        pytest.skip("needs CELERY_BROKER_URL (Redis), as CI sets")
    db = connection.settings_dict
    queue = f"faults-{uuid.uuid4().hex[:8]}"
    started = []

    def start(*, pause: bool = False, database_url: str = "") -> subprocess.Popen:
        if not database_url and db["ENGINE"] != "django.db.backends.postgresql":
            pytest.skip("a worker process cannot see an in-memory SQLite test database (CI runs PostgreSQL)")
        env = bare_environment(
            DJANGO_SETTINGS_MODULE="monitoring.settings_test", CELERY_BROKER_URL=broker,
            DATABASE_URL=database_url
            or f"postgres://{db['USER']}:{db['PASSWORD']}@{db['HOST']}:{db['PORT']}/{db['NAME']}",
            MEDIA_ROOT=str(settings.MEDIA_ROOT), FAULT_PAUSE_FILE=str(tmp_path / "paused") if pause else "",
            FAULT_RESUME_FILE=str(tmp_path / "resume"),
        )
        command = [sys.executable, "-c", HOOKED_LAUNCHER, "-A", "monitoring", "worker", "--pool=solo", "-Q", queue,
                   "--without-gossip", "--without-mingle", "--without-heartbeat", "-l", "warning"]
        process = subprocess.Popen(command, cwd=settings.BASE_DIR, env=env)
        started.append(process)
        return process

    saved = {key: celery_app.conf[key] for key in ("task_always_eager", "task_default_queue")}
    celery_app.conf.update(task_always_eager=False, task_default_queue=queue)
    try:
        yield start
    finally:
        celery_app.conf.update(saved)
        for process in started:
            process.kill()
            process.wait(timeout=30)


# --- a throwaway PostgreSQL, to restart (never the shared one) ----------------------------------

BIN = Path("/usr/lib/postgresql/15/bin")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def as_postgres(*command) -> list[str]:
    return list(command) if os.geteuid() != 0 else ["runuser", "-u", "postgres", "--", *command]


class Cluster:
    """A PostgreSQL 15 server of our own in a temporary directory, with a migrated template database."""

    TEMPLATE = "monitoring_template"

    def __init__(self):
        self.directory = Path(tempfile.mkdtemp(prefix="faults-pg-"))
        shutil.chown(self.directory, "postgres")
        self.port = free_port()
        self.ctl = [str(BIN / "pg_ctl"), "-D", str(self.directory / "data"), "-l", str(self.directory / "log"), "-w",
                    "-o", f"-p {self.port} -k {self.directory} -c listen_addresses=127.0.0.1 -c fsync=off"]
        self.databases = 0

    def run(self, *command) -> None:
        subprocess.run(as_postgres(*command), check=True, capture_output=True)

    def url(self, name: str) -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/{name}"

    def start(self) -> None:
        self.run(str(BIN / "initdb"), "-D", str(self.directory / "data"), "-U", "postgres", "--auth=trust",
                 "-E", "UTF8")
        self.run(*self.ctl, "start")
        self.run(str(BIN / "createdb"), "-h", "127.0.0.1", "-p", str(self.port), "-U", "postgres", self.TEMPLATE)
        env = bare_environment(DJANGO_SETTINGS_MODULE="monitoring.settings_test", DATABASE_URL=self.url(self.TEMPLATE))
        subprocess.run([sys.executable, "manage.py", "migrate", "-v", "0"], cwd=settings.BASE_DIR, env=env, check=True)

    def fresh_database(self) -> str:
        """A new database, migrated (a copy of the template); its URL."""
        self.databases += 1
        name = f"monitoring_{self.databases}"
        self.run(str(BIN / "createdb"), "-h", "127.0.0.1", "-p", str(self.port), "-U", "postgres",
                 "-T", self.TEMPLATE, name)
        return self.url(name)

    def restart(self) -> None:
        """Every connection to the server is cut (a fast shutdown), then it accepts new ones."""
        self.run(*self.ctl, "-m", "fast", "restart")

    def down(self) -> None:
        self.run(*self.ctl, "-m", "fast", "stop")

    def up(self) -> None:
        self.run(*self.ctl, "start")

    def stop(self) -> None:
        subprocess.run(as_postgres(*self.ctl, "-m", "immediate", "stop"), capture_output=True)
        shutil.rmtree(self.directory, ignore_errors=True)


@pytest.fixture(scope="session")
def postgres_cluster():
    if not (BIN / "initdb").exists():
        pytest.skip("PostgreSQL 15's initdb is not installed")
    if pwd.getpwuid(os.geteuid()).pw_name not in ("root", "postgres"):
        pytest.skip("starting a throwaway PostgreSQL needs root (runs it as postgres) or the postgres user")
    cluster = Cluster()
    try:
        cluster.start()
        yield cluster
    finally:
        cluster.stop()


@pytest.fixture
def own_postgres(postgres_cluster):
    """(URL of a fresh migrated database on the throwaway server, restart())."""
    return postgres_cluster.fresh_database(), postgres_cluster.restart


@contextmanager
def this_process_on(database_url: str, django_db_blocker):
    """Point this process's ORM (its default database) at `database_url` for the block, then back."""
    import environ
    from django.db import connections

    saved_settings = dict(connections.settings["default"])
    saved_connection = connections["default"]
    connections.settings["default"].update(
        environ.Env.db_url_config(database_url), OPTIONS={}, CONN_MAX_AGE=0, CONN_HEALTH_CHECKS=False)
    connections["default"] = connections.create_connection("default")
    try:
        with django_db_blocker.unblock():
            yield
    finally:
        connections["default"].close()
        connections.settings["default"].clear()
        connections.settings["default"].update(saved_settings)
        connections["default"] = saved_connection


@pytest.fixture
def on_own_postgres(own_postgres, django_db_blocker):
    """This test's ORM on a fresh database of the throwaway server: (its URL, restart())."""
    database_url, restart = own_postgres
    with this_process_on(database_url, django_db_blocker):
        yield database_url, restart
