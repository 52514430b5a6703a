"""G — relationships (家庭关系类)."""

from households.choices import Gender, Relationship

from rules.catalog.common import ERROR, F, HOUSEHOLD, MEMBER, MEMBERS, Q, WARNING, Value, gt, rule

MALE_RELATIONSHIPS = [Relationship.SON, Relationship.FATHER, Relationship.GRANDSON, Relationship.SON_IN_LAW]
FEMALE_RELATIONSHIPS = [Relationship.DAUGHTER, Relationship.MOTHER, Relationship.GRANDDAUGHTER,
                        Relationship.DAUGHTER_IN_LAW]


@rule("G01", "与户主关系与性别不符", scope=MEMBER, severity=WARNING,
      reads=("member.relationship", "member.gender"),
      message="与户主关系为“{relationship}”，性别登记为{gender}")
def relationship_disagrees_with_gender(p):
    """与户主关系为之子、之父、之孙子或之女婿而性别为女；或为之女、之母、之孙女或之儿媳而性别为男。"""
    return (Q(relationship__in=MALE_RELATIONSHIPS, gender=Gender.FEMALE)
            | Q(relationship__in=FEMALE_RELATIONSHIPS, gender=Gender.MALE))


@rule("G02", "户主与配偶同性别", scope=HOUSEHOLD, severity=ERROR,
      reads=(*MEMBERS, "member.relationship", "member.gender"),
      message="户主与在册配偶性别同为{head_gender_label}")
def head_and_spouse_of_same_gender(p):
    """该户恰有一名在册户主，且有在册配偶与户主性别相同（两人性别均已登记）。"""
    return Q(head_count=1) & (Q(head_gender=Gender.MALE, any_male_spouse=1)
                              | Q(head_gender=Gender.FEMALE, any_female_spouse=1))


@rule("G03", "配偶多于一人", scope=HOUSEHOLD, severity=ERROR,
      reads=("member.relationship",),
      message="在册配偶 {spouse_count} 人")
def more_than_one_spouse(p):
    """与户主关系为配偶的在册成员有两人及以上。"""
    return Q(spouse_count__gte=2)


@rule("G04", "父母与户主年龄差异常", scope=MEMBER, severity=WARNING,
      reads=("member.relationship", "member.birth_date", *MEMBERS),
      message="{relationship} {age} 岁，户主 {head_age} 岁，年龄差不足15岁")
def parent_too_close_in_age_to_head(p):
    """与户主关系为之父或之母，该户恰有一名在册户主，且户主年龄+15大于本人年龄。"""
    return Q(relationship__in=[Relationship.FATHER, Relationship.MOTHER], household_heads=1) & gt(
        F("head_age") + Value(15), F("age")
    )
