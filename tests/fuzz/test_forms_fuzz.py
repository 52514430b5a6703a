"""The main forms and list filters, fuzzed through the test client: never a 500.

Each form is first fetched as its user sees it; its own values (the choices selected, the
hidden fields, what is already filled in) are the baseline, and each example replaces a
few fields with nasty text (huge, formula-looking, full-width, bidi, zero-width, emoji,
combining marks, NUL) and posts it. A NUL that would reach the database is refused the way
PostgreSQL refuses it. List pages get the same values in their query strings.
"""

from dataclasses import dataclass

import lxml.html
import pytest
from django.test import Client
from django.urls import reverse
from hypothesis import given
from hypothesis import strategies as st

from audits.models import TicketStatus
from households.changes import services as change_services
from households.changes.models import ChangeRequest
from households.models import Member
from tests.audits.builders import make_ticket
from tests.fuzz.conftest import examples, rolled_back
from tests.fuzz.strategies import nasty_text, tricky_names
from tests.monitoring_objects.builders import make_application, make_clue

pytestmark = pytest.mark.django_db


@dataclass(frozen=True)
class Page:
    persona: str
    url: str        # a URL name; its arguments are filled in by `resolve()`
    args: tuple = ()


FORMS = [
    Page("clerk", "household_change_new", ("home",)),
    Page("clerk", "household_income_new", ("home",)),
    Page("clerk", "member_change_new", ("home", "member")),
    Page("clerk", "member_add_new", ("home",)),
    Page("clerk", "member_remove_new", ("home", "member")),
    Page("clerk", "measure_new", ("home",)),
    Page("clerk", "household_remove_new", ("home",)),
    Page("clerk", "household_add_new"),
    Page("clerk", "ticket_detail", ("ticket",)),
    Page("clerk", "clue_new"),
    Page("clerk", "clue_detail", ("clue",)),
    Page("clerk", "application_edit", ("application",)),
    Page("reviewer", "change_detail", ("change",)),
    Page("reviewer", "ticket_detail", ("explained_ticket",)),
    Page("county_staff", "rules_catalog"),  # the parameters, the year's lines, the rule switches
    Page("county_staff", "monitoring_settings"),
    Page("county_staff", "rules_batches"),
    Page("anonymous", "login"),
]
LISTS = [
    Page("clerk", "household_list"), Page("clerk", "change_list"), Page("clerk", "ticket_list"),
    Page("clerk", "clue_list"), Page("clerk", "application_list"), Page("reviewer", "monitoring_list"),
    Page("county_staff", "department_list"), Page("county_staff", "ticket_deadlines"),
    Page("county_staff", "registry_import_list"),
]
QUERY_NAMES = ["q", "search", "status", "village", "township", "year", "rule", "severity", "page", "sort",
               "order", "risk_status", "monitoring_type", "kind", "channel", "overdue", "show", "source",
               "household_type", "member", "level", "from", "to", "date_from", "date_to"]


@pytest.fixture
def objects(world):
    member = world.home.members.first()
    return {
        "home": world.home.number,
        "member": member.pk,
        "ticket": make_ticket(world.home).pk,
        "explained_ticket": make_ticket(world.home, rule_id="B06", status=TicketStatus.PENDING_TOWNSHIP).pk,
        "clue": make_clue(world.home).pk,
        "application": make_application(world.home).pk,
        "change": change_services.change_request_submit(user=world.clerk, household=world.home,
                                                        data={"phone": "13911112222"}).pk,
    }


def client_for(world, persona) -> Client:
    client = Client(raise_request_exception=False)
    if persona != "anonymous":
        client.force_login(getattr(world, persona))
    return client


def resolve(page: Page, objects) -> str:
    return reverse(page.url, args=[objects[name] for name in page.args])


def forms_of(html: str) -> list[tuple[str, list[tuple[str, str]], list[str]]]:
    """(action, the values a browser would send, every field name) of each POST form."""
    found = []
    for form in lxml.html.fromstring(html).forms:
        if (form.method or "GET").upper() != "POST":
            continue
        names = [name for name in form.fields.keys() if name != "csrfmiddlewaretoken"]
        if not names or "/reveal/" in (form.action or ""):  # a button alone: nothing to type into
            continue
        found.append((form.action or "", list(form.form_values()), names))
    return found


@pytest.fixture
def baselines(world, objects):
    """Per form page: its URL, persona and the forms on it, as fetched once."""
    found = {}
    for page in FORMS:
        url = resolve(page, objects)
        response = client_for(world, page.persona).get(url)
        assert response.status_code == 200, (page, response.status_code)
        forms = forms_of(response.content.decode())
        assert forms, page
        found[page] = (url, forms)
    return found


@examples(300)
@given(page=st.sampled_from(FORMS), which=st.integers(0, 10), data=st.data())
def test_no_form_answers_500_whatever_is_typed(world, baselines, fuzz_case, like_postgresql, page, which, data):
    fuzz_case()
    url, forms = baselines[page]
    action, values, names = forms[which % len(forms)]
    fields = dict(values)
    for name in data.draw(st.sets(st.sampled_from(names), min_size=1, max_size=3), label="fields"):
        fields[name] = data.draw(st.one_of(nasty_text(), tricky_names()), label=name)
    with rolled_back():
        response = client_for(world, page.persona).post(action or url, fields)
        assert response.status_code < 500, (page, fields)


@examples(200)
@given(page=st.sampled_from(LISTS),
       query=st.dictionaries(st.sampled_from(QUERY_NAMES), nasty_text(), min_size=1, max_size=3))
def test_no_list_answers_500_whatever_its_query_string_says(world, objects, fuzz_case, like_postgresql, page, query):
    fuzz_case()
    with rolled_back():
        response = client_for(world, page.persona).get(resolve(page, objects), query)
        assert response.status_code < 500, (page, query)


@examples(20)
@given(name=tricky_names())
def test_a_member_change_with_a_bidi_or_zero_width_name_is_refused(world, objects, fuzz_case, name):
    fuzz_case()
    url = reverse("member_change_new", args=[objects["home"], objects["member"]])
    client = client_for(world, "clerk")
    [(_, values, _)] = [form for form in forms_of(client.get(url).content.decode()) if "name" in form[2]]
    with rolled_back():
        before = ChangeRequest.objects.count()
        response = client.post(url, {**dict(values), "name": name, "confirm_warnings": "on"})
        assert response.status_code == 200
        assert "姓名含有不可见的控制字符" in response.content.decode()
        assert ChangeRequest.objects.count() == before
        assert not Member.objects.filter(name=name).exists()
