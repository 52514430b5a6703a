"""The application pages' forms: the village record, and the reason a step asks for."""

from django import forms
from django.utils import timezone

from households.choices import RiskType
from households.uploads import ACCEPT, MAX_FILES, AttachmentsField, MultipleFileInput, check_upload

from monitoring_objects.models import Application, ApplicationKind, ApplicationStatus

# Phones offer the camera for image/*; the type is still checked from the file's first bytes.
PHOTO_ACCEPT = "image/*,application/pdf"

INCLUSION_ONLY = ("authorised_on", "monitoring_type", "risk_types", "risk_note", "authorisation")
ELIMINATION_ONLY = ("elimination_method",)


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format="%Y-%m-%d")


class RecordForm(forms.ModelForm):
    """The village's record: 入户核查, 承诺授权书, 民主评议, 公示, and what is proposed."""

    risk_types = forms.MultipleChoiceField(label="风险类型（可多选）", required=False, choices=RiskType.choices,
                                           widget=forms.CheckboxSelectMultiple)
    photos = AttachmentsField(label="入户核查照片", widget=MultipleFileInput(attrs={"accept": PHOTO_ACCEPT}),
                              help_text=f"可用手机直接拍照：JPG、PNG、WebP 或 PDF，一次最多 {MAX_FILES} 个。")
    authorisation = forms.FileField(label="承诺授权书扫描件", required=False,
                                    widget=forms.ClearableFileInput(attrs={"accept": ACCEPT}),
                                    help_text="农户签字的承诺授权书，拍照或扫描件（比对部门数据前必须取得）。")

    class Meta:
        model = Application
        fields = ["verified_on", "verified_by_name", "findings", "authorised_on", "appraised_on",
                  "appraisal_attendance", "appraisal_result", "notice_start", "notice_end", "notice_objections",
                  "monitoring_type", "risk_types", "risk_note", "elimination_method"]
        widgets = {
            "verified_on": DateInput(), "authorised_on": DateInput(), "appraised_on": DateInput(),
            "notice_start": DateInput(), "notice_end": DateInput(),
            "findings": forms.Textarea(attrs={"rows": 3}),
            "appraisal_result": forms.Textarea(attrs={"rows": 2}),
            "notice_objections": forms.Textarea(attrs={"rows": 2}),
            "appraisal_attendance": forms.NumberInput(attrs={"inputmode": "numeric", "min": 1}),
        }
        labels = {"appraisal_attendance": "民主评议参会人数", "notice_objections": "公示异议（无则填“无”）"}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        drop = ELIMINATION_ONLY if self.instance.kind == ApplicationKind.INCLUSION else INCLUSION_ONLY
        for name in drop:
            self.fields.pop(name, None)
        if "monitoring_type" in self.fields:
            self.fields["monitoring_type"].choices = [("", "请选择")] + list(self.fields["monitoring_type"].choices)[1:]
        if "elimination_method" in self.fields:
            self.fields["elimination_method"].choices = [("", "请选择")] + list(
                self.fields["elimination_method"].choices)[1:]
        today = timezone.localdate().isoformat()
        for name in ("verified_on", "authorised_on", "appraised_on"):
            if name in self.fields:
                self.fields[name].widget.attrs["max"] = today

    def clean_authorisation(self):
        upload = self.cleaned_data.get("authorisation")
        if not upload:
            return None
        return upload, check_upload(upload)

    def clean(self):
        cleaned = super().clean()
        today = timezone.localdate()
        for name, label in (("verified_on", "入户核查日期"), ("authorised_on", "承诺授权书签署日期"),
                            ("appraised_on", "民主评议日期")):
            if cleaned.get(name) and cleaned[name] > today:
                self.add_error(name, f"{label}不能晚于今天。")
        start, end = cleaned.get("notice_start"), cleaned.get("notice_end")
        if start and end and end < start:
            self.add_error("notice_end", "公示结束日期不能早于开始日期。")
        if RiskType.OTHER in (cleaned.get("risk_types") or []) and not (cleaned.get("risk_note") or "").strip():
            self.add_error("risk_note", "选择“其他”风险类型时请说明。")
        return cleaned

    def record(self) -> dict:
        """The village record's values for services.application_record (files apart)."""
        return {name: value for name, value in self.cleaned_data.items()
                if name not in ("photos", "authorisation")}


class ReasonForm(forms.Form):
    reason = forms.CharField(label="理由", required=False, max_length=1000, widget=forms.Textarea(attrs={"rows": 2}))


class ApplicationFilterForm(forms.Form):
    """The applications' queue: by default the ones whose next step is the user's."""

    status = forms.ChoiceField(label="状态", required=False, choices=[
        ("mine", "待我办理"), ("all", "全部状态"), *ApplicationStatus.choices])
    kind = forms.ChoiceField(label="类别", required=False, choices=[("", "全部类别"), *ApplicationKind.choices])
    overdue = forms.BooleanField(label="只看超期", required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("status", "kind"):
            self.fields[name].widget.attrs["class"] = "form-select"
        self.fields["overdue"].widget.attrs["class"] = "form-check-input"

    @property
    def filters(self) -> dict:
        return {name: value for name, value in self.cleaned_data.items() if value} if self.is_valid() else {}
