"""ID numbers are stored one way: ASCII, no spaces, an upper-case X, whichever path wrote them."""

import importlib

import pytest
from django.apps import apps

from households import id_numbers
from households.changes.models import ChangeKind
from households.workbook.importer import registry_import
from households.models import ChangeRequest, Member
from tests.builders import make_member
from tests.households.workbook.workbooks import sample_rows, write_workbook

pytestmark = pytest.mark.django_db
NUMBER = "11010519491231002X"


@pytest.mark.parametrize("typed", ["11010519491231002x", " 110105 19491231002X ", "１１０１０５１９４９１２３１００２ｘ",
                                   "11010519491231002\u200bx"])
def test_it_folds_what_people_type_into_the_one_stored_form(typed):
    assert id_numbers.normalise(typed) == NUMBER


def test_it_leaves_a_wrong_number_wrong():
    assert id_numbers.normalise("1101051949123100") == "1101051949123100"
    assert id_numbers.normalise(None) == ""


def test_a_member_saved_with_a_lowercase_x_is_stored_upper_case_and_valid(world):
    member = make_member(world.home, id_number="11010519491231002x")
    member.refresh_from_db()
    assert (member.id_number, member.id_valid) == (NUMBER, True)


def test_an_import_matches_a_member_whose_number_is_typed_with_a_lowercase_x(tmp_path):
    registry_import(path=write_workbook(tmp_path / "a.xlsx"))
    rows = sample_rows()
    rows["家庭成员"][2]["id_number"] = rows["家庭成员"][2]["id_number"].lower()  # 23038119601301001x
    result = registry_import(path=write_workbook(tmp_path / "b.xlsx", rows))
    assert result.ok and result.changes == 0
    assert Member.objects.filter(name="赵田").get().id_number == "23038119601301001X"


migration = importlib.import_module("households.migrations.0009_normalise_stored_id_numbers")


def test_the_migration_normalises_stored_members_and_pending_change_requests(world):
    member = make_member(world.home, name="旧数据")
    Member.objects.filter(pk=member.pk).update(id_number="１1010519491231002x", id_valid=False)  # as stored before
    untouched = list(Member.objects.exclude(pk=member.pk).values_list("pk", "id_number", "id_valid"))
    change = ChangeRequest.objects.create(
        household=world.home, village=world.home.village, kind=ChangeKind.MEMBER_EDIT, status="pending_township",
        review_level="township", member=member, requested_by=world.clerk,
        changes={"id_number": ["１1010519491231002x", "11010519491231002x"], "name": ["旧数据", "新名"]},
    )
    migration.normalise_members(apps, None)
    migration.normalise_change_requests(apps, None)
    member.refresh_from_db()
    change.refresh_from_db()
    assert (member.id_number, member.id_valid) == (NUMBER, True)
    assert change.changes == {"id_number": [NUMBER, NUMBER], "name": ["旧数据", "新名"]}
    assert list(Member.objects.exclude(pk=member.pk).values_list("pk", "id_number", "id_valid")) == untouched


def test_the_member_form_cleans_a_typed_number_into_the_one_form(world):
    from tests.households.changes.test_member_change_requests import form_data, son_of
    from households.changes.member_forms import MemberForm

    member = son_of(world)
    typed = member.id_number[:6] + " " + member.id_number[6:].replace("X", "x").translate(
        str.maketrans("0123456789", "０１２３４５６７８９"))
    form = MemberForm(form_data(member, id_number=typed))
    form.is_valid()
    assert form.cleaned_data["id_number"] == member.id_number


def test_an_approved_change_request_stores_the_one_form(world):
    from households.changes import services as change_services

    member = make_member(world.home, name="待改", id_number="110105194912310021")
    change = change_services.change_submit(user=world.county_staff, kind=ChangeKind.MEMBER_EDIT,
                                           household=world.home, member=member,
                                           data={"id_number": "11010519491231002x"})
    if change.is_pending:
        change_services.change_request_approve(change=change, reviewer=world.county_staff)
    member.refresh_from_db()
    assert (member.id_number, member.id_valid) == (NUMBER, True)
