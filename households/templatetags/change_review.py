"""A change request's value in the diff, with a "显示" button when it is a masked phone."""

from django import template

from households.changes.fields import MASKED_FIELDS, label

register = template.Library()


@register.filter
def changed_labels(change) -> list[str]:
    """The labels of the fields a change request changes, in its order: 电话、户籍人口."""
    return [label(name) for name in change.changes]


@register.inclusion_tag("households/_change_value.html", takes_context=True)
def change_value(context, change, row, which: str):
    """`row.old` or `row.new` as shown: a masked phone can be revealed (a logged POST)."""
    shown = getattr(row, which)
    key = f"change-{row.field}-{which}"
    revealed = (context.get("revealed") or {}).get(key)
    stored = (change.changes.get(row.field) or [None, None])[0 if which == "old" else 1]
    masked = row.field in MASKED_FIELDS and bool(stored)
    return {
        "change": change, "field": row.field, "which": which, "key": key,
        "shown": revealed or shown, "masked": masked, "revealed": revealed is not None,
        "can_reveal": masked and revealed is None and context["request"].user.can_reveal,
        "csrf_token": context.get("csrf_token"),
    }
