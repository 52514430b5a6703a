"""佐证材料 with 核实无误: photos or scans sent with the explanation, checked, stored with the
ticket and its event, and served only to users whose scope holds the ticket."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from accounts.roles import Role
from audits.models import Ticket, TicketEvidence, TicketStatus
from tests.audits.builders import make_ticket
from tests.builders import make_user
from tests.conftest import OTHER_COUNTY_VILLAGE, VILLAGE_A2, VILLAGE_B1
from tests.households.test_uploads import JPEG, PDF


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def photo(name="入户照片.jpg", content=JPEG, content_type="image/jpeg"):
    return SimpleUploadedFile(name, content, content_type=content_type)


def explain(client, user, ticket, **data):
    client.force_login(user)
    return client.post(reverse("ticket_explain", args=[ticket.pk]), {"explanation": "入户核实，数据无误", **data})


def evidence_url(item):
    return reverse("ticket_evidence", args=[item.ticket_id, item.pk])


def test_the_explain_form_offers_the_phone_camera(client, world, error_ticket):
    client.force_login(world.clerk)
    page = client.get(reverse("ticket_detail", args=[error_ticket.pk])).content.decode()
    assert 'accept="image/*,application/pdf"' in page
    assert 'enctype="multipart/form-data"' in page


def test_evidence_is_saved_with_the_ticket_and_its_event(client, world, error_ticket):
    response = explain(client, world.clerk, error_ticket, evidence=[photo(), photo("登记表.pdf", PDF, "application/pdf")])
    assert response.status_code == 302
    ticket = Ticket.objects.get(pk=error_ticket.pk)
    assert ticket.status == TicketStatus.PENDING_TOWNSHIP
    event = ticket.events.get(to_status=TicketStatus.PENDING_TOWNSHIP)
    files = list(ticket.evidence.order_by("pk"))
    assert [(f.original_name, f.content_type, f.event_id, f.uploaded_by) for f in files] == [
        ("入户照片.jpg", "image/jpeg", event.pk, world.clerk),
        ("登记表.pdf", "application/pdf", event.pk, world.clerk),
    ]
    assert "入户照片" not in files[0].file.name  # stored under a random name


def test_the_evidence_is_listed_on_the_page_and_in_the_history(client, world, error_ticket):
    explain(client, world.clerk, error_ticket, evidence=[photo()])
    item = TicketEvidence.objects.get()
    client.force_login(world.reviewer)
    page = client.get(reverse("ticket_detail", args=[error_ticket.pk])).content.decode()
    assert page.count(f'src="{evidence_url(item)}"') == 2  # the evidence section and the history step
    assert 'class="evidence-thumb"' in page


def test_the_explanation_alone_is_still_enough(client, world, error_ticket):
    assert explain(client, world.clerk, error_ticket).status_code == 302
    assert not TicketEvidence.objects.exists()


def test_a_file_that_is_not_a_photo_or_pdf_is_refused_next_to_the_field(client, world, error_ticket):
    response = explain(client, world.clerk, error_ticket,
                       evidence=[photo("说明.jpg", b"MZ\x90\x00 not an image", "image/jpeg")])
    assert response.status_code == 400
    assert response.context["explain_form"].errors["evidence"] == [
        "文件“说明.jpg”不是照片（JPG、PNG、WebP）或 PDF 扫描件，不能上传。"]
    assert "入户核实，数据无误" in response.content.decode()  # the explanation is kept
    assert Ticket.objects.get(pk=error_ticket.pk).status == TicketStatus.PENDING_VILLAGE
    assert not TicketEvidence.objects.exists()


def test_a_file_too_large_is_refused(client, world, error_ticket, settings):
    settings.ATTACHMENT_MAX_BYTES = 1024
    response = explain(client, world.clerk, error_ticket, evidence=[photo(content=JPEG + b"\0" * 2048)])
    assert response.status_code == 400
    assert "超过" in response.context["explain_form"].errors["evidence"][0]
    assert not TicketEvidence.objects.exists()


def test_nothing_is_saved_when_the_explanation_is_missing(client, world, error_ticket, media):
    response = explain(client, world.clerk, error_ticket, explanation="", evidence=[photo()])
    assert response.status_code == 400
    assert response.context["explain_form"].errors["explanation"] == ["请填写核实情况说明。"]
    assert not TicketEvidence.objects.exists()
    assert not any(path.is_file() for path in media.rglob("*"))


def test_nothing_is_saved_when_the_ticket_was_already_handled(client, world, error_ticket):
    Ticket.objects.filter(pk=error_ticket.pk).update(status=TicketStatus.PENDING_TOWNSHIP)
    explain(client, world.clerk, error_ticket, evidence=[photo()])
    assert not TicketEvidence.objects.exists()


def test_evidence_is_served_in_scope_with_its_checked_type(client, world, error_ticket):
    explain(client, world.clerk, error_ticket, evidence=[photo()])
    item = TicketEvidence.objects.get()
    for user in (world.clerk, world.reviewer, world.county_staff, world.inspector):
        client.force_login(user)
        response = client.get(evidence_url(item))
        assert response.status_code == 200
        assert response["Content-Type"] == "image/jpeg"
        assert response["X-Content-Type-Options"] == "nosniff"
        assert b"".join(response.streaming_content) == JPEG


def test_evidence_is_served_under_a_name_with_the_extension_of_its_checked_type(client, world, error_ticket):
    from tests.households.test_uploads import served_filename

    explain(client, world.clerk, error_ticket, evidence=[photo("入户照片.svg")])
    client.force_login(world.reviewer)
    response = client.get(evidence_url(TicketEvidence.objects.get()))
    assert served_filename(response) == "入户照片.jpg" and response["Content-Type"] == "image/jpeg"
    assert response["X-Content-Type-Options"] == "nosniff"


def test_evidence_is_a_404_outside_scope(client, world, error_ticket):
    explain(client, world.clerk, error_ticket, evidence=[photo()])
    item = TicketEvidence.objects.get()
    for user in (make_user("clerk-a2", Role.VILLAGE_CLERK, VILLAGE_A2),
                 make_user("reviewer-b", Role.TOWNSHIP_REVIEWER, VILLAGE_B1[:9]),
                 make_user("county-x", Role.COUNTY_STAFF, OTHER_COUNTY_VILLAGE[:6]), world.no_role):
        client.force_login(user)
        assert client.get(evidence_url(item)).status_code == 404


def test_evidence_under_another_tickets_number_is_a_404(client, world, error_ticket):
    explain(client, world.clerk, error_ticket, evidence=[photo()])
    item = TicketEvidence.objects.get()
    other = make_ticket(world.home, rule_id="B12")
    client.force_login(world.clerk)
    assert client.get(reverse("ticket_evidence", args=[other.pk, item.pk])).status_code == 404


def test_a_pdf_is_downloaded_not_shown(client, world, error_ticket):
    explain(client, world.clerk, error_ticket, evidence=[photo("登记表.pdf", PDF, "application/pdf")])
    client.force_login(world.reviewer)
    response = client.get(evidence_url(TicketEvidence.objects.get()))
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment")
