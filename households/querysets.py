"""The registry's vocabulary: scope, activity, and the derived values as annotations."""

from django.db import models
from django.db.models import OuterRef, Subquery

from households import expressions
from households import models as household_models  # a module: models.py builds its managers from this one
from households.choices import AreaLevel, MemberStatus, Relationship
from households.scope import scope_prefix


class ScopedQuerySet(models.QuerySet):
    """A queryset whose rows belong to a village; `village_path` names the village code."""

    village_path: str

    def in_scope(self, user):
        """Only the rows inside `user`'s area; nothing for a user without one."""
        prefix = scope_prefix(user)
        if prefix is None:
            return self.none()
        return self.filter(**{f"{self.village_path}__startswith": prefix})


class AreaQuerySet(models.QuerySet):
    def in_scope(self, user):
        prefix = scope_prefix(user)
        if prefix is None:
            return self.none()
        return self.filter(code__startswith=prefix)

    def townships(self):
        return self.filter(level=AreaLevel.TOWNSHIP)

    def villages(self):
        return self.filter(level=AreaLevel.VILLAGE)


class HouseholdQuerySet(ScopedQuerySet):
    village_path = "village__code"

    def active(self):
        """Households not removed from the registry (核减)."""
        return self.filter(removed_on__isnull=True)

    def with_size(self):
        return self.annotate(size=expressions.active_member_count())

    def with_head(self):
        """The name of an active head (户主); blank when there is none."""
        heads = household_models.Member.objects.filter(
            household=OuterRef("pk"), status=MemberStatus.NORMAL, relationship=Relationship.HEAD
        ).order_by("pk")
        return self.annotate(head_name=Subquery(heads.values("name")[:1]))

    def with_income(self, year: int):
        """Per-capita income of `year` (NULL without that year's record); the net income is an
        alias, `income_net` in filters, not read (it was a second subquery per row)."""
        incomes = household_models.AnnualIncome.objects.filter(household=OuterRef("pk"), year=year)
        net = Subquery(
            incomes.annotate(net=expressions.net_income()).values("net")[:1],
            output_field=expressions.MONEY,
        )
        qs = self.alias(income_net=net)
        if "size" not in qs.query.annotations:
            qs = qs.with_size()
        return qs.annotate(income_per_capita=expressions.per_capita(models.F("income_net"), models.F("size")))


class MemberQuerySet(ScopedQuerySet):
    village_path = "household__village__code"

    def active(self):
        return self.filter(status=MemberStatus.NORMAL)

    def with_age(self, year: int):
        return self.annotate(age=expressions.shown_age(year))


class HouseholdChildQuerySet(ScopedQuerySet):
    """Incomes and measures: rows hanging off a household."""

    village_path = "household__village__code"


class IncomeQuerySet(HouseholdChildQuerySet):
    def with_net(self):
        return self.annotate(net=expressions.net_income())

    def with_per_capita(self):
        """Net income, and per-capita income over the household's *current* active members."""
        return self.with_net().annotate(
            size=expressions.active_member_count(OuterRef("household")),
        ).annotate(per_capita=expressions.per_capita(models.F("net"), models.F("size")))
