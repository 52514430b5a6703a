"""The one table of the procedure's steps."""

from accounts import permissions
from monitoring_objects.models import OPEN_APPLICATION, ApplicationStatus, ClueStatus
from monitoring_objects.transitions import APPLICATION, CLUE, NEW, RISK, TRANSITIONS, actions_for


def test_every_open_application_status_has_a_way_out_and_closed_ones_none():
    for status in OPEN_APPLICATION:
        assert any(kind == APPLICATION and source == status for kind, source, _ in TRANSITIONS), status
    for status in (ApplicationStatus.APPROVED, ApplicationStatus.WITHDRAWN):
        assert not any(kind == APPLICATION and source == status for kind, source, _ in TRANSITIONS)


def test_every_return_withdrawal_decline_rollback_and_reflag_needs_a_reason():
    for (_kind, _source, action), step in TRANSITIONS.items():
        if action in ("return", "withdraw", "decline", "roll_back", "reflag", "green_channel"):
            assert step.reason_required, action


def test_the_table_and_the_permissions_agree_on_who_holds_an_application():
    for (kind, source, action), step in TRANSITIONS.items():
        if kind == APPLICATION and source != NEW:
            assert step.who == (permissions.APPLICATION_HOLDER[source],), (source, action)


def test_a_clue_is_answered_by_the_village_only():
    assert actions_for(CLUE, ClueStatus.OPEN, "village_clerk") == ["decline", "apply"]
    assert actions_for(CLUE, ClueStatus.OPEN, "township_reviewer") == []
    assert actions_for(CLUE, ClueStatus.DECLINED, "village_clerk") == []


def test_only_the_county_rolls_back_or_reflags():
    assert actions_for(RISK, "eliminated", "county_staff") == ["roll_back", "reflag"]
    assert actions_for(RISK, "eliminated", "village_clerk") == []
    assert actions_for(RISK, "unresolved", "county_staff") == []
