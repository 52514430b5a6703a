"""Writes and logged reads of the registry."""

from dataclasses import dataclass

from trail.models import AuditAction
from trail.services import audit_record

from households.models import Household


class NothingToReveal(Exception):
    """The field asked for does not exist or is empty."""


@dataclass(frozen=True)
class Revealed:
    key: str  # identifies the masked place on the page, e.g. "member-12-id_number"
    label: str
    value: str


def household_reveal(*, request, household: Household, field: str, member_id: str | None) -> Revealed:
    """Return one masked value of a household in full, and log who saw whose value.

    The caller has already fetched `household` through the user's scope.
    """
    if field == "id_number":
        member = next((m for m in household.members.all() if str(m.pk) == str(member_id)), None)
        if member is None or not member.id_number:
            raise NothingToReveal
        revealed = Revealed(f"member-{member.pk}-id_number", "证件号码", member.id_number)
        subject = f"{member.name} 证件号码"
    elif field in ("phone", "helper_phone"):
        value = getattr(household, field)
        if not value:
            raise NothingToReveal
        label = Household._meta.get_field(field).verbose_name
        revealed = Revealed(f"household-{field}", label, value)
        subject = str(label)
    else:
        raise NothingToReveal
    audit_record(
        action=AuditAction.REVEAL, request=request, household_number=household.number,
        subject=subject, detail={"field": field, "member": member_id or None},
    )
    return revealed
