"""The clue pages' forms: the list's filters, registering a clue, and the two answers of 入户核查."""

from django import forms
from django.utils import timezone

from households.choices import IdentificationSource
from households.models import Household

from monitoring_objects.clues import selectors
from monitoring_objects.models import ClueStatus

# A clerk enters these on the household's or a cadre's behalf; the other channels have their own doors.
STAFF_CHANNELS = [(IdentificationSource.SELF_REPORT.value, "农户自主申报（代为登记）"),
                  (IdentificationSource.CADRE_SCREENING.value, IdentificationSource.CADRE_SCREENING.label)]


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format="%Y-%m-%d")


def _village_label(area) -> str:
    return f"{area.parent.name} {area.name}" if area.parent_id else area.name


class ClueFilterForm(forms.Form):
    """The list's filters, read from the URL so a filtered list can be bookmarked and shared."""

    status = forms.ChoiceField(label="状态", required=False, choices=[("", "全部状态")] + list(ClueStatus.choices))
    channel = forms.ChoiceField(label="线索来源", required=False,
                                choices=[("", "全部来源")] + list(IdentificationSource.choices))
    township = forms.ChoiceField(label="乡镇", required=False)
    village = forms.ChoiceField(label="行政村", required=False)
    overdue = forms.BooleanField(label="只看超期未核查", required=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        villages = list(selectors.villages_in_scope(user))
        townships = {area.parent_id: area.parent.name for area in villages if area.parent_id}
        self.fields["township"].choices = [("", "全部乡镇")] + sorted(townships.items())
        self.fields["village"].choices = [("", "全部行政村")] + [(a.code, _village_label(a)) for a in villages]
        self.show_township = len(townships) > 1
        self.show_village = len(villages) > 1
        for name, field in self.fields.items():
            if not isinstance(field, forms.BooleanField):
                field.widget.attrs["class"] = "form-select"

    @property
    def filters(self) -> dict:
        """The valid filters; an invalid value is ignored rather than showing nothing."""
        if not self.is_bound:
            return {}
        self.is_valid()
        return {name: value for name, value in self.cleaned_data.items() if value}


class ClueForm(forms.Form):
    """登记预警线索: 农户自主申报 entered for the household, or 基层干部排查."""

    channel = forms.ChoiceField(label="线索来源", choices=STAFF_CHANNELS, widget=forms.RadioSelect,
                                initial=IdentificationSource.CADRE_SCREENING.value,
                                error_messages={"required": "请选择线索来源。"})
    village = forms.ChoiceField(label="行政村", error_messages={"required": "请选择行政村。",
                                                              "invalid_choice": "请选择您辖区内的行政村。"})
    household_number = forms.CharField(label="户编号（在册农户可填）", required=False, max_length=32,
                                       help_text="未在册的农户可不填，核查后再办理新增户。")
    description = forms.CharField(label="困难情况", max_length=500, widget=forms.Textarea(attrs={"rows": 4}),
                                  error_messages={"required": "请填写困难情况。"},
                                  help_text="写明发生了什么困难、何时发生、影响多大。")
    reporter_name = forms.CharField(label="申报人（户主）姓名", required=False, max_length=32)
    reporter_phone = forms.CharField(label="联系电话", required=False, max_length=32,
                                     widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "off"}))
    reporter_id_number = forms.CharField(label="证件号码", required=False, max_length=32,
                                         widget=forms.TextInput(attrs={"autocomplete": "off"}))

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.villages = {area.code: area for area in selectors.villages_in_scope(user)}
        self.fields["village"].choices = [("", "请选择")] + [(c, _village_label(a)) for c, a in self.villages.items()]
        if len(self.villages) == 1:
            self.fields["village"].initial = next(iter(self.villages))

    def clean_reporter_phone(self):
        phone = self.cleaned_data["reporter_phone"].strip()
        if phone and not phone.replace("-", "").isdigit():
            raise forms.ValidationError("联系电话只能填写数字。")
        return phone

    def clean_reporter_id_number(self):
        return self.cleaned_data["reporter_id_number"].strip().upper()

    def clean(self):
        cleaned = super().clean()
        number = (cleaned.get("household_number") or "").strip()
        cleaned["village_area"] = self.villages.get(cleaned.get("village"))
        cleaned["household"] = None
        if number and cleaned["village_area"] is not None:
            household = (Household.objects.in_scope(self.user).active()
                         .filter(number=number, village_id=cleaned["village_area"].code).first())
            if household is None:
                self.add_error("household_number", "所选行政村没有这个户编号的在册农户。")
            cleaned["household"] = household
        return cleaned


class VerificationForm(forms.Form):
    """入户核查: the visit's record, then one of two outcomes."""

    DECLINE, APPLY = "decline", "apply"

    outcome = forms.ChoiceField(label="核查结论", widget=forms.RadioSelect, choices=[
        (APPLY, "申请纳入监测对象"), (DECLINE, "不纳入（向农户解释到位）")],
        error_messages={"required": "请选择核查结论。"})
    verified_on = forms.DateField(label="入户核查日期", required=False, widget=DateInput())
    verified_by_name = forms.CharField(label="核查人", required=False, max_length=64)
    findings = forms.CharField(label="核查情况", required=False, max_length=2000,
                               widget=forms.Textarea(attrs={"rows": 3}))
    answer = forms.CharField(label="不纳入理由（向农户解释的内容）", required=False, max_length=1000,
                             widget=forms.Textarea(attrs={"rows": 3}),
                             help_text="选择“不纳入”时必填：农户会看到这段答复。")
    household_number = forms.CharField(label="纳入的农户户编号", required=False, max_length=32,
                                       help_text="线索未关联在册农户时，填写本村在册农户的户编号。")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["verified_on"].widget.attrs["max"] = timezone.localdate().isoformat()

    def clean(self):
        """不纳入 needs the whole visit and the answer; say everything missing at once."""
        cleaned = super().clean()
        if cleaned.get("outcome") == self.DECLINE:
            required = {"verified_on": "请填写入户核查日期。", "verified_by_name": "请填写核查人。",
                        "findings": "请填写核查情况。", "answer": "请填写不纳入的理由（向农户解释到位的内容）。"}
            for name, message in required.items():
                value = cleaned.get(name)
                if name not in self.errors and not (value.strip() if isinstance(value, str) else value):
                    self.add_error(name, message)
        verified_on = cleaned.get("verified_on")
        if verified_on and verified_on > timezone.localdate():
            self.add_error("verified_on", "入户核查日期不能晚于今天。")
        return cleaned
