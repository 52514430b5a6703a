"""豁免清单: county staff exempt a record from a rule with a reason and an end date; a batch
raises no ticket for it while the exemption holds; it expires by itself; every grant and
revocation is recorded (who, when, why)."""

import datetime

import pytest
import time_machine
from django.utils import timezone

from audits.exemptions import services
from audits.exemptions.models import Exemption, ExemptionState
from audits.models import Resolution, Ticket, TicketStatus
from households.models import Area, Household
from rules import services as rule_services
from rules.models import BatchRuleResult
from tests.audits.builders import make_ticket, warning_ticket_on
from trail.models import AuditAction, AuditEvent

TODAY = datetime.date(2026, 12, 7)
# 10:00 in Beijing on TODAY, and 07:30 the next Beijing morning (still the 7th in UTC).
MORNING = datetime.datetime(2026, 12, 7, 2, 0, tzinfo=datetime.UTC)


@pytest.fixture(autouse=True)
def beijing_today():
    with time_machine.travel(MORNING, tick=False):
        yield


def batch(rule_ids=("B06",)):
    run = rule_services.batch_create(area=Area.objects.get(code="230381"), rule_ids=list(rule_ids))
    rule_services.batch_run_sync(batch=run)
    return run


def exempt(world, household, *, rule_id="B06", ends_on=TODAY, member=None, reason="两户分户后共用一部电话"):
    return services.exemption_create(user=world.county_staff, rule_id=rule_id, household=household,
                                     member=member, reason=reason, ends_on=ends_on)


def test_granting_closes_the_records_open_ticket_as_exempted(world):
    ticket = warning_ticket_on(world.home)
    exemption = exempt(world, world.home, ends_on=TODAY + datetime.timedelta(days=30))
    ticket.refresh_from_db()
    assert (ticket.status, ticket.resolution) == (TicketStatus.CLOSED, Resolution.EXEMPTED)
    event = ticket.events.last()
    assert event.actor == world.county_staff
    assert event.comment == "豁免：两户分户后共用一部电话（至 2027-01-06）"
    assert exemption.created_by == world.county_staff and exemption.state() == ExemptionState.HOLDING


def test_a_batch_raises_no_ticket_while_the_exemption_holds_and_counts_it(world):
    warning_ticket_on(world.home)
    exempt(world, world.home)
    run = batch()
    assert not Ticket.objects.filter(rule_id="B06", household=world.home).unclosed().exists()
    result = BatchRuleResult.objects.get(batch=run, rule_id="B06")
    assert (result.exempted, result.new) == (1, 0)


def test_the_exemption_holds_on_its_last_day_and_expires_the_day_after(world):
    Household.objects.filter(pk=world.home.pk).update(phone="")
    exempt(world, world.home, ends_on=TODAY)
    batch()
    assert not Ticket.objects.filter(rule_id="B06", household=world.home).exists()
    # 00:30 in Beijing on the next day (16:30 UTC on TODAY): the exemption has ended.
    with time_machine.travel(datetime.datetime(2026, 12, 7, 16, 30, tzinfo=datetime.UTC), tick=False):
        assert Exemption.objects.get().state() == ExemptionState.EXPIRED
        batch()
    assert Ticket.objects.filter(rule_id="B06", household=world.home).unclosed().count() == 1


def test_an_exemption_covers_only_its_rule_and_its_record(world):
    Household.objects.filter(pk__in=[world.home.pk, world.neighbour.pk]).update(phone="")
    exempt(world, world.home, rule_id="B06")
    batch(["B06"])
    assert set(Ticket.objects.filter(rule_id="B06").values_list("household_id", flat=True)) == {world.neighbour.pk}


def test_the_re_check_after_a_change_honours_the_exemption(world):
    Household.objects.filter(pk=world.home.pk).update(phone="")
    exempt(world, world.home)
    rule_services.household_recheck(household_id=world.home.pk)
    assert not Ticket.objects.filter(rule_id="B06", household=world.home).exists()


def test_revoking_re_checks_the_household_at_once(world, django_capture_on_commit_callbacks):
    Household.objects.filter(pk=world.home.pk).update(phone="")
    exemption = exempt(world, world.home, ends_on=TODAY + datetime.timedelta(days=90))
    with django_capture_on_commit_callbacks(execute=True):
        services.exemption_revoke(user=world.county_staff, exemption=exemption, reason="已换号，需重新核实")
    exemption.refresh_from_db()
    assert exemption.state() == ExemptionState.REVOKED
    assert (exemption.revoked_by, exemption.revoke_reason) == (world.county_staff, "已换号，需重新核实")
    assert Ticket.objects.filter(rule_id="B06", household=world.home).unclosed().count() == 1


def test_revoking_twice_is_refused_the_second_time(world):
    exemption = exempt(world, world.home)
    services.exemption_revoke(user=world.county_staff, exemption=exemption, reason="情况变化")
    with pytest.raises(services.ExemptionError, match="已撤销"):
        services.exemption_revoke(user=world.county_staff, exemption=exemption, reason="情况变化")


