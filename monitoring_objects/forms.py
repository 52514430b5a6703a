"""The forms of the monitoring objects' own pages: the list's filters, a measure, the county's
decisions on a household's risk, and the procedure's deadlines."""

from django import forms
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db.models import Q

from households import list_extensions
from households.choices import MeasureNature, MeasureType, MonitoringType, RiskStatus, RiskType
from households.models import Area
from households.scope import county_of

from monitoring_objects.models import ProcedureSettings
from monitoring_objects.selectors import has_risk_type
from monitoring_objects.services import GREEN_CHANNEL_RISKS


class MonitoringFilterForm(forms.Form):
    """监测对象 filters: every one a query parameter, so a filtered list can be shared."""

    monitoring_type = forms.ChoiceField(label="监测对象类别", required=False,
                                        choices=[("", "全部类别"), *MonitoringType.choices])
    risk_status = forms.ChoiceField(label="风险状态", required=False,
                                    choices=[("", "全部风险状态"), *RiskStatus.choices])
    risk_type = forms.ChoiceField(label="风险类型", required=False,
                                  choices=[("", "全部风险类型"), *RiskType.choices])
    village = forms.ChoiceField(label="行政村", required=False)
    needs_measure = forms.BooleanField(label="需落实帮扶措施", required=False)
    overdue = forms.BooleanField(label="有超期步骤", required=False)
    unauthorised = forms.BooleanField(label="缺承诺授权书", required=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.county = county_of(user)
        villages = Area.objects.in_scope(user).villages().select_related("parent").order_by("code")
        self.fields["village"].choices = [("", "全部行政村")] + [
            (area.code, f"{area.parent.name} {area.name}" if area.parent_id else area.name) for area in villages]
        for name in ("monitoring_type", "risk_status", "risk_type", "village"):
            self.fields[name].widget.attrs["class"] = "form-select"
        for name in ("needs_measure", "overdue", "unauthorised"):
            self.fields[name].widget.attrs["class"] = "form-check-input"
        self.fields.update(list_extensions.filter_fields())  # the risk colour's, among others

    def filter(self, queryset):
        """`queryset` narrowed by the valid filters (an invalid value is ignored, not an error page)."""
        data = self.cleaned_data if self.is_valid() else {}
        if data.get("monitoring_type"):
            queryset = queryset.filter(monitoring_type=data["monitoring_type"])
        if data.get("risk_status"):
            queryset = queryset.filter(risk_status=data["risk_status"])
        if data.get("risk_type"):
            queryset = queryset.filter(has_risk_type(data["risk_type"]))
        if data.get("village"):
            queryset = queryset.filter(village_id=data["village"])
        if data.get("needs_measure"):
            queryset = queryset.filter(needs_measure=True)
        if data.get("overdue"):
            queryset = queryset.filter(Q(application_overdue=True) | Q(clue_overdue=True))
        if data.get("unauthorised"):
            queryset = queryset.filter(authorised=False)
        return list_extensions.apply_filters(queryset, data, county=self.county)


class MeasureForm(forms.Form):
    """登记帮扶措施 (services.measure_record checks it again)."""

    measure_type = forms.ChoiceField(label="措施类型", choices=[("", "请选择")] + MeasureType.choices,
                                     error_messages={"required": "请选择措施类型。"})
    nature = forms.ChoiceField(label="措施性质", required=False,
                               choices=[("", "按措施类型"), *MeasureNature.choices],
                               help_text="兜底保障为兜底，其余为开发式。")
    content = forms.CharField(label="措施内容", max_length=500,
                              error_messages={"required": "请填写措施内容。",
                                              "max_length": "措施内容最多 500 字。"},
                              widget=forms.Textarea(attrs={"rows": 2}))
    months = forms.IntegerField(label="岗位月数（公益性岗位）", required=False, min_value=1, max_value=12,
                                error_messages={"invalid": "请填写 1–12 的整数。",
                                                "min_value": "岗位月数为 1–12。", "max_value": "岗位月数为 1–12。"},
                                widget=forms.NumberInput(attrs={"inputmode": "numeric"}))
    done = forms.BooleanField(label="已落实（不勾选则为计划）", required=False)

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("prefix", "measure")
        super().__init__(*args, **kwargs)
        for name in ("measure_type", "nature"):
            self.fields[name].widget.attrs["class"] = "form-select"
        for name in ("content", "months"):
            self.fields[name].widget.attrs["class"] = "form-control"
        self.fields["done"].widget.attrs["class"] = "form-check-input"

    def clean(self):
        data = super().clean()
        if data.get("measure_type") == MeasureType.PUBLIC_WELFARE_JOB and not data.get("months"):
            self.add_error("months", "公益性岗位请填写岗位月数。")
        return data


class ReasonForm(forms.Form):
    """风险消除回退 / 风险再标注: a written reason."""

    reason = forms.CharField(label="理由", max_length=2000, widget=forms.Textarea(attrs={"rows": 2}),
                             error_messages={"required": "请填写理由。", "max_length": "理由最多 2000 字。"})

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reason"].widget.attrs["class"] = "form-control"


class GreenChannelForm(forms.Form):
    """绿色通道纳入: a 突发严重困难 household included first, appraisal and notice afterwards."""

    monitoring_type = forms.ChoiceField(label="监测对象类别", choices=[("", "请选择"), *MonitoringType.choices],
                                        error_messages={"required": "请选择监测对象类别。"})
    risk_types = forms.MultipleChoiceField(
        label="风险类型", choices=RiskType.choices, widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "请选择风险类型（须含因灾或因意外事故）。"})
    risk_note = forms.CharField(label="其他风险说明", required=False, max_length=200)
    reason = forms.CharField(label="先行纳入的理由", max_length=2000, widget=forms.Textarea(attrs={"rows": 2}),
                             error_messages={"required": "请填写先行纳入的理由。"})

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("prefix", "green")
        super().__init__(*args, **kwargs)
        self.fields["monitoring_type"].widget.attrs["class"] = "form-select"
        for name in ("risk_note", "reason"):
            self.fields[name].widget.attrs["class"] = "form-control"

    def clean_risk_types(self):
        risk_types = self.cleaned_data["risk_types"]
        if not set(risk_types) & set(GREEN_CHANNEL_RISKS):
            raise forms.ValidationError("绿色通道须选择因灾或因意外事故。")
        return risk_types


SETTINGS_FIELDS = ("clue_days", "inclusion_days", "notice_days", "elimination_months")


class ProcedureSettingsForm(forms.Form):
    """The county's deadlines of the procedure (working days, and months before elimination), with
    the model's bounds."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in SETTINGS_FIELDS:
            field = ProcedureSettings._meta.get_field(name)
            low = next(v.limit_value for v in field.validators if isinstance(v, MinValueValidator))
            high = next(v.limit_value for v in field.validators if isinstance(v, MaxValueValidator))
            self.fields[name] = forms.IntegerField(
                label=field.verbose_name, min_value=low, max_value=high,
                error_messages={"required": f"请填写{field.verbose_name}。", "invalid": "请填写整数。",
                                "min_value": f"不能小于 {low}。", "max_value": f"不能大于 {high}。"},
                widget=forms.NumberInput(attrs={"inputmode": "numeric", "class": "form-control"}),
            )
