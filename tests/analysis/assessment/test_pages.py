"""数据质量月考评 pages, download and commands: who sees what, the workbook read back, query counts."""

import datetime
import io
from decimal import Decimal

import openpyxl
import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse
from django.utils import timezone

from accounts.roles import Role
from analysis.assessment import services
from analysis.assessment.models import AssessmentScore
from analysis.assessment.workbook import HEADERS, SHEET
from tests.audits.builders import make_ticket
from tests.builders import make_household, make_user
from tests.conftest import VILLAGE_A1, VILLAGE_B1
from tests.monitoring_objects.builders import make_clue
from trail.models import AuditAction, AuditEvent

COUNTY = "230381"
TOWNSHIP_A, TOWNSHIP_B = "230381100", "230381101"
MARCH = datetime.date(2026, 3, 1)


def client_for(client, user):
    client.force_login(user)
    return client


def store(township, score, month=MARCH, **part_counts):
    parts = {key: {"count": part_counts.get(key, 0), "deduction": "0.00"}
             for key in ("overdue_tickets", "overdue_clues", "returned")}
    parts["open"] = {"count": 0, "errors": 0, "warnings": 0, "per_100": "0.00", "deduction": "0.00"}
    parts["closure"] = {"count": 0, "raised": 0, "closed": 0, "rate": None, "deduction": "0.00"}
    return AssessmentScore.objects.create(county=COUNTY, township=township, month=month, households=10,
                                          score=Decimal(score), parts=parts)


@pytest.fixture
def scored(world):
    """Township A scores 80.00 (rank 2), township B 95.25 (rank 1), in March 2026."""
    world.a = store(TOWNSHIP_A, "80.00", overdue_tickets=40)
    world.b = store(TOWNSHIP_B, "95.25", overdue_clues=7)
    return world


def test_county_staff_see_every_township_ranked(client, scored):
    page = client_for(client, scored.county_staff).get(reverse("assessment"), {"month": "2026-03"})
    assert page.status_code == 200
    rows = [(row.township, row.rank) for row in page.context["rows"]]
    assert rows == [(TOWNSHIP_B, 1), (TOWNSHIP_A, 2)]
    html = page.content.decode()
    assert "95.25" in html and "80.00" in html and "立即计算本月份" in html and "下载Excel" in html
    assert "× 0.5，最多扣 20 分" in html  # the formula with the county's weights


def test_the_inspector_reads_everything_but_may_not_compute_or_download(client, scored):
    c = client_for(client, scored.inspector)
    page = c.get(reverse("assessment"), {"month": "2026-03"})
    assert [row.township for row in page.context["rows"]] == [TOWNSHIP_B, TOWNSHIP_A]
    assert "立即计算本月份" not in page.content.decode()
    assert c.get(reverse("assessment_township", args=[TOWNSHIP_B]), {"month": "2026-03"}).status_code == 200
    assert c.post(reverse("assessment_compute"), {"month": "2026-03"}).status_code == 403
    assert c.post(reverse("assessment_download"), {"month": "2026-03"}).status_code == 404


def test_a_township_reviewer_sees_only_their_own_row_and_rank(client, scored):
    c = client_for(client, scored.reviewer)  # township A
    page = c.get(reverse("assessment"), {"month": "2026-03"})
    html = page.content.decode()
    assert [row.township for row in page.context["rows"]] == [TOWNSHIP_A]
    assert "第 2 名 / 共 2 个乡镇" in html
    assert "95.25" not in html and TOWNSHIP_B not in html
    own = c.get(reverse("assessment_township", args=[TOWNSHIP_A]), {"month": "2026-03"})
    assert own.status_code == 200 and "第 2 名 / 共 2 个乡镇" in own.content.decode()
    assert c.get(reverse("assessment_township", args=[TOWNSHIP_B])).status_code == 404
    assert c.post(reverse("assessment_compute"), {"month": "2026-03"}).status_code == 404


def test_clerks_and_other_counties_get_404(client, scored):
    c = client_for(client, scored.clerk)
    assert c.get(reverse("assessment")).status_code == 404
    assert c.get(reverse("assessment_township", args=[TOWNSHIP_A])).status_code == 404
    client.logout()
    c = client_for(client, scored.county_staff)
    assert c.get(reverse("assessment_township", args=["340323100"])).status_code == 404
    assert c.get(reverse("assessment_township", args=["230381999"])).status_code == 404  # no such township


def test_the_township_page_explains_each_part_with_links_to_the_lists(client, world):
    make_ticket(world.other_township, due_in_days=-2)
    make_clue(world.other_township, days_left=-1)
    make_clue(world.other_township, days_left=0)
    month = timezone.localdate().replace(day=1)
    services.compute_assessment(county=COUNTY, month=month)
    page = client_for(client, world.county_staff).get(reverse("assessment_township", args=[TOWNSHIP_B]))
    html = page.content.decode()
    lines = page.context["lines"]
    assert [line["number"] for line in lines] == ["①", "②", "③", "④", "⑤"]
    assert lines[0]["detail"].startswith("错误 1 条 × 2 + 疑似 0 条 = 2，每百户 200.00（1 户）")
    assert [line["deduction"] for line in lines] == ["−30.00", "−0.50", "−2.00", "0", "−20.00"]
    assert f"/tickets/?status=all&amp;township={TOWNSHIP_B}&amp;overdue=on" in html
    assert f"/clues/?township={TOWNSHIP_B}&amp;overdue=on" in html
    assert "47.50" in html  # 100 − 30 − 0.5 − 2 − 20
    # The list behind ② holds the same number.
    tickets = client.get(f"/tickets/?status=all&township={TOWNSHIP_B}&overdue=on")
    assert tickets.context["page"].paginator.count == 1
    clues = client.get(f"/clues/?township={TOWNSHIP_B}&overdue=on")
    assert clues.context["page"].paginator.count == 1


