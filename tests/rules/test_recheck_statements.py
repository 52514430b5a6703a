"""The re-check's statements are compiled once per county, rules and parameters, and each
re-check binds its household: what a county's staff change reaches the next re-check."""

import datetime
from decimal import Decimal

import pytest

from audits.models import Resolution, Ticket
from households.choices import MonitoringType, RiskStatus, RiskType
from rules import engine, services
from rules.models import DepartmentSource, RiskScore
from rules.settings_services import parameters_set, rule_enabled_set
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
