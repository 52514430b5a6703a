"""农户自主申报: a resident reports hardship on the public page, without logging in."""

import datetime
import re

import pytest
import time_machine
from django.urls import reverse

from households.choices import IdentificationSource
from monitoring_objects.models import Clue, ClueStatus, EventAction, ProcedureEvent
from monitoring_objects.report.forms import NO_LINKS
from tests.conftest import OTHER_COUNTY_VILLAGE, VILLAGE_A2, VILLAGE_B1
from tests.monitoring_objects.report.conftest import COUNTY, STRANGER_ID

pytestmark = pytest.mark.django_db

URL = reverse("report_form", args=[COUNTY])
# Tuesday before the National Day holiday (2025-10-01 … 10-08, 10-11 a make-up working day).
BEFORE_HOLIDAY = datetime.datetime(2025, 9, 30, 10, 0, tzinfo=datetime.timezone(datetime.timedelta(hours=8)))


def _head_id(household):
    return household.members.order_by("pk").first().id_number


def test_it_shows_the_form_without_login_and_without_the_staff_menu(client, world):
    response = client.get(URL)
    assert response.status_code == 200
    text = response.content.decode()
    assert "申报家庭困难" in text and 'name="csrfmiddlewaretoken"' in text
    assert "app-sidebar" not in text and "退出" not in text


def test_it_lists_the_countys_villages_grouped_by_township(client, world):
    text = client.get(URL).content.decode()
    assert 'value="230381100201"' in text and 'value="230381101201"' in text
    assert "金湾村" in text and "上坪村" in text
    assert OTHER_COUNTY_VILLAGE not in text and "谷阳村" not in text
    assert text.count("<optgroup") == 2


def test_it_preselects_the_village_of_the_qr_code(client, world):
    text = client.get(URL, {"village": VILLAGE_A2}).content.decode()
    assert re.search(rf'<option value="{VILLAGE_A2}"[^>]*selected', text)


def test_it_answers_404_for_a_code_that_is_not_a_county(client, world):
    for code in ["999999", "230381100", VILLAGE_A2, "abc"]:
        response = client.get(reverse("report_form", args=[code]))
        assert response.status_code == 404
        assert "没有找到这个县的申报页面" in response.content.decode()


def test_it_records_a_clue_at_the_village_due_in_working_days_and_answers_with_a_receipt(client, world,
                                                                                          report_data):
    with time_machine.travel(BEFORE_HOLIDAY, tick=False):
        response = client.post(URL, report_data)
    assert response.status_code == 200
    clue = Clue.objects.get()
    assert clue.village_id == world.home.village_id
    assert clue.channel == IdentificationSource.SELF_REPORT
    assert clue.status == ClueStatus.OPEN
    assert clue.created_by is None and clue.household is None
    assert (clue.reporter_name, clue.reporter_phone, clue.reporter_id_number) == (
        "王大山", "13912345678", STRANGER_ID)
    assert clue.deadline == datetime.date(2025, 10, 14)  # 5 working days across the holiday
    text = response.content.decode()
    assert clue.receipt_number in text and "2025-10-14" in text and "申报已提交" in text
    assert reverse("report_receipt", args=[COUNTY]) in text
    event = ProcedureEvent.objects.get(clue=clue)
    assert (event.action, event.actor, event.actor_name) == (EventAction.CLUE_CREATED, None, "农户自主申报")


def test_it_matches_the_registered_household_silently(client, world, report_data):
    head = _head_id(world.home)
    response = client.post(URL, {**report_data, "reporter_id_number": head.lower()})
    assert response.status_code == 200
    assert Clue.objects.get().household == world.home
    assert world.home.number not in response.content.decode()


def test_it_matches_only_a_household_of_the_chosen_village(client, world, report_data):
    client.post(URL, {**report_data, "reporter_id_number": _head_id(world.home), "village": VILLAGE_B1})
    clue = Clue.objects.get()
    assert clue.village_id == VILLAGE_B1 and clue.household is None


