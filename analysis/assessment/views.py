"""数据质量月考评 pages: the county's ranking (/analysis/assessment/), one township line by line,
the download and "compute now".

County staff and the inspector read every township of their county; a township reviewer reads
their own township's row, parts and rank, never another township's; anyone else gets a 404.
Downloading and computing are county staff's (the inspector gets 403 on compute, a write).
"""

import datetime
import tempfile
from decimal import Decimal

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from accounts import permissions
from accounts.roles import Role
from households.scope import county_of

from analysis.assessment import selectors, services
from analysis.assessment.workbook import assessment_write
from trail.models import AuditAction
from trail.services import audit_record

NOT_FOUND = "没有可查看的数据质量月考评"


def _county_or_404(user, township: str | None = None) -> str:
    if not permissions.can_view_assessment(user, township):
        raise Http404(NOT_FOUND)
    return county_of(user)


def _month(value: str | None, county: str) -> datetime.date:
    """The month asked for (YYYY-MM), else the latest scored, else last month; never a future one."""
    month = selectors.parse_month(value)
    if month is not None and month <= timezone.localdate():
        return month
    scored = selectors.months_scored(county, limit=1)
    return scored[0] if scored else selectors.last_month()


def _part_lines(row, *, township: str) -> list[dict]:
    """Each part of a stored row as a line: what it counts, the number, the points, the list behind it."""
    parts = row.parts
    tickets, clues = reverse("ticket_list"), reverse("clue_list")
    opened, closure = parts["open"], parts["closure"]
    return [
        {"number": "①", "label": selectors.PART_LABELS["open"], "deduction": _points(opened["deduction"]),
         "detail": f"错误 {opened['errors']} 条 × 2 + 疑似 {opened['warnings']} 条 = {opened['count']}，"
                   f"每百户 {opened['per_100']}（{row.households} 户）",
         "links": [("错误问题（按状态分列，已销号的不计）", f"{tickets}?status=all&township={township}&severity=error"),
                   ("疑似问题（按状态分列，已销号的不计）",
                    f"{tickets}?status=all&township={township}&severity=warning")]},
        {"number": "②", "label": selectors.PART_LABELS["overdue_tickets"],
         "deduction": _points(parts["overdue_tickets"]["deduction"]),
         "detail": f"{parts['overdue_tickets']['count']} 条",
         "links": [("审核超时的问题", f"{tickets}?status=all&township={township}&overdue=on")]},
        {"number": "③", "label": selectors.PART_LABELS["overdue_clues"],
         "deduction": _points(parts["overdue_clues"]["deduction"]),
         "detail": f"{parts['overdue_clues']['count']} 条",
         "links": [("超期未核查的预警线索", f"{clues}?township={township}&overdue=on")]},
        {"number": "④", "label": selectors.PART_LABELS["returned"], "deduction": _points(parts["returned"]["deduction"]),
         "detail": f"{parts['returned']['count']} 次",
         "links": [("现为已退回的问题", f"{tickets}?status=returned&township={township}")]},
        {"number": "⑤", "label": selectors.PART_LABELS["closure"], "deduction": _points(closure["deduction"]),
         "detail": (f"当年发现 {closure['raised']} 条，已销号 {closure['closed']} 条，整改率 {closure['rate']}%"
                    if closure["raised"] else "当年没有发现问题，不扣分"),
         "links": [("全部问题（按状态分列）", f"{tickets}?status=all&township={township}")]},
    ] if parts else []


PART_HEADINGS = {"open": ("未关闭问题", "加权条数"),
                 "overdue_tickets": ("逾期问题", "条数"),
                 "overdue_clues": ("逾期线索", "条数"), "returned": ("被退回", "次数"), "closure": ("整改率", "整改率")}


def _points(deduction: str) -> str:
    """A deduction as the table shows it: "−12.50", or "0" when nothing was taken off."""
    return "0" if Decimal(deduction) == 0 else f"−{deduction}"


def _cells(row) -> list[dict]:
    """The five parts of a stored row for the ranking table: number, what it counted, points off."""
    cells = []
    for key in selectors.PART_KEYS:
        part = row.parts.get(key, {})
        if key == "closure":
            counted = f"{part['rate']}%" if part.get("rate") is not None else "无问题"
        else:
            counted = str(part.get("count", 0))
        cells.append({"number": selectors.PART_NUMBERS[key], "label": PART_HEADINGS[key][0], "counted": counted,
                      "points": _points(part.get("deduction", "0"))})
    return cells


