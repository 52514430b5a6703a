"""M — members (家庭成员类)."""

from households.choices import DisabilityGrade, Education, Employment, Health, LabourAbility, StudentStatus

from rules.catalog.common import ERROR, MEMBER, Q, RECORDED_EMPLOYMENT_NOT_NONE, WARNING, rule

SCHOOLING = [
    StudentStatus.PRIMARY, StudentStatus.JUNIOR, StudentStatus.SENIOR, StudentStatus.VOCATIONAL,
    StudentStatus.HIGHER_VOCATIONAL, StudentStatus.UNDERGRADUATE,
]


def age_outside(low: int, high: int) -> Q:
    """Age known and not in [low, high]."""
    return Q(age__lt=low) | Q(age__gt=high)


@rule("M01", "义务教育适龄儿童未在校", scope=MEMBER, severity=ERROR,
      reads=("member.birth_date", "member.student_status"),
      message="{age} 岁，在校生状况为“{student_status}”")
def compulsory_age_not_in_school(p):
    """年龄7–15岁，在校生状况为非在校生或学前教育。"""
    return Q(age__gte=7, age__lte=15, student_status__in=[StudentStatus.NOT_STUDENT, StudentStatus.PRESCHOOL])


@rule("M02", "在校生状况与年龄不符", scope=MEMBER, severity=WARNING,
      reads=("member.birth_date", "member.student_status"),
      message="{age} 岁，在校生状况为“{student_status}”")
def schooling_disagrees_with_age(p):
    """学前教育不在2–7岁；小学不在5–15岁；初中不在10–18岁；高中或中职不在13–22岁；高职高专或本科及以上不在15–35岁。"""
    return (
        (Q(student_status=StudentStatus.PRESCHOOL) & age_outside(2, 7))
        | (Q(student_status=StudentStatus.PRIMARY) & age_outside(5, 15))
        | (Q(student_status=StudentStatus.JUNIOR) & age_outside(10, 18))
        | (Q(student_status__in=[StudentStatus.SENIOR, StudentStatus.VOCATIONAL]) & age_outside(13, 22))
        | (Q(student_status__in=[StudentStatus.HIGHER_VOCATIONAL, StudentStatus.UNDERGRADUATE])
           & age_outside(15, 35))
    )


@rule("M03", "文化程度与年龄不符", scope=MEMBER, severity=WARNING,
      reads=("member.birth_date", "member.education"),
      message="{age} 岁，文化程度为“{education}”")
def education_disagrees_with_age(p):
    """学龄前儿童且年龄≥8岁；初中且<11岁；高中或中职且<14岁；大专及以上且<17岁。"""
    return (
        Q(education=Education.PRESCHOOL_CHILD, age__gte=8)
        | Q(education=Education.JUNIOR, age__lt=11)
        | Q(education__in=[Education.SENIOR, Education.VOCATIONAL], age__lt=14)
        | Q(education=Education.COLLEGE, age__lt=17)
    )


@rule("M04", "未成年人劳动技能不符", scope=MEMBER, severity=ERROR,
      reads=("member.birth_date", "member.labour_ability"),
      message="{age} 岁，劳动技能登记为“{labour_ability}”")
def minor_with_labour_ability(p):
    """年龄小于16岁，劳动技能为技能劳动力、普通劳动力或弱劳动力或半劳动力。"""
    return Q(age__lt=16, labour_ability__in=[LabourAbility.SKILLED, LabourAbility.ORDINARY, LabourAbility.WEAK])


@rule("M05", "在校生登记为务工", scope=MEMBER, severity=WARNING,
      reads=("member.student_status", "member.employment"),
      message="在校生状况“{student_status}”，务工状况“{employment}”")
def student_registered_as_working(p):
    """在校生状况为小学至本科及以上，且务工状况不是未务工。"""
    return Q(student_status__in=SCHOOLING) & RECORDED_EMPLOYMENT_NOT_NONE