def test_it_accepts_full_width_digits_and_spaces_in_the_id_and_phone(client, world, report_data):
    full_width = STRANGER_ID.translate(str.maketrans("0123456789X", "０１２３４５６７８９Ｘ"))
    client.post(URL, {**report_data, "reporter_id_number": f" {full_width[:6]} {full_width[6:]}",
                      "reporter_phone": "139 1234 5678"})
    clue = Clue.objects.get()
    assert (clue.reporter_id_number, clue.reporter_phone) == (STRANGER_ID, "13912345678")


def _refused(client, data, field, message=None):
    response = client.post(URL, data)
    assert response.status_code == 200
    assert not Clue.objects.exists()
    errors = response.context["form"].errors
    assert field in errors, errors
    if message:
        assert message in errors[field]
    text = response.content.decode()
    assert "is-invalid" in text and f'id="id_{field}_error"' in text
    return errors[field]


def test_it_refuses_a_wrong_check_character_with_the_expected_one(client, world, report_data):
    wrong = STRANGER_ID[:17] + ("0" if STRANGER_ID[17] != "0" else "1")
    errors = _refused(client, {**report_data, "reporter_id_number": wrong}, "reporter_id_number")
    assert f"证件号码第18位校验码应为 {STRANGER_ID[17]}" in errors[0]


def test_it_refuses_a_short_id(client, world, report_data):
    errors = _refused(client, {**report_data, "reporter_id_number": "23038119750101"}, "reporter_id_number")
    assert "应为18位" in errors[0]


@pytest.mark.parametrize("field", ["reporter_name", "reporter_phone", "reporter_id_number", "village",
                                   "description"])
def test_it_refuses_a_missing_field(client, world, report_data, field):
    _refused(client, {**report_data, field: ""}, field)


def test_it_refuses_a_bad_phone(client, world, report_data):
    _refused(client, {**report_data, "reporter_phone": "12345"}, "reporter_phone")


def test_it_refuses_a_village_of_another_county(client, world, report_data):
    _refused(client, {**report_data, "village": OTHER_COUNTY_VILLAGE}, "village", "请选择您家所在的行政村。")


def test_it_refuses_a_description_over_300_characters(client, world, report_data):
    _refused(client, {**report_data, "description": "困" * 301}, "description")


@pytest.mark.parametrize("field", ["reporter_name", "reporter_phone", "reporter_id_number", "description"])
@pytest.mark.parametrize("text", [
    "<script>alert(1)</script>", "看这里 http://spam.example", "HTTPS://spam.example", "www.spam.cn",
    "javascript:alert(1)", "全角＜ｓｃｒｉｐｔ＞", "a > b",
])
def test_it_refuses_scripts_and_links_in_every_text_field(client, world, report_data, field, text):
    _refused(client, {**report_data, field: text}, field, NO_LINKS)


def test_a_refused_form_keeps_what_was_typed_escaped(client, world, report_data):
    response = client.post(URL, {**report_data, "description": "<script>alert(1)</script>"})
    text = response.content.decode()
    assert "<script>alert(1)" not in text and "&lt;script&gt;alert(1)&lt;/script&gt;" in text
    assert 'value="王大山"' in text


def test_a_refusal_of_the_service_is_shown_next_to_the_field(client, world, report_data, monkeypatch):
    from monitoring_objects.services import ProcedureError

    def refuse(**kwargs):
        raise ProcedureError("请填写困难情况。", {"description": "请填写困难情况。"})
    monkeypatch.setattr("monitoring_objects.services.clue_record", refuse)
    _refused(client, report_data, "description", "请填写困难情况。")


def test_a_refusal_about_the_household_says_nothing_of_it(client, world, report_data, monkeypatch):
    from monitoring_objects.services import ProcedureError

    def refuse(**kwargs):
        raise ProcedureError("该户不属于所选行政村。", {"household": "该户不属于所选行政村。"})
    monkeypatch.setattr("monitoring_objects.services.clue_record", refuse)
    response = client.post(URL, report_data)
    text = response.content.decode()
    assert response.status_code == 200 and not Clue.objects.exists()
    assert "申报未能提交" in text and "该户" not in text
