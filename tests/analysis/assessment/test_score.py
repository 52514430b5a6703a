"""数据质量月考评: each part against a fixture computed by hand, its edges, the ranking, storing."""

import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from analysis.assessment import selectors, services
from analysis.assessment.models import AssessmentScore
from audits.models import Severity, Ticket, TicketEvent, TicketStatus
from households.models import Household
from monitoring_objects.models import ClueStatus
from rules.models import CatalogParameter
from rules.parameters import DEFAULTS
from tests.audits.builders import make_ticket
from tests.builders import make_area, make_household
from tests.conftest import BEIJING, VILLAGE_B1
from tests.monitoring_objects.builders import make_clue

COUNTY = "230381"
TOWNSHIP_A = "230381100"  # home and neighbour: 2 households, no tickets
TOWNSHIP_B = "230381101"  # village B1: 40 households, the fixture below
MARCH = datetime.date(2026, 3, 1)
W = {key: value for key, value in DEFAULTS.items() if key.startswith("assessment_")}


def at(text: str) -> datetime.datetime:
    """A Beijing instant: '2026-03-15 12:00'."""
    return datetime.datetime.fromisoformat(text).replace(tzinfo=BEIJING)


def ticket(household, *, severity=Severity.ERROR, found: str, due: str, closed: str | None = None,
           status=TicketStatus.PENDING_VILLAGE) -> Ticket:
    made = make_ticket(household, severity=severity, status=TicketStatus.CLOSED if closed else status,
                       rule_id=f"R{Ticket.objects.count()}")
    Ticket.objects.filter(pk=made.pk).update(found_at=at(found), due_on=datetime.date.fromisoformat(due),
                                             closed_at=at(closed) if closed else None)
    if closed:
        TicketEvent.objects.create(ticket=made, at=at(closed), from_status=TicketStatus.PENDING_COUNTY,
                                   to_status=TicketStatus.CLOSED)
    return made


def returned(made: Ticket, when: str) -> None:
    TicketEvent.objects.create(ticket=made, at=at(when), from_status=TicketStatus.PENDING_TOWNSHIP,
                               to_status=TicketStatus.RETURNED, comment="请重新核实")


def clue(household, *, created: str, deadline: str, answered: str | None = None):
    return make_clue(household, created_at=at(created), deadline=datetime.date.fromisoformat(deadline),
                     status=ClueStatus.DECLINED if answered else ClueStatus.OPEN,
                     answered_at=at(answered) if answered else None)


@pytest.fixture
def march(world):
    """Township B in March 2026, by hand:

    open at the end of March: E1, E2 (closed 2 April), W1, W2, W3 (found 2025) → 2 errors, 3
      warnings → 2×2 + 3 = 7 per 40 households = 17.5 per 100 → ① 17.50
    overdue on 31 March: E1 (due 12 March), E2 (due 8 Feb), W3 (due 8 Dec 2025), and W1, whose
      due_on (8 April) was set by a move on 1 April: on 31 March it was back at the village since
      15 March, 7 days → due 22 March → 4 × 0.5 → ② 2.00
    overdue clues: two (one open, one answered 3 April), both due 8 March → 2 × 2 → ③ 4.00
    returned in March: W1 on 15 March, E3 at 00:00 on 1 March (not 23:59 on 28 Feb, not W1's
      00:00 on 1 April) → 2 × 1 → ④ 2.00
    raised in 2026 by the end of March: E1, E2, E3, W1, W2 = 5; closed by then: E3 → 20 × 4/5 → ⑤ 16.00
    score = 100 − 17.50 − 2.00 − 4.00 − 2.00 − 16.00 = 58.50
    """
    households = [world.other_township] + [make_household(VILLAGE_B1) for _ in range(39)]
    first = households[0]
    ticket(first, found="2026-03-05 09:00", due="2026-03-12")  # E1
    ticket(households[1], found="2026-02-01 09:00", due="2026-02-08", closed="2026-04-02 10:00")  # E2
    e3 = ticket(households[2], found="2026-01-10 09:00", due="2026-01-17", closed="2026-03-20 10:00")
    w1 = ticket(first, severity=Severity.WARNING, found="2026-03-10 09:00", due="2026-04-08")
    ticket(households[3], severity=Severity.WARNING, found="2026-03-25 09:00", due="2026-04-01")  # W2
    ticket(households[4], severity=Severity.WARNING, found="2025-12-01 09:00", due="2025-12-08")  # W3
    returned(w1, "2026-03-15 12:00")
    returned(w1, "2026-04-01 00:00")
    returned(e3, "2026-02-28 23:59")
    returned(e3, "2026-03-01 00:00")
    clue(first, created="2026-03-01 09:00", deadline="2026-03-08")
    clue(households[1], created="2026-03-01 09:00", deadline="2026-03-08", answered="2026-04-03 09:00")
    clue(households[2], created="2026-03-01 09:00", deadline="2026-03-31")  # due on the last day: not yet
    clue(households[3], created="2026-03-01 09:00", deadline="2026-03-06", answered="2026-03-07 09:00")
    clue(households[4], created="2026-04-02 09:00", deadline="2026-03-06")  # registered after March
    return world


