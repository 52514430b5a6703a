"""信息采集对照表 (/collection-sheet/): a village's households to print, or as a workbook.

Clerks see their own village; township reviewers, county staff and inspectors choose one of
the villages in their scope. A village outside the user's scope is a 404. The printed page
and the workbook carry masked ID numbers and phones, and both are logged as exports.
"""

import tempfile

from django import forms
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_POST

from accounts import permissions
from households.models import Area
from households.scope import county_code

from audits.collection.sheet import collection_sheet_write, current_year, village_blocks
from trail.models import AuditAction
from trail.services import audit_record

NOT_FOUND = "该行政村不存在或不在您的管辖范围内"


class VillageForm(forms.Form):
    village = forms.ChoiceField(label="行政村")

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        villages = Area.objects.in_scope(user).villages().select_related("parent").order_by("code")
        self.fields["village"].choices = [("", "请选择行政村")] + [
            (v.code, f"{v.parent.name} {v.name}" if v.parent_id else v.name) for v in villages
        ]
        self.fields["village"].widget.attrs.update({"data-autosubmit": "", "class": "form-select"})


def _village_or_404(user, code: str) -> Area:
    try:
        return Area.objects.in_scope(user).villages().select_related("parent").get(code=code)
    except Area.DoesNotExist:
        raise Http404(NOT_FOUND) from None


def _chosen_village(request, data) -> Area | None:
    user = request.user
    code = data.get("village") or (user.area_id if user.is_village_clerk else "")
    return _village_or_404(user, code) if code else None


def _log(request, village: Area, *, kind: str, households: int) -> None:
    audit_record(
        action=AuditAction.EXPORT, request=request, subject=f"信息采集对照表 {village.name}（{kind}）",
        detail={"kind": "collection_sheet", "format": kind, "village": village.code,
                "county": county_code(village.code), "households": households},
    )


@login_required
def collection_sheet(request):
    user = request.user
    if not permissions.can_view_collection_sheet(user):
        raise Http404(NOT_FOUND)
    village = _chosen_village(request, request.GET)
    form = VillageForm(initial={"village": village.code if village else ""}, user=user)
    year = current_year(county_code(village.code)) if village else None
    blocks = village_blocks(user=user, village_code=village.code, year=year) if village else []
    if village:
        _log(request, village, kind="打印", households=len(blocks))
    return render(request, "audits/collection_sheet.html", {
        "form": form, "village": village, "blocks": blocks, "year": year,
        "printed_on": timezone.localdate(),
    })


@login_required
@require_POST
def collection_sheet_download(request):
    user = request.user
    if not permissions.can_view_collection_sheet(user):
        raise Http404(NOT_FOUND)
    village = _chosen_village(request, request.POST)
    if village is None:
        raise Http404(NOT_FOUND)
    blocks = village_blocks(user=user, village_code=village.code, year=current_year(county_code(village.code)))
    out = tempfile.TemporaryFile(suffix=".xlsx")
    collection_sheet_write(blocks=blocks, out=out)
    out.seek(0)
    _log(request, village, kind="Excel", households=len(blocks))
    stamp = timezone.localtime().strftime("%Y%m%d")
    return FileResponse(out, as_attachment=True, filename=f"信息采集对照表-{village.name}-{stamp}.xlsx",
                        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
