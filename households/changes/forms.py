"""The forms of change requests: a household's information, and a reviewer's return reason."""

import re

from django import forms
from django.forms.models import fields_for_model

from households.changes.fields import HOUSEHOLD_INFO_FIELDS
from households.masked_forms import MaskedInitialForm
from households.models import Household
from households.names import name_problem

PHONE = re.compile(r"^[0-9][0-9-]{4,19}$")
PHONE_MESSAGE = "请填写数字电话号码（可含“-”），例如 13812345678 或 0467-5812345。"


class HouseholdInfoForm(MaskedInitialForm):
    """户基本信息及生活条件, with the clerk's note. Values are checked here; nothing is saved.
    The phones are shown masked (masked_forms)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields.update(fields_for_model(Household, fields=HOUSEHOLD_INFO_FIELDS))
        for name in ("housing_safe", "water_safe"):
            self.fields[name].widget = forms.Select(choices=[("unknown", "未采集"), ("true", "是"), ("false", "否")])
        self.fields["longitude"].help_text = "东经为正，例如 132.987654"
        self.fields["latitude"].help_text = "北纬为正，例如 45.765432"
        self.fields["note"] = forms.CharField(
            label="申请说明", required=False, max_length=1000,
            widget=forms.Textarea(attrs={"rows": 3}),
            help_text="说明修改的原因和依据，例如“入户核实，电话已更换”。",
        )

    def _clean_phone(self, name: str) -> str:
        value = self.cleaned_data.get(name, "").strip()
        if value and not PHONE.match(value):
            raise forms.ValidationError(PHONE_MESSAGE)
        return value

    def clean_phone(self):
        return self._clean_phone("phone")

    def clean_helper_name(self):
        value = self.cleaned_data.get("helper_name", "")
        problem = name_problem(value, label="帮扶责任人")
        if problem:
            raise forms.ValidationError(problem)
        return value

    def clean_helper_phone(self):
        return self._clean_phone("helper_phone")

    def _clean_degrees(self, name: str, bound: int, text: str):
        value = self.cleaned_data.get(name)
        if value is not None and not -bound <= value <= bound:
            raise forms.ValidationError(f"{text}应在 −{bound} 到 {bound} 之间。")
        return value

    def clean_longitude(self):
        return self._clean_degrees("longitude", 180, "经度")

    def clean_latitude(self):
        return self._clean_degrees("latitude", 90, "纬度")

    def clean(self):
        cleaned = super().clean()
        if (cleaned.get("longitude") is None) != (cleaned.get("latitude") is None) \
                and "longitude" not in self.errors and "latitude" not in self.errors:
            self.add_error("latitude", "经度和纬度请同时填写或同时留空。")
        return cleaned

    @property
    def data_for_request(self) -> dict:
        return {name: self.cleaned_data.get(name) for name in HOUSEHOLD_INFO_FIELDS}


def initial_from(values: dict) -> dict:
    """Form initial values from model values (the booleans' select takes text)."""
    initial = dict(values)
    for name in ("housing_safe", "water_safe"):
        initial[name] = {True: "true", False: "false"}.get(values.get(name), "unknown")
    return initial


class ReturnForm(forms.Form):
    reason = forms.CharField(
        label="退回原因", max_length=1000, widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "请填写退回原因。"},
        help_text="写明要村级核实或修改的内容，申请人会看到。",
    )