def test_an_empty_month_says_why_and_what_to_do(client, world):
    page = client_for(client, world.county_staff).get(reverse("assessment"), {"month": "2026-03"})
    assert "尚未计算" in page.content.decode() and "立即计算本月份" in page.content.decode()


def test_compute_now_stores_the_month_and_says_so(client, world):
    c = client_for(client, world.county_staff)
    answer = c.post(reverse("assessment_compute"), {"month": "2026-03"})
    assert answer.status_code == 302 and answer.url.endswith("?month=2026-03")
    assert sorted(AssessmentScore.objects.filter(month=MARCH).values_list("township", flat=True)) == \
        [TOWNSHIP_A, TOWNSHIP_B]


def test_download_is_logged_and_reads_back(client, scored):
    answer = client_for(client, scored.county_staff).post(reverse("assessment_download"), {"month": "2026-03"})
    assert answer.status_code == 200
    sheet = openpyxl.load_workbook(io.BytesIO(b"".join(answer.streaming_content)))[SHEET]
    rows = list(sheet.iter_rows(values_only=True))
    assert list(rows[0]) == HEADERS
    assert rows[1][:5] == (1, TOWNSHIP_B, "区划230381101", 10, 95.25)
    assert rows[2][:5] == (2, TOWNSHIP_A, "区划230381100", 10, 80)
    assert rows[2][HEADERS.index("②逾期问题(条)")] == 40
    assert rows[1][HEADERS.index("③逾期预警线索(条)")] == 7
    notes = [row[0] for row in rows[4:] if row[0]]
    assert notes[0].startswith("计算方法") and any(note.startswith("① 未关闭问题") for note in notes)
    event = AuditEvent.objects.get(action=AuditAction.EXPORT)
    assert event.detail["kind"] == "assessment" and event.detail["rows"] == 2


def test_the_workbook_neutralises_formulas_in_names(client, scored, tmp_path):
    from households.models import Area
    Area.objects.filter(code=TOWNSHIP_A).update(name="=HYPERLINK(\"x\")")
    out = tmp_path / "月考评.xlsx"
    call_command("export_assessment", str(out), "--county", COUNTY, "--month", "2026-03", verbosity=0)
    cell = openpyxl.load_workbook(out)[SHEET]["C3"]
    assert cell.value == "=HYPERLINK(\"x\")" and cell.data_type == "s"


def test_export_command_computes_a_month_not_yet_scored_and_logs_it(world, tmp_path):
    make_ticket(world.other_township, due_in_days=-2)
    out = tmp_path / "a.xlsx"
    month = timezone.localdate().replace(day=1)
    call_command("export_assessment", str(out), "--county", COUNTY, "--month", f"{month:%Y-%m}", verbosity=0)
    rows = list(openpyxl.load_workbook(out)[SHEET].iter_rows(values_only=True))
    assert [(row[0], row[1], row[4]) for row in rows[1:3]] == [(1, TOWNSHIP_A, 100), (2, TOWNSHIP_B, 49.5)]
    assert AuditEvent.objects.filter(action=AuditAction.EXPORT, detail__kind="assessment").count() == 1
    with pytest.raises(CommandError):
        call_command("export_assessment", str(out), "--county", COUNTY, "--month", "2026-13", verbosity=0)
    with pytest.raises(CommandError):
        call_command("compute_assessment", "--county", "999999", verbosity=0)


def test_compute_command(world):
    call_command("compute_assessment", "--county", COUNTY, "--month", "2026-03", verbosity=0)
    call_command("compute_assessment", "--county", COUNTY, "--month", "2026-03", verbosity=0)
    assert AssessmentScore.objects.filter(month=MARCH).count() == 2


def test_the_pages_take_a_bounded_number_of_queries(client, django_assert_max_num_queries, scored):
    for index in range(12):
        store(f"2303811{index + 10:02d}", "70.00")
        store(f"2303811{index + 10:02d}", "60.00", month=datetime.date(2026, 2, 1))
    for index in range(20):
        make_ticket(make_household(VILLAGE_B1 if index % 2 else VILLAGE_A1), rule_id=f"Q{index}")
    c = client_for(client, scored.county_staff)
    with django_assert_max_num_queries(14):
        assert c.get(reverse("assessment"), {"month": "2026-03"}).status_code == 200
    with django_assert_max_num_queries(14):
        assert c.get(reverse("assessment_township", args=[TOWNSHIP_B]), {"month": "2026-03"}).status_code == 200
    reviewer = make_user("reviewer_b", Role.TOWNSHIP_REVIEWER, TOWNSHIP_B)
    client.logout()
    c = client_for(client, reviewer)
    with django_assert_max_num_queries(14):
        assert c.get(reverse("assessment"), {"month": "2026-03"}).status_code == 200
