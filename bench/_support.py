"""Shared by the benchmarks: a scratch PostgreSQL database, a seeded county, timings."""

import contextlib
import os
import resource
import subprocess
import sys
import time
import uuid
from pathlib import Path
from urllib.parse import urlparse, urlunparse

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


@contextlib.contextmanager
def scratch_database(prefix: str, template: str | None = None):
    """A fresh PostgreSQL database next to DATABASE_URL's (a copy of `template`, a database
    name, when given), dropped afterwards; yields its URL."""
    import psycopg

    base = os.environ.get("DATABASE_URL", "")
    if not base.startswith(("postgres://", "postgresql://")):
        sys.exit("Set DATABASE_URL to a PostgreSQL database (postgres://user:pw@host:5432/db): "
                 "the benchmarks run on PostgreSQL.")
    parsed = urlparse(base)
    name = f"{prefix}_{uuid.uuid4().hex[:8]}"
    admin = parsed._replace(path="/postgres").geturl().replace("postgres://", "postgresql://", 1)
    with psycopg.connect(admin, autocommit=True) as connection:
        if template is None:
            connection.execute(f'CREATE DATABASE "{name}"')
        else:
            _copy_database(connection, name, template)
    try:
        yield urlunparse(parsed._replace(path=f"/{name}"))
    finally:
        with psycopg.connect(admin, autocommit=True) as connection:
            connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _copy_database(connection, name: str, template: str) -> None:
    """CREATE DATABASE … TEMPLATE, which PostgreSQL refuses while anyone is connected to the
    template: retried for a minute."""
    import psycopg

    for attempt in range(30):
        try:
            connection.execute(f'CREATE DATABASE "{name}" TEMPLATE "{template}"')
            return
        except psycopg.errors.ObjectInUse:
            if attempt == 29:
                raise
            time.sleep(2)


def bench_env(database_url: str, **extra) -> dict:
    env = {**os.environ, "DATABASE_URL": database_url, "SECRET_KEY": "benchmark-only-" + "x" * 40,
           "HTTPS": "false", "STATIC_MANIFEST": "false", "DEBUG": "false",
           "ALLOWED_HOSTS": "127.0.0.1,localhost"}
    env.pop("CELERY_BROKER_URL", None)
    env.setdefault("PYTHONWARNINGS", "ignore::UserWarning")  # whitenoise: no collected static dir here
    env.update(extra)
    return env


def manage(env: dict, *args: str) -> None:
    subprocess.run([PYTHON, "manage.py", *args], cwd=ROOT, env=env, check=True,
                   stdout=subprocess.DEVNULL if "-v0" in args else None)


def seed(env: dict, households: int) -> float:
    """Migrate and seed a county of `households` households; returns the seconds it took."""
    manage(env, "migrate", "-v0")
    started = time.perf_counter()
    subprocess.run([PYTHON, "manage.py", "seed_demo", "--households", str(households)],
                   cwd=ROOT, env=env, check=True, stdout=subprocess.DEVNULL)
    return time.perf_counter() - started


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(fraction * (len(ordered) - 1))))
    return ordered[index]


def peak_memory_mb_of_children() -> float:
    return resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
