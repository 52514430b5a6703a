"""How a department list's own column reads on a page: a date, an amount, months or a label."""

from django import template

from rules.department_import import EXTRA_COLUMNS
from rules.models import DepartmentSource

register = template.Library()


@register.filter
def listed_value(value, source: str) -> str:
    """`value` of a row of a `source` list as the list wrote it (the label of a stored choice)."""
    if value is None or value == "":
        return "—"
    _header, kind, labels = EXTRA_COLUMNS[DepartmentSource(source)]
    if kind == "date":
        return value.isoformat()
    if kind == "money":
        return f"{value:,.2f} 元"
    if kind == "months":
        return f"{value} 个月"
    return {stored: label for label, stored in labels.items()}.get(value, value)
