"""Display conventions of UI.md: money, masked values, badges."""

from decimal import ROUND_HALF_UP, Decimal

from django import template

from households import id_numbers

register = template.Library()

CENT = Decimal("0.01")


@register.filter
def yuan(value) -> str:
    """`12,345.60`: two decimals with thousands separators; empty for a missing amount."""
    if value is None or value == "":
        return ""
    return f"{Decimal(value).quantize(CENT, rounding=ROUND_HALF_UP):,}"


@register.filter
def mask_phone(value: str) -> str:
    return id_numbers.mask_phone(value or "")


@register.filter
def yes_no(value) -> str:
    return {True: "是", False: "否"}.get(value, "未采集")


@register.filter
def age(value) -> str:
    """An age in whole years on the reference date: 未满1岁 under one, — when unknown."""
    if value is None or value == "":
        return "—"
    return "未满1岁" if value < 1 else str(value)


@register.filter
def get_item(mapping, key):
    return mapping.get(key) if mapping else None


@register.simple_tag
def sort_link_order(current: str, key: str) -> str:
    """The sort parameter a header link should carry: the same column again flips the order."""
    return f"-{key}" if current == key else key


@register.inclusion_tag("households/_masked.html", takes_context=True)
def masked(context, household, field: str, member=None):
    """A masked ID number or phone, with a "显示" button that reveals it (a logged POST)."""
    if member is not None:
        value, key = member.id_number, f"member-{member.pk}-{field}"
        shown = id_numbers.mask(value)
    else:
        value, key = getattr(household, field), f"household-{field}"
        shown = id_numbers.mask_phone(value)
    revealed = (context.get("revealed") or {}).get(key)
    user = context["request"].user
    return {
        "household": household,
        "field": field,
        "member": member,
        "key": key,
        "value": value,
        "shown": revealed or shown,
        "is_revealed": revealed is not None,
        "can_reveal": bool(value) and user.can_reveal and revealed is None,
        "csrf_token": context.get("csrf_token"),
    }
