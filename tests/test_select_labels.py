"""Selects say 请选择 (forms) or 全部 (filters), never Django's "---------"."""

import pytest
from django.urls import reverse

import django_filters
from django import forms

from households.changes import services as change_services
from households.changes.models import ChangeKind
from households.choices import Education
from households.changes.member_forms import MemberForm
from households.models import Household, Member
from tests.audits.builders import make_ticket

pytestmark = pytest.mark.django_db

DJANGO_BLANK = "---------"


@pytest.fixture
def pages(world):
    """(persona, url) of every page with a form or a filter, the main forms first."""
    home = world.home
    member = home.members.order_by("pk").first()
    ticket = make_ticket(home, rule_id="B05")
    change = change_services.change_request_submit(user=world.clerk, household=home, data={"phone": "13912345678"},
                                                   note="电话已更换")
    returned = change_services.change_submit(user=world.clerk, kind=ChangeKind.MEMBER_EDIT, household=home,
                                             member=member, data={"education": Education.SENIOR}, note="毕业")
    change_services.change_request_return(change=returned, reviewer=world.reviewer, reason="请附毕业证")
    clerk = [reverse(name, args=args) for name, args in [
        ("household_change_new", [home.number]), ("household_income_new", [home.number]),
        ("household_add_new", []), ("member_add_new", [home.number]),
        ("member_change_new", [home.number, member.pk]), ("member_remove_new", [home.number, member.pk]),
        ("measure_new", [home.number]), ("household_remove_new", [home.number]),
        ("household_list", []), ("change_list", []), ("ticket_list", []), ("ticket_detail", [ticket.pk]),
        ("collection_sheet", []), ("change_resubmit", [returned.pk]),
    ]]
    reviewer = [reverse(name, args=args) for name, args in [
        ("household_list", []), ("change_list", []), ("change_detail", [change.pk]), ("ticket_list", []),
        ("collection_sheet", []), ("ledger", []),
    ]]
    county = [reverse(name) for name in [
        "household_list", "change_list", "ticket_list", "ticket_deadlines", "ledger", "collection_sheet",
        "rules_catalog", "rules_batches", "registry_import_new",
    ]]
    return [(world.clerk, url) for url in clerk] + [(world.reviewer, url) for url in reviewer] + [
        (world.county_staff, url) for url in county]


def test_no_page_with_a_form_shows_djangos_blank_choice(client, pages):
    shown = []
    for user, url in pages:
        client.force_login(user)
        response = client.get(url)
        assert response.status_code == 200, url
        if DJANGO_BLANK in response.content.decode():
            shown.append(url)
    assert shown == [], "\n".join(shown)


def test_a_forms_empty_choice_says_please_choose(world):
    form = MemberForm()
    assert dict(form["education"].field.choices)[""] == "请选择"
    assert '<option value="" selected>请选择</option>' in str(form["education"])


def test_a_model_choice_fields_empty_label_says_please_choose(world):
    class HouseholdChoice(forms.Form):
        household = forms.ModelChoiceField(queryset=Household.objects.all())

    assert '<option value="" selected>请选择</option>' in str(HouseholdChoice()["household"])


def test_a_filters_empty_choice_says_all(world):
    class MemberFilter(django_filters.FilterSet):
        education = django_filters.ChoiceFilter(choices=Education.choices)

        class Meta:
            model = Member
            fields = ["education"]

    assert '<option value="" selected>全部</option>' in str(MemberFilter().form["education"])
