"""The clue list as Excel: reviewers and county staff only, masked, no formula, logged."""

import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from monitoring_objects.clues.workbook import HEADERS
from tests.monitoring_objects.builders import make_clue
from trail.models import AuditAction, AuditEvent

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("persona, expected", [
    ("clerk", 403), ("reviewer", 200), ("county_staff", 200), ("inspector", 403), ("no_role", 403)])
def test_it_exports_to_reviewers_and_county_staff_only(client, world, persona, expected):
    client.force_login(getattr(world, persona))
    assert client.get(reverse("clue_export")).status_code == expected


def _sheet(response):
    workbook = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    return workbook["预警线索"]


def test_the_export_masks_ids_and_phones_and_runs_no_formula(client, world):
    make_clue(world.home, reporter_phone="13912345678", reporter_id_number="230381198005170011",
              description="=HYPERLINK(\"http://x\")")
    make_clue(world.other_county)
    client.force_login(world.county_staff)
    response = client.get(reverse("clue_export"))
    rows = list(_sheet(response).iter_rows(values_only=True))
    assert list(rows[0]) == HEADERS and len(rows) == 2
    row = dict(zip(HEADERS, rows[1]))
    assert row["联系电话"] == "139****5678"
    assert row["证件号码"] == "230381************"
    assert row["困难情况"] == "=HYPERLINK(\"http://x\")"
    sheet = load_workbook(io.BytesIO(b"".join(client.get(reverse("clue_export")).streaming_content)))["预警线索"]
    assert all(cell.data_type != "f" for line in sheet.iter_rows() for cell in line)


def test_the_export_follows_the_filters_and_is_logged(client, world):
    make_clue(world.home, days_left=-1)
    make_clue(world.neighbour)
    client.force_login(world.reviewer)
    rows = list(_sheet(client.get(reverse("clue_export"), {"overdue": "on"})).iter_rows(values_only=True))
    assert len(rows) == 2 and dict(zip(HEADERS, rows[1]))["是否超期"] == "是"
    event = AuditEvent.objects.get(action=AuditAction.EXPORT)
    assert event.actor == world.reviewer and event.detail["kind"] == "clues" and event.detail["rows"] == 1


def test_the_export_takes_the_same_queries_for_few_clues_or_many(client, world, django_assert_max_num_queries):
    client.force_login(world.county_staff)
    make_clue(world.home)
    with django_assert_max_num_queries(12) as few:
        b"".join(client.get(reverse("clue_export")).streaming_content)
    for _ in range(20):
        make_clue(world.other_township)
    with django_assert_max_num_queries(len(few.captured_queries)):
        b"".join(client.get(reverse("clue_export")).streaming_content)


@pytest.mark.parametrize("text", ["=1+1", "+1", "-1", "@SUM(A1)", "\t=1", "\r=1", "\n=1"])
def test_a_description_a_spreadsheet_would_run_is_kept_exactly_and_quote_prefixed(client, world, text):
    make_clue(world.home, description=text)
    client.force_login(world.county_staff)
    sheet = _sheet(client.get(reverse("clue_export")))
    cell = sheet.cell(row=2, column=HEADERS.index("困难情况") + 1)
    assert (cell.value, cell.data_type, cell.quotePrefix) == (text, "s", True)
    assert sheet.cell(row=2, column=HEADERS.index("状态") + 1).quotePrefix is False
