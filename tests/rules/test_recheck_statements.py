"""The re-check's statements are compiled once per county, rules and parameters, and each
re-check binds its household: what a county's staff change reaches the next re-check."""

import datetime
import shutil
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.cache import cache
from django.core.cache.backends.locmem import LocMemCache
from django.db import connection

from audits.models import Resolution, Ticket
from households.choices import MonitoringType, RiskStatus, RiskType
from households.models import Area
from rules import engine, services
from rules.models import DepartmentSource, RiskScore
from rules.parameters import parameters_for
from rules.department_import import department_import
from rules.settings_services import parameters_set, rule_enabled_set, year_lines_set
from tests.builders import make_household, make_income, make_member
from tests.rules.builders import make_list

pytestmark = pytest.mark.django_db

COUNTY = "230381"


def eliminated_after(village, days):
    """An eliminated household, its risk eliminated `days` after it was included (R06 reads the span)."""
    included = datetime.date(2024, 11, 15)
    household = make_household(
        village, members=1, monitoring_type=MonitoringType.MARGINAL, risk_status=RiskStatus.ELIMINATED,
        included_on=included, eliminated_on=included + datetime.timedelta(days=days), risk_types=[RiskType.ILLNESS])
    make_income(household, 2025, wage="60000")
    return household


def open_rules(household):
    return set(Ticket.objects.filter(household=household, resolution="").values_list("rule_id", flat=True))


def test_a_changed_parameter_reaches_the_next_recheck(village):
    household = eliminated_after(village, 200)
    services.household_recheck(household_id=household.pk)
    assert "R06" not in open_rules(household)  # 200 days ≥ the default 180

    parameters_set(county=COUNTY, values={"elimination_min_days": Decimal("365")}, user=None)
    services.household_recheck(household_id=household.pk)
    assert "R06" in open_rules(household)

    parameters_set(county=COUNTY, values={"elimination_min_days": Decimal("100")}, user=None)
    services.household_recheck(household_id=household.pk)
    assert "R06" not in open_rules(household)
    assert Ticket.objects.get(household=household, rule_id="R06").resolution == Resolution.SYSTEM


def test_a_changed_weight_reaches_the_next_recheck_s_risk(village):
    household = eliminated_after(village, 200)
    household.housing_safe = False
    household.save()
    services.household_recheck(household_id=household.pk)
    assert RiskScore.objects.get(household=household).risk == Decimal("0.5000")

    parameters_set(county=COUNTY, values={"weight_housing_unsafe": Decimal("0.65")}, user=None)
    services.household_recheck(household_id=household.pk)
    assert RiskScore.objects.get(household=household).risk == Decimal("0.6500")


def test_a_new_department_list_reaches_the_next_recheck(village):
    household = eliminated_after(village, 200)
    listed = make_member(household, name="已注销")
    services.household_recheck(household_id=household.pk)
    assert "D01" not in open_rules(household)

    make_list(DepartmentSource.DEATHS, [listed.id_number])
    services.household_recheck(household_id=household.pk)
    assert Ticket.objects.get(household=household, rule_id="D01").member == listed


def test_a_rule_enabled_again_reaches_the_next_recheck(village):
    household = make_household(village, members=1, phone="")  # B06: no phone
    rule_enabled_set(county=COUNTY, rule_id="B06", enabled=False, user=None)
    services.household_recheck(household_id=household.pk)
    assert "B06" not in open_rules(household)

    rule_enabled_set(county=COUNTY, rule_id="B06", enabled=True, user=None)
    services.household_recheck(household_id=household.pk)
    assert "B06" in open_rules(household)


def test_one_compiled_statement_serves_every_household_of_the_county(village, monkeypatch):
    engine._statements.clear()
    cache.clear()
    built = []
    real = engine.household_facts
    monkeypatch.setattr(engine, "household_facts", lambda *args: built.append(args) or real(*args))
    short, long_enough = eliminated_after(village, 100), eliminated_after(village, 300)
    elsewhere = eliminated_after("230381101201", 100)  # another township's village, the same county

    for household in (short, long_enough, elsewhere):
        services.household_recheck(household_id=household.pk)

    assert len(built) == 1  # compiled once, for a stand-in id
    assert set(Ticket.objects.filter(rule_id="R06").values_list("household", flat=True)) == {short.pk, elsewhere.pk}


def test_a_recheck_reads_the_same_records_as_a_batch(village):
    """The compiled statements, their household bound, find what the batch's statements find."""
    households = [eliminated_after(village, days) for days in (10, 179, 180, 400)]
    make_member(households[0], id_number="11010519491231002Y")  # B01
    households.append(make_household(village, members=2, phone=""))
    from rules.parameters import parameters_for

    params = parameters_for(2025, county=COUNTY)
    rules = services.enabled_rules(county=COUNTY)
    batch = {f.key: (f.message, f.facts) for f in engine.evaluate(rules=rules, params=params, area_prefix=COUNTY)}
    rechecked = {}
    for household in households:
        findings, _risk, _factors = engine.evaluate_household(rules=rules, params=params, household_id=household.pk,
                                                              area_prefix=COUNTY)
        rechecked.update({f.key: (f.message, f.facts) for f in findings})
    assert rechecked == batch and len(batch) > 5


# --- compiled ahead: after a batch, after a settings change, shared between processes --------


