"""Who may do what (accounts/permissions.py), checked against the spec's role table, and the
menu checked against the pages it links to.

spec/domain.md: the village clerk (one village) enters changes and verifies tickets; the
township reviewer (one township) reviews the village's changes and tickets; county staff (one
county) give the final review, run batches, set parameters, import and export; the inspector
(one county) looks at everything in scope and changes nothing. Nobody sees or touches data
outside their scope.
"""

from types import SimpleNamespace

import pytest
from django.contrib.auth.models import AnonymousUser
from django.urls import reverse

from accounts import permissions
from accounts.context_processors import MENU
from accounts.models import User
from accounts.roles import Role
from audits.models import TicketStatus
from audits.transitions import PERSON, TRANSITIONS as TICKET_TRANSITIONS
from households.changes.models import ChangeStatus
from households.changes.services import TRANSITIONS as CHANGE_TRANSITIONS

VILLAGE = "230381100201"
NEIGHBOUR_VILLAGE = "230381100202"       # same township, another village
OTHER_TOWNSHIP_VILLAGE = "230381101201"  # same county, another township
OTHER_COUNTY_VILLAGE = "340323100201"

PERSONAS = {
    "clerk": User(pk=1, username="clerk", role=Role.VILLAGE_CLERK, area_id=VILLAGE),
    "reviewer": User(pk=2, username="reviewer", role=Role.TOWNSHIP_REVIEWER, area_id=VILLAGE[:9]),
    "county": User(pk=3, username="county", role=Role.COUNTY_STAFF, area_id=VILLAGE[:6]),
    "inspector": User(pk=4, username="inspector", role=Role.INSPECTOR, area_id=VILLAGE[:6]),
    "no_role": User(pk=5, username="nobody"),
    "anonymous": AnonymousUser(),
}
ROLES = ("clerk", "reviewer", "county", "inspector")

# Without an object: may the role ever do it. The roles that may; everyone else may not
# (the user without a role and the anonymous visitor included, unless named).
ROLE_MATRIX = {
    "view_registry": {*ROLES, "no_role"},  # the list opens for every signed-in user, empty without a scope
    "reveal": {*ROLES},
    "view_change_requests": {*ROLES},  # the inspector reads the queue (issue 12's defect)
    "submit_change": {"clerk", "reviewer", "county"},
    "review_change": {"reviewer", "county"},
    "withdraw_change": {"clerk", "reviewer", "county"},
    "revise_change": {"clerk", "reviewer", "county"},
    "view_tickets": {*ROLES},
    "act_on_ticket": {"clerk", "reviewer", "county"},
    "link_change_to_ticket": {"clerk"},
    "view_county_overview": {"county", "inspector"},
    "view_ledger": {"reviewer", "county", "inspector"},
    "export_ledger": {"reviewer", "county"},
    "export_full_ids": {"county"},
    "view_export_log": {"county"},
    "view_collection_sheet": {*ROLES},
    "view_settings": {"county", "inspector"},
    "edit_settings": {"county"},
    "run_batch": {"county"},
    "import_registry": {"county"},
    "export_registry": {"county"},
    "view_monitoring": {*ROLES},
    "record_clue": {"clerk", "reviewer", "county"},
    "answer_clue": {"clerk"},
    "edit_application": {"clerk"},
    "start_elimination": {"clerk"},
    "review_application": {"reviewer", "county"},
    "decide_risk": {"county"},
    "complete_appraisal": {"clerk", "county"},
    "record_measure": {"clerk", "reviewer", "county"},
    "export_monitoring": {"reviewer", "county"},
    "print_report_codes": {"clerk", "reviewer", "county"},
    "view_departments": {"county", "inspector"},
    "import_department": {"county"},
    "view_audit_log": {"county"},  # county staff read their county's trail; not the inspector
    "manage_accounts": {"county"},
    "view_dashboard": {*ROLES},
    "view_income_analysis": {*ROLES},
    "export_income_analysis": {"reviewer", "county"},
    "view_assessment": {"reviewer", "county", "inspector"},
    "export_assessment": {"county"},
    "compute_analysis": {"county"},
    "view_map": {*ROLES},
    "view_exemptions": {"reviewer", "county", "inspector"},
    "exempt": {"county"},
}


