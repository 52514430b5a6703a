"""The audit log's filters, read from the URL (a filtered log can be bookmarked and exported)."""

import datetime
import re

from django import forms
from django.utils import timezone

from trail.models import AuditAction

ADDRESS = re.compile(r"^[0-9A-Fa-f:.]{1,45}$")
SUCCESS_CHOICES = [("", "全部"), ("yes", "成功"), ("no", "失败")]


def _day_start(day: datetime.date) -> datetime.datetime:
    """Midnight of `day` in the site's time zone (Asia/Shanghai), as an aware datetime."""
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


class AuditLogFilterForm(forms.Form):
    date_from = forms.DateField(label="开始日期", required=False,
                                widget=forms.DateInput(attrs={"type": "date", "class": "form-control"}),
                                error_messages={"invalid": "请输入正确的日期，如 2025-01-31。"})
    date_to = forms.DateField(label="结束日期", required=False,
                              widget=forms.DateInput(attrs={"type": "date", "class": "form-control"}),
                              error_messages={"invalid": "请输入正确的日期，如 2025-01-31。"})
    username = forms.CharField(label="用户名", required=False, max_length=150,
                               widget=forms.TextInput(attrs={"class": "form-control"}))
    action = forms.ChoiceField(label="事件", required=False, choices=[("", "全部")] + list(AuditAction.choices),
                               widget=forms.Select(attrs={"class": "form-select"}),
                               error_messages={"invalid_choice": "请从列表中选择事件。"})
    subject = forms.CharField(label="对象（户编号或内容）", required=False, max_length=200,
                              widget=forms.TextInput(attrs={"class": "form-control"}))
    success = forms.ChoiceField(label="结果", required=False, choices=SUCCESS_CHOICES,
                                widget=forms.Select(attrs={"class": "form-select"}),
                                error_messages={"invalid_choice": "请从列表中选择结果。"})
    address = forms.CharField(label="IP地址", required=False, max_length=45,
                              widget=forms.TextInput(attrs={"class": "form-control"}))

    def clean_address(self):
        address = self.cleaned_data["address"].strip()
        if address and not ADDRESS.match(address):
            raise forms.ValidationError("IP地址只能包含数字、字母 a–f、“.”和“:”，可只填开头部分。")
        return address

    def clean(self):
        data = super().clean()
        start, end = data.get("date_from"), data.get("date_to")
        if start and end and start > end:
            raise forms.ValidationError("开始日期不能晚于结束日期。")
        return data

    @property
    def filters(self) -> dict:
        """The valid filters given, as typed (for the export's hidden fields and its audit line)."""
        if not self.is_valid():
            return {}
        return {name: value for name, value in self.cleaned_data.items() if value not in ("", None)}

    def query(self) -> dict:
        """The filters as trail.selectors.audit_events_of's keywords (dates as Shanghai days)."""
        data = self.filters
        query = {key: data[key] for key in ("username", "action", "subject", "address") if key in data}
        if "date_from" in data:
            query["since"] = _day_start(data["date_from"])
        if "date_to" in data:
            query["until"] = _day_start(data["date_to"] + datetime.timedelta(days=1))
        if "success" in data:
            query["success"] = data["success"] == "yes"
        return query
