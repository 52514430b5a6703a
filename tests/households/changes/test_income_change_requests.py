"""Income change requests (录入/更正收入): drafted per year, reviewed like any change request."""

from decimal import Decimal

import pytest
from django.urls import reverse

from households.changes import services
from households.changes.history import household_timeline
from households.changes.models import ChangeKind, ChangeRequest, ChangeStatus
from households.changes.income_forms import NEGATIVE
from households.models import AnnualIncome
from tests.builders import make_income
from tests.households.changes.test_views import outsiders  # noqa: F401  (fixture)

YEAR = 2025
FORM = {"year": str(YEAR), "wage": "24000", "operating_income": "6000", "operating_expense": "1500.5",
        "transfer_total": "3000", "subsistence": "3000", "note": "入户核实"}


def income_of(household, year=YEAR) -> AnnualIncome:
    return AnnualIncome.objects.with_per_capita().get(household=household, year=year)


def submit(world, user=None, year=YEAR, **amounts):
    return services.income_change_submit(
        user=user or world.clerk, household=world.home, year=year,
        data={name: Decimal(value) for name, value in (amounts or {"wage": "24000"}).items()}, note="入户核实",
    )


def test_an_income_request_for_a_new_year_has_empty_old_values_and_changes_nothing(world):
    change = submit(world, wage="24000", operating_expense="0")
    assert (change.kind, change.year, change.status) == (ChangeKind.INCOME, YEAR, ChangeStatus.PENDING_TOWNSHIP)
    assert change.changes == {"wage": [None, "24000.00"], "operating_expense": [None, "0.00"]}
    assert not AnnualIncome.objects.filter(household=world.home).exists()


def test_approval_creates_the_row_records_history_and_sends_the_event(
    world, events, django_capture_on_commit_callbacks
):
    change = submit(world, wage="24000", operating_income="6000", operating_expense="1500")
    with django_capture_on_commit_callbacks(execute=True):
        services.change_request_approve(change=change, reviewer=world.reviewer)
    income = income_of(world.home)
    assert (income.net, income.size) == (Decimal("28500.00"), 3)
    assert income.per_capita == Decimal("9500.00")
    assert events == [world.home.pk]
    record = AnnualIncome.history.get(id=income.pk)
    assert (record.history_user, record.change_request_id) == (world.reviewer, change.pk)
    entry = household_timeline(household=world.home)[0]
    assert entry.change_request_id == change.pk
    assert ("2025 年度工资性收入", "—", "24,000.00 元") in entry.changes


def test_a_correction_updates_the_existing_year_only_where_it_changed(world):
    make_income(world.home, YEAR, wage="20000", property_income="500")
    change = submit(world, wage="22000", property_income="500")
    assert change.changes == {"wage": ["20000.00", "22000.00"]}
    services.change_request_approve(change=change, reviewer=world.reviewer)
    income = income_of(world.home)
    assert (income.wage, income.property_income, income.net) == (Decimal("22000"), Decimal("500"), Decimal("22500"))
    assert AnnualIncome.objects.filter(household=world.home).count() == 1
    assert ("2025 年度工资性收入", "20,000.00 元", "22,000.00 元") in household_timeline(household=world.home)[0].changes


def test_approval_refuses_when_the_live_income_changed_after_drafting(world):
    make_income(world.home, YEAR, wage="20000")
    change = submit(world, wage="22000")
    AnnualIncome.objects.filter(household=world.home, year=YEAR).update(wage=Decimal("21000"))
    with pytest.raises(services.ChangeConflict) as refused:
        services.change_request_approve(change=change, reviewer=world.reviewer)
    assert [(c.label, c.old, c.now, c.proposed) for c in refused.value.conflicts] == [
        ("工资性收入", "20,000.00 元", "21,000.00 元", "22,000.00 元")]
    assert income_of(world.home).wage == Decimal("21000")
    change.refresh_from_db()
    assert change.status == ChangeStatus.PENDING_TOWNSHIP


def test_a_year_created_by_someone_else_meanwhile_is_a_conflict(world):
    change = submit(world, wage="22000")
    make_income(world.home, YEAR, wage="18000")
    with pytest.raises(services.ChangeConflict):
        services.change_request_approve(change=change, reviewer=world.reviewer)


def test_a_returned_income_request_is_revised_against_the_live_row(world):
    change = submit(world, wage="22000")
    services.change_request_return(change=change, reviewer=world.reviewer, reason="工资请按工资条")
    revised = services.change_request_resubmit(change=change, user=world.clerk,
                                               data={"wage": Decimal("21500")}, note="按工资条")
    assert (revised.status, revised.changes) == (ChangeStatus.PENDING_TOWNSHIP, {"wage": [None, "21500.00"]})
    assert not AnnualIncome.objects.filter(household=world.home).exists()