def household(village):
    return SimpleNamespace(village_id=village)


def change(status, *, by, village=VILLAGE):
    return SimpleNamespace(status=status, requested_by_id=PERSONAS[by].pk, village_id=village)


def ticket(status, village=VILLAGE):
    return SimpleNamespace(status=status, village_id=village)


def village(code):
    return SimpleNamespace(code=code)


def clue(status, village=VILLAGE):
    return SimpleNamespace(status=status, village_id=village)


def application(status, village=VILLAGE, green_channel=False):
    return SimpleNamespace(status=status, green_channel=green_channel, household=household(village))


def monitored(village=VILLAGE, risk_status="unresolved", monitoring_type="marginal"):
    return SimpleNamespace(village_id=village, risk_status=risk_status, monitoring_type=monitoring_type,
                           removed_on=None)


def account(area, is_superuser=False):
    return SimpleNamespace(area_id=area, is_superuser=is_superuser)


# With an object: (action, what, the object, the personas that may).
OBJECT_MATRIX = [
    ("exempt", "a household of the county", household(OTHER_TOWNSHIP_VILLAGE), {"county"}),
    ("exempt", "a household of another county", household(OTHER_COUNTY_VILLAGE), set()),
    ("view_registry", "a household of the clerk's village", household(VILLAGE), {*ROLES}),
    ("view_registry", "a household of another township", household(OTHER_TOWNSHIP_VILLAGE), {"county", "inspector"}),
    ("view_registry", "a household of another county", household(OTHER_COUNTY_VILLAGE), set()),
    ("reveal", "a household of the clerk's village", household(VILLAGE), {*ROLES}),
    ("reveal", "a household of the neighbour village", household(NEIGHBOUR_VILLAGE), {"reviewer", "county", "inspector"}),
    ("reveal", "a household of another county", household(OTHER_COUNTY_VILLAGE), set()),
    ("submit_change", "a household of the clerk's village", household(VILLAGE), {"clerk", "reviewer", "county"}),
    ("submit_change", "a household of the neighbour village", household(NEIGHBOUR_VILLAGE), {"reviewer", "county"}),
    ("submit_change", "a household of another township", household(OTHER_TOWNSHIP_VILLAGE), {"county"}),
    ("submit_change", "a household of another county", household(OTHER_COUNTY_VILLAGE), set()),
    ("view_change_requests", "a request of the clerk's village",
     change(ChangeStatus.PENDING_TOWNSHIP, by="clerk"), {*ROLES}),
    ("view_change_requests", "a request of another county",
     change(ChangeStatus.PENDING_TOWNSHIP, by="clerk", village=OTHER_COUNTY_VILLAGE), set()),
    ("review_change", "a clerk's request waiting for the township",
     change(ChangeStatus.PENDING_TOWNSHIP, by="clerk"), {"reviewer"}),
    ("review_change", "a reviewer's request waiting for the county",
     change(ChangeStatus.PENDING_COUNTY, by="reviewer"), {"county"}),
    ("review_change", "county staff's own request waiting for the county",
     change(ChangeStatus.PENDING_COUNTY, by="county"), set()),
    ("review_change", "a request of another township waiting for the township",
     change(ChangeStatus.PENDING_TOWNSHIP, by="clerk", village=OTHER_TOWNSHIP_VILLAGE), set()),
    ("review_change", "a request of another county waiting for the county",
     change(ChangeStatus.PENDING_COUNTY, by="reviewer", village=OTHER_COUNTY_VILLAGE), set()),
    ("review_change", "a returned request", change(ChangeStatus.RETURNED, by="clerk"), set()),
    ("review_change", "an approved request", change(ChangeStatus.APPROVED, by="clerk"), set()),
    ("withdraw_change", "the clerk's pending request", change(ChangeStatus.PENDING_TOWNSHIP, by="clerk"), {"clerk"}),
    ("withdraw_change", "the clerk's returned request", change(ChangeStatus.RETURNED, by="clerk"), {"clerk"}),
    ("withdraw_change", "the clerk's approved request", change(ChangeStatus.APPROVED, by="clerk"), set()),
    ("withdraw_change", "the reviewer's pending request", change(ChangeStatus.PENDING_COUNTY, by="reviewer"),
     {"reviewer"}),
    ("revise_change", "the clerk's returned request", change(ChangeStatus.RETURNED, by="clerk"), {"clerk"}),
    ("revise_change", "the clerk's pending request", change(ChangeStatus.PENDING_TOWNSHIP, by="clerk"), set()),
    ("view_tickets", "a ticket of the clerk's village", ticket(TicketStatus.PENDING_VILLAGE), {*ROLES}),
    ("view_tickets", "a ticket of another township", ticket(TicketStatus.PENDING_VILLAGE, OTHER_TOWNSHIP_VILLAGE),
     {"county", "inspector"}),
    ("view_tickets", "a ticket of another county", ticket(TicketStatus.PENDING_VILLAGE, OTHER_COUNTY_VILLAGE), set()),
    ("act_on_ticket", "a ticket to verify", ticket(TicketStatus.PENDING_VILLAGE), {"clerk"}),
    ("act_on_ticket", "a returned ticket", ticket(TicketStatus.RETURNED), {"clerk"}),
    ("act_on_ticket", "a ticket waiting for the township", ticket(TicketStatus.PENDING_TOWNSHIP), {"reviewer"}),
    ("act_on_ticket", "a ticket waiting for the county", ticket(TicketStatus.PENDING_COUNTY), {"county"}),
    ("act_on_ticket", "a closed ticket", ticket(TicketStatus.CLOSED), set()),
    ("act_on_ticket", "a ticket to verify in the neighbour village",
     ticket(TicketStatus.PENDING_VILLAGE, NEIGHBOUR_VILLAGE), set()),
    ("act_on_ticket", "a ticket waiting for another township",
     ticket(TicketStatus.PENDING_TOWNSHIP, OTHER_TOWNSHIP_VILLAGE), set()),
    ("act_on_ticket", "a ticket waiting for another county",
     ticket(TicketStatus.PENDING_COUNTY, OTHER_COUNTY_VILLAGE), set()),
    ("link_change_to_ticket", "a ticket to verify", ticket(TicketStatus.PENDING_VILLAGE), {"clerk"}),
    ("link_change_to_ticket", "a returned ticket", ticket(TicketStatus.RETURNED), {"clerk"}),
    ("link_change_to_ticket", "a ticket waiting for the township", ticket(TicketStatus.PENDING_TOWNSHIP), set()),
    ("link_change_to_ticket", "a ticket to verify in the neighbour village",
     ticket(TicketStatus.PENDING_VILLAGE, NEIGHBOUR_VILLAGE), set()),
    ("view_collection_sheet", "the clerk's village", village(VILLAGE), {*ROLES}),
    ("view_collection_sheet", "the neighbour village", village(NEIGHBOUR_VILLAGE), {"reviewer", "county", "inspector"}),
    ("view_collection_sheet", "a village of another county", village(OTHER_COUNTY_VILLAGE), set()),
    ("view_monitoring", "a household of the clerk's village", household(VILLAGE), {*ROLES}),
    ("view_monitoring", "an application of another township", application("draft", OTHER_TOWNSHIP_VILLAGE),
     {"county", "inspector"}),
    ("view_monitoring", "a clue of another county", clue("open", OTHER_COUNTY_VILLAGE), set()),
    ("record_clue", "the clerk's village", village(VILLAGE), {"clerk", "reviewer", "county"}),
    ("record_clue", "the neighbour village", village(NEIGHBOUR_VILLAGE), {"reviewer", "county"}),
    ("record_clue", "a village of another county", village(OTHER_COUNTY_VILLAGE), set()),
    ("answer_clue", "an open clue of the clerk's village", clue("open"), {"clerk"}),
    ("answer_clue", "an answered clue", clue("declined"), set()),
    ("answer_clue", "an open clue of the neighbour village", clue("open", NEIGHBOUR_VILLAGE), set()),
    ("edit_application", "a draft", application("draft"), {"clerk"}),
    ("edit_application", "a returned application", application("returned"), {"clerk"}),
    ("edit_application", "an application waiting for the township", application("pending_township"), set()),
    ("edit_application", "a draft of the neighbour village", application("draft", NEIGHBOUR_VILLAGE), set()),
    ("start_elimination", "a monitoring object at risk", monitored(), {"clerk"}),
    ("start_elimination", "an eliminated household", monitored(risk_status="eliminated"), set()),
    ("start_elimination", "a monitoring object of the neighbour village", monitored(NEIGHBOUR_VILLAGE), set()),
    ("review_application", "an application waiting for the township", application("pending_township"),
     {"reviewer"}),
    ("review_application", "an application waiting for the county", application("pending_county"), {"county"}),
    ("review_application", "a draft", application("draft"), set()),
    ("review_application", "an application of another township waiting for the township",
     application("pending_township", OTHER_TOWNSHIP_VILLAGE), set()),
    ("review_application", "an application of another county waiting for the county",
     application("pending_county", OTHER_COUNTY_VILLAGE), set()),
    ("decide_risk", "a monitoring object of the county", monitored(OTHER_TOWNSHIP_VILLAGE), {"county"}),
    ("decide_risk", "a monitoring object of another county", monitored(OTHER_COUNTY_VILLAGE), set()),
    ("complete_appraisal", "a green-channel inclusion", application("approved", green_channel=True),
     {"clerk", "county"}),
    ("complete_appraisal", "an ordinary inclusion", application("approved"), set()),
    ("record_measure", "a monitoring object of the clerk's village", monitored(), {"clerk", "reviewer", "county"}),
    ("record_measure", "a household not monitored", monitored(monitoring_type=""), set()),
    ("record_measure", "a monitoring object of another county", monitored(OTHER_COUNTY_VILLAGE), set()),
    ("view_departments", "a list shared by all counties", SimpleNamespace(county=None), {"county", "inspector"}),
    ("view_departments", "a list of the county", SimpleNamespace(county=VILLAGE[:6]), {"county", "inspector"}),
    ("view_departments", "a list of another county", SimpleNamespace(county=OTHER_COUNTY_VILLAGE[:6]), set()),
    ("manage_accounts", "a clerk of the county", account(VILLAGE), {"county"}),
    ("manage_accounts", "a reviewer of another township", account(OTHER_TOWNSHIP_VILLAGE[:9]), {"county"}),
    ("manage_accounts", "county staff of the county", account(VILLAGE[:6]), {"county"}),
    ("manage_accounts", "a clerk of another county", account(OTHER_COUNTY_VILLAGE), set()),
    ("manage_accounts", "an account without an area", account(None), set()),
    ("manage_accounts", "a site administrator bound to the county", account(VILLAGE[:6], is_superuser=True), set()),
    ("view_income_analysis", "the clerk's village", village(VILLAGE), {*ROLES}),
    ("view_income_analysis", "another village of the township", village(NEIGHBOUR_VILLAGE),
     {"reviewer", "county", "inspector"}),
    ("view_income_analysis", "another township", village(OTHER_TOWNSHIP_VILLAGE[:9]), {"county", "inspector"}),
    ("view_income_analysis", "another county", village(OTHER_COUNTY_VILLAGE[:6]), set()),
    ("view_assessment", "the reviewer's township", village(VILLAGE[:9]), {"reviewer", "county", "inspector"}),
    ("view_assessment", "another township", village(OTHER_TOWNSHIP_VILLAGE[:9]), {"county", "inspector"}),
    ("view_assessment", "a township of another county", village(OTHER_COUNTY_VILLAGE[:9]), set()),
]


