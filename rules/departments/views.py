"""部门数据: the nine lists with their newest batch, the upload, a batch, a source's batches, a comparison."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render

from accounts import permissions
from households.models import YearParameters
from households.scope import county_of

from rules.department_import import DepartmentImportError
from rules.departments import selectors, services
from rules.departments.forms import DepartmentUploadForm
from rules.models import DepartmentBatch, DepartmentSource

PAGE_SIZE = 50
BATCH_TABS = {"findings": "预警发现", "matched": "已匹配", "unmatched": "未匹配"}
COMPARE_TABS = {"added": "新增", "removed": "减少", "changed": "取值变化"}


def _reader(user) -> None:
    """County staff and the inspector read 部门数据; every other role is refused (403)."""
    if not permissions.can_view_departments(user):
        raise PermissionDenied("只有县级数据管理员和督导可以查看部门数据")


def _batch_or_404(user, pk) -> DepartmentBatch:
    _reader(user)
    batch = get_object_or_404(selectors.batches_for(user), pk=pk)
    if not permissions.can_view_departments(user, batch):  # the queryset already says so; twice is cheap
        raise Http404
    return batch


def _page(request, rows):
    return Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))


@login_required
def department_list(request):
    _reader(request.user)
    newest = selectors.newest_by_source(request.user)
    totals = selectors.batch_totals(request.user)
    return render(request, "rules/departments/list.html", {
        "sources": [{"source": source, "header": selectors.value_header(source), "batch": newest.get(source),
                     "total": totals.get(source, 0), "rules": selectors.SOURCE_RULES[source]}
                    for source in DepartmentSource.values],
        "can_upload": permissions.can_import_department(request.user),
    })


@login_required
def department_upload(request):
    if not permissions.can_import_department(request.user):
        raise PermissionDenied("只有县级数据管理员可以上传部门数据")
    problems, refused = [], ""
    if request.method == "POST":
        form = DepartmentUploadForm(request.POST, request.FILES)
        if form.is_valid():
            try:
                result = services.department_upload(user=request.user, request=request, **{
                    key: form.cleaned_data[key] for key in ("source", "year")}, upload=form.cleaned_data["file"])
            except DepartmentImportError as error:
                refused, problems = str(error), error.problems
            else:
                messages.success(request, f"已导入 {result.batch.source} {result.batch.year} 年度名单："
                                          f"{result.rows} 行，匹配 {result.matched} 行，未匹配 {result.rows - result.matched} 行。")
                return redirect("department_batch", pk=result.batch.pk)
    else:
        current = YearParameters.current(county_of(request.user))
        form = DepartmentUploadForm(initial={"source": request.GET.get("source", ""),
                                             "year": current.year if current else None})
    return render(request, "rules/departments/upload.html", {
        "form": form, "refused": refused, "problems": problems,
        "columns": [(source, selectors.value_header(source)) for source in DepartmentSource.values],
    }, status=400 if refused else 200)


@login_required
def department_source(request, source):
    _reader(request.user)
    if source not in DepartmentSource.values:
        raise Http404
    batches = selectors.with_previous(selectors.with_counts(
        selectors.batches_for(request.user).filter(source=source), request.user), request.user)
    page = _page(request, batches.order_by("-imported_at", "-pk"))
    return render(request, "rules/departments/source.html", {
        "source": source, "page": page, "can_upload": permissions.can_import_department(request.user),
    })


@login_required
def department_batch(request, pk):
    batch = _batch_or_404(request.user, pk)
    tab = request.GET.get("show") if request.GET.get("show") in BATCH_TABS else "findings"
    rows = {
        "findings": selectors.findings(batch, request.user),
        "matched": selectors.matched_rows(batch, request.user),
        "unmatched": selectors.unmatched_rows(batch, request.user),
    }
    counted = selectors.with_previous(selectors.with_counts(
        DepartmentBatch.objects.filter(pk=batch.pk), request.user), request.user).get()
    counts = {"findings": rows["findings"].count(), "matched": counted.matched_here,
              "unmatched": counted.unmatched_here}
    return render(request, "rules/departments/batch.html", {
        "batch": batch, "counted": counted, "tab": tab, "page": _page(request, rows[tab]),
        "tabs": [(key, label, counts[key]) for key, label in BATCH_TABS.items()],
        "header": selectors.value_header(batch.source), "rules": selectors.SOURCE_RULES[batch.source],
    })


@login_required
def department_compare(request):
    _reader(request.user)
    visible = selectors.batches_for(request.user)
    try:
        a = visible.get(pk=int(request.GET.get("a", "")))
        b = visible.get(pk=int(request.GET.get("b", "")))
    except (ValueError, DepartmentBatch.DoesNotExist):
        raise Http404 from None
    if a.source != b.source:
        messages.error(request, "只能比对同一来源的两批名单。")
        return redirect("department_source", source=b.source)
    changes = selectors.compare(a, b, request.user)
    tab = request.GET.get("show") if request.GET.get("show") in COMPARE_TABS else "added"
    return render(request, "rules/departments/compare.html", {
        "a": a, "b": b, "tab": tab, "page": _page(request, changes[tab]),
        "tabs": [(key, label, changes[key].count()) for key, label in COMPARE_TABS.items()],
        "header": selectors.value_header(b.source),
        "choices": visible.filter(source=b.source).order_by("-imported_at", "-pk")[:50],
    })
