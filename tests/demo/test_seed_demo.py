"""The demo county generator and the seed_demo / set_parameters commands."""

import io
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone

from accounts.models import User
from accounts.roles import Role
from households import id_numbers
from households.areas import load_seed_areas
from households.choices import AreaLevel, Gender, MemberStatus, StudentStatus
from demo.county import DEMO_PASSWORD, DemoError, build_demo_county
from households.models import TRANSFER_PARTS, AnnualIncome, AssistanceMeasure, Area, Household, Member, YearParameters
from households.progress import progress_bar
from monitoring_objects.models import Application, Clue
from tests.builders import make_area, make_household

COUNTY = "340323"  # 固镇县: the smallest seed county, 12 townships
pytestmark = pytest.mark.django_db


def build(**overrides) -> dict:
    return build_demo_county(**{"county_code": COUNTY, "households": 300, "seed": 7, **overrides})


def ages(year: int = 2025):
    return Member.objects.filter(household__village__code__startswith=COUNTY).with_age(year)


def test_load_seed_areas_is_idempotent():
    assert load_seed_areas() == 79
    assert load_seed_areas() == 79
    assert Area.objects.filter(level=AreaLevel.COUNTY).count() == 4
    assert Area.objects.filter(level=AreaLevel.TOWNSHIP).count() == 75
    assert Area.objects.get(code="360732101").parent_id == "360732"


def test_ids_agree_with_birth_date_and_gender_except_where_planted():
    counts = build()
    mismatches = 0
    for member in Member.objects.filter(id_valid=True):
        born_ok = id_numbers.birth_date(member.id_number) == member.birth_date
        gender_ok = id_numbers.is_male(member.id_number) == (member.gender == Gender.MALE)
        mismatches += (not born_ok) + (not gender_ok)
    planted = counts["defects"]["B03"] + counts["defects"]["B04"]
    assert planted > 0
    assert mismatches == planted


def test_invalid_ids_are_exactly_the_planted_b01():
    counts = build()
    assert Member.objects.filter(id_valid=False).count() == counts["defects"]["B01"] > 0


def test_village_codes_extend_their_townships():
    counts = build()
    townships = Area.objects.filter(parent_id=COUNTY, level=AreaLevel.TOWNSHIP)
    assert counts["townships"] == townships.count() == 12
    for township in townships:
        villages = list(Area.objects.filter(parent=township))
        assert 3 <= len(villages) <= 8
        for village in villages:
            assert village.level == AreaLevel.VILLAGE
            assert len(village.code) == 12 and village.code.startswith(township.code)
    assert counts["villages"] == Area.objects.filter(level=AreaLevel.VILLAGE).count()


def test_household_numbers_are_village_code_and_sequence():
    counts = build()
    numbers = list(Household.objects.values_list("number", "village_id"))
    assert len(numbers) == counts["households"] == 300
    for number, village in numbers:
        assert len(number) == 16 and number.startswith(village) and number[12:].isdigit()


def test_same_seed_rebuilds_the_same_county():
    build()
    first = (
        list(Household.objects.order_by("number").values_list("number", flat=True)),
        list(Member.objects.order_by("id_number").values_list("id_number", flat=True)),
    )
    build(replace=True)
    again = (
        list(Household.objects.order_by("number").values_list("number", flat=True)),
        list(Member.objects.order_by("id_number").values_list("id_number", flat=True)),
    )
    assert again == first


def test_another_seed_gives_other_people():
    build()
    first = set(Member.objects.values_list("id_number", flat=True))
    build(seed=8, replace=True)
    assert set(Member.objects.values_list("id_number", flat=True)) != first


def test_refuses_a_county_that_already_has_households():
    build(households=20)
    with pytest.raises(DemoError, match="--replace"):
        build(households=20)


def test_refuses_an_unknown_county():
    with pytest.raises(DemoError, match="999999"):
        build(county_code="999999")


