"""Edit forms show ID numbers and phones masked: the mask left as it is keeps the value, a new
value is typed in full, and the old one is seen only through the logged reveal."""

import datetime
import re

import pytest
from django.urls import reverse

from trail.models import AuditAction, AuditEvent
from households.changes import services
from households import id_numbers
from households.changes.models import ChangeKind, ChangeRequest, ChangeStatus
from households.choices import Gender, JoinReason, Relationship
from households.changes.member_forms import MemberForm
from households.models import Member

pytestmark = pytest.mark.django_db

HOUSEHOLD_FORM = {
    "natural_village": "", "address": "", "phone": "138****8000", "longitude": "", "latitude": "",
    "housing_safe": "true", "water_safe": "true", "helper_name": "李帮扶", "helper_phone": "135****4321",
    "helper_employer": "", "note": "入户核实",
}
HELPER_PHONE = "13566664321"
TOKENS = re.compile(r'(csrfmiddlewaretoken" value=|X-CSRFToken": )"[^"]*"')


def as_user(client, user):
    client.force_login(user)
    return client


def page_of(response) -> str:
    assert response.status_code in (200, 400), response.status_code
    return TOKENS.sub("", response.content.decode())


@pytest.fixture
def home(world):
    world.home.helper_name, world.home.helper_phone = "李帮扶", HELPER_PHONE
    world.home.save()
    return world.home


def son_of(household) -> Member:
    return household.members.filter(relationship=Relationship.SON).last()


def member_data(member: Member, **overrides) -> dict:
    data = {name: getattr(member, name) for name in MemberForm.names}
    data["public_welfare_job"] = "unknown"
    data["id_number"] = id_numbers.mask(member.id_number)
    data = {name: ("" if value is None else value) for name, value in data.items()}
    return {**data, **overrides}


def reveal_forms(page: str) -> list[tuple[str, dict]]:
    """(action, hidden fields) of each reveal form on the page."""
    found = []
    for action, body in re.findall(r'<form method="post" action="([^"]+)" id="reveal-form-[^"]+"[^>]*>(.*?)</form>',
                                   page, re.S):
        fields = dict(re.findall(r'name="(\w+)" value="([^"]*)"', body))
        fields.pop("csrfmiddlewaretoken", None)
        found.append((action, fields))
    return found


# --- the household form ----------------------------------------------------------------------

def test_the_household_form_shows_the_phones_masked(client, world, home):
    page = page_of(as_user(client, world.clerk).get(reverse("household_change_new", args=[home.number])))
    assert home.phone not in page and HELPER_PHONE not in page
    assert 'value="138****8000"' in page and 'value="135****4321"' in page


def test_the_household_form_left_masked_changes_nothing_but_what_was_typed(client, world, home):
    url = reverse("household_change_new", args=[home.number])
    as_user(client, world.clerk).post(url, {**HOUSEHOLD_FORM, "address": "金湾村3组12号"})
    change = ChangeRequest.objects.get()
    assert change.changes == {"address": ["", "金湾村3组12号"]}


def test_the_household_form_left_as_it_was_records_no_change(client, world, home):
    url = reverse("household_change_new", args=[home.number])
    page = page_of(as_user(client, world.clerk).post(url, HOUSEHOLD_FORM))
    assert services.NOTHING_CHANGED in page
    assert not ChangeRequest.objects.exists()
    assert home.phone not in page and HELPER_PHONE not in page  # the form shown again is masked too


def test_a_new_phone_is_typed_in_full_and_checked_as_before(client, world, home):
    url = reverse("household_change_new", args=[home.number])
    client = as_user(client, world.clerk)
    page = page_of(client.post(url, {**HOUSEHOLD_FORM, "phone": "138****8001"}))
    assert "请填写数字电话号码" in page and not ChangeRequest.objects.exists()
    client.post(url, {**HOUSEHOLD_FORM, "phone": "13912345678"})
    assert ChangeRequest.objects.get().changes == {"phone": ["13800138000", "13912345678"]}


