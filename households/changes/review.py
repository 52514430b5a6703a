"""The review side of change requests: attachments, withdrawal, bulk approval, revealing a
masked value of a request.

Every status change still goes through `change_services` (its TRANSITIONS and locks).
"""

from django import forms
from django.db import transaction

from trail.models import AuditAction
from monitoring.params import parse_ids
from trail.services import audit_record

from households.changes import services
from households import uploads
from households.bulk import BulkOutcome
from households.services import NothingToReveal, Revealed
from households.changes.fields import MASKED_FIELDS, label
from households.changes.models import ChangeRequest, ChangeRequestAttachment

NOT_YOURS = "只有申请人可以撤回自己的申请。"
NOT_WITHDRAWABLE = "只有待审核或已退回的申请可以撤回。"
OUT_OF_SCOPE = "不存在或不在您的管辖范围内"
NOTHING_SELECTED = "请先勾选要通过的申请。"
ACCEPT_PHOTOS = "image/*,application/pdf"  # a phone offers its camera for image/*


class AttachmentsForm(forms.Form):
    """The optional photos/scans of a change request form (a photo of the signed household form).

    A form of its own, so every change request form can carry it next to its own form:
    render it with `households/_attachments_field.html`, save it with `save_attachments`.
    """

    attachments = uploads.AttachmentsField(
        label="附件（照片或扫描件）",
        widget=uploads.MultipleFileInput(attrs={"accept": ACCEPT_PHOTOS}),
        help_text=f"可选。例如签字的入户核实表照片；JPG、PNG、WebP 照片或 PDF 扫描件，"
                  f"最多 {uploads.MAX_FILES} 个，每个不超过 {uploads.max_bytes() // (1024 * 1024)} MB。",
    )


def attachments_form(request) -> AttachmentsForm:
    """The attachments form of `request`: bound on POST, empty otherwise."""
    if request.method == "POST":
        return AttachmentsForm(request.POST, request.FILES)
    return AttachmentsForm()


def save_attachments(change: ChangeRequest, form: AttachmentsForm, *, user) -> list[ChangeRequestAttachment]:
    """Store the checked uploads of a valid `form` on `change`."""
    saved = []
    for upload, content_type in form.cleaned_data.get("attachments") or []:
        attachment = ChangeRequestAttachment.from_upload(upload, content_type, user=user, change=change)
        attachment.save()
        saved.append(attachment)
    return saved


def change_request_withdraw(*, change: ChangeRequest, user) -> ChangeRequest:
    """The requester takes back their pending or returned request; nothing live changes."""
    with transaction.atomic():
        locked = ChangeRequest.objects.in_scope(user).select_for_update().filter(pk=change.pk).first()
        if locked is None or locked.requested_by_id != user.pk:
            raise services.ChangeRequestError(NOT_YOURS)
        if locked.status not in services.TRANSITIONS["withdraw"][0]:
            raise services.ChangeRequestError(NOT_WITHDRAWABLE)
        services.change_request_move(locked, action="withdraw", actor=user, comment="申请人撤回")
    return locked


def bulk_summary(outcome: BulkOutcome) -> str:
    """"3 条已通过；#12 未通过：…" as one line."""
    parts = [f"{len(outcome.approved)} 条已通过"] if outcome.approved else []
    parts += [f"#{pk} 未通过：{why}" for pk, why in outcome.refused]
    return "；".join(parts) or NOTHING_SELECTED


def bulk_approve(*, user, ids) -> BulkOutcome:
    """Approve each selected request on its own (its own transaction and checks): one that
    conflicts or was handled meanwhile is reported and the others still go through.
    Ids outside `user`'s scope are reported as not found and never touched; `approved`
    holds the requests approved."""
    outcome, wanted = BulkOutcome.taking(sorted(parse_ids(ids)))
    found = {
        change.pk: change
        for change in ChangeRequest.objects.in_scope(user).filter(pk__in=wanted).only("pk", "status")
    }
    for pk in wanted:
        change = found.get(pk)
        if change is None:
            outcome.refused.append((pk, OUT_OF_SCOPE))
            continue
        try:
            outcome.approved.append(services.change_request_approve(change=change, reviewer=user))
        except services.ChangeRequestError as error:
            outcome.refused.append((pk, error.message))
    return outcome


def change_reveal(*, request, change: ChangeRequest, name: str, which: str) -> Revealed:
    """One masked value of a request (its old or proposed phone) in full, logged like the
    household page's reveal. The caller has fetched `change` through the user's scope."""
    if name not in MASKED_FIELDS or name not in change.changes or which not in ("old", "new"):
        raise NothingToReveal
    value = change.changes[name][0 if which == "old" else 1]
    if not value:
        raise NothingToReveal
    audit_record(
        action=AuditAction.REVEAL, request=request,
        household_number=change.household.number if change.household_id else "",
        subject=f"变更申请 #{change.pk} {label(name)}（{'原值' if which == 'old' else '申请值'}）",
        detail={"field": name, "change_request": change.pk, "which": which},
    )
    return Revealed(key=f"change-{name}-{which}", label=str(label(name)), value=str(value))

