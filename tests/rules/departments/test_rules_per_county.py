"""The D rules read, for a county, the newest list of a source that is its own or shared by all counties."""

import pytest

from households.choices import Employment
from rules import registry
from rules.engine import evaluate
from rules.models import DepartmentBatch, DepartmentSource
from rules.parameters import parameters_for
from tests.builders import make_household, make_member
from tests.rules.builders import make_list

pytestmark = pytest.mark.django_db

HERE, THERE = "230381", "340323"


@pytest.fixture
def not_working(world):
    """A member registered as not working in each county: D08 fires when a list has them."""
    def person(village, name):
        return make_member(make_household(village, members=0), name=name, employment=Employment.NONE)
    return {HERE: person(world.home.village_id, "本县人"), THERE: person(world.other_county.village_id, "外县人")}


def d08(county: str) -> set[str]:
    findings = evaluate(rules=[registry.get("D08")], params=parameters_for(2025, county=county), area_prefix=county)
    from households.models import Member
    return set(Member.objects.filter(pk__in=[f.member_id for f in findings]).values_list("name", flat=True))


def ids(not_working):
    return [member.id_number for member in not_working.values()]


def test_a_shared_list_applies_in_every_county_as_before(not_working):
    make_list(DepartmentSource.EMPLOYMENT, ids(not_working))
    assert d08(HERE) == {"本县人"} and d08(THERE) == {"外县人"}


def test_a_countys_own_list_applies_only_there(not_working):
    make_list(DepartmentSource.EMPLOYMENT, ids(not_working), county=THERE)
    assert d08(HERE) == set() and d08(THERE) == {"外县人"}


def test_another_countys_newer_list_does_not_hide_the_shared_one(not_working):
    make_list(DepartmentSource.EMPLOYMENT, ids(not_working))
    make_list(DepartmentSource.EMPLOYMENT, [], county=THERE)
    assert d08(HERE) == {"本县人"} and d08(THERE) == set()


def test_a_countys_newer_own_list_replaces_the_shared_one_there(not_working):
    make_list(DepartmentSource.EMPLOYMENT, ids(not_working))
    make_list(DepartmentSource.EMPLOYMENT, [not_working[THERE].id_number], county=HERE)
    assert d08(HERE) == set() and d08(THERE) == {"外县人"}


def test_a_newer_shared_list_replaces_a_countys_own_one(not_working):
    make_list(DepartmentSource.EMPLOYMENT, [], county=HERE)
    make_list(DepartmentSource.EMPLOYMENT, ids(not_working))
    assert d08(HERE) == {"本县人"}


def test_newest_ids_without_a_county_reads_every_batch_as_before(not_working):
    shared = make_list(DepartmentSource.EMPLOYMENT, [])
    there = make_list(DepartmentSource.EMPLOYMENT, [], county=THERE)
    assert DepartmentBatch.newest_ids(2025) == {DepartmentSource.EMPLOYMENT: there.pk}
    assert DepartmentBatch.newest_ids(2025, HERE) == {DepartmentSource.EMPLOYMENT: shared.pk}
