"""数据看板: the figures of one user's area, each with the link to the list that shows the same number.

Every figure is a set-based aggregate (conditional counts in one query per figure), so the page
asks the database the same handful of questions whatever the county's size. A figure is a list of
rows `{"label", "count", "url"}`; the url opens the filtered list whose 共 N 条/户 is `count`.
"""

import datetime
from decimal import Decimal
from urllib.parse import urlencode

from django.db.models import Case, CharField, Count, F, IntegerField, Q, Value, When
from django.db.models.functions import Cast, Floor, Least, Left, TruncMonth
from django.urls import reverse
from django.utils import timezone

from accounts import permissions
from audits import rule_facts
from audits.models import Severity, Ticket, TicketStatus
from audits.selectors import ALL, OPEN, month_start
from households.choices import AreaLevel, HouseholdType, MonitoringType, RiskStatus, RiskType
from households.models import CODE_LENGTH, Area, Household
from households.scope import county_of
from monitoring_objects.models import Clue
from monitoring_objects.selectors import has_risk_type
from rules.colours import RiskColour, assessment_year, risk_lines
from rules.models import Batch, RiskScore

MONTHS = 12  # the rectification rate's months, the current one included
BIN_WIDTH = Decimal("0.05")
BINS = 20  # 0.00–0.05 … 0.95–1.00 (the last bin holds 1.00 too)
TOWNSHIP_CODE = CODE_LENGTH[AreaLevel.TOWNSHIP]


def link(url_name: str, **params) -> str:
    query = urlencode({name: value for name, value in params.items() if value not in (None, "")})
    return f"{reverse(url_name)}?{query}" if query else reverse(url_name)


def _row(label: str, count: int, url: str | None, **extra) -> dict:
    return {"label": label, "count": count, "url": url, **extra}


def households_figures(*, user) -> dict:
    """Households by type and by monitoring type; monitoring objects by type, risk status and risk
    type: one query (conditional counts over the area's active households)."""
    monitored = ~Q(monitoring_type="")
    counts = {
        "total": Count("pk"),
        "not_monitored": Count("pk", filter=Q(monitoring_type="")),
        "monitored": Count("pk", filter=monitored),
        **{f"type_{value}": Count("pk", filter=Q(household_type=value)) for value in HouseholdType.values},
        **{f"monitoring_{value}": Count("pk", filter=Q(monitoring_type=value)) for value in MonitoringType.values},
        **{f"status_{value}": Count("pk", filter=monitored & Q(risk_status=value)) for value in RiskStatus.values},
        **{f"risk_{value}": Count("pk", filter=monitored & Q(has_risk_type(value))) for value in RiskType.values},
    }
    n = Household.objects.in_scope(user).active().aggregate(**counts)
    return {
        "total": n["total"],
        "monitored": n["monitored"],
        "by_type": [_row(label, n[f"type_{value}"], link("household_list", household_type=value))
                    for value, label in HouseholdType.choices],
        "by_monitoring": [_row("非监测对象", n["not_monitored"], link("household_list", monitoring_type="none"))] + [
            _row(label, n[f"monitoring_{value}"], link("household_list", monitoring_type=value))
            for value, label in MonitoringType.choices],
        "objects_by_type": [_row(label, n[f"monitoring_{value}"], link("monitoring_list", monitoring_type=value))
                            for value, label in MonitoringType.choices],
        "objects_by_status": [_row(label, n[f"status_{value}"], link("monitoring_list", risk_status=value))
                              for value, label in RiskStatus.choices],
        # A household may carry several risk types: these counts add up to more than the objects.
        "objects_by_risk_type": sorted(
            (_row(label, n[f"risk_{value}"], link("monitoring_list", risk_type=value))
             for value, label in RiskType.choices), key=lambda row: -row["count"]),
    }


