"""The receipt lookup: status and dates only; for 不纳入 the answer; the same message for any unknown number."""

import pytest
from django.urls import reverse
from django.utils import timezone

from households.choices import IdentificationSource
from monitoring_objects import services
from monitoring_objects.models import Clue
from tests.conftest import OTHER_COUNTY_VILLAGE
from tests.monitoring_objects.report.conftest import COUNTY

pytestmark = pytest.mark.django_db

FORM = reverse("report_form", args=[COUNTY])
LOOKUP = reverse("report_receipt", args=[COUNTY])
NOT_FOUND = "未找到该回执"


def _submit(client, data) -> Clue:
    client.post(FORM, data)
    return Clue.objects.latest("pk")


def _registered_data(world, report_data):
    head = world.home.members.order_by("pk").first()
    return {**report_data, "reporter_id_number": head.id_number}, head


def test_it_shows_the_status_and_dates_of_a_fresh_report(client, world, report_data):
    clue = _submit(client, report_data)
    response = client.get(LOOKUP, {"number": clue.receipt_number})
    assert response.status_code == 200
    text = response.content.decode()
    assert "待核查" in text and clue.deadline.isoformat() in text
    assert timezone.localdate(clue.created_at).isoformat() in text


def test_it_shows_nothing_personal_nor_anything_from_the_registry(client, world, report_data):
    data, head = _registered_data(world, report_data)
    clue = _submit(client, data)
    assert clue.household == world.home
    text = client.get(LOOKUP, {"number": clue.receipt_number}).content.decode()
    for secret in ["王大山", head.id_number, head.id_number[:6] + "*", "13912345678", "139****5678",
                   data["description"], world.home.number, head.name, world.home.phone, "金湾村",
                   world.clerk.username]:
        assert secret not in text, secret


def test_it_shows_the_answer_after_a_decline_but_not_the_verification(client, world, report_data):
    clue = _submit(client, report_data)
    services.clue_decline(clue=clue, user=world.clerk, verified_on=timezone.localdate(), verified_by_name="李村干",
                          findings="入户核实：医保报销后自付两千元，家中有务工收入",
                          answer="经入户核查，您家医疗费用经医保报销后自付较少，家庭收入稳定，暂不纳入监测。")
    response = client.get(LOOKUP, {"number": clue.receipt_number.lower()})
    text = response.content.decode()
    assert "不纳入" in text
    assert "经入户核查，您家医疗费用经医保报销后自付较少，家庭收入稳定，暂不纳入监测。" in text
    assert "李村干" not in text and "务工收入" not in text
    assert "办结日期" in text


@pytest.mark.parametrize("number", ["ZZZZZZZZZZ", "abc", "<script>", "'; drop table", "2" * 40])
def test_an_unknown_number_gets_the_neutral_message(client, world, number):
    response = client.get(LOOKUP, {"number": number})
    assert response.status_code == 200
    assert NOT_FOUND in response.content.decode()


def test_a_clue_of_another_channel_or_county_is_not_found(client, world):
    staff_clue = services.clue_record(village=world.home.village, user=world.clerk, description="排查发现",
                                      channel=IdentificationSource.CADRE_SCREENING, household=world.home)
    elsewhere = services.clue_record(village=world.other_county.village, user=None, description="困难",
                                     channel=IdentificationSource.SELF_REPORT)
    assert elsewhere.village_id == OTHER_COUNTY_VILLAGE
    for clue in [staff_clue, elsewhere]:
        assert NOT_FOUND in client.get(LOOKUP, {"number": clue.receipt_number}).content.decode()
    found = client.get(reverse("report_receipt", args=["340323"]), {"number": elsewhere.receipt_number})
    assert NOT_FOUND not in found.content.decode()


def test_an_empty_lookup_shows_only_the_form(client, world):
    text = client.get(LOOKUP).content.decode()
    assert 'name="number"' in text and NOT_FOUND not in text


def test_the_lookup_of_a_code_that_is_not_a_county_is_404(client, world):
    assert client.get(reverse("report_receipt", args=["999999"]), {"number": "ABC"}).status_code == 404
