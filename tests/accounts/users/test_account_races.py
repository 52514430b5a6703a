"""Two county officers acting on one account at the same instant, from the same page: PostgreSQL's
row lock makes one wait, and the stamp it compares then tells it the account has changed."""

import pytest

from accounts.models import User
from accounts.roles import Role
from accounts.users import services
from trail.models import AuditAction, AuditEvent
from tests.builders import make_area, make_user
from tests.conftest import VILLAGE_A1, VILLAGE_A2
from tests.races import needs_row_locks, race

pytestmark = pytest.mark.django_db(transaction=True)


def test_two_officers_changing_one_account_at_once_one_wins_the_other_is_told(world):
    needs_row_locks()
    colleague = make_user("county2", Role.COUNTY_STAFF, VILLAGE_A1[:6])
    seen = services.account_stamp(User.objects.get(pk=world.clerk.pk))
    target = {world.county_staff.pk: (Role.VILLAGE_CLERK, make_area(VILLAGE_A2)),
              colleague.pk: (Role.TOWNSHIP_REVIEWER, make_area(VILLAGE_A1[:9]))}

    def change(officer):
        role, area = target[officer.pk]
        return services.user_update(officer=officer, account=world.clerk, stamp=seen, full_name="李娜",
                                    role=role, area=area)

    outcomes = race(change, [world.county_staff, colleague])
    assert sorted("done" if isinstance(o, dict) else str(o) for o in outcomes) == sorted([services.CONFLICT, "done"])
    winner = world.county_staff if not isinstance(outcomes[0], Exception) else colleague
    clerk = User.objects.get(pk=world.clerk.pk)
    assert (clerk.role, clerk.area_id) == (target[winner.pk][0], target[winner.pk][1].code)
    assert AuditEvent.objects.filter(action=AuditAction.ACCOUNT, subject="clerk").count() == 1


def test_two_officers_resetting_one_password_at_once_one_is_told(world):
    needs_row_locks()
    colleague = make_user("county2", Role.COUNTY_STAFF, VILLAGE_A1[:6])
    seen = services.account_stamp(User.objects.get(pk=world.clerk.pk))
    outcomes = race(lambda officer: services.user_password_reset(officer=officer, account=world.clerk, stamp=seen),
                    [world.county_staff, colleague])
    passwords = [o for o in outcomes if isinstance(o, str)]
    assert len(passwords) == 1 and [str(o) for o in outcomes if isinstance(o, Exception)] == [services.CONFLICT]
    assert User.objects.get(pk=world.clerk.pk).check_password(passwords[0])
