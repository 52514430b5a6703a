"""Template helpers of the procedure's pages, and the one the ticket page asks (whether a ticket
may start a clue) so that audits need not import this app."""

from django import template

from households import id_numbers

from monitoring_objects import workdays
from monitoring_objects.services import SYSTEM_WARNING_RULES

register = template.Library()


@register.filter
def starts_clue(rule_id) -> bool:
    """A ticket of a warning rule (系统风险预警) or of a department rule (部门筛查预警) may start a clue."""
    rule_id = str(rule_id or "")
    return rule_id in SYSTEM_WARNING_RULES or rule_id.startswith("D")


@register.filter
def mask_id(value) -> str:
    return id_numbers.mask(value or "")


@register.filter
def mask_phone(value) -> str:
    return id_numbers.mask_phone(value or "")


@register.filter
def estimated_deadline(day) -> bool:
    """A deadline in a year whose holidays are not known yet (counted Monday to Friday)."""
    return day is not None and workdays.is_estimated(day)
