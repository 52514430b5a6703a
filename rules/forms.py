from decimal import Decimal

from django import forms

from households.models import Area

from rules import registry
from rules.parameters import DEFAULTS, LABELS


class ParametersForm(forms.Form):
    """Thresholds and risk weights, one field each, initialised with the values in force."""

    def __init__(self, *args, values: dict[str, Decimal], **kwargs):
        super().__init__(*args, **kwargs)
        for key in DEFAULTS:
            weight = key.startswith("weight_") or key.startswith("risk_") or key.endswith("_threshold")
            self.fields[key] = forms.DecimalField(
                label=LABELS[key], initial=values[key], min_value=Decimal("0"),
                max_value=Decimal("1") if weight else None, decimal_places=4 if weight else 2,
                help_text=f"默认 {DEFAULTS[key].normalize():f}",
            )


class YearLinesForm(forms.Form):
    year = forms.IntegerField(label="年度", min_value=2014, max_value=2100)
    monitoring_line = forms.DecimalField(label="监测标准(元/人·年)", min_value=Decimal("0"), decimal_places=2)
    attention_line = forms.DecimalField(label="关注线(元/人·年)", min_value=Decimal("0"), decimal_places=2)


class ScheduleForm(forms.Form):
    day = forms.IntegerField(label="每月几日", min_value=1, max_value=28, help_text="1–28日，避开月末")
    hour = forms.IntegerField(label="几时", min_value=0, max_value=23)
    enabled = forms.BooleanField(label="启用自动清洗", required=False)


class BatchForm(forms.Form):
    area = forms.ChoiceField(label="范围")
    rules = forms.MultipleChoiceField(label="规则", required=False, widget=forms.CheckboxSelectMultiple,
                                      help_text="不选则运行全部已启用规则")

    def __init__(self, *args, county: Area, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["area"].choices = [(county.code, f"全县（{county.name}）")] + [
            (t.code, t.name) for t in Area.objects.townships().filter(parent=county).order_by("code")]
        self.fields["rules"].choices = [(r.id, f"{r.id} {r.name}") for r in registry.all_rules()]