def scored(month=MARCH, **kwargs):
    return {result.township: result for result in selectors.assess(county=COUNTY, month=month, **kwargs)}


def deductions(result) -> dict:
    return {key: part["deduction"] for key, part in result.parts.items()}


def test_each_part_of_a_township_against_the_hand_computed_month(march):
    b = scored()[TOWNSHIP_B]
    assert b.households == 40
    assert (b.parts["open"]["errors"], b.parts["open"]["warnings"], b.parts["open"]["count"]) == (2, 3, 7)
    assert b.parts["open"]["per_100"] == Decimal("17.50")
    assert b.parts["overdue_tickets"]["count"] == 4
    assert b.parts["overdue_clues"]["count"] == 2
    assert b.parts["returned"]["count"] == 2
    assert (b.parts["closure"]["raised"], b.parts["closure"]["closed"], b.parts["closure"]["rate"]) == \
        (5, 1, Decimal("20.00"))
    assert deductions(b) == {"open": Decimal("17.50"), "overdue_tickets": Decimal("2.00"),
                             "overdue_clues": Decimal("4.00"), "returned": Decimal("2.00"),
                             "closure": Decimal("16.00")}
    assert b.score == Decimal("58.50")


def test_a_township_without_tickets_loses_nothing_and_other_counties_do_not_count(march):
    a = scored()[TOWNSHIP_A]
    assert a.households == 2 and a.score == Decimal("100.00")
    assert a.parts["closure"]["rate"] is None and a.parts["closure"]["deduction"] == 0
    assert set(scored()) == {TOWNSHIP_A, TOWNSHIP_B}


def test_a_ticket_closed_after_the_month_counts_as_open_that_month_and_closed_the_next(march):
    april = scored(datetime.date(2026, 4, 1))[TOWNSHIP_B]
    # E2 closed on 2 April: open in March (above), closed in April.
    assert (april.parts["open"]["errors"], april.parts["open"]["warnings"]) == (1, 3)
    assert (april.parts["closure"]["raised"], april.parts["closure"]["closed"]) == (5, 2)
    # Returned in April: W1's move at 00:00 on 1 April.
    assert april.parts["returned"]["count"] == 1


def test_an_error_ticket_counts_twice_a_warning_once(world):
    households = [world.other_township] + [make_household(VILLAGE_B1) for _ in range(99)]
    ticket(households[0], found="2026-03-02 09:00", due="2026-12-31")
    b = scored()[TOWNSHIP_B]
    assert b.parts["open"]["count"] == 2 and deductions(b)["open"] == Decimal("2.00")
    ticket(households[1], severity=Severity.WARNING, found="2026-03-02 09:00", due="2026-12-31")
    assert deductions(scored()[TOWNSHIP_B])["open"] == Decimal("3.00")


def test_a_township_without_households_is_not_divided_by_zero(world):
    make_area("230381102201", "空村")
    removed = make_household("230381102201")
    ticket(removed, found="2026-03-02 09:00", due="2026-03-05")
    Household.objects.filter(pk=removed.pk).update(removed_on=datetime.date(2026, 3, 3))
    empty = scored()["230381102"]
    assert empty.households == 0
    assert empty.parts["open"]["count"] == 2 and empty.parts["open"]["deduction"] == 0
    assert empty.parts["overdue_tickets"]["count"] == 1  # the other parts still count
    assert empty.score == Decimal("100.00") - Decimal("0.50") - Decimal("20.00")


