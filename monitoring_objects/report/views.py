"""农户自主申报: the public page where a household reports hardship, the receipt lookup, and the
printable QR codes that lead to the page.

The public pages have no login. They show nothing from the registry, and a submission's answer is
the same whether or not its ID number belongs to a registered household (the household is matched
silently, for the village to see).
"""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from accounts import permissions
from households import id_numbers
from households.choices import AreaLevel, IdentificationSource
from households.models import Area
from households.scope import county_of
from monitoring_objects import services
from monitoring_objects.services import ProcedureError
from monitoring_objects.report import selectors
from monitoring_objects.report.forms import ReceiptLookupForm, SelfReportForm
from monitoring_objects.report.throttle import LOOKUPS, SUBMISSIONS, first_refusal, throttle_take
from trail.models import AuditAction
from trail.services import audit_record

ACTOR = "农户自主申报"
NOT_SAVED = "申报未能提交，请检查填写的内容后重试；也可以到村委会当面申报。"
TEMPLATES = "monitoring_objects/report"


def _county(code: str) -> Area | None:
    return Area.objects.filter(code=code, level=AreaLevel.COUNTY).first()


def _no_such_county(request):
    return render(request, f"{TEMPLATES}/no_county.html", status=404)


def _throttled(request, county, *, lookup: bool):
    return render(request, f"{TEMPLATES}/throttled.html", {"county": county, "lookup": lookup}, status=429)


def _audit(request, county: Area, outcome: str, form: SelfReportForm, **detail):
    """One line per attempt, with the address; the ID number masked, the phone masked."""
    data = form.data
    village = data.get("village", "")
    audit_record(
        action=AuditAction.SELF_REPORT, request=request, username=ACTOR,
        subject=f"{county.name}（{county.code}）" + (f" 回执 {detail['receipt']}" if "receipt" in detail else ""),
        detail={
            "outcome": outcome,
            "county": county.code,
            "village": village[:12] if isinstance(village, str) else "",
            "id_number": id_numbers.mask(id_numbers.normalise(data.get("reporter_id_number", ""))[:18]),
            "phone": id_numbers.mask_phone("".join(str(data.get("reporter_phone", "")).split())[:20]),
            **detail,
        },
    )


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def report_form(request, county: str):
    county_area = _county(county)
    if county_area is None:
        return _no_such_county(request)
    if request.method == "POST":
        form = SelfReportForm(request.POST, county=county_area)
        if not throttle_take(limit=SUBMISSIONS, request=request):
            if first_refusal(limit=SUBMISSIONS, request=request):
                _audit(request, county_area, "throttled", form)
            return _throttled(request, county_area, lookup=False)
        clue = _record(form) if form.is_valid() else None
        if clue is not None:
            _audit(request, county_area, "accepted", form, receipt=clue.receipt_number,
                   village=clue.village_id)
            return render(request, f"{TEMPLATES}/submitted.html", {
                "county": county_area, "clue": clue, "village": clue.village,
                "lookup_url": reverse("report_receipt", args=[county_area.code]),
            })
        _audit(request, county_area, "refused", form,
               errors={name: [str(e) for e in errors] for name, errors in form.errors.items()})
    else:
        form = SelfReportForm(county=county_area, initial={"village": request.GET.get("village", "")})
    return render(request, f"{TEMPLATES}/form.html", {"county": county_area, "form": form})


def _record(form: SelfReportForm):
    """The clue, or None with the service's refusal on the form's fields."""
    data = form.cleaned_data
    village = data["village"]
    try:
        return services.clue_record(
            village=village, channel=IdentificationSource.SELF_REPORT, user=None, actor_name=ACTOR,
            reporter_name=data["reporter_name"], reporter_phone=data["reporter_phone"],
            reporter_id_number=data["reporter_id_number"], description=data["description"],
            household=selectors.registered_household(village=village, id_number=data["reporter_id_number"]),
        )
    except ProcedureError as error:
        # Only what is about a field the resident typed; anything else could be about the
        # registry (the matched household), and the answer must not tell it.
        shown = {name: message for name, message in error.fields.items() if name in form.fields}
        for name, message in shown.items():
            form.add_error(name, message)
        if not shown:
            form.add_error(None, NOT_SAVED)
        return None


@never_cache
@require_http_methods(["GET", "HEAD"])
def report_receipt(request, county: str):
    county_area = _county(county)
    if county_area is None:
        return _no_such_county(request)
    form = ReceiptLookupForm(request.GET)
    clue, asked = None, bool(request.GET.get("number", "").strip())
    if asked:
        if not throttle_take(limit=LOOKUPS, request=request):
            return _throttled(request, county_area, lookup=True)
        if form.looks_like_a_receipt:
            clue = selectors.receipt(county=county_area, number=form.cleaned_data["number"])
    return render(request, f"{TEMPLATES}/receipt.html", {
        "county": county_area, "form": form, "asked": asked, "receipt": clue,
    })


@login_required
@require_http_methods(["GET"])
def report_codes_mine(request):
    """The menu's 申报二维码: the codes of the user's own county."""
    if not permissions.can_print_report_codes(request.user):
        raise PermissionDenied("只有村、乡镇、县级工作人员可以打印申报二维码")
    return _codes_page(request, county_of(request.user))


@login_required
@require_http_methods(["GET"])
def report_codes(request, county: str):
    return _codes_page(request, county)


def _codes_page(request, county: str):
    user = request.user
    if not permissions.can_print_report_codes(user):
        raise PermissionDenied("只有村、乡镇、县级工作人员可以打印申报二维码")
    county_area = _county(county)
    prefix = user.area_id or ""
    if county_area is None or not prefix.startswith(county_area.code):
        raise Http404("该县不在您的管辖范围内")
    form_url = request.build_absolute_uri(reverse("report_form", args=[county_area.code]))
    cards = selectors.code_cards(user=user, county=county_area, form_url=form_url)
    return render(request, f"{TEMPLATES}/codes.html", {
        "county": county_area, "cards": cards, "printed_on": timezone.localdate(),
    })
