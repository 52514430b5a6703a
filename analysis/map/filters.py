"""The map's filters: the household list's own (households/filters.py), and the risk colour."""

import django_filters
from django import forms

from households.filters import HouseholdFilter
from households.models import Area
from households.scope import scope_prefix
from rules.colours import RiskColour

from analysis.map.outliers import COMPONENTS


class MapFilter(HouseholdFilter):
    """The list's filter set over households annotated by `with_risk_colour`, plus their colour."""

    risk_colour = django_filters.ChoiceFilter(
        label="风险颜色", choices=RiskColour.choices, empty_label="全部颜色", field_name="risk_colour",
    )

    class Meta(HouseholdFilter.Meta):
        fields = [*HouseholdFilter.Meta.fields, "risk_colour"]

    def __init__(self, data=None, *args, user, **kwargs):
        super().__init__(data, *args, user=user, **kwargs)
        self.form.fields["risk_colour"].widget.attrs["class"] = "form-select"


# The list's parameters the map passes on to the household list (the same names, the same meaning).
LIST_PARAMETERS = ("q", "township", "village", "household_type", "monitoring_type", "risk_status",
                   "identification_source", "risk_colour")


def outside_area(user, params) -> bool:
    """A township or village asked for outside the user's area (the page answers 404)."""
    prefix = scope_prefix(user) or "\0"
    return any(params.get(name) and not params[name].startswith(prefix) for name in ("township", "village"))


class OutlierFilterForm(forms.Form):
    """收入异常值: the area (township, village) and the income component."""

    township = forms.ChoiceField(label="乡镇", required=False)
    village = forms.ChoiceField(label="行政村", required=False)
    component = forms.ChoiceField(label="收入项", required=False,
                                  choices=[("", "全部收入项"), *((c.key, c.label) for c in COMPONENTS)])

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        villages = list(Area.objects.in_scope(user).villages().select_related("parent").order_by("code"))
        townships = {v.parent_id: v.parent.name for v in villages if v.parent_id}
        township = (self.data or {}).get("township") or ""
        self.fields["township"].choices = [("", "全部乡镇"), *sorted(townships.items())]
        self.fields["village"].choices = [("", "全部行政村")] + [
            (v.code, v.name if township else f"{v.parent.name} {v.name}")
            for v in villages if not township or v.parent_id == township
        ]
        self.show_township = len(townships) > 1
        self.show_village = len(villages) > 1
        for field in self.fields.values():
            field.widget.attrs["class"] = "form-select"

    @property
    def filters(self) -> dict:
        """The valid filters; an invalid value is dropped rather than showing nothing."""
        if not self.is_bound:
            return {}
        self.is_valid()
        return {name: value for name, value in self.cleaned_data.items() if value}