def test_a_month_not_yet_begun_is_refused(world):
    with pytest.raises(ValueError):
        selectors.assess(county=COUNTY, month=selectors.next_month(timezone.localdate()))


@pytest.mark.parametrize("households, weighted, expected", [
    (100, 29, "29.00"), (100, 30, "30.00"), (100, 31, "30.00"),  # the cap: below, exactly, above
    (3, 1, "30.00"),  # 33.33 per 100: capped
])
def test_open_tickets_cap(households, weighted, expected):
    parts = selectors.score_parts(households=households, tickets={"open_errors": 0, "open_warnings": weighted},
                                  overdue_clues=0, returned=0, w=W)
    assert parts["open"]["deduction"] == Decimal(expected)


def test_open_tickets_round_half_up():
    w = {**W, "assessment_open_per_100": Decimal("0.1")}
    # 1 per 16 households = 6.25 per 100 × 0.1 = 0.625 → 0.63 (half up, not 0.62)
    parts = selectors.score_parts(households=16, tickets={"open_warnings": 1}, overdue_clues=0, returned=0, w=w)
    assert parts["open"]["deduction"] == Decimal("0.63")
    assert parts["open"]["per_100"] == Decimal("6.25")


@pytest.mark.parametrize("count, expected", [(39, "19.50"), (40, "20.00"), (41, "20.00")])
def test_overdue_tickets_cap(count, expected):
    parts = selectors.score_parts(households=10, tickets={"overdue": count}, overdue_clues=0, returned=0, w=W)
    assert parts["overdue_tickets"]["deduction"] == Decimal(expected)


@pytest.mark.parametrize("count, expected", [(9, "18.00"), (10, "20.00"), (11, "20.00")])
def test_overdue_clues_cap(count, expected):
    parts = selectors.score_parts(households=10, tickets={}, overdue_clues=count, returned=0, w=W)
    assert parts["overdue_clues"]["deduction"] == Decimal(expected)


@pytest.mark.parametrize("count, expected", [(9, "9.00"), (10, "10.00"), (11, "10.00")])
def test_returned_cap(count, expected):
    parts = selectors.score_parts(households=10, tickets={}, overdue_clues=0, returned=count, w=W)
    assert parts["returned"]["deduction"] == Decimal(expected)


@pytest.mark.parametrize("raised, closed, expected", [(0, 0, "0.00"), (3, 3, "0.00"), (3, 0, "20.00"),
                                                      (3, 1, "13.33"), (3, 2, "6.67")])
def test_closure(raised, closed, expected):
    parts = selectors.score_parts(households=10, tickets={"raised": raised, "closed": closed},
                                  overdue_clues=0, returned=0, w=W)
    assert parts["closure"]["deduction"] == Decimal(expected)


def test_the_score_never_falls_below_zero():
    w = {**W, "assessment_closure": Decimal("40")}
    parts = selectors.score_parts(households=10, tickets={"open_errors": 50, "overdue": 100, "raised": 5},
                                  overdue_clues=50, returned=50, w=w)
    assert sum(deductions(type("R", (), {"parts": parts})).values()) == Decimal("120.00")
    assert selectors.score_of(parts) == Decimal("0.00")


def test_the_county_weights_are_used(march):
    CatalogParameter.objects.create(county=COUNTY, key="assessment_overdue_ticket", value=Decimal("1.25"))
    assert deductions(scored()[TOWNSHIP_B])["overdue_tickets"] == Decimal("5.00")


def test_the_current_month_counts_overdue_as_the_ticket_list_does(world):
    today = timezone.localdate()
    late = make_ticket(world.other_township, due_in_days=-1)
    make_ticket(world.other_township, rule_id="B06", due_in_days=0)
    clue_late = make_clue(world.other_township, days_left=-1)
    b = scored(today)[TOWNSHIP_B]
    assert b.parts["overdue_tickets"]["count"] == Ticket.objects.overdue(today).count() == 1
    assert b.parts["overdue_clues"]["count"] == 1
    assert (b.parts["open"]["errors"], b.parts["closure"]["raised"]) == (2, 2)
    assert late.pk and clue_late.pk


