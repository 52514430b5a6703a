"""The account list's filters: every one a query parameter, so a filtered list can be shared."""

import django_filters
from django import forms
from django.db.models import Q

from households.choices import AreaLevel
from households.models import Area

from accounts.roles import Role
from accounts.users.selectors import areas_of_county


class AccountFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(
        label="搜索", method="filter_text",
        widget=forms.TextInput(attrs={"placeholder": "用户名 / 姓名", "type": "search", "class": "form-control"}),
    )
    role = django_filters.ChoiceFilter(
        label="角色", choices=Role.choices, empty_label="全部角色",
        widget=forms.Select(attrs={"class": "form-select", "data-autosubmit": ""}),
    )
    township = django_filters.ModelChoiceFilter(
        label="乡镇", queryset=Area.objects.none(), method="filter_township", empty_label="全部乡镇",
        widget=forms.Select(attrs={"class": "form-select", "data-autosubmit": ""}),
    )
    active = django_filters.ChoiceFilter(
        label="状态", choices=[("1", "启用"), ("0", "已停用")], method="filter_active", empty_label="全部状态",
        widget=forms.Select(attrs={"class": "form-select", "data-autosubmit": ""}),
    )

    def __init__(self, data=None, *args, officer, **kwargs):
        super().__init__(data, *args, **kwargs)
        self.filters["township"].queryset = areas_of_county(officer).filter(level=AreaLevel.TOWNSHIP)

    def filter_text(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(Q(username__icontains=value) | Q(first_name__icontains=value)
                               | Q(last_name__icontains=value))

    def filter_township(self, queryset, name, value):
        return queryset.filter(area__code__startswith=value.code)

    def filter_active(self, queryset, name, value):
        return queryset.filter(is_active=value == "1")
