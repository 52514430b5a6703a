"""The upload form of the registry import."""

from django import forms

from households.workbook import messages as msg
from households.workbook.safety import UnsafeWorkbook, check_workbook_stream, limit, size_text


class RegistryUploadForm(forms.Form):
    workbook = forms.FileField(
        label="登记数据工作簿",
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx"}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["workbook"].help_text = (
            f".xlsx 格式，最大 {size_text(limit('MAX_UPLOAD_BYTES'))}；每个工作表最多 {limit('MAX_ROWS'):,} 行"
        )

    def clean_workbook(self):
        upload = self.cleaned_data["workbook"]
        if not upload.name.lower().endswith(".xlsx"):
            raise forms.ValidationError(msg.NOT_XLSX_NAME)
        try:
            # The first bytes and the zip directory decide, not the name: no XML is parsed here.
            check_workbook_stream(upload, upload.size)
        except UnsafeWorkbook as refused:
            raise forms.ValidationError(refused.message) from None
        return upload
