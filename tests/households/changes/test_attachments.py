"""附件 on change requests: photos and scans sent with the clerk's form, checked, stored, and
served only to users in the request's scope."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from accounts.roles import Role
from households.changes import services
from households.changes.models import ChangeRequest, ChangeRequestAttachment
from tests.builders import make_user
from tests.conftest import VILLAGE_A2, VILLAGE_B1
from tests.households.changes.test_views import FORM
from tests.households.test_uploads import JPEG, PDF, PNG, served_filename

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def photo(name="签字表.jpg", content=JPEG, content_type="image/jpeg"):
    return SimpleUploadedFile(name, content, content_type=content_type)


def submit(client, world, **files):
    client.force_login(world.clerk)
    return client.post(reverse("household_change_new", args=[world.home.number]), {**FORM, **files}, follow=True)


def attachment_url(attachment):
    return reverse("change_attachment", args=[attachment.change_id, attachment.pk])


def test_the_forms_take_photos_from_a_phone_camera(client, world):
    client.force_login(world.clerk)
    for url in (reverse("household_change_new", args=[world.home.number]),
                reverse("household_income_new", args=[world.home.number])):
        page = client.get(url).content.decode()
        assert 'enctype="multipart/form-data"' in page
        assert 'accept="image/*,application/pdf"' in page and "multiple" in page


def test_a_clerk_submits_a_change_with_a_photo_and_a_scan(client, world, media):
    response = submit(client, world, attachments=[photo(), photo("核实表.pdf", PDF, "application/pdf")])
    change = ChangeRequest.objects.get()
    first, second = change.attachments.all()
    assert (first.original_name, first.content_type, first.uploaded_by) == ("签字表.jpg", "image/jpeg", world.clerk)
    assert second.content_type == "application/pdf"
    assert "签字表" not in first.file.name and first.file.name.endswith(".jpg")
    assert (media / first.file.name).read_bytes() == JPEG
    page = response.content.decode()
    assert 'data-testid="attachment-thumbnail"' in page and attachment_url(first) in page
    assert 'data-testid="attachment-link"' in page and attachment_url(second) in page


def test_html_named_like_a_photo_is_refused_next_to_the_field_and_nothing_is_submitted(client, world):
    response = submit(client, world, attachments=[photo("照片.jpg", b"<html><script>x()</script></html>")])
    assert response.status_code == 200
    assert ChangeRequest.objects.count() == 0 and ChangeRequestAttachment.objects.count() == 0
    errors = response.context["attachments_form"].errors["attachments"]
    assert "照片.jpg" in errors[0] and "不是照片" in errors[0]
    page = response.content.decode()
    assert "不是照片（JPG、PNG、WebP）或 PDF 扫描件" in page
    assert 'value="13912345678"' in page and "入户核实" in page  # what was typed is kept


def test_a_file_over_the_limit_is_refused(client, world, settings):
    settings.ATTACHMENT_MAX_BYTES = 32
    response = submit(client, world, attachments=[photo()])
    assert ChangeRequest.objects.count() == 0
    assert "超过" in response.context["attachments_form"].errors["attachments"][0]


def test_a_change_without_attachments_still_goes_through(client, world):
    submit(client, world)
    assert ChangeRequest.objects.get().attachments.count() == 0


def test_an_income_request_takes_attachments(client, world):
    client.force_login(world.clerk)
    client.post(reverse("household_income_new", args=[world.home.number]) + "?year=2025",
                {"year": "2025", "wage": "12000", "note": "", "attachments": [photo()]})
    assert ChangeRequest.objects.get().attachments.get().content_type == "image/jpeg"


def test_a_resubmission_adds_attachments_to_the_ones_it_had(client, world):
    submit(client, world, attachments=[photo()])
    change = ChangeRequest.objects.get()
    services.change_request_return(change=change, reviewer=world.reviewer, reason="请附户主签字")
    client.post(reverse("change_resubmit", args=[change.pk]),
                {**FORM, "phone": "13912345679", "attachments": [photo("户主签字.jpg")]})
    assert [a.original_name for a in change.attachments.all()] == ["签字表.jpg", "户主签字.jpg"]


def test_an_attachment_is_served_with_its_checked_type_and_never_sniffed(client, world):
    submit(client, world, attachments=[photo(), photo("核实表.pdf", PDF, "application/pdf")])
    image, scan = ChangeRequest.objects.get().attachments.all()
    for user in (world.clerk, world.reviewer, world.county_staff, world.inspector):
        client.force_login(user)
        response = client.get(attachment_url(image))
        assert response.status_code == 200, user
        assert response["Content-Type"] == "image/jpeg"
        assert response["X-Content-Type-Options"] == "nosniff"
        assert b"".join(response.streaming_content) == JPEG
    pdf = client.get(attachment_url(scan))
    assert pdf["Content-Type"] == "application/pdf" and pdf["Content-Disposition"].startswith("attachment")


def test_an_attachment_is_served_under_a_name_with_the_extension_of_its_checked_type(client, world):
    submit(client, world, attachments=[photo("签字表.html"), photo("核实表.jpg", PNG, "image/jpeg"),
                                       photo("扫描件.exe", PDF, "application/x-msdownload")])
    client.force_login(world.reviewer)
    served = {}
    for attachment in ChangeRequest.objects.get().attachments.all():
        response = client.get(attachment_url(attachment))
        assert response["X-Content-Type-Options"] == "nosniff"
        served[served_filename(response)] = (response["Content-Type"], response["Content-Disposition"].split(";")[0])
    assert served == {"签字表.jpg": ("image/jpeg", "inline"), "核实表.png": ("image/png", "inline"),
                      "扫描件.pdf": ("application/pdf", "attachment")}


def test_an_attachment_whose_recorded_type_is_not_a_checked_one_is_only_downloaded(client, world):
    submit(client, world, attachments=[photo("页面.html")])
    ChangeRequestAttachment.objects.update(content_type="text/html")
    client.force_login(world.reviewer)
    response = client.get(attachment_url(ChangeRequestAttachment.objects.get()))
    assert response["Content-Type"] == "application/octet-stream"
    assert response["Content-Disposition"].startswith("attachment") and served_filename(response) == "页面"


def test_an_attachment_is_404_outside_the_requests_scope(client, world):
    submit(client, world, attachments=[photo()])
    attachment = ChangeRequestAttachment.objects.get()
    for user in (make_user("clerk-a2", Role.VILLAGE_CLERK, VILLAGE_A2),
                 make_user("reviewer-b", Role.TOWNSHIP_REVIEWER, VILLAGE_B1[:9]),
                 world.no_role):
        client.force_login(user)
        assert client.get(attachment_url(attachment)).status_code == 404, user


def test_an_attachment_is_404_under_another_request(client, world):
    submit(client, world, attachments=[photo()])
    attachment = ChangeRequestAttachment.objects.get()
    other = services.change_request_submit(user=world.clerk, household=world.home, data={"address": "3 组"})
    client.force_login(world.reviewer)
    assert client.get(reverse("change_attachment", args=[other.pk, attachment.pk])).status_code == 404


def test_anonymous_users_are_sent_to_log_in(client, world):
    submit(client, world, attachments=[photo()])
    url = attachment_url(ChangeRequestAttachment.objects.get())
    client.logout()
    assert client.get(url).status_code == 302
