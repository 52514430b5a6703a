"""Photos and scans attached to change requests and tickets (a signed household form, a
certificate): checked on the way in, stored under a random name, served only in scope.

The type is decided by the file's first bytes, never by its name or the browser's word:
JPEG, PNG, WebP and PDF are accepted. Phones send camera photos as JPEG. A file is served
with that checked type and under a name whose extension matches it (`served_name`), so a
photo uploaded as "x.html" downloads as "x.jpg".
"""

import re
import uuid
from pathlib import PurePath

from django import forms
from django.conf import settings
from django.db import models
from django.http import FileResponse
from django.template.defaultfilters import filesizeformat
from django.utils import timezone
from django.utils.deconstruct import deconstructible

# first bytes → (content type, extension)
SIGNATURES = (
    (b"\xff\xd8\xff", "image/jpeg", ".jpg"),
    (b"\x89PNG\r\n\x1a\n", "image/png", ".png"),
    (b"%PDF-", "application/pdf", ".pdf"),
)
WEBP = ("image/webp", ".webp")  # RIFF....WEBP
ACCEPT = "image/jpeg,image/png,image/webp,application/pdf"
# checked content type → the extensions a name may keep (the first is the one given)
EXTENSIONS = {"image/jpeg": (".jpg", ".jpeg"), "image/png": (".png",), "image/webp": (".webp",),
              "application/pdf": (".pdf",)}
UNKNOWN_TYPE = "application/octet-stream"
_UNSAFE_IN_NAME = re.compile(r'[\x00-\x1f\x7f"\\/]')
MAX_FILES = 5


def max_bytes() -> int:
    return getattr(settings, "ATTACHMENT_MAX_BYTES", 10 * 1024 * 1024)


def sniff(head: bytes) -> tuple[str, str] | None:
    """(content type, extension) of a file starting with `head`, or None for anything else."""
    for signature, content_type, extension in SIGNATURES:
        if head.startswith(signature):
            return content_type, extension
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return WEBP
    return None


def check_upload(upload) -> str:
    """The content type of an acceptable upload; a ValidationError saying what is wrong otherwise."""
    if upload.size == 0:
        raise forms.ValidationError(f"文件“{upload.name}”是空的。")
    if upload.size > max_bytes():
        raise forms.ValidationError(
            f"文件“{upload.name}”有 {filesizeformat(upload.size)}，超过 {filesizeformat(max_bytes())} 的上限：请压缩或拍摄较小的照片。"
        )
    upload.seek(0)
    kind = sniff(upload.read(16))
    upload.seek(0)
    if kind is None:
        raise forms.ValidationError(f"文件“{upload.name}”不是照片（JPG、PNG、WebP）或 PDF 扫描件，不能上传。")
    return kind[0]


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class AttachmentsField(forms.FileField):
    """Up to MAX_FILES photos or scans; `clean` returns [(upload, content type), …]."""

    def __init__(self, **kwargs):
        kwargs.setdefault("required", False)
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": ACCEPT}))
        super().__init__(**kwargs)

    def clean(self, data, initial=None):
        uploads = [u for u in (data if isinstance(data, (list, tuple)) else [data]) if u]
        if not uploads:
            if self.required:
                raise forms.ValidationError(self.error_messages["required"], code="required")
            return []
        if len(uploads) > MAX_FILES:
            raise forms.ValidationError(f"一次最多上传 {MAX_FILES} 个文件。")
        return [(super(AttachmentsField, self).clean(upload, initial), check_upload(upload)) for upload in uploads]


@deconstructible
class stored_name:  # noqa: N801 (used like the function upload_to expects)
    """An upload_to that keeps no part of the uploader's file name (only the checked extension)."""

    def __init__(self, prefix: str):
        self.prefix = prefix

    def __call__(self, instance, filename: str) -> str:
        extension = {t: e for _s, t, e in (*SIGNATURES, (b"", *WEBP))}.get(instance.content_type, "")
        return f"{self.prefix}/{timezone.now():%Y/%m}/{uuid.uuid4().hex}{extension}"

    def __eq__(self, other):
        return isinstance(other, stored_name) and other.prefix == self.prefix


class StoredFile(models.Model):
    """An accepted upload: the file under a random name, and what the uploader called it."""

    original_name = models.CharField("文件名", max_length=255)
    content_type = models.CharField("文件类型", max_length=40)
    size = models.PositiveIntegerField("大小")
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="上传人", on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField("上传时间", default=timezone.now)

    class Meta:
        abstract = True

    def __str__(self):
        return self.original_name

    @property
    def is_image(self) -> bool:
        return self.content_type.startswith("image/")

    @classmethod
    def from_upload(cls, upload, content_type: str, *, user, **fields):
        return cls(
            file=upload, original_name=PurePath(upload.name).name[:255], content_type=content_type,
            size=upload.size, uploaded_by=user, **fields,
        )


def served_name(original_name: str, content_type: str) -> str:
    """What the uploader called the file, with the extension of its checked type.

    "证明.JPEG" stays, "照片.html" becomes "照片.jpg", "扫描件" becomes "扫描件.pdf"; control
    characters, quotes and slashes are dropped. A type not checked here gets no extension.
    """
    name = _UNSAFE_IN_NAME.sub("", PurePath(original_name.replace("\\", "/")).name).strip().strip(".") or "附件"
    extensions = EXTENSIONS.get(content_type)
    if not extensions:
        return PurePath(name).stem or "附件"
    suffix = PurePath(name).suffix
    if suffix.lower() in extensions:
        return name
    stem = name[: -len(suffix)] if suffix and len(suffix) <= 6 else name
    return f"{stem or '附件'}{extensions[0]}"


def stored_file_response(stored: StoredFile, *, download: bool = False) -> FileResponse:
    """The file, with the type checked at upload; never rendered as a page of this site.

    Photos open in the browser; PDFs are downloaded (a sandboxed response cannot show them).
    The name's extension is that of the checked type; a type this module does not know (a
    record changed by hand) is served as bytes to download.
    """
    content_type = stored.content_type if stored.content_type in EXTENSIONS else UNKNOWN_TYPE
    response = FileResponse(
        stored.file.open("rb"), content_type=content_type,
        as_attachment=download or not content_type.startswith("image/"),
        filename=served_name(stored.original_name, content_type),
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; img-src 'self'; sandbox"
    response["Cache-Control"] = "private, no-store"
    return response