def test_an_expired_exemption_cannot_be_revoked(world):
    exemption = exempt(world, world.home, ends_on=TODAY)
    with time_machine.travel(datetime.datetime(2026, 12, 8, 2, 0, tzinfo=datetime.UTC), tick=False):
        with pytest.raises(services.ExemptionError, match="已到期"):
            services.exemption_revoke(user=world.county_staff, exemption=exemption, reason="x")


def test_one_holding_exemption_per_record_and_rule(world):
    exempt(world, world.home)
    with pytest.raises(services.ExemptionError, match="已有生效中的规则 B06 豁免"):
        exempt(world, world.home)
    exempt(world, world.home, rule_id="B05")  # another rule: fine


def test_after_expiry_the_record_may_be_exempted_again(world):
    exempt(world, world.home, ends_on=TODAY)
    with time_machine.travel(datetime.datetime(2026, 12, 8, 2, 0, tzinfo=datetime.UTC), tick=False):
        exempt(world, world.home, ends_on=datetime.date(2026, 12, 31))
    assert Exemption.objects.count() == 2


@pytest.mark.parametrize(("days", "allowed"), [(-1, False), (0, True), (366, True), (367, False)])
def test_the_last_day_is_between_today_and_a_year_ahead(world, days, allowed):
    ends_on = TODAY + datetime.timedelta(days=days)
    if allowed:
        assert exempt(world, world.home, ends_on=ends_on).ends_on == ends_on
    else:
        with pytest.raises(services.ExemptionError) as error:
            exempt(world, world.home, ends_on=ends_on)
        assert error.value.field == "ends_on"


def test_a_reason_is_required(world):
    with pytest.raises(services.ExemptionError, match="请填写豁免理由"):
        exempt(world, world.home, reason="   ")


def test_a_member_rule_needs_a_member_of_the_household(world):
    with pytest.raises(services.ExemptionError, match="按成员检查"):
        exempt(world, world.home, rule_id="B01")
    with pytest.raises(services.ExemptionError, match="不属于这一户"):
        exempt(world, world.home, rule_id="B01", member=world.neighbour.members.first())
    member = world.home.members.first()
    assert exempt(world, world.home, rule_id="B01", member=member).member_key == member.pk


def test_a_household_rule_takes_no_member(world):
    with pytest.raises(services.ExemptionError, match="按户检查"):
        exempt(world, world.home, rule_id="B06", member=world.home.members.first())


def test_an_unknown_rule_is_refused(world):
    with pytest.raises(services.ExemptionError, match="没有这条规则"):
        exempt(world, world.home, rule_id="Z99")


@pytest.mark.parametrize("who", ["clerk", "reviewer", "inspector", "no_role"])
def test_only_county_staff_exempt(world, who):
    with pytest.raises(services.ExemptionError, match="只有县级数据管理员"):
        services.exemption_create(user=getattr(world, who), rule_id="B06", household=world.home,
                                  reason="x", ends_on=TODAY)
    assert not Exemption.objects.exists()


def test_county_staff_cannot_exempt_another_countys_household(world):
    with pytest.raises(services.ExemptionError, match="只有县级数据管理员"):
        exempt(world, world.other_county)


@pytest.mark.parametrize("who", ["clerk", "reviewer", "inspector"])
def test_only_county_staff_revoke(world, who):
    exemption = exempt(world, world.home)
    with pytest.raises(services.ExemptionError):
        services.exemption_revoke(user=getattr(world, who), exemption=exemption, reason="x")
    exemption.refresh_from_db()
    assert exemption.revoked_at is None


def test_grants_and_revocations_are_in_the_audit_trail(world):
    exemption = exempt(world, world.home)
    services.exemption_revoke(user=world.county_staff, exemption=exemption, reason="情况变化")
    events = AuditEvent.objects.filter(action=AuditAction.SETTING, household_number=world.home.number).order_by("pk")
    assert [event.subject for event in events] == ["豁免 B06 联系电话缺失或无效（至 2026-12-07）", "撤销豁免 B06"]
    assert events[0].detail["reason"] == "两户分户后共用一部电话"
    assert events[1].actor == world.county_staff


def test_an_open_ticket_of_another_year_closes_too(world):
    ticket = make_ticket(world.home, rule_id="B06")
    exempt(world, world.home)
    ticket.refresh_from_db()
    assert ticket.resolution == Resolution.EXEMPTED


def test_a_closed_exempted_ticket_is_raised_again_after_expiry_not_kept_closed(world):
    warning_ticket_on(world.home)
    exempt(world, world.home, ends_on=TODAY)
    with time_machine.travel(datetime.datetime(2026, 12, 8, 2, 0, tzinfo=datetime.UTC), tick=False):
        batch()
    statuses = list(Ticket.objects.filter(rule_id="B06", household=world.home).order_by("pk")
                    .values_list("status", flat=True))
    assert statuses == [TicketStatus.CLOSED, TicketStatus.PENDING_VILLAGE]


def test_today_is_beijing_today(world):
    assert timezone.localdate() == TODAY