def _area_rows(user) -> tuple[str | None, list[Area]]:
    """The areas tickets are broken down by: townships for the county, villages for a township's
    reviewer, none for a village clerk (their list is one village)."""
    if permissions.can_view_county_overview(user):
        return "township", list(Area.objects.in_scope(user).townships().order_by("code"))
    if user.is_township_reviewer:
        return "village", list(Area.objects.in_scope(user).villages().order_by("code"))
    return None, []


def tickets_figures(*, user, today: datetime.date) -> dict:
    """Tickets by status (and the overdue ones), the unclosed by category and severity, the unclosed
    by township (or village) with their overdue part: three queries, and one for the area names."""
    tickets = Ticket.objects.in_scope(user).order_by()
    overdue = Q(due_on__lt=today) & ~Q(status=TicketStatus.CLOSED)
    by_status = {row["status"]: row for row in (
        tickets.values("status").annotate(n=Count("pk"), late=Count("pk", filter=overdue)))}
    status_rows = [_row(label, by_status.get(value, {}).get("n", 0), link("ticket_list", status=value))
                   for value, label in TicketStatus.choices]
    unclosed = sum(row["n"] for status, row in by_status.items() if status != TicketStatus.CLOSED)

    categories = rule_facts.categories()
    cells = {(row["category"], row["severity"]): row["n"] for row in (
        tickets.unclosed().annotate(category=Left("rule_id", 1))
        .values("category", "severity").annotate(n=Count("pk")))}
    category_rows = [
        {"label": label, "code": code, "cells": [
            _row(Severity(severity).label, cells.get((code, severity), 0),
                 link("ticket_list", status=OPEN, category=code, severity=severity))
            for severity in Severity.values]}
        for code, label in categories.items()]
    for row in category_rows:
        row["count"] = sum(cell["count"] for cell in row["cells"])
        row["url"] = link("ticket_list", status=OPEN, category=row["code"])

    level, areas = _area_rows(user)
    area_rows = []
    if level:
        key = Left("village_id", TOWNSHIP_CODE if level == "township" else CODE_LENGTH[AreaLevel.VILLAGE])
        per_area = {row["area"]: row for row in (
            tickets.unclosed().annotate(area=key).values("area")
            .annotate(n=Count("pk"), late=Count("pk", filter=Q(due_on__lt=today))))}
        area_rows = [
            _row(area.name, per_area.get(area.code, {}).get("n", 0),
                 link("ticket_list", status=OPEN, **{level: area.code}),
                 overdue=per_area.get(area.code, {}).get("late", 0),
                 overdue_url=link("ticket_list", status=ALL, overdue="on", **{level: area.code}))
            for area in areas]
    return {
        "total": sum(row["count"] for row in status_rows),
        "all_url": link("ticket_list", status=ALL),
        "by_status": status_rows,
        "unclosed": _row("未销号", unclosed, link("ticket_list", status=OPEN)),
        "overdue": _row("审核超时", sum(row["late"] for row in by_status.values()),
                        link("ticket_list", status=ALL, overdue="on")),
        "by_category": category_rows,
        "severities": Severity.labels,
        "area_level": {"township": "乡镇", "village": "行政村"}.get(level),
        "by_area": area_rows,
    }


def overdue_clues(*, user, today: datetime.date) -> dict:
    """Clues still waiting for their 入户核查 past their deadline (the procedure's clue_days)."""
    return _row("超期未核查的预警线索", Clue.objects.in_scope(user).overdue(today).count(),
                link("clue_list", overdue="on"))


def _local_month(value) -> datetime.date:
    if isinstance(value, datetime.datetime):
        value = timezone.localtime(value) if timezone.is_aware(value) else value
    return datetime.date(value.year, value.month, 1)


def months_back(today: datetime.date, count: int = MONTHS) -> list[datetime.date]:
    """The first days of the last `count` months, oldest first, this month last."""
    months = [datetime.date(today.year, today.month, 1)]
    while len(months) < count:
        previous = months[0] - datetime.timedelta(days=1)
        months.insert(0, previous.replace(day=1))
    return months


