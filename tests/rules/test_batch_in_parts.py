"""A batch's household rules read in two halves of the county's households at once (evaluate_in_parts)."""

import threading
from concurrent import futures

import pytest

from audits.models import Ticket
from households.models import Area
from rules import engine, registry, services
from rules.models import Batch, BatchStatus, RiskScore
from rules.parameters import parameters_for
from rules.registry import HOUSEHOLD
from tests.builders import make_household, make_income

pytestmark = pytest.mark.django_db

COUNTY = "230381"


def inline(read):
    """run_apart on this connection, at once: the halves' logic without a second connection."""
    future = futures.Future()
    try:
        future.set_result(read())
    except Exception as error:  # noqa: BLE001 — handed to the caller through the future, as a thread would
        future.set_exception(error)
    return future


@pytest.fixture
def county_households(village):
    """Six households whose findings differ; the pair sharing a phone (P01) falls in different halves."""
    households = [make_household(village, members=members, phone=phone)
                  for members, phone in [(1, ""), (2, "13900000001"), (1, "13900000002"),
                                         (3, "13900000003"), (1, "13900000001"), (2, "13900000005")]]
    make_income(households[2], 2025, wage="500")
    make_income(households[3], 2024, wage="30000")
    make_income(households[5], 2025, wage="90000", operating_expense="3000", medical_expense="20000")
    households[3].housing_safe = False
    households[3].save()
    return households


def household_rules():
    return [rule for rule in registry.all_rules() if rule.scope == HOUSEHOLD]


def dumped(findings):
    return sorted((f.rule_id, f.household_id, f.member_id or 0, f.message, repr(sorted(f.facts.items())))
                  for f in findings)


def stored_risks():
    return sorted(RiskScore.objects.values_list("household_id", "year", "risk", "factor_mask"))


def test_the_halves_find_what_the_whole_statement_finds_and_store_the_same_coefficients(county_households, monkeypatch):
    params = parameters_for(2025, county=COUNTY)
    whole = engine.evaluate(rules=household_rules(), params=params, area_prefix=COUNTY, store_risk=True)
    whole_risks = stored_risks()
    RiskScore.objects.all().delete()
    ranges = []
    real = engine._household_rows

    def recorded(*args, ids=None, **kwargs):
        ranges.append((ids.start, ids.stop))
        return real(*args, ids=ids, **kwargs)

    monkeypatch.setattr(engine, "_household_rows", recorded)
    in_parts = engine.evaluate_in_parts(rules=household_rules(), params=params, area_prefix=COUNTY,
                                        store_risk=True, run_apart=inline)
    middle = county_households[3].pk
    assert sorted(ranges, key=lambda r: r[0] or 0) == [(None, middle), (middle, None)]
    assert {"P01", "B06"} <= {f.rule_id for f in whole}
    assert dumped(in_parts) == dumped(whole)
    assert stored_risks() == whole_risks and len(whole_risks) == 6


def test_an_error_in_either_half_is_raised(county_households, monkeypatch):
    params = parameters_for(2025, county=COUNTY)

    def upper_fails(read):
        return inline(lambda: 1 / 0)

    with pytest.raises(ZeroDivisionError):
        engine.evaluate_in_parts(rules=household_rules(), params=params, area_prefix=COUNTY,
                                 store_risk=False, run_apart=upper_fails)
    waited = []

    def lower_fails(*args, ids=None, **kwargs):
        raise RuntimeError("lower half")

    def upper_done_later(read):
        future = futures.Future()
        future.add_done_callback(lambda _: waited.append(True))
        threading.Timer(0.05, lambda: future.set_result([])).start()
        return future

    monkeypatch.setattr(engine, "_household_rows", lower_fails)
    with pytest.raises(RuntimeError, match="lower half"):
        engine.evaluate_in_parts(rules=household_rules(), params=params, area_prefix=COUNTY,
                                 store_risk=False, run_apart=upper_done_later)
    assert waited == [True]  # the other half had ended before the error left


@pytest.mark.django_db(transaction=True)
def test_a_sync_batch_reads_the_household_halves_on_two_connections_on_postgresql(county_households, monkeypatch):
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("one connection on SQLite: the household statement is read whole")
    backends = []
    real = engine._household_rows

    def recorded(*args, **kwargs):
        with connection.cursor() as cursor:  # this thread's connection
            cursor.execute("SELECT pg_backend_pid()")
            backends.append(cursor.fetchone()[0])
        return real(*args, **kwargs)

    monkeypatch.setattr(engine, "_household_rows", recorded)
    batch = services.batch_create(area=Area.objects.get(code=COUNTY), rule_ids=["B06", "P01", "R01"])
    services.batch_run_sync(batch=batch)
    batch = Batch.objects.get(pk=batch.pk)
    assert batch.status == BatchStatus.DONE
    assert len(backends) == 2 and len(set(backends)) == 2
    phone_shared = {county_households[1].pk, county_households[4].pk}
    assert set(Ticket.objects.filter(rule_id="P01").values_list("household_id", flat=True)) == phone_shared
    assert set(Ticket.objects.filter(rule_id="B06").values_list("household_id", flat=True)) == {county_households[0].pk}
    assert RiskScore.objects.count() == 6