def test_a_county_entry_applies_at_once(world):
    change = submit(world, user=world.county_staff, wage="30000")
    assert change.status == ChangeStatus.APPROVED
    assert income_of(world.home).wage == Decimal("30000")


# --- the screens --------------------------------------------------------------------

def test_the_household_page_offers_income_entry_and_the_form_shows_the_figures(client, world):
    make_income(world.home, YEAR, wage="9000")
    client.force_login(world.clerk)
    page = client.get(reverse("household_detail", args=[world.home.number])).content.decode()
    assert reverse("household_income_new", args=[world.home.number]) in page
    form = client.get(reverse("household_income_new", args=[world.home.number])).content.decode()
    assert 'data-income-sign="-"' in form and 'data-size="3"' in form
    assert "9,000.00" in form and "3,000.00" in form  # net, and per capita over 3 members
    assert "js/income.js" in form


def test_a_clerk_submits_the_township_approves_and_per_capita_shows_on_the_page(client, world):
    client.force_login(world.clerk)
    response = client.post(reverse("household_income_new", args=[world.home.number]), FORM)
    change = ChangeRequest.objects.get()
    assert response.url == reverse("change_detail", args=[change.pk])
    assert change.changes["operating_expense"] == [None, "1500.50"]
    client.force_login(world.reviewer)
    review = client.get(reverse("change_detail", args=[change.pk])).content.decode()
    assert "31,499.50" in review and "10,499.83" in review  # server-computed net and per capita
    client.post(reverse("change_approve", args=[change.pk]))
    page = client.get(reverse("household_detail", args=[world.home.number])).content.decode()
    assert "10,499.83" in page
    assert f"变更申请 #{change.pk}" in page


def test_a_negative_amount_is_refused_next_to_its_field(client, world):
    client.force_login(world.clerk)
    response = client.post(reverse("household_income_new", args=[world.home.number]), FORM | {"wage": "-1"})
    assert response.status_code == 200
    assert response.context["form"].errors["wage"] == [NEGATIVE]
    assert not ChangeRequest.objects.exists()


def test_the_year_picker_shows_that_years_row(client, world):
    make_income(world.home, 2024, wage="12345")
    client.force_login(world.clerk)
    page = client.get(reverse("household_income_new", args=[world.home.number]), {"year": "2024"})
    assert page.context["form"].initial["wage"] == Decimal("12345")
    assert page.context["year"] == 2024


def test_the_clerk_revises_a_returned_income_request_in_the_income_form(client, world):
    change = submit(world, wage="22000")
    services.change_request_return(change=change, reviewer=world.reviewer, reason="再核实")
    client.force_login(world.clerk)
    url = reverse("change_resubmit", args=[change.pk])
    assert "data-income-form" in client.get(url).content.decode()
    client.post(url, FORM | {"wage": "23000"})
    change.refresh_from_db()
    assert (change.status, change.changes["wage"]) == (ChangeStatus.PENDING_TOWNSHIP, [None, "23000.00"])


def test_the_income_form_is_404_outside_scope_and_for_inspectors(client, world, outsiders):  # noqa: F811
    def status(user, method, household=world.home):
        client.force_login(user)
        url = reverse("household_income_new", args=[household.number])
        return getattr(client, method)(url, FORM).status_code

    for user in (world.clerk, world.reviewer, world.county_staff):
        assert status(user, "get") == 200
    for user in (world.inspector, world.no_role, *outsiders.values()):
        assert status(user, "get") == 404
        assert status(user, "post") == 404
    assert status(world.clerk, "get", world.neighbour) == 404
    assert status(world.reviewer, "get", world.other_township) == 404
    assert status(world.county_staff, "get", world.other_county) == 404
    assert not ChangeRequest.objects.exists()


def test_an_income_request_is_404_outside_scope(client, world, outsiders):  # noqa: F811
    change = submit(world)
    for user in outsiders.values():
        client.force_login(user)
        assert client.get(reverse("change_detail", args=[change.pk])).status_code == 404
        assert client.post(reverse("change_approve", args=[change.pk])).status_code == 404
        assert client.get(reverse("change_resubmit", args=[change.pk])).status_code == 404
    assert not AnnualIncome.objects.filter(household=world.home).exists()


def test_the_first_correction_of_an_imported_year_shows_what_changed(world):
    AnnualIncome.objects.bulk_create([AnnualIncome(household=world.home, year=YEAR, wage=Decimal("20000"),
                                                   property_income=Decimal("500"))])  # no history row
    change = submit(world, wage="22000", property_income="500")
    services.change_request_approve(change=change, reviewer=world.reviewer)
    assert household_timeline(household=world.home)[0].changes == [
        ("2025 年度工资性收入", "20,000.00 元", "22,000.00 元")]