@rule("M06", "务工状况与务工时间不符", scope=MEMBER, severity=ERROR,
      reads=("member.employment", "member.months_worked"),
      message="务工状况“{employment}”，务工时间 {months_worked} 个月")
def employment_disagrees_with_months(p):
    """务工状况不是未务工但务工时间为0，或务工状况为未务工但务工时间大于0。"""
    return (RECORDED_EMPLOYMENT_NOT_NONE & Q(months_worked=0)) | Q(employment=Employment.NONE, months_worked__gt=0)


@rule("M07", "无劳动能力人员登记务工", scope=MEMBER, severity=WARNING,
      reads=("member.birth_date", "member.labour_ability", "member.employment"),
      message="{age} 岁，劳动技能“{labour_ability}”，务工状况“{employment}”")
def no_labour_registered_as_working(p):
    """年龄≥16岁，劳动技能为丧失劳动力或无劳动力，且务工状况不是未务工。"""
    return Q(age__gte=16, labour_ability__in=[LabourAbility.LOST, LabourAbility.NONE]) & RECORDED_EMPLOYMENT_NOT_NONE


WITHOUT_LABOUR = [LabourAbility.LOST, LabourAbility.NONE]
ABLE = [LabourAbility.SKILLED, LabourAbility.ORDINARY]


@rule("M08", "劳动年龄健康人员登记为无劳动力", scope=MEMBER, severity=WARNING,
      reads=("member.birth_date", "member.health", "member.disability_grade", "member.student_status",
             "member.labour_ability"),
      message="{age} 岁，健康、无残疾、非在校生，劳动技能登记为“{labour_ability}”")
def healthy_working_age_without_labour(p):
    """年龄16–59岁，健康状况为健康，残疾等级为无，非在校生，劳动技能为丧失劳动力或无劳动力。"""
    return Q(age__gte=16, age__lte=59, health=Health.HEALTHY, disability_grade=DisabilityGrade.NONE,
             student_status=StudentStatus.NOT_STUDENT, labour_ability__in=WITHOUT_LABOUR)


@rule("M09", "在校生登记为技能或普通劳动力", scope=MEMBER, severity=WARNING,
      reads=("member.student_status", "member.labour_ability"),
      message="在校生状况“{student_status}”，劳动技能登记为“{labour_ability}”")
def student_registered_as_labour(p):
    """在校生状况为小学至本科及以上，劳动技能为技能劳动力或普通劳动力。"""
    return Q(student_status__in=SCHOOLING, labour_ability__in=ABLE)


@rule("M10", "重度残疾人登记为技能或普通劳动力", scope=MEMBER, severity=ERROR,
      reads=("member.disability_grade", "member.labour_ability"),
      message="残疾等级“{disability_grade}”，劳动技能登记为“{labour_ability}”")
def severely_disabled_registered_as_labour(p):
    """残疾等级为一级或二级，劳动技能为技能劳动力或普通劳动力。"""
    return Q(disability_grade__in=[DisabilityGrade.GRADE_1, DisabilityGrade.GRADE_2], labour_ability__in=ABLE)


@rule("M11", "公益性岗位人员年龄不符", scope=MEMBER, severity=WARNING,
      reads=("member.public_welfare_job", "member.birth_date"),
      message="{age} 岁，聘用于公益性岗位")
def welfare_job_holder_of_wrong_age(p):
    """公益性岗位为是，且年龄小于16岁或达到70岁。"""
    return Q(public_welfare_job=True) & (Q(age__lt=16) | Q(age__gte=70))


@rule("M12", "无劳动能力人员聘用公益性岗位", scope=MEMBER, severity=WARNING,
      reads=("member.public_welfare_job", "member.labour_ability"),
      message="劳动技能“{labour_ability}”，聘用于公益性岗位")
def welfare_job_holder_without_labour(p):
    """公益性岗位为是，劳动技能为丧失劳动力或无劳动力。"""
    return Q(public_welfare_job=True, labour_ability__in=WITHOUT_LABOUR)