def test_the_matrix_names_every_permission():
    assert set(ROLE_MATRIX) == set(permissions.CHECKS)


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize("action", ROLE_MATRIX)
def test_it_answers_each_role_as_the_spec_says(action, persona):
    check = getattr(permissions, f"can_{action}")
    assert check(PERSONAS[persona]) is (persona in ROLE_MATRIX[action])


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize(("action", "what", "obj", "allowed"), OBJECT_MATRIX,
                         ids=[f"{action}-{what}" for action, what, _obj, _allowed in OBJECT_MATRIX])
def test_it_answers_each_role_on_an_object_in_and_out_of_their_area(action, what, obj, allowed, persona):
    check = getattr(permissions, f"can_{action}")
    assert check(PERSONAS[persona], obj) is (persona in allowed)


def test_the_inspector_changes_nothing():
    writes = {"submit_change", "review_change", "withdraw_change", "revise_change", "act_on_ticket",
              "link_change_to_ticket", "edit_settings", "run_batch", "import_registry", "record_clue",
              "answer_clue", "edit_application", "start_elimination", "review_application", "decide_risk",
              "complete_appraisal", "record_measure", "export_monitoring", "import_department",
              "manage_accounts"}
    assert not [action for action in writes if getattr(permissions, f"can_{action}")(PERSONAS["inspector"])]