def test_compute_stores_every_township_and_is_idempotent(march):
    assert services.compute_assessment(county=COUNTY, month=MARCH) == 2
    first = list(AssessmentScore.objects.order_by("township").values("township", "score", "households", "parts"))
    assert services.compute_assessment(county=COUNTY, month=datetime.date(2026, 3, 17)) == 2
    again = list(AssessmentScore.objects.order_by("township").values("township", "score", "households", "parts"))
    assert first == again and AssessmentScore.objects.count() == 2
    b = AssessmentScore.objects.get(township=TOWNSHIP_B)
    assert b.score == Decimal("58.50") and b.month == MARCH and b.county == COUNTY
    assert b.parts["open"] == {"count": 7, "errors": 2, "warnings": 3, "per_100": "17.50", "deduction": "17.50"}
    assert b.parts["closure"]["rate"] == "20.00"
    # A ticket closed meanwhile (before the end of March) changes the stored score on the next run.
    Ticket.objects.filter(found_at=at("2026-03-05 09:00")).update(status=TicketStatus.CLOSED,
                                                                  closed_at=at("2026-03-30 09:00"))
    services.compute_assessment(county=COUNTY, month=MARCH)
    assert AssessmentScore.objects.get(township=TOWNSHIP_B).score == Decimal("58.50") + Decimal("5.00") \
        + Decimal("0.50") + Decimal("4.00")


def test_compute_takes_a_fixed_number_of_queries(march):
    with CaptureQueriesContext(connection) as few:
        services.compute_assessment(county=COUNTY, month=MARCH)
    for index in range(30):
        make_ticket(make_household(VILLAGE_B1), rule_id=f"X{index}")
    with CaptureQueriesContext(connection) as many:
        services.compute_assessment(county=COUNTY, month=MARCH)
    assert len(many) == len(few) <= 14


def _score(township, score, month=MARCH):
    make_area(township + "201")
    return AssessmentScore.objects.create(county=COUNTY, township=township, month=month, households=1,
                                          score=Decimal(score), parts={})


def test_ranking_shares_a_rank_between_equal_scores_listed_by_code(db):
    _score("230381103", "90.00")
    _score("230381101", "95.50")
    _score("230381102", "90.00")
    _score("230381104", "80.00")
    _score("230381105", "99.00", month=datetime.date(2026, 2, 1))  # another month
    rows = [(row.township, row.rank) for row in selectors.ranked(COUNTY, MARCH)]
    assert rows == [("230381101", 1), ("230381102", 2), ("230381103", 2), ("230381104", 4)]
    # A filtered read keeps the county's rank.
    row = selectors.ranked_row(COUNTY, MARCH, "230381104")
    assert (row.rank, selectors.ranked(COUNTY, MARCH).count()) == (4, 4)
    assert selectors.ranked_row(COUNTY, MARCH, "230381105") is None


def test_trend_by_township_and_month(db):
    _score("230381101", "95.50")
    _score("230381101", "90.00", month=datetime.date(2026, 2, 1))
    _score("230381102", "70.00", month=datetime.date(2026, 2, 1))
    data = selectors.trend(COUNTY)
    assert data["months"] == ["2026-02", "2026-03"]
    assert {line["code"]: line["scores"] for line in data["series"]} == {
        "230381101": ["90.00", "95.50"], "230381102": ["70.00", None]}
    assert data["average"] == ["80.00", "95.50"]
    assert [line["code"] for line in selectors.trend(COUNTY, township="230381102")["series"]] == ["230381102"]


def test_the_monthly_task_scores_every_county_for_the_month_just_ended(world, settings):
    from analysis.assessment import tasks

    entry = settings.CELERY_BEAT_SCHEDULE["assessment-monthly"]
    assert entry["task"] == "analysis.assessment.tasks.compute_last_month_assessment"
    assert (entry["schedule"].day_of_month, entry["schedule"].hour, entry["schedule"].minute) == ({1}, {2}, {0})
    assert tasks.compute_last_month_assessment() == {"230381": 2, "340323": 1}
    last = selectors.last_month()
    assert set(AssessmentScore.objects.values_list("month", flat=True)) == {last}
    assert tasks.compute_assessment(county=COUNTY, month="2026-03") == 2
