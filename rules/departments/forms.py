"""The upload form of a department list: the same checks as the registry upload, before any parsing."""

from pathlib import PurePath

from django import forms
from django.template.defaultfilters import filesizeformat

from households.uploads import sniff
from households.workbook.safety import OLE_MAGIC, ZIP_MAGIC, UnsafeWorkbook, check_workbook_stream, limit, size_text

from rules.department_import import MAX_CSV_BYTES
from rules.models import DepartmentSource

NOT_A_LIST = "部门数据应为 .xlsx 或 .csv 文件（旧版 .xls 请在 Excel 中另存为 .xlsx）"
EMPTY_FILE = "文件“{name}”是空的"
CSV_TOO_LARGE = "CSV 文件有 {size}，超过 {limit} 的上限"
CSV_NOT_TEXT = "文件“{name}”不是 CSV 文本文件：请在 Excel 中“另存为 CSV（逗号分隔）”后上传"


class DepartmentUploadForm(forms.Form):
    source = forms.ChoiceField(label="数据来源", choices=[("", "请选择部门名单"), *DepartmentSource.choices])
    year = forms.IntegerField(label="年度", min_value=2000, max_value=2100)
    file = forms.FileField(label="名单文件", widget=forms.ClearableFileInput(attrs={"accept": ".xlsx,.csv"}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["file"].help_text = (
            f".xlsx 最大 {size_text(limit('MAX_UPLOAD_BYTES'))}，.csv 最大 {size_text(MAX_CSV_BYTES)}（UTF-8 或 GB18030）；"
            "第 1 行为表头：证件号码、姓名，以及该名单自己的一列"
        )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        suffix = PurePath(upload.name).suffix.lower()
        if upload.size == 0:
            raise forms.ValidationError(EMPTY_FILE.format(name=upload.name))
        if suffix == ".xlsx":
            try:
                # The first bytes and the zip directory decide, not the name: no XML is parsed here.
                check_workbook_stream(upload, upload.size)
            except UnsafeWorkbook as refused:
                raise forms.ValidationError(refused.message) from None
        elif suffix == ".csv":
            if upload.size > MAX_CSV_BYTES:
                raise forms.ValidationError(CSV_TOO_LARGE.format(
                    size=filesizeformat(upload.size), limit=filesizeformat(MAX_CSV_BYTES)))
            upload.seek(0)
            head = upload.read(4096)
            upload.seek(0)
            if head.startswith((ZIP_MAGIC, OLE_MAGIC)) or sniff(head) or b"\x00" in head:
                raise forms.ValidationError(CSV_NOT_TEXT.format(name=upload.name))
        else:
            raise forms.ValidationError(NOT_A_LIST)
        return upload