def test_school_age_children_are_at_school_except_planted_m01():
    counts = build()
    out_of_school = ages().filter(
        status=MemberStatus.NORMAL,
        age__gte=7,
        age__lte=15,
        student_status__in=[StudentStatus.NOT_STUDENT, StudentStatus.PRESCHOOL],
    )
    assert out_of_school.count() == counts["defects"]["M01"]


def test_transfer_parts_add_up_except_planted_i11():
    counts = build()
    wrong = 0
    for income in AnnualIncome.objects.all():
        parts = sum((getattr(income, part) for part in TRANSFER_PARTS), Decimal("0"))
        wrong += parts != income.transfer_total
        assert income.transfer_total >= 0 and income.wage >= 0
    assert wrong == counts["defects"]["I11"]
    missing = Household.objects.exclude(incomes__year=2025).count()
    assert missing == counts["defects"]["I14"]


def test_incomes_cover_four_years():
    build(households=40)
    assert set(AnnualIncome.objects.values_list("year", flat=True)) == {2022, 2023, 2024, 2025}


def test_year_parameters_are_seeded_with_2025_current():
    build(households=20)
    lines = dict(YearParameters.objects.filter(county=COUNTY).values_list("year", "monitoring_line"))
    assert lines == {2021: 6000, 2022: 6500, 2023: 6900, 2024: 7300, 2025: 7600}
    assert YearParameters.current(COUNTY).year == 2025
    assert set(YearParameters.objects.values_list("county", flat=True)) == {COUNTY}  # no other county's lines


def test_seed_demo_prints_counts_defects_and_accounts():
    out = io.StringIO()
    call_command("seed_demo", households=40, county=COUNTY, stdout=out)
    text = out.getvalue()
    assert "户 40" in text
    assert "埋设的问题数据" in text
    for username in ("clerk", "reviewer", "county", "inspector"):
        assert username in text
    assert DEMO_PASSWORD in text
    clerk = User.objects.get(username="clerk")
    assert clerk.role == Role.VILLAGE_CLERK and len(clerk.area_id) == 12
    assert clerk.check_password(DEMO_PASSWORD) and clerk.first_name
    assert User.objects.get(username="county").area_id == COUNTY
    # A rerun with --replace keeps the same accounts.
    call_command("seed_demo", households=40, county=COUNTY, replace=True, stdout=io.StringIO())
    assert (
        User.objects.filter(username__in=["clerk", "reviewer", "county", "inspector"]).count() == 4
    )


@pytest.mark.parametrize(
    "options, message",
    [
        ({"households": 0}, "--households"),
        ({"county": "999999"}, "999999"),
    ],
)
def test_seed_demo_refuses_bad_input(options, message):
    with pytest.raises(CommandError, match=message):
        call_command("seed_demo", **{"county": COUNTY, **options}, stdout=io.StringIO())


def test_seed_demo_refuses_a_seeded_county_without_replace():
    call_command("seed_demo", households=10, county=COUNTY, stdout=io.StringIO())
    with pytest.raises(CommandError, match="--replace"):
        call_command("seed_demo", households=10, county=COUNTY, stdout=io.StringIO())


@pytest.fixture
def one_county():
    return make_area(COUNTY, "固镇县")


def test_set_parameters_creates_a_year_and_makes_it_current(one_county):
    YearParameters.objects.create(county=COUNTY, year=2025, monitoring_line=Decimal("7600"), is_current=True)
    out = io.StringIO()
    call_command("set_parameters", year=2026, monitoring_line="7900", current=True, stdout=out)
    assert "2026" in out.getvalue()
    new = YearParameters.objects.get(year=2026)
    assert new.monitoring_line == Decimal("7900.00") and new.attention_line == Decimal("10000")
    assert list(YearParameters.objects.filter(is_current=True).values_list("year", flat=True)) == [
        2026
    ]

    call_command(
        "set_parameters", year=2025, attention_line="12000.50", current=True, stdout=io.StringIO()
    )
    old = YearParameters.objects.get(year=2025)
    assert (
        old.is_current
        and old.monitoring_line == Decimal("7600")
        and old.attention_line == Decimal("12000.50")
    )
    assert not YearParameters.objects.get(year=2026).is_current


