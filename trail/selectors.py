"""Reading the audit trail."""

from trail.models import SettingChange


def setting_changes_of(county: str):
    """The county's settings history, newest first; never another county's."""
    return SettingChange.objects.filter(county=county).select_related("user")
