"""Display helpers of the registry import pages."""

from django import template

register = template.Library()


@register.filter
def thousands(value) -> str:
    """`12,345`: row counts with thousands separators (zh-hans formats group nothing by default)."""
    try:
        return f"{int(value):,}"
    except (TypeError, ValueError):
        return ""