@login_required
def assessment(request):
    user = request.user
    county = _county_or_404(user)
    month = _month(request.GET.get("month"), county)
    sees_all = permissions.can_view_assessment(user, county)
    names = selectors.township_names(county)
    rows = list(selectors.ranked(county, month))
    total = len(rows)
    if not sees_all:
        rows = [row for row in rows if permissions.can_view_assessment(user, row.township)]
    for row in rows:
        row.name = names.get(row.township, row.township)
        row.cells = _cells(row)
    months = selectors.months_scored(county)
    own = None if sees_all else user.area_id[:9]
    return render(request, "analysis/assessment/ranking.html", {
        "month": month,
        "months": sorted(set(months) | {month}, reverse=True),
        "rows": rows,
        "total": total,
        "sees_all": sees_all,
        "own_name": names.get(own, "") if own else "",
        "headings": [(selectors.PART_NUMBERS[key], *PART_HEADINGS[key]) for key in selectors.PART_KEYS],
        "formula": selectors.formula_lines(selectors.weights(county)),
        "chart": {"townships": [row.name for row in rows], "scores": [str(row.score) for row in rows]},
        "trend": selectors.trend(county, township=own),
        "computed_at": max((row.computed_at for row in rows), default=None),
        "can_export": permissions.can_export_assessment(user),
        "can_compute": permissions.can_compute_analysis(user),
        "is_reviewer": user.role == Role.TOWNSHIP_REVIEWER,
    })


@login_required
def assessment_township(request, code: str):
    user = request.user
    county = _county_or_404(user, code)
    names = selectors.township_names(county)
    if code not in names:
        raise Http404(NOT_FOUND)
    month = _month(request.GET.get("month"), county)
    rows = list(selectors.ranked(county, month))
    row = next((candidate for candidate in rows if candidate.township == code), None)
    is_current = month == timezone.localdate().replace(day=1)
    return render(request, "analysis/assessment/township.html", {
        "code": code,
        "name": names[code],
        "month": month,
        "months": sorted(set(selectors.months_scored(county)) | {month}, reverse=True),
        "row": row,
        "total": len(rows),
        "lines": _part_lines(row, township=code) if row else [],
        "is_current": is_current,
        "formula": selectors.formula_lines(selectors.weights(county)),
        "trend": selectors.trend(county, township=code),
        "sees_all": permissions.can_view_assessment(user, county),
        "can_compute": permissions.can_compute_analysis(user),
    })


@login_required
@require_POST
def assessment_download(request):
    user = request.user
    if not permissions.can_export_assessment(user):
        raise Http404(NOT_FOUND)
    county = county_of(user)
    month = _month(request.POST.get("month"), county)
    out = tempfile.TemporaryFile(suffix=".xlsx")
    rows = assessment_write(county=county, month=month, out=out)
    out.seek(0)
    audit_record(action=AuditAction.EXPORT, request=request, subject=f"数据质量月考评 {county} {month:%Y-%m}",
                 detail={"kind": "assessment", "county": county, "month": f"{month:%Y-%m}", "rows": rows})
    return FileResponse(out, as_attachment=True, filename=f"月考评-{county}-{month:%Y-%m}.xlsx",
                        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")


@login_required
@require_POST
def assessment_compute(request):
    user = request.user
    if not permissions.can_view_assessment(user):
        raise Http404(NOT_FOUND)
    if not permissions.can_compute_analysis(user):
        if user.role == Role.INSPECTOR:
            raise PermissionDenied("督导只能查看，不能计算月考评")
        raise Http404(NOT_FOUND)
    county = county_of(user)
    month = _month(request.POST.get("month"), county)
    count = services.compute_assessment(county=county, month=month)
    messages.success(request, f"已按{'此刻' if month == timezone.localdate().replace(day=1) else '月末'}的数据"
                              f"计算 {month:%Y年%m月} 月考评：{count} 个乡镇。")
    return redirect(f"{reverse('assessment')}?month={month:%Y-%m}")