def test_an_inactive_user_may_do_nothing():
    retired = User(pk=9, username="retired", role=Role.COUNTY_STAFF, area_id=VILLAGE[:6], is_active=False)
    assert not [action for action in ROLE_MATRIX if action != "view_registry"
                and getattr(permissions, f"can_{action}")(retired)]


def test_a_user_asks_the_same_rules_through_user_can():
    clerk = PERSONAS["clerk"]
    assert clerk.can.submit_change(household(VILLAGE)) is True
    assert clerk.can.submit_change(household(OTHER_COUNTY_VILLAGE)) is False
    assert clerk.can.run_batch() is False
    with pytest.raises(AttributeError):
        clerk.can.fly()


def test_the_ticket_holders_cover_every_status_a_transition_starts_from():
    """Who acts at which status lives in permissions; the transition table only says where to."""
    assert {status for (status, _action), step in TICKET_TRANSITIONS.items() if step.who == PERSON} == set(permissions.TICKET_HOLDER)
    assert TicketStatus.CLOSED not in permissions.TICKET_HOLDER


def test_the_change_statuses_match_the_change_workflow():
    assert set(permissions.CHANGE_WITHDRAWABLE) == set(CHANGE_TRANSITIONS["withdraw"][0])
    assert set(permissions.CHANGE_REVIEWER) == set(CHANGE_TRANSITIONS["approve"][0])
    assert permissions.CHANGE_RETURNED == ChangeStatus.RETURNED


