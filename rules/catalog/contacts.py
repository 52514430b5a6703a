"""P — contact details (联系方式类)."""

from audits import rule_facts
from households.models import Household

from rules.catalog.basic import LANDLINE, MOBILE
from rules.catalog.common import HOUSEHOLD, Q, WARNING, rule


@rule("P01", "联系电话与其他户重复", scope=HOUSEHOLD, severity=WARNING,
      reads=("household.phone",),
      message="联系电话“{phone}”与其他 {phone_others} 户在册户的联系电话相同")
def phone_shared_with_other_households(p):
    """联系电话是手机号（1[3-9]开头11位），且全库另有至少一户未核减的户使用完全相同的号码（每户各生成一条线索）。"""
    return Q(phone__regex=MOBILE, phone_holders__gt=1)


@rule("P02", "帮扶责任人电话缺失或无效", scope=HOUSEHOLD, severity=WARNING,
      reads=("household.helper_name", "household.helper_phone"),
      message="帮扶责任人{helper_name}的电话“{helper_phone}”缺失或格式无效")
def helper_phone_missing_or_invalid(p):
    """帮扶责任人姓名不为空，且其电话为空，或既不是手机号也不是固定电话（与B06相同的格式）。"""
    return ~Q(helper_name="") & (
        Q(helper_phone="") | (~Q(helper_phone__regex=MOBILE) & ~Q(helper_phone__regex=LANDLINE)))


def phone_sharers(ticket, user):
    """P01's ticket page: the other active households with the same phone today, by number when
    they are in `user`'s scope, otherwise only counted (the ticket's stored message names none)."""
    phone = ticket.household.phone
    if not phone:
        return None
    others = Household.objects.active().filter(phone=phone).exclude(pk=ticket.household_id)
    visible = list(others.in_scope(user).order_by("number").only("number"))
    return rule_facts.Related(label="同号码的其他户", households=visible, outside=others.count() - len(visible))
