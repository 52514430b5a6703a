"""S01–S06, risk types against the measures (风险类型与帮扶措施): measures of the year Y (2025) only."""

import datetime

import pytest

from households.choices import LabourAbility, MeasureType, MonitoringType, RiskStatus, RiskType
from households.models import AssistanceMeasure
from tests.builders import make_household, make_member

pytestmark = pytest.mark.django_db

MONITORED = {"monitoring_type": MonitoringType.MARGINAL, "included_on": datetime.date(2024, 6, 1)}
UNRESOLVED = {**MONITORED, "risk_status": RiskStatus.UNRESOLVED}
ELIMINATED = {**MONITORED, "risk_status": RiskStatus.ELIMINATED, "eliminated_on": datetime.date(2025, 1, 1)}
NOT_UNRESOLVED = [ELIMINATED, {}, {"risk_status": RiskStatus.UNRESOLVED}, {**MONITORED, "risk_status": ""}]
REMOVED = {"removed_on": datetime.date(2025, 3, 1)}


def household(village, risks, *, status=UNRESOLVED, measures=(), other_year=(), labour=LabourAbility.WEAK,
              **fields):
    """A household of one member with the given risk types, measures of 2025 and of 2024."""
    home = make_household(village, members=0, risk_types=list(risks), **{**status, **fields})
    make_member(home, labour_ability=labour)
    for kind in measures:
        AssistanceMeasure.objects.create(household=home, year=2025, measure_type=kind, content="措施")
    for kind in other_year:
        AssistanceMeasure.objects.create(household=home, year=2024, measure_type=kind, content="措施")
    return home


# (rule, risk type, the measure types that answer it)
CASES = [
    ("S01", RiskType.ILLNESS, [MeasureType.HEALTH, MeasureType.SAFETY_NET]),
    ("S02", RiskType.SCHOOLING, [MeasureType.EDUCATION]),
    ("S03", RiskType.HOUSING, [MeasureType.HOUSING]),
    ("S04", RiskType.DRINKING_WATER, [MeasureType.WATER]),
    ("S06", RiskType.DISABILITY, [MeasureType.SAFETY_NET, MeasureType.HEALTH]),
]
ANSWERS = [(rule, risk, answer) for rule, risk, answers in CASES for answer in answers]


@pytest.mark.parametrize(("rule", "risk", "answers"), CASES)
def test_fires_without_any_measure(village, fails, rule, risk, answers):
    home = household(village, [risk])
    assert fails(rule) == {home.number}


@pytest.mark.parametrize(("rule", "risk", "answers"), CASES)
def test_fires_with_only_other_kinds_of_measure(village, fails, rule, risk, answers):
    home = household(village, [risk, RiskType.OTHER], measures=[k for k in MeasureType.values if k not in answers])
    assert fails(rule) == {home.number}


@pytest.mark.parametrize(("rule", "risk", "answer"), ANSWERS)
def test_fires_when_the_answering_measure_is_of_another_year_only(village, fails, rule, risk, answer):
    home = household(village, [risk], other_year=[answer])
    assert fails(rule) == {home.number}


@pytest.mark.parametrize(("rule", "risk", "answer"), ANSWERS)
def test_is_silent_with_the_answering_measure_of_y(village, fails, rule, risk, answer):
    household(village, [risk], measures=[answer])
    assert fails(rule) == set()


@pytest.mark.parametrize(("rule", "risk", "answers"), CASES)
def test_needs_the_risk_type(village, fails, rule, risk, answers):
    household(village, [r for r in RiskType.values if r != risk])
    household(village, [])
    assert fails(rule) == set()


@pytest.mark.parametrize("status", NOT_UNRESOLVED)
@pytest.mark.parametrize(("rule", "risk", "answers"), CASES)
def test_reads_only_unresolved_households(village, fails, rule, risk, answers, status):
    household(village, [risk], status=status)
    household(village, [risk], **REMOVED)
    assert fails(rule) == set()


def test_s01_says_the_risk_types_and_the_measures_of_y(village, message):
    home = household(village, [RiskType.ILLNESS], measures=[MeasureType.EDUCATION, MeasureType.INDUSTRY],
                     other_year=[MeasureType.HEALTH])
    assert message("S01", home) == ["风险类型“因病”，2025 年度帮扶措施“产业帮扶、教育帮扶”中无健康帮扶或兜底保障"]


def test_s02_says_when_there_is_no_measure(village, message):
    home = household(village, [RiskType.SCHOOLING])
    assert message("S02", home) == ["风险类型“因学”，2025 年度帮扶措施“无”中无教育帮扶"]


# S05 有劳动力监测户仅享受兜底保障 ----------------------------------------------

@pytest.mark.parametrize("labour", [LabourAbility.SKILLED, LabourAbility.ORDINARY])
def test_s05_fires_when_every_measure_of_y_is_the_safety_net(village, fails, labour):
    one = household(village, [], labour=labour, measures=[MeasureType.SAFETY_NET])
    two = household(village, [], labour=labour, measures=[MeasureType.SAFETY_NET, MeasureType.SAFETY_NET],
                    other_year=[MeasureType.EMPLOYMENT])
    assert fails("S05") == {one.number, two.number}


def test_s05_is_silent_with_another_measure_of_y_or_none(village, fails):
    household(village, [], labour=LabourAbility.ORDINARY, measures=[MeasureType.SAFETY_NET, MeasureType.EMPLOYMENT])
    household(village, [], labour=LabourAbility.ORDINARY)
    household(village, [], labour=LabourAbility.ORDINARY, other_year=[MeasureType.SAFETY_NET])
    assert fails("S05") == set()


@pytest.mark.parametrize("labour", [LabourAbility.WEAK, LabourAbility.LOST, LabourAbility.NONE, ""])
def test_s05_is_silent_without_an_able_member(village, fails, labour):
    household(village, [], labour=labour, measures=[MeasureType.SAFETY_NET])
    assert fails("S05") == set()


@pytest.mark.parametrize("status", NOT_UNRESOLVED)
def test_s05_reads_only_unresolved_households(village, fails, status):
    household(village, [], status=status, labour=LabourAbility.ORDINARY, measures=[MeasureType.SAFETY_NET])
    assert fails("S05") == set()


def test_s05_reads_an_able_member_among_others(village, fails):
    home = household(village, [], labour=LabourAbility.NONE, measures=[MeasureType.SAFETY_NET])
    make_member(home, relationship="son", labour_ability=LabourAbility.SKILLED)
    assert fails("S05") == {home.number}
