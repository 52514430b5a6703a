"""The forms of ticket review: the clerk's explanation, a reviewer's return reason, the list filters."""

from django import forms
from django.utils import timezone

from households.choices import ReviewLevel
from households.models import Area
from households.uploads import MAX_FILES, AttachmentsField, MultipleFileInput

from audits import rule_facts
from audits.deadlines import MAX_DAYS, MIN_DAYS
from audits.models import Severity, TicketStatus
from audits.selectors import ALL, OPEN, SORTS
from audits.transitions import EXPLANATION_REQUIRED, REASON_REQUIRED

# Phones offer the camera for image/*; the type is still checked from the file's first bytes.
EVIDENCE_ACCEPT = "image/*,application/pdf"


class ExplainForm(forms.Form):
    explanation = forms.CharField(
        label="核实情况说明", max_length=1000, widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": EXPLANATION_REQUIRED},
        help_text="写明入户核实的情况，说明数据为什么是对的，乡镇审核时会看到。",
    )
    evidence = AttachmentsField(
        label="佐证材料（可选）",
        widget=MultipleFileInput(attrs={"accept": EVIDENCE_ACCEPT}),
        help_text=f"可用手机拍照，或上传扫描件：JPG、PNG、WebP 照片或 PDF，最多 {MAX_FILES} 个。",
    )


class LinkChangeForm(forms.Form):
    """已整改: one of the household's pending change requests is the fix."""

    change_request = forms.TypedChoiceField(label="本户待审核的变更申请", coerce=int,
                                            error_messages={"required": "请选择变更申请。",
                                                            "invalid_choice": "请选择本户待审核的变更申请。"})

    def __init__(self, *args, changes=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["change_request"].choices = [("", "请选择")] + [
            (change.pk, f"#{change.pk} {change.get_kind_display()} {timezone.localdate(change.submitted_at):%Y-%m-%d}")
            for change in changes
        ]
        self.fields["change_request"].widget.attrs["class"] = "form-select"


class ReturnForm(forms.Form):
    reason = forms.CharField(
        label="退回原因", max_length=1000, widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": REASON_REQUIRED},
        help_text="写明要村级重新核实的内容，村级信息员会看到。",
    )


SORT_CHOICES = [("", "默认顺序")] + [(key, label) for key, (label, _order) in SORTS.items()]


class TicketFilterForm(forms.Form):
    """The list's filters, read from the URL so that a filtered list can be bookmarked."""

    status = forms.ChoiceField(label="状态", required=False)
    category = forms.ChoiceField(label="规则类别", required=False)
    rule = forms.ChoiceField(label="规则", required=False)
    severity = forms.ChoiceField(label="严重程度", required=False,
                                 choices=[("", "全部")] + list(Severity.choices))
    township = forms.ChoiceField(label="乡镇", required=False)
    village = forms.ChoiceField(label="行政村", required=False)
    overdue = forms.BooleanField(label="只看审核超时", required=False)
    # A month (YYYY-MM, Beijing) in which tickets were found or closed: the dashboard's 整改率 links here.
    found = forms.DateField(label="发现月份", required=False, input_formats=["%Y-%m"],
                            widget=forms.DateInput(attrs={"type": "month"}, format="%Y-%m"))
    closed = forms.DateField(label="销号月份", required=False, input_formats=["%Y-%m"],
                             widget=forms.DateInput(attrs={"type": "month"}, format="%Y-%m"))
    sort = forms.ChoiceField(label="排序", required=False, choices=SORT_CHOICES)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["status"].choices = [("", "我的待办"), (ALL, "全部状态"), (OPEN, "未销号")] + list(
            TicketStatus.choices)
        self.fields["category"].choices = [("", "全部类别")] + list(rule_facts.categories().items())
        self.fields["rule"].choices = [("", "全部规则")] + [
            (rule.id, f"{rule.id} {rule.name}") for rule in rule_facts.all_facts()
        ]
        areas = list(Area.objects.in_scope(user).filter(level__in=["township", "village"])
                     .select_related("parent").order_by("code"))
        townships = [area for area in areas if area.level == "township"]
        villages = [area for area in areas if area.level == "village"]
        self.fields["township"].choices = [("", "全部乡镇")] + [(area.code, area.name) for area in townships]
        self.fields["village"].choices = [("", "全部行政村")] + [
            (area.code, f"{area.parent.name} {area.name}" if area.parent_id else area.name) for area in villages
        ]
        for name, field in self.fields.items():
            if name in ("found", "closed"):
                field.widget.attrs.setdefault("class", "form-control")
            elif not isinstance(field, forms.BooleanField):
                field.widget.attrs.setdefault("class", "form-select")

    @property
    def filters(self) -> dict:
        """The valid filters; an invalid value is ignored rather than showing nothing."""
        if not self.is_bound:
            return {}
        self.is_valid()
        return {name: value for name, value in self.cleaned_data.items() if value}


class DeadlinesForm(forms.Form):
    """审核时限 per level, in calendar days."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        labels = {ReviewLevel.VILLAGE: "村级核实", ReviewLevel.TOWNSHIP: "乡镇审核", ReviewLevel.COUNTY: "县级终审"}
        for level, label in labels.items():
            self.fields[level] = forms.IntegerField(
                label=f"{label}（天）", min_value=MIN_DAYS, max_value=MAX_DAYS,
                error_messages={"required": f"请填写{label}时限。", "invalid": "请填写整数天数。",
                                "min_value": f"时限至少 {MIN_DAYS} 天。", "max_value": f"时限最多 {MAX_DAYS} 天。"},
                widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
            )