def test_set_parameters_refuses_a_new_year_without_a_line(one_county):
    with pytest.raises(CommandError, match="--monitoring-line"):
        call_command("set_parameters", year=2030, stdout=io.StringIO())
    assert not YearParameters.objects.filter(year=2030).exists()


@pytest.mark.parametrize("value", ["-1", "abc", "NaN", "12.345", "1e20"])
def test_set_parameters_refuses_bad_amounts(one_county, value):
    with pytest.raises(CommandError, match="non-negative amount"):
        call_command("set_parameters", year=2030, monitoring_line=value, stdout=io.StringIO())


class FakeTerminal(io.StringIO):
    def isatty(self):
        return True


def test_progress_bar_draws_in_a_terminal_and_is_silent_elsewhere():
    terminal = FakeTerminal()
    advance = progress_bar(4, terminal, "生成")
    advance(2)
    advance(2)
    assert "50% 2/4" in terminal.getvalue() and terminal.getvalue().endswith("100% 4/4\n")

    pipe = io.StringIO()
    advance = progress_bar(4, pipe, "生成")
    advance(4)
    assert pipe.getvalue() == ""


def test_set_parameters_sets_the_lines_of_the_county_named_and_no_other():
    make_area(COUNTY, "固镇县")
    make_household("230381100201")  # a second county, known only from its households
    YearParameters.objects.create(county="230381", year=2025, monitoring_line=Decimal("7600"), is_current=True)
    with pytest.raises(CommandError, match="--county"):
        call_command("set_parameters", year=2025, monitoring_line="8000", current=True, stdout=io.StringIO())
    call_command("set_parameters", year=2025, monitoring_line="8000", current=True, county=COUNTY,
                 stdout=io.StringIO())
    assert YearParameters.current(COUNTY).monitoring_line == Decimal("8000")
    assert YearParameters.current("230381").monitoring_line == Decimal("7600")
    with pytest.raises(CommandError, match="unknown county"):
        call_command("set_parameters", year=2025, monitoring_line="8000", county="999999", stdout=io.StringIO())


def test_set_parameters_without_a_county_refuses_an_empty_database():
    with pytest.raises(CommandError, match="no county"):
        call_command("set_parameters", year=2025, monitoring_line="8000", stdout=io.StringIO())


def test_a_small_demo_county_seeds_even_when_a_department_list_finds_nobody():
    # 20 households of 兴国县 (seed 1) hold no disabled member: the 残联 list stays empty.
    out = io.StringIO()
    call_command("seed_demo", households=20, county="360732", stdout=out)
    assert "户 20" in out.getvalue()


def test_seed_demo_gives_the_procedure_something_to_work_on_and_replaces_it():
    out = io.StringIO()
    call_command("seed_demo", households=600, county=COUNTY, stdout=out)
    assert "预警线索 4 条" in out.getvalue()
    clerk = User.objects.get(username="clerk")
    assert Clue.objects.filter(village=clerk.area).count() == 4
    assert Clue.objects.filter(status="declined").exclude(answer="").count() == 1
    assert Clue.objects.filter(status="open", deadline__lt=timezone.localdate()).count() == 1
    assert Application.objects.filter(status="pending_county").count() == 1
    monitored = Household.objects.exclude(monitoring_type="")
    assert not monitored.filter(identification_source="").exists()
    assert not monitored.filter(risk_status="eliminated", elimination_method="").exists()
    assert not AssistanceMeasure.objects.filter(nature="").exists()
    assert set(AssistanceMeasure.objects.filter(measure_type="safety_net").values_list("nature", flat=True)) <= {
        "safety_net"}
    call_command("seed_demo", households=600, county=COUNTY, replace=True, stdout=io.StringIO())
    assert Clue.objects.count() == 4 and Application.objects.count() == 2
