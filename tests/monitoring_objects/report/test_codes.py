"""The printable QR codes: one card per village in the signed-in user's scope."""

import re

import pytest
from django.urls import reverse

from accounts.roles import Role
from tests.builders import make_user
from tests.conftest import VILLAGE_A1, VILLAGE_A2, VILLAGE_B1

pytestmark = pytest.mark.django_db

CODES = reverse("report_codes", args=["230381"])


def _villages(response) -> list[str]:
    return re.findall(r"\?village=([0-9]{12})", response.content.decode())


@pytest.mark.parametrize(("persona", "villages"), [
    ("clerk", [VILLAGE_A1]),
    ("reviewer", [VILLAGE_A1, VILLAGE_A2]),
    ("county_staff", [VILLAGE_A1, VILLAGE_A2, VILLAGE_B1]),
])
def test_each_role_gets_a_card_per_village_of_its_scope(client, world, persona, villages):
    client.force_login(getattr(world, persona))
    response = client.get(CODES)
    assert response.status_code == 200
    assert _villages(response) == villages
    assert response.content.decode().count('data-testid="code-card"') == len(villages)


def test_a_card_holds_the_village_the_page_url_and_an_svg_qr_code_without_inline_style(client, world):
    client.force_login(world.clerk)
    text = client.get(CODES).content.decode()
    assert "金湾村" in text
    assert f"http://testserver/report/230381/?village={VILLAGE_A1}" in text
    svg = re.search(r"<svg\b.*?</svg>", text, re.S).group(0)
    assert 'class="report-qr"' in svg and "viewBox" in svg
    assert "style" not in svg
    assert "css/report_codes.css" in text


def test_each_village_gets_its_own_code(client, world):
    client.force_login(world.reviewer)
    svgs = re.findall(r"<svg\b.*?</svg>", client.get(CODES).content.decode(), re.S)
    assert len(svgs) == 2 and svgs[0] != svgs[1]


def test_the_inspector_is_refused(client, world):
    client.force_login(world.inspector)
    assert client.get(CODES).status_code == 403


def test_another_countys_staff_get_404(client, world):
    client.force_login(make_user("elsewhere", Role.COUNTY_STAFF, "340323"))
    assert client.get(CODES).status_code == 404


def test_a_code_that_is_not_a_county_is_404(client, world):
    client.force_login(world.county_staff)
    assert client.get(reverse("report_codes", args=["999999"])).status_code == 404
    assert client.get(reverse("report_codes", args=[VILLAGE_A1[:9]])).status_code == 404


def test_a_user_without_a_role_is_refused(client, world):
    client.force_login(world.no_role)
    assert client.get(CODES).status_code == 403


def test_an_anonymous_visitor_is_sent_to_log_in(client, world):
    response = client.get(CODES)
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_the_menu_entry_opens_the_codes_of_the_users_own_county(client, world):
    client.force_login(world.clerk)
    response = client.get(reverse("report_codes_mine"))
    assert response.status_code == 200 and _villages(response) == [VILLAGE_A1]
    client.force_login(world.inspector)
    assert client.get(reverse("report_codes_mine")).status_code == 403


def test_a_visitor_who_is_not_signed_in_is_sent_to_the_login_page(client, world):
    response = client.get(reverse("report_codes_mine"))
    assert response.status_code == 302 and "/login/" in response.url