def test_the_household_forms_reveal_is_the_pages_logged_reveal(client, world, home):
    client = as_user(client, world.clerk)
    page = page_of(client.get(reverse("household_change_new", args=[home.number])))
    targets = reveal_forms(page)
    assert (reverse("household_reveal", args=[home.number]), {"field": "phone"}) in targets
    assert 'form="reveal-form-household-phone"' in page and 'id="reveal-household-phone"' in page
    response = client.post(reverse("household_reveal", args=[home.number]), {"field": "helper_phone"},
                           HTTP_HX_REQUEST="true")
    assert HELPER_PHONE in response.content.decode() and 'id="reveal-household-helper_phone"' in response.content.decode()
    event = AuditEvent.objects.get(action=AuditAction.REVEAL)
    assert (event.actor, event.household_number, event.detail["field"]) == (world.clerk, home.number, "helper_phone")


# --- the member form -------------------------------------------------------------------------

def test_the_member_form_shows_the_id_masked(client, world, home):
    son = son_of(home)
    page = page_of(as_user(client, world.clerk).get(reverse("member_change_new", args=[home.number, son.pk])))
    assert son.id_number not in page and son.id_number[-4:] not in page
    assert f'value="{id_numbers.mask(son.id_number)}"' in page
    assert (reverse("household_reveal", args=[home.number]), {"field": "id_number", "member": str(son.pk)}) \
        in reveal_forms(page)


def test_the_member_form_left_masked_keeps_the_id(client, world, home):
    son = son_of(home)
    url = reverse("member_change_new", args=[home.number, son.pk])
    as_user(client, world.clerk).post(url, member_data(son, months_worked=6))
    assert ChangeRequest.objects.get().changes == {"months_worked": ["0", "6"]}


def test_a_new_id_is_typed_in_full(client, world, home):
    son = son_of(home)
    new = id_numbers.make(home.village_id[:6], son.birth_date, 777)
    url = reverse("member_change_new", args=[home.number, son.pk])
    client = as_user(client, world.clerk)
    page = page_of(client.post(url, member_data(son, id_number=id_numbers.mask(son.id_number)[:-1] + "1")))
    assert "证件号码" in page and not ChangeRequest.objects.exists()  # an edited mask is no number
    client.post(url, member_data(son, id_number=new))
    assert ChangeRequest.objects.get().changes == {"id_number": [son.id_number, new]}


def test_the_member_form_shown_again_with_an_error_stays_masked(client, world, home):
    son = son_of(home)
    url = reverse("member_change_new", args=[home.number, son.pk])
    page = page_of(as_user(client, world.clerk).post(url, member_data(son, months_worked=13)))
    assert "务工时间" in page and son.id_number not in page


# --- a returned request's revise form ----------------------------------------------------------

def returned(change: ChangeRequest, world) -> ChangeRequest:
    services.change_request_return(change=change, reviewer=world.reviewer, reason="请核实")
    change.refresh_from_db()
    return change


def test_the_revise_form_of_a_household_request_shows_the_proposed_phone_masked(client, world, home):
    change = returned(services.change_request_submit(user=world.clerk, household=home,
                                                     data={"phone": "13912345678"}), world)
    client = as_user(client, world.clerk)
    url = reverse("change_resubmit", args=[change.pk])
    page = page_of(client.get(url))
    assert "13912345678" not in page and home.phone not in page and HELPER_PHONE not in page
    assert 'value="139****5678"' in page
    targets = reveal_forms(page)
    assert (reverse("change_reveal", args=[change.pk]), {"field": "phone", "which": "new"}) in targets
    assert (reverse("household_reveal", args=[home.number]), {"field": "helper_phone"}) in targets
    client.post(url, {**HOUSEHOLD_FORM, "phone": "139****5678", "address": "金湾村3组12号"})
    change.refresh_from_db()
    assert change.status == ChangeStatus.PENDING_TOWNSHIP
    assert change.changes == {"phone": ["13800138000", "13912345678"], "address": ["", "金湾村3组12号"]}