@pytest.mark.parametrize(("persona", "reviews"), [
    ("clerk", []), ("reviewer", [ChangeStatus.PENDING_TOWNSHIP]), ("county", [ChangeStatus.PENDING_COUNTY]),
    ("inspector", []), ("no_role", []),
])
def test_each_role_reviews_the_change_statuses_its_queue_lists(persona, reviews):
    """The change queue (households' ChangeRequest.objects.queue_for) asks the same rule."""
    assert PERSONAS[persona].change_statuses_to_review == reviews


@pytest.mark.parametrize("persona", ["clerk", "reviewer", "county_staff", "inspector", "no_role"])
def test_the_menu_offers_exactly_the_pages_that_open(client, world, persona):
    """For every menu entry: shown iff a GET of its page answers 200 (not 404, 403 or a redirect)."""
    user = getattr(world, persona)
    client.force_login(user)
    shown = {item["url"] for item in client.get(reverse("home")).context["nav_items"]}
    disagreements = []
    for name, label, *_rest in MENU:
        url = reverse(name)
        opens = client.get(url).status_code == 200
        if opens != (url in shown):
            disagreements.append(f"{label} {url}: {'opens' if opens else 'refused'}, "
                                 f"{'in' if url in shown else 'not in'} the menu")
    assert disagreements == []


def test_the_menu_kept_per_role_and_area_follows_each_users_role(client, world):
    """The entries are kept per process by role and area (accounts.context_processors): county
    staff and the inspector share an area but not a menu, and a user whose role changes gets
    the new role's menu."""
    def labels(user) -> set[str]:
        client.force_login(user)
        return {item["label"] for item in client.get(reverse("home")).context["nav_items"]}

    assert world.county_staff.area_id == world.inspector.area_id
    for _ in range(2):
        assert "登记数据导入" in labels(world.county_staff)
        assert "登记数据导入" not in labels(world.inspector)
    world.inspector.role = Role.COUNTY_STAFF
    world.inspector.save(update_fields=["role"])
    assert "登记数据导入" in labels(world.inspector)


def test_the_inspector_finds_the_change_requests_in_the_menu_and_reads_them(client, world):
    client.force_login(world.inspector)
    page = client.get(reverse("home")).content.decode()
    assert f'href="{reverse("change_list")}"' in page
    response = client.get(reverse("change_list"))
    assert response.status_code == 200
    assert not response.context["can_bulk_approve"]
