"""The change request queue's filters: query parameters, so a filtered queue can be bookmarked."""

import django_filters
from django import forms
from django.contrib.auth import get_user_model

from households.changes.models import ChangeKind, ChangeRequest
from households.changes.selectors import overdue
from households.models import Area


class ChangeRequestFilter(django_filters.FilterSet):
    village = django_filters.ModelChoiceFilter(label="行政村", queryset=Area.objects.none(), empty_label="全部行政村")
    kind = django_filters.ChoiceFilter(label="变更类型", choices=ChangeKind.choices, empty_label="全部类型")
    requested_by = django_filters.ModelChoiceFilter(
        label="申请人", queryset=get_user_model().objects.none(), empty_label="全部申请人"
    )
    overdue = django_filters.BooleanFilter(
        label="只看审核超时", method="filter_overdue", widget=forms.CheckboxInput,
    )

    class Meta:
        model = ChangeRequest
        fields = ["village", "kind", "requested_by", "overdue"]

    def __init__(self, data=None, *args, user, **kwargs):
        super().__init__(data, *args, **kwargs)
        in_scope = ChangeRequest.objects.in_scope(user)
        self.filters["village"].queryset = Area.objects.in_scope(user).villages().order_by("code")
        self.filters["village"].field.label_from_instance = lambda area: area.name
        # Only people who have requested something here, not every account of the county.
        self.filters["requested_by"].queryset = (
            get_user_model().objects.filter(pk__in=in_scope.values("requested_by")).order_by("username")
        )
        self.filters["requested_by"].field.label_from_instance = lambda person: person.display_name
        for name in ("village", "kind", "requested_by"):
            self.form.fields[name].widget.attrs["class"] = "form-select"
        self.form.fields["overdue"].widget.attrs["class"] = "form-check-input"

    def filter_overdue(self, queryset, name, value):
        return overdue(queryset) if value else queryset