def rectification_by_month(*, user, today: datetime.date) -> list[dict]:
    """Per Beijing month of the last twelve: tickets raised (found) and closed in it, and the
    rate closed / raised (None when none was raised); two queries."""
    months = months_back(today)
    since = month_start(months[0])
    tickets = Ticket.objects.in_scope(user).order_by()

    def per_month(field: str) -> dict:
        rows = (tickets.filter(**{f"{field}__gte": since}).annotate(month=TruncMonth(field))
                .values("month").annotate(n=Count("pk")))
        counts: dict = {}
        for row in rows:
            month = _local_month(row["month"])
            counts[month] = counts.get(month, 0) + row["n"]
        return counts

    raised, closed = per_month("found_at"), per_month("closed_at")
    rows = []
    for month in months:
        text = f"{month:%Y-%m}"
        found, done = raised.get(month, 0), closed.get(month, 0)
        rows.append({
            "month": text, "raised": found, "closed": done,
            "rate": (Decimal(done * 100) / found).quantize(Decimal("0.1")) if found else None,
            "raised_url": link("ticket_list", status=ALL, found=text),
            "closed_url": link("ticket_list", status=ALL, closed=text),
        })
    return rows


def _risk_bin():
    """The 0.05-wide bin of a coefficient (0…19). A hair is added before the floor: a coefficient
    has four decimals, so 0.0001 moves none across a bin edge, yet keeps 0.35 in its own bin where
    SQLite's floating-point product would give 6.9999…"""
    bin_index = Floor(F("risk") * Value(Decimal(BINS)) + Value(Decimal("0.0001")))
    return Cast(Least(bin_index, Value(Decimal(BINS - 1))), IntegerField())


def risk_figures(*, user, households_total: int) -> dict:
    """The assessment year's risk coefficients of the area's active households: a histogram of
    0.05-wide bins and the counts per colour (三色码), with the county's two lines; one query
    besides the year and the lines."""
    county = county_of(user)
    township_line, county_line = risk_lines(county)
    year = assessment_year(county)
    scores = RiskScore.objects.filter(year=year, household__in=Household.objects.in_scope(user).active()).order_by()
    colour_of_score = Case(When(risk__gte=county_line, then=Value(RiskColour.RED.value)),
                           When(risk__gte=township_line, then=Value(RiskColour.AMBER.value)),
                           default=Value(RiskColour.GREEN.value), output_field=CharField())
    per_bin: dict[int, int] = {}
    colours = {RiskColour.RED.value: 0, RiskColour.AMBER.value: 0, RiskColour.GREEN.value: 0}
    # One pass over the year's scores: a line need not fall on a bin's edge, so each group is (bin, colour).
    for row in scores.annotate(bin=_risk_bin(), colour=colour_of_score).values("bin", "colour").annotate(n=Count("pk")):
        per_bin[row["bin"]] = per_bin.get(row["bin"], 0) + row["n"]
        colours[row["colour"]] += row["n"]
    bins = []
    for index in range(BINS):
        low, high = BIN_WIDTH * index, BIN_WIDTH * (index + 1)
        below = f"{high:.2f}" if index < BINS - 1 else None  # the last bin holds 1.00: no upper bound
        bins.append({"label": f"{low:.2f}–{high:.2f}", "from": f"{low:.2f}", "count": per_bin.get(index, 0),
                     "url": link("household_list", risk_from=f"{low:.2f}", risk_below=below)})
    colours["none"] = households_total - colours["red"] - colours["amber"] - colours["green"]
    return {
        "year": year,
        "township_line": township_line,
        "county_line": county_line,
        "scored": households_total - colours["none"],
        "bins": bins,
        "by_colour": [_row(colour.label, colours[colour.value], link("household_list", risk_colour=colour.value),
                           colour=colour.value) for colour in RiskColour],
    }


