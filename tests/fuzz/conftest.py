"""The fuzz suite: hypothesis, reproducible, and counted.

The `ci` profile (the default here; HYPOTHESIS_PROFILE=dev for a quick look, =deep for a
long night) runs a fixed number of examples per test in a fixed order (derandomize), so
CI finds the same cases every time and a failure is reproduced by rerunning the test.
Every example counts itself with `fuzz_case()`; the session ends with the total.

The tests take the `world` fixture once per test and run each example inside a
transaction that is rolled back (`rolled_back()`), so examples never see each other's rows:
that is why the function-scoped-fixture health check is suppressed.
"""

import contextlib
import os
from collections import Counter

import pytest
from django.db import connection, transaction
from hypothesis import HealthCheck, settings

_SUPPRESSED = [HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.data_too_large,
               HealthCheck.filter_too_much]
settings.register_profile("ci", max_examples=120, deadline=None, derandomize=True, database=None,
                          suppress_health_check=_SUPPRESSED, print_blob=True)
settings.register_profile("dev", max_examples=20, deadline=None, derandomize=True, database=None,
                          suppress_health_check=_SUPPRESSED)
settings.register_profile("deep", max_examples=2000, deadline=None, database=None,
                          suppress_health_check=_SUPPRESSED)
PROFILE = os.environ.get("HYPOTHESIS_PROFILE", "ci")
settings.load_profile(PROFILE)
# FUZZ_SCALE multiplies every test's examples (e.g. FUZZ_SCALE=3 for a longer random hunt).
_SCALE = float(os.environ.get("FUZZ_SCALE") or {"dev": 0.2, "deep": 10}.get(PROFILE, 1))


def examples(n: int) -> settings:
    """A test's own number of examples under `ci` (what one costs decides it), scaled by the profile."""
    return settings(max_examples=max(5, int(n * _SCALE)))

CASES: Counter = Counter()  # test id → examples run (shrinking included)


@pytest.fixture
def fuzz_case(request):
    """Call once per example: counts it for the session's total."""
    def count():
        CASES[request.node.nodeid] += 1
    return count


@contextlib.contextmanager
def rolled_back():
    """One example's database work, undone at the end whatever happened."""
    with transaction.atomic():
        yield
        transaction.set_rollback(True)


NUL = "\x00"


def _refuse_nul_like_postgresql(execute, sql, params, many, context):
    """SQLite stores a NUL byte; PostgreSQL refuses it (ValueError, a 500). Refuse it here too,
    so that the fuzz on the embedded database finds what CI's PostgreSQL would."""
    flat = [p for row in params for p in row] if many else list(params or ())
    if any(isinstance(p, str) and NUL in p for p in flat):
        raise ValueError("A string literal cannot contain NUL (0x00) characters.")
    return execute(sql, params, many, context)


@pytest.fixture
def like_postgresql(db):
    with connection.execute_wrapper(_refuse_nul_like_postgresql):
        yield


def pytest_terminal_summary(terminalreporter):
    if not CASES:
        return
    terminalreporter.section("fuzz cases")
    for nodeid, count in sorted(CASES.items()):
        terminalreporter.write_line(f"{count:6d}  {nodeid}")
    terminalreporter.write_line(f"{sum(CASES.values()):6d}  fuzz cases in all ({len(CASES)} tests)")
    report = os.environ.get("FUZZ_CASES_FILE")
    if report:
        with open(report, "w", encoding="utf-8") as handle:
            handle.write(f"{sum(CASES.values())}\n")
