"""Which county an audit event belongs to, for the trail (which knows no areas)."""

from django.contrib.auth import get_user_model

from households.models import Household


def audit_county(*, actor=None, username: str = "", household_number: str = "") -> str:
    """The county of the actor's area; for an event without an actor (a failed login) the
    county of the user of that name; else the household's. "" when none is known."""
    area = getattr(actor, "area_id", None)
    if not area and actor is None and username:
        area = get_user_model().objects.filter(username=username).values_list("area_id", flat=True).first()
    if not area and household_number:
        area = Household.objects.filter(number=household_number).values_list("village_id", flat=True).first()
    return (area or "")[:6]