@pytest.fixture
def compiled(monkeypatch):
    """The statements compiled from here on (each re-check compiles two when it compiles), with
    nothing compiled yet in this process or in the shared cache (a cache of the test's own, in
    memory, whichever cache the settings name: the tests below read and damage its entries)."""
    engine._statements.clear()
    shared = LocMemCache("recheck-statements-test", {})
    shared.clear()  # locmem caches of one name share their entries across instances
    monkeypatch.setattr(engine, "shared_cache", shared)
    compiles = []
    real = engine.OneHouseholdStatement._compile
    monkeypatch.setattr(engine.OneHouseholdStatement, "_compile",
                        staticmethod(lambda rows: compiles.append(rows) or real(rows)))
    return compiles


def findings_of(household):
    params = parameters_for(2025, county=COUNTY)
    findings, risk, factors = engine.evaluate_household(
        rules=services.enabled_rules(county=COUNTY), params=params, household_id=household.pk, area_prefix=COUNTY)
    return sorted((f.key, f.message, str(f.facts)) for f in findings), risk, factors


def test_a_recheck_after_a_batch_compiles_nothing(village, compiled):
    household = eliminated_after(village, 100)
    services.batch_run_sync(batch=services.batch_create(area=Area.objects.get(code=COUNTY)))
    assert len(compiled) == 2  # the batch compiled the re-check's two statements when it ended
    compiled.clear()

    services.household_recheck(household_id=household.pk)
    assert compiled == [] and "R06" in open_rules(household)


@pytest.mark.parametrize("change", ["parameter", "rule", "year lines", "department list"])
def test_a_settings_change_compiles_the_next_recheck_s_statements(village, compiled, change, tmp_path,
                                                                  django_capture_on_commit_callbacks):
    household = eliminated_after(village, 200)
    household.phone = ""  # B06
    household.save()
    listed = make_member(household, name="已注销")
    rule_enabled_set(county=COUNTY, rule_id="B06", enabled=False, user=None)  # its on_commit never runs
    services.household_recheck(household_id=household.pk)
    assert not {"R06", "B06", "I01", "D01"} & open_rules(household)
    compiled.clear()

    with django_capture_on_commit_callbacks(execute=True):
        if change == "parameter":
            parameters_set(county=COUNTY, values={"elimination_min_days": Decimal("365")}, user=None)
        elif change == "rule":
            rule_enabled_set(county=COUNTY, rule_id="B06", enabled=True, user=None)
        elif change == "year lines":
            year_lines_set(county=COUNTY, year=2025, monitoring_line=Decimal("70000"),
                           attention_line=Decimal("80000"), user=None)
        else:
            deaths = tmp_path / "deaths.csv"
            deaths.write_text(f"证件号码,姓名,注销日期\n{listed.id_number},已注销,2025-01-02\n", encoding="utf-8")
            department_import(source=DepartmentSource.DEATHS, path=deaths, year=2025, county=COUNTY)
    assert len(compiled) == 2  # compiled once the change committed
    compiled.clear()

    services.household_recheck(household_id=household.pk)
    assert compiled == []
    expected = {"parameter": "R06", "rule": "B06", "year lines": "I01", "department list": "D01"}[change]
    assert expected in open_rules(household)


def test_another_process_reads_the_statements_from_the_shared_cache_on_postgresql(village, compiled):
    households = [eliminated_after(village, days) for days in (100, 300)]
    make_member(households[0], id_number="11010519491231002Y")  # B01
    first_process = [findings_of(household) for household in households]
    assert len(compiled) == 2

    engine._statements.clear()  # another process: nothing compiled in it yet
    compiled.clear()
    assert [findings_of(household) for household in households] == first_process
    # SQLite keeps its statements in the process only
    assert len(compiled) == (0 if connection.vendor == "postgresql" else 2)
    assert any("B01" in str(findings) for findings in first_process[0][0])


def test_a_changed_code_fingerprint_finds_nothing_shared(village, compiled, monkeypatch):
    household = eliminated_after(village, 100)
    first_process = findings_of(household)
    engine._statements.clear()
    compiled.clear()
    monkeypatch.setattr(engine, "code_fingerprint", lambda: "another version of the code")

    assert findings_of(household) == first_process
    assert len(compiled) == 2


def test_the_code_fingerprint_changes_with_the_catalog_s_source(tmp_path):
    root = Path(engine.__file__).resolve().parent.parent
    for source in engine._SQL_SOURCES:
        if (root / source).is_dir():
            shutil.copytree(root / source, tmp_path / source, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            (tmp_path / source).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy(root / source, tmp_path / source)
    assert engine.sources_fingerprint(tmp_path) == engine.code_fingerprint()

    with open(tmp_path / "rules" / "catalog" / "basic.py", "a", encoding="utf-8") as catalog:
        catalog.write("# another version\n")
    assert engine.sources_fingerprint(tmp_path) != engine.code_fingerprint()


@pytest.mark.parametrize("damage", ["truncated", "another form"])
def test_a_shared_entry_that_cannot_be_used_is_compiled_instead(village, compiled, damage):
    household = eliminated_after(village, 100)
    first_process = findings_of(household)
    if connection.vendor != "postgresql":
        pytest.skip("SQLite shares nothing")
    shared = engine.shared_cache
    (shared_key,) = [key for key in shared._cache if "recheck-sql:" in key]
    if damage == "truncated":
        shared._cache[shared_key] = shared._cache[shared_key][:100]
    else:
        shared.set(shared_key.split(":", 2)[2], {"household": (("SELECT 1", ["pk"]),), "member": None})
    engine._statements.clear()
    compiled.clear()
    assert findings_of(household) == first_process and len(compiled) == 2
