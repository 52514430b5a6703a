"""A backup is only as good as its restore (docs/deployment.md, 备份与恢复): pg_dump of the
database, restored into an empty one, holds every row, and the ledger exported from it is
the ledger exported from the original. CI: PostgreSQL is running and its client tools are
installed."""

import shutil
import subprocess
import sys

import psycopg
import pytest
from django.conf import settings
from django.core.management import call_command
from django.db import connection
from openpyxl import load_workbook

from tests.processes import bare_environment

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def database():
    if connection.vendor != "postgresql":
        pytest.skip("pg_dump needs PostgreSQL (CI runs it)")
    if not (shutil.which("pg_dump") and shutil.which("pg_restore")):
        pytest.skip("PostgreSQL's client tools are not installed")
    return connection.settings_dict


def client_env(db):
    return bare_environment(PGHOST=db["HOST"] or "127.0.0.1", PGPORT=str(db["PORT"] or 5432),
                            PGUSER=db["USER"], PGPASSWORD=db["PASSWORD"])


def url_of(db, name):
    return f"postgres://{db['USER']}:{db['PASSWORD']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{name}"


@pytest.fixture
def empty_database(database):
    name = f"{database['NAME']}_restored"
    admin = psycopg.connect(url_of(database, "postgres"), autocommit=True)
    admin.execute(f'DROP DATABASE IF EXISTS "{name}"')
    admin.execute(f'CREATE DATABASE "{name}"')
    try:
        yield name
    finally:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.close()


def row_counts(url, tables):
    with psycopg.connect(url) as conn:
        return {table: conn.execute(f'SELECT count(*) FROM "{table}"').fetchone()[0] for table in tables}


def ledger_cells(url, out):
    subprocess.run(
        [sys.executable, "manage.py", "export_ledger", str(out), "--full-ids", "-v", "0"],
        cwd=settings.BASE_DIR, check=True, timeout=300,
        env=bare_environment(DJANGO_SETTINGS_MODULE="monitoring.settings_test", ENV_FILE="",
                             DATABASE_URL=url),
    )
    workbook = load_workbook(out, read_only=True)
    return {sheet.title: [tuple(row) for row in sheet.iter_rows(values_only=True)] for sheet in workbook}


def test_a_dump_restored_into_an_empty_database_has_every_row_and_the_same_ledger(
        database, empty_database, tmp_path):
    call_command("seed_demo", households=120, verbosity=0)
    call_command("run_cleansing", county="360732", sync=True, verbosity=0)
    dump = tmp_path / "monitoring.dump"
    env = client_env(database)
    subprocess.run(["pg_dump", "--format=custom", f"--file={dump}", database["NAME"]],
                   check=True, env=env, timeout=300)
    subprocess.run(["pg_restore", "--no-owner", "--exit-on-error", f"--dbname={empty_database}", str(dump)],
                   check=True, env=env, timeout=300)

    tables = connection.introspection.table_names()
    original, restored = url_of(database, database["NAME"]), url_of(database, empty_database)
    counts = row_counts(original, tables)
    assert counts["households_household"] == 120 and counts["audits_ticket"] > 0
    assert row_counts(restored, tables) == counts

    ledger = ledger_cells(original, tmp_path / "original.xlsx")
    assert len(ledger["问题台账"]) > 1
    assert ledger_cells(restored, tmp_path / "restored.xlsx") == ledger