def test_the_revise_forms_reveal_of_a_proposed_value_is_logged(client, world, home):
    change = returned(services.change_request_submit(user=world.clerk, household=home,
                                                     data={"phone": "13912345678"}), world)
    response = as_user(client, world.clerk).post(reverse("change_reveal", args=[change.pk]),
                                                 {"field": "phone", "which": "new"}, HTTP_HX_REQUEST="true")
    assert "13912345678" in response.content.decode()
    assert 'id="reveal-change-phone-new"' in response.content.decode()
    event = AuditEvent.objects.get(action=AuditAction.REVEAL)
    assert (event.actor, event.detail) == (world.clerk, {"field": "phone", "change_request": change.pk, "which": "new"})


def test_the_revise_form_of_a_new_member_shows_the_proposed_id_masked_and_keeps_it(client, world, home):
    born = datetime.date(2025, 3, 2)
    number = id_numbers.make(home.village_id[:6], born, 2)
    data = {"name": "王小宝", "gender": Gender.FEMALE, "birth_date": born.isoformat(), "id_number": number,
            "relationship": Relationship.GRANDDAUGHTER, "join_reason": JoinReason.BIRTH, "joined_on": "2025-04-01",
            "public_welfare_job": "unknown", "note": "出生"}
    client = as_user(client, world.clerk)
    client.post(reverse("member_add_new", args=[home.number]), data)
    change = returned(ChangeRequest.objects.get(kind=ChangeKind.MEMBER_ADD), world)
    url = reverse("change_resubmit", args=[change.pk])
    page = page_of(client.get(url))
    assert number not in page and number[-4:] not in page
    assert f'value="{id_numbers.mask(number)}"' in page
    assert (reverse("change_reveal", args=[change.pk]), {"field": "id_number", "which": "new"}) in reveal_forms(page)
    client.post(url, {**data, "id_number": id_numbers.mask(number), "name": "王小贝"})
    change.refresh_from_db()
    assert change.status == ChangeStatus.PENDING_TOWNSHIP
    assert (change.changes["name"], change.changes["id_number"]) == ([None, "王小贝"], [None, number])


def test_the_revise_form_of_a_member_edit_keeps_the_live_id_masked(client, world, home):
    son = son_of(home)
    change = returned(services.change_submit(user=world.clerk, kind=ChangeKind.MEMBER_EDIT, household=home,
                                             member=son, data={"months_worked": 6}), world)
    page = page_of(as_user(client, world.clerk).get(reverse("change_resubmit", args=[change.pk])))
    assert son.id_number not in page and f'value="{id_numbers.mask(son.id_number)}"' in page
    assert (reverse("household_reveal", args=[home.number]), {"field": "id_number", "member": str(son.pk)}) \
        in reveal_forms(page)


def test_a_user_who_may_not_reveal_gets_no_button(rf, world, home):
    from django.template import Context, Template

    form = MemberForm(initial={"id_number": son_of(home).id_number}, user=world.clerk)
    request = rf.get("/")
    request.user = world.no_role
    html = Template("{% load masked_inputs %}{% masked_field_reveal form 'id_number' %}{% masked_reveal_forms form %}") \
        .render(Context({"form": form, "household": home, "member": son_of(home), "request": request}))
    assert "已隐藏" in html and "显示" not in html and "<form" not in html


def test_a_kept_id_with_a_wrong_check_character_is_warned_of_without_naming_the_right_one(client, world, home):
    son = son_of(home)
    wrong = son.id_number[:17] + ("0" if son.id_number[17] != "0" else "1")
    Member.objects.filter(pk=son.pk).update(id_number=wrong)
    son.refresh_from_db()
    url = reverse("member_change_new", args=[home.number, son.pk])
    page = page_of(as_user(client, world.clerk).post(url, member_data(son, months_worked=6)))
    assert id_numbers.CHECK_WRONG in page and "校验码应为" not in page and wrong not in page
    as_user(client, world.clerk).post(url, member_data(son, months_worked=6, confirm_warnings="on"))
    assert ChangeRequest.objects.get().changes == {"months_worked": ["0", "6"]}
