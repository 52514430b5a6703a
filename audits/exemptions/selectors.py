from django.db.models import Count

from audits.exemptions.models import Exemption, state_conditions


def exemptions_of(*, user, filters: dict | None = None):
    """The exemptions of `user`'s scope matching the list's filters, newest first."""
    filters = filters or {}
    exemptions = Exemption.objects.in_scope(user)
    if filters.get("rule"):
        exemptions = exemptions.filter(rule_id=filters["rule"])
    if filters.get("state"):
        exemptions = exemptions.in_state(filters["state"])
    if filters.get("q"):
        exemptions = exemptions.filter(household__number__startswith=filters["q"].strip())
    return exemptions.select_related("household__village__parent", "member", "created_by", "revoked_by")


def state_counts(*, user, rule_id: str | None = None) -> dict[str, int]:
    """How many exemptions of the scope (of one rule) are holding, expired and revoked: one query."""
    exemptions = Exemption.objects.in_scope(user)
    if rule_id:
        exemptions = exemptions.filter(rule_id=rule_id)
    return exemptions.aggregate(**{state.value: Count("pk", filter=condition)
                                   for state, condition in state_conditions().items()})


def holding_for(*, rule_id: str, household_id: int, member_key: int) -> Exemption | None:
    """The exemption holding today for one record and rule, if any (the ticket page says so)."""
    return (Exemption.objects.holding().of_record(rule_id=rule_id, household_id=household_id, member_key=member_key)
            .select_related("created_by").first())
