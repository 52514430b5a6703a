"""households.uploads: the type is read from the file's first bytes; size and count are limited."""

import pytest
from django import forms
from django.core.files.uploadedfile import SimpleUploadedFile

from households import uploads

JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\x00" * 64
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
PDF = b"%PDF-1.7\n" + b"\x00" * 64
WEBP = b"RIFF\x24\x00\x00\x00WEBPVP8 " + b"\x00" * 64


@pytest.mark.parametrize("head, expected", [
    (JPEG, ("image/jpeg", ".jpg")),
    (PNG, ("image/png", ".png")),
    (PDF, ("application/pdf", ".pdf")),
    (WEBP, ("image/webp", ".webp")),
    (b"<html><script>alert(1)</script>", None),
    (b"GIF89a", None),
    (b"RIFF\x24\x00\x00\x00WAVEfmt ", None),
    (b"", None),
])
def test_sniff_tells_the_type_by_the_first_bytes(head, expected):
    assert uploads.sniff(head) == expected


def upload(name: str, content: bytes, content_type: str = "image/jpeg"):
    return SimpleUploadedFile(name, content, content_type=content_type)


def test_a_photo_named_anything_is_accepted_by_its_content():
    assert uploads.check_upload(upload("IMG_0001.HEIC", JPEG)) == "image/jpeg"


def test_html_named_like_a_photo_is_refused_whatever_the_browser_says():
    with pytest.raises(forms.ValidationError) as refused:
        uploads.check_upload(upload("户口本.jpg", b"<html><body>hi</body></html>", "image/jpeg"))
    assert "户口本.jpg" in refused.value.messages[0] and "不是照片" in refused.value.messages[0]


def test_an_empty_file_is_refused():
    with pytest.raises(forms.ValidationError, match="是空的"):
        uploads.check_upload(upload("a.jpg", b""))


def test_a_file_over_the_limit_is_refused_and_one_at_the_limit_accepted(settings):
    settings.ATTACHMENT_MAX_BYTES = len(JPEG)
    assert uploads.check_upload(upload("ok.jpg", JPEG)) == "image/jpeg"
    with pytest.raises(forms.ValidationError, match="超过"):
        uploads.check_upload(upload("big.jpg", JPEG + b"\x00"))


def test_the_check_leaves_the_file_readable_from_the_start():
    photo = upload("a.jpg", JPEG)
    uploads.check_upload(photo)
    assert photo.read() == JPEG


def test_the_attachments_field_returns_each_upload_with_its_type_and_limits_the_count():
    field = uploads.AttachmentsField()
    assert field.clean([]) == []
    cleaned = field.clean([upload("a.jpg", JPEG), upload("b.pdf", PDF)])
    assert [content_type for _upload, content_type in cleaned] == ["image/jpeg", "application/pdf"]
    with pytest.raises(forms.ValidationError, match="最多"):
        field.clean([upload(f"{n}.jpg", JPEG) for n in range(uploads.MAX_FILES + 1)])


def test_stored_names_keep_nothing_of_the_uploaders_file_name():
    class Stored:
        content_type = "image/png"

    name = uploads.stored_name("change_attachments")(Stored(), "../../etc/张三 身份证.png")
    assert name.startswith("change_attachments/") and name.endswith(".png")
    assert "张三" not in name and ".." not in name


@pytest.mark.parametrize("name, content_type, served", [
    ("证明.JPEG", "image/jpeg", "证明.JPEG"),
    ("签字表.jpeg", "image/jpeg", "签字表.jpeg"),
    ("照片.html", "image/jpeg", "照片.jpg"),
    ("scan.pdf", "image/png", "scan.png"),
    ("扫描件", "application/pdf", "扫描件.pdf"),
    ("invoice.svg", "image/webp", "invoice.webp"),
    ("v1.5 的 照片", "image/jpeg", "v1.5 的 照片.jpg"),
    ('a"b\r\n.png', "image/png", "ab.png"),
    ("C:\\Users\\x\\evil.exe", "application/pdf", "evil.pdf"),
    ("..", "image/png", "附件.png"),
    ("page.html", "text/html", "page"),
])
def test_a_file_is_served_under_a_name_with_the_extension_of_its_checked_type(name, content_type, served):
    assert uploads.served_name(name, content_type) == served


def served_filename(response) -> str:
    """The file name a browser saves a response under (Content-Disposition, RFC 6266)."""
    from urllib.parse import unquote

    disposition = response["Content-Disposition"]
    if "filename*=utf-8''" in disposition:
        return unquote(disposition.split("filename*=utf-8''", 1)[1])
    return disposition.split('filename="', 1)[1].rstrip('"')