def last_batch(*, user) -> dict | None:
    """The county's latest cleansing batch, with its findings by rule as the user's area sees them:
    the county's for county staff and the inspector, the township's for its reviewer, and for a
    clerk the tickets this batch opened in their village."""
    county = county_of(user)
    batch = Batch.objects.filter(county_id=county).select_related("area").order_by("-created_at", "-pk").first()
    if batch is None:
        return None
    if permissions.can_view_county_overview(user):
        found = {result.rule_id: result.failing for result in batch.results.all()}
        scope_label = "全县不通过记录"
    elif user.is_township_reviewer:
        found = {result.rule_id: result.by_township.get(user.area_id, 0) for result in batch.results.all()}
        scope_label = "本乡镇不通过记录"
    else:
        found = dict(Ticket.objects.in_scope(user).filter(batch_id=batch.pk).order_by()
                     .values_list("rule_id").annotate(n=Count("pk")).values_list("rule_id", "n"))
        scope_label = "本村由该批次新发现"
    rules = []
    by_severity = {value: 0 for value in Severity.values}
    for rule_id, count in sorted(found.items()):
        if not count:
            continue
        facts = rule_facts.facts_of(rule_id)
        severity = facts.severity if facts else ""
        by_severity[severity] = by_severity.get(severity, 0) + count
        rules.append({"rule_id": rule_id, "name": facts.name if facts else "", "count": count,
                      "severity": Severity(severity).label if severity in Severity.values else ""})
    return {
        "batch": batch,
        "scope_label": scope_label,
        "rules": rules,
        "total": sum(row["count"] for row in rules),
        "by_severity": [{"label": label, "count": by_severity.get(value, 0)} for value, label in Severity.choices],
        "url": reverse("rules_batch", args=[batch.pk]) if permissions.can_view_settings(user) else None,
    }


def dashboard(*, user, today: datetime.date | None = None) -> dict:
    """Every figure of the dashboard for `user`'s area."""
    today = today or timezone.localdate()
    households = households_figures(user=user)
    return {
        "today": today,
        "households": households,
        "tickets": tickets_figures(user=user, today=today),
        "overdue_clues": overdue_clues(user=user, today=today),
        "months": rectification_by_month(user=user, today=today),
        "risk": risk_figures(user=user, households_total=households["total"]),
        "batch": last_batch(user=user),
    }


def chart_data(figures: dict) -> dict:
    """What each chart draws (labels and counts only; the links live in the tables beside them)."""
    households, tickets, risk = figures["households"], figures["tickets"], figures["risk"]

    def bars(rows):
        return {"labels": [row["label"] for row in rows], "values": [row["count"] for row in rows]}

    return {
        "by_type": bars(households["by_type"]),
        "by_monitoring": bars(households["by_monitoring"]),
        "objects_by_status": bars(households["objects_by_status"]),
        "objects_by_risk_type": bars(households["objects_by_risk_type"]),
        "tickets_by_status": bars(tickets["by_status"]),
        "tickets_by_area": {**bars(tickets["by_area"]), "overdue": [row["overdue"] for row in tickets["by_area"]]},
        "months": {"labels": [row["month"] for row in figures["months"]],
                   "raised": [row["raised"] for row in figures["months"]],
                   "closed": [row["closed"] for row in figures["months"]],
                   "rate": [None if row["rate"] is None else float(row["rate"]) for row in figures["months"]]},
        "risk": {"bins": [float(row["from"]) + float(BIN_WIDTH) / 2 for row in risk["bins"]],
                 "labels": [row["label"] for row in risk["bins"]],
                 "values": [row["count"] for row in risk["bins"]],
                 "width": float(BIN_WIDTH),
                 "township_line": float(risk["township_line"]), "county_line": float(risk["county_line"])},
        "by_colour": {**bars(risk["by_colour"]), "colours": [row["colour"] for row in risk["by_colour"]]},
    }
