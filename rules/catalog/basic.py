"""B — basic information (基础信息类)."""

from households.choices import Gender, Relationship

from rules.catalog.common import (
    ERROR, F, HOUSEHOLD, ID_NUMBER, MEMBER, MEMBERS, MONITORED, MONITORING, Q, WARNING, HouseholdType,
    MonitoringType, RiskStatus, gt, rule,
)
from django.db.models import Value

# \Z, not $: in Python's re (SQLite's REGEXP) $ also matches before a final line break.
MOBILE = r"^1[3-9][0-9]{9}\Z"
LANDLINE = r"^0[0-9]{2,3}-?[0-9]{7,8}\Z"


@rule("B01", "证件号码不合规", scope=MEMBER, severity=ERROR,
      reads=ID_NUMBER,
      message="证件号码 {id_number_masked} 不合规：{id_problem}")
def invalid_id_number(p):
    """证件号码不是18位，或前17位不全是数字，或第7–14位不是有效日期，或校验码错误。"""
    return Q(id_valid=False)


@rule("B02", "证件号码重复", scope=MEMBER, severity=ERROR,
      reads=ID_NUMBER,
      message="证件号码 {id_number_masked} 与其他在册人员重复")
def duplicated_id_number(p):
    """同一证件号码在全库有两名及以上在册人员（每名人员各生成一条线索）。"""
    return Q(duplicated=True)


@rule("B03", "性别与证件号码不符", scope=MEMBER, severity=ERROR,
      reads=(*ID_NUMBER, "member.gender"),
      message="登记性别为{gender}，证件号码第17位表示{id_gender}")
def gender_disagrees_with_id(p):
    """证件号码合规，且登记性别与第17位（奇数为男、偶数为女）不符。"""
    return Q(id_valid=True) & (
        Q(gender=Gender.MALE, id_sequence_odd=False) | Q(gender=Gender.FEMALE, id_sequence_odd=True)
    )


@rule("B04", "出生日期与证件号码不符", scope=MEMBER, severity=ERROR,
      reads=(*ID_NUMBER, "member.birth_date"),
      message="登记出生日期 {birth_date}，证件号码中为 {id_birth_date}")
def birth_date_disagrees_with_id(p):
    """证件号码合规，且登记的出生日期与第7–14位不同。"""
    return Q(id_valid=True, birth_date__isnull=False) & (
        ~Q(id_year=F("birth_date__year")) | ~Q(id_month=F("birth_date__month")) | ~Q(id_day=F("birth_date__day"))
    )


@rule("B05", "户主缺失或重复", scope=HOUSEHOLD, severity=ERROR,
      reads=MEMBERS,
      message="在册户主 {head_count} 人，应为1人")
def head_missing_or_repeated(p):
    """在册成员中与户主关系为“户主”的人数不是1。"""
    return ~Q(head_count=1)


@rule("B06", "联系电话缺失或无效", scope=HOUSEHOLD, severity=WARNING,
      reads=("household.phone",),
      message="联系电话“{phone}”缺失或格式无效")
def phone_missing_or_invalid(p):
    """联系电话为空，或既不是手机号（1[3-9]开头11位）也不是固定电话（0开头区号-号码）。"""
    return Q(phone="") | (~Q(phone__regex=MOBILE) & ~Q(phone__regex=LANDLINE))


@rule("B07", "家庭位置未采集", scope=HOUSEHOLD, severity=WARNING,
      reads=("household.longitude", "household.latitude"),
      message="家庭位置（经纬度）未采集")
def location_missing(p):
    """经度或纬度为空。"""
    return Q(longitude__isnull=True) | Q(latitude__isnull=True)


@rule("B08", "户主年龄小于16岁", scope=HOUSEHOLD, severity=ERROR,
      reads=MEMBERS,
      message="户主年龄 {head_age} 岁，小于16岁")
def head_under_16(p):
    """该户恰有一名在册户主，且户主年龄小于16岁。"""
    return Q(head_count=1, head_age__lt=16)


@rule("B09", "子女与户主年龄差异常", scope=MEMBER, severity=WARNING,
      reads=("member.relationship", "member.birth_date", *MEMBERS),
      message="{relationship} {age} 岁，户主 {head_age} 岁，年龄差不足15岁")
def child_too_close_in_age_to_head(p):
    """与户主关系为之子或之女，该户恰有一名在册户主，且本人年龄+15大于户主年龄。"""
    return Q(relationship__in=[Relationship.SON, Relationship.DAUGHTER], household_heads=1) & gt(
        F("age") + Value(15), F("head_age")
    )


@rule("B10", "帮扶责任人缺失", scope=HOUSEHOLD, severity=WARNING,
      reads=("household.household_type", "household.monitoring_type", "household.helper_name"),
      message="{household_type_label}未落实帮扶责任人")
def helper_missing(p):
    """脱贫户或监测对象，帮扶责任人姓名为空。"""
    return (Q(household_type=HouseholdType.ALLEVIATED) | MONITORED) & Q(helper_name="")


@rule("B11", "监测对象类别与户类型不符", scope=HOUSEHOLD, severity=ERROR,
      reads=("household.household_type", *MONITORING),
      message="户类型“{household_type_label}”，监测对象类别“{monitoring_type_label}”，风险状态“{risk_status_label}”不一致")
def monitoring_type_disagrees_with_household_type(p):
    """一般农户标为脱贫不稳定户；脱贫户标为边缘易致贫户或突发严重困难户；监测对象无风险状态；非监测对象有风险状态。"""
    return (
        Q(monitoring_type=MonitoringType.UNSTABLE, household_type=HouseholdType.ORDINARY)
        | Q(monitoring_type__in=[MonitoringType.MARGINAL, MonitoringType.SUDDEN_HARDSHIP],
            household_type=HouseholdType.ALLEVIATED)
        | (MONITORED & Q(risk_status=""))
        | (Q(monitoring_type="") & ~Q(risk_status=""))
    )


@rule("B12", "无在册家庭成员", scope=HOUSEHOLD, severity=ERROR, reads=MEMBERS, message="该户没有在册家庭成员")
def no_active_member(p):
    """该户没有人员状态为“正常”的成员。"""
    return Q(size=0)


__all__ = ["RiskStatus"]
