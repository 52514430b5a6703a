"""The catalog and batch screens: county staff act, inspectors read (a change is 403), everyone else gets 404."""

from decimal import Decimal

import pytest
from django.urls import reverse

from audits.models import Ticket
from households.models import YearParameters
from rules.models import Batch, BatchStatus, CatalogParameter, RuleSetting
from trail.models import SettingChange
from rules import registry
from rules.settings_services import schedule_get
from tests.builders import make_household

pytestmark = pytest.mark.django_db

PAGES = ["rules_catalog", "rules_batches"]


@pytest.mark.parametrize("persona", ["clerk", "reviewer", "no_role"])
@pytest.mark.parametrize("page", PAGES)
def test_rule_pages_are_404_below_the_county(client, world, persona, page):
    client.force_login(getattr(world, persona))
    assert client.get(reverse(page)).status_code == 404


@pytest.mark.parametrize("persona", ["county_staff", "inspector"])
@pytest.mark.parametrize("page", PAGES)
def test_county_staff_and_inspectors_read_the_rule_pages(client, world, persona, page):
    client.force_login(getattr(world, persona))
    assert client.get(reverse(page)).status_code == 200


@pytest.mark.parametrize("url_name, args, data", [
    ("rules_toggle", ["B06"], {"enabled": "0"}),
    ("rules_parameters", [], {"growth_threshold": "0.6"}),
    ("rules_year_lines", [], {"year": "2025", "monitoring_line": "1", "attention_line": "2"}),
    ("rules_batches", [], {"area": "230381"}),
    ("rules_schedule", [], {"day": "9", "hour": "3", "enabled": "on"}),
])
def test_inspectors_change_nothing(client, world, url_name, args, data):
    client.force_login(world.inspector)
    assert client.post(reverse(url_name, args=args), data).status_code == 403
    assert not SettingChange.objects.exists() and not Batch.objects.exists()


def test_the_catalog_lists_every_rule_with_its_open_ticket_count(client, world):
    client.force_login(world.county_staff)
    page = client.get(reverse("rules_catalog")).content.decode()
    for rule_id in ("B01", "M07", "I15", "A04", "R07", "D08"):
        assert rule_id in page
    assert "证件号码不合规" in page


def test_disabling_a_rule_is_recorded(client, world):
    client.force_login(world.county_staff)
    client.post(reverse("rules_toggle", args=["B06"]), {"enabled": "0"})
    assert not RuleSetting.objects.get(county="230381", rule_id="B06").enabled
    change = SettingChange.objects.get()
    assert (change.user, change.subject, change.old_value, change.new_value) == (world.county_staff, "B06", "是", "否")


def test_county_staff_see_whether_each_rule_is_on_beside_its_switch(client, world):
    client.force_login(world.county_staff)
    client.post(reverse("rules_toggle", args=["B06"]), {"enabled": "0"})
    page = client.get(reverse("rules_catalog")).content.decode()
    assert page.count(">已停用</span>") == 1
    assert page.count(">已启用</span>") == len(registry.all_rules()) - 1
    assert page.count("启用本县") == 1


def test_unknown_rules_are_404(client, world):
    client.force_login(world.county_staff)
    assert client.post(reverse("rules_toggle", args=["Z99"]), {"enabled": "0"}).status_code == 404


def test_parameter_changes_are_recorded_old_to_new(client, world):
    client.force_login(world.county_staff)
    client.post(reverse("rules_parameters"), {
        **{key: value for key, value in _current_parameter_fields(client).items()}, "growth_threshold": "0.6"})
    assert CatalogParameter.objects.get(county="230381", key="growth_threshold").value == Decimal("0.6")
    change = SettingChange.objects.get(subject="growth_threshold")
    assert (change.old_value, change.new_value) == ("0.50", "0.6")


def test_a_bad_parameter_is_shown_next_to_its_field(client, world):
    client.force_login(world.county_staff)
    response = client.post(reverse("rules_parameters"), {**_current_parameter_fields(client), "risk_county": "1.5"})
    assert response.status_code == 400
    assert "1" in response.content.decode() and not CatalogParameter.objects.exists()


def test_monitoring_lines_are_set_per_year_and_recorded(client, world):
    client.force_login(world.county_staff)
    client.post(reverse("rules_year_lines"), {"year": "2026", "monitoring_line": "7900", "attention_line": "10000"})
    assert YearParameters.objects.get(county="230381", year=2026).monitoring_line == Decimal("7900")


def test_starting_a_batch_runs_it_and_shows_the_summary(client, world, django_capture_on_commit_callbacks):
    make_household(world.home.village, members=1, phone="")
    client.force_login(world.county_staff)
    with django_capture_on_commit_callbacks(execute=True):  # the tasks are queued on commit
        response = client.post(reverse("rules_batches"), {"area": "230381", "rules": ["B06"]})
    batch = Batch.objects.get()
    assert response["Location"] == reverse("rules_batch", args=[batch.pk])
    assert batch.status == BatchStatus.DONE and batch.created_by == world.county_staff
    progress = client.get(reverse("rules_batch_progress", args=[batch.pk]))
    assert progress.status_code == 286  # htmx stops polling
    assert "B06" in progress.content.decode() and "已完成" in progress.content.decode()
    assert Ticket.objects.filter(rule_id="B06").count() == 1


def test_a_batch_of_another_county_is_404(client, world):
    from households.models import Area
    from rules import services
    batch = services.batch_create(area=Area.objects.get(code="340323"))
    client.force_login(world.county_staff)
    assert client.get(reverse("rules_batch", args=[batch.pk])).status_code == 404


def test_a_township_outside_the_county_cannot_be_chosen(client, world):
    client.force_login(world.county_staff)
    response = client.post(reverse("rules_batches"), {"area": "340323100"})
    assert response.status_code == 200 and not Batch.objects.exists()


def test_the_monthly_schedule_defaults_to_the_8th_and_changes_are_recorded(client, world):
    assert schedule_get("230381") == (8, 2, True)
    client.force_login(world.county_staff)
    client.post(reverse("rules_schedule"), {"day": "15", "hour": "1", "enabled": "on"})
    assert schedule_get("230381") == (15, 1, True)
    assert SettingChange.objects.get(subject="schedule").new_value == "每月15日1时"


def _current_parameter_fields(client) -> dict:
    from rules.parameters import current_values
    return {key: str(value) for key, value in current_values("230381").items()}
