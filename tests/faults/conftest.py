"""Faults: the queue and cache (Redis) down, a worker killed, PostgreSQL restarted."""

import threading

import pytest
from django.core.cache import caches

from monitoring.celery import app as celery_app

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
    """start(pause=False) -> a real worker process on this test's own queue, reading the test database;
    with `pause`, it stops half-way through its first batch group or import (tests/faults/hooks.py)
    and writes `tmp_path / "paused"`. Every worker started is killed at the end."""
    import os
    import subprocess
    import sys
    import uuid

    from django.db import connection

    from tests.processes import bare_environment

    broker = os.environ.get("CELERY_BROKER_URL", "")
    if not broker:
        pytest.skip("needs CELERY_BROKER_URL (Redis), as CI sets")
    if connection.vendor != "postgresql":
        pytest.skip("a worker process cannot see an in-memory SQLite test database (CI runs PostgreSQL)")
    db = connection.settings_dict
    queue = f"faults-{uuid.uuid4().hex[:8]}"
    started = []

    def start(*, pause: bool = False) -> subprocess.Popen:
        env = bare_environment(
            DJANGO_SETTINGS_MODULE="monitoring.settings_test", CELERY_BROKER_URL=broker,
            DATABASE_URL=f"postgres://{db['USER']}:{db['PASSWORD']}@{db['HOST']}:{db['PORT']}/{db['NAME']}",
            MEDIA_ROOT=str(settings.MEDIA_ROOT), FAULT_PAUSE_FILE=str(tmp_path / "paused") if pause else "",
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
