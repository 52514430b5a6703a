"""The household list's table rows, built in Python.

The 25 rows were the `{% for %}` of household_list.html: some fifteen variable lookups, a
`{% url %}` and the registered columns' cells per row, a third of the page's template time.
Each row here is the same `<tr>` (tests/households/test_list_rows.py holds its HTML), every
value escaped as the template's autoescape did (`escaped`).
"""

import html
import re
from decimal import Decimal
from types import SimpleNamespace

from django.template.defaulttags import querystring
from django.urls import reverse
from django.utils.safestring import SafeString, mark_safe

from households.choices import RiskStatus
from households.templatetags.registry import yuan

# A household number made only of these needs no quoting in its URL, so the page's 25 links are
# one reverse() and a substitution; any other number goes through reverse() itself.
_PLAIN_NUMBER = re.compile(r"[0-9A-Za-z._-]+")
_PLACEHOLDER = "0"

# The columns of a household the rows read (besides the list's annotations): the page's query
# loads only these (a household has some forty). Reading any other would cost a query per row;
# tests/households/test_list_page.py counts the page's queries.
FIELDS = ("number", "household_type", "monitoring_type", "risk_status", "village__name", "village__parent__name")


def household_rows(households, *, cells, monitoring_line: Decimal | None, village_clerk: bool) -> list[SafeString]:
    """One `<tr>` per household of the list page.

    `cells`: per household, the registered columns' `<td>`s (list_extensions); `monitoring_line`:
    the year's line, below which an income is marked; `village_clerk`: the village cell is
    hidden in the narrow (card) layout, a clerk's list being one village."""
    detail_prefix = reverse("household_detail", args=[_PLACEHOLDER])[: -len(_PLACEHOLDER) - 1]
    village_class = mark_safe(' class="card-hide"') if village_clerk else ""
    return [
        _row(household, extra, detail_prefix=detail_prefix, village_class=village_class,
             monitoring_line=monitoring_line)
        for household, extra in zip(households, cells, strict=True)
    ]


def _detail_url(number: str, prefix: str) -> str:
    if _PLAIN_NUMBER.fullmatch(number):
        return f"{prefix}{number}/"
    return reverse("household_detail", args=[number])


def escaped(value) -> str:
    """`value` as the template's autoescape writes it (django.utils.html.conditional_escape: the
    same html.escape), without Django's lazy-string wrappers around it: a page's rows call it
    some 300 times, and format_html was most of their time."""
    if hasattr(value, "__html__"):
        return value.__html__()
    return html.escape(str(value))


def _row(household, extra_cells, *, detail_prefix, village_class, monitoring_line) -> SafeString:
    village = household.village
    township = village.parent
    number = escaped(household.number)
    return mark_safe(
        "<tr>"
        f'<td class="card-title-cell"><a href="{escaped(_detail_url(household.number, detail_prefix))}">{number}</a></td>'
        f'<td data-label="户主">{escaped(household.head_name or "—")}</td>'
        f'<td data-label="行政村"{village_class}>{escaped(township.name if township is not None else "")} '
        f"{escaped(village.name)}</td>"
        f'<td data-label="户类型" class="card-hide">{escaped(household.get_household_type_display())}</td>'
        f'<td data-label="监测状态">{_monitoring_cell(household)}</td>'
        f'{"".join(escaped(cell) for cell in extra_cells)}'
        f'<td class="text-end" data-label="人口">{escaped(household.size)}</td>'
        f'<td class="money" data-label="人均纯收入">{_income_cell(household.income_per_capita, monitoring_line)}</td>'
        "</tr>\n"
    )


def _monitoring_cell(household) -> str:
    if not household.monitoring_type:
        return '<span class="text-body-secondary">—</span>'
    badge = "badge-eliminated" if household.risk_status == RiskStatus.ELIMINATED else "badge-monitored"
    status = (f' <span class="small text-body-secondary">{escaped(household.get_risk_status_display())}</span>'
              if household.risk_status else "")
    return f'<span class="badge {badge}">{escaped(household.get_monitoring_type_display())}</span>{status}'


def _income_cell(per_capita, monitoring_line) -> str:
    if per_capita is None:
        return '<span class="text-body-secondary">未采集</span>'
    if monitoring_line is not None and per_capita < monitoring_line:
        return f'<span class="below-line" title="低于监测标准">{escaped(yuan(per_capita))}</span>'
    return escaped(yuan(per_capita))


# The sortable columns' headers, in the table's order: households/_sort_header.html, which the
# list included five times per page (with `{% querystring %}` each: a tenth of its template time).
SORT_HEADERS = (("number", "户编号"), ("head", "户主"), ("village", "行政村"), ("size", "人口"), ("income", "人均纯收入(元)"))


def sort_headers(query, sort: str) -> dict[str, SafeString]:
    """Each sortable column's header link by key, as households/_sort_header.html renders it for
    the request's query string `query` and the current `sort` (tests compare the two)."""
    context = SimpleNamespace(request=SimpleNamespace(GET=query))
    headers = {}
    for key, label in SORT_HEADERS:
        link = querystring(context, sort=f"-{key}" if sort == key else key, page=None)
        arrow = (' <i class="bi bi-caret-up-fill" aria-label="升序"></i>' if sort == key else
                 ' <i class="bi bi-caret-down-fill" aria-label="降序"></i>' if sort == f"-{key}" else "")
        headers[key] = mark_safe(f'<a class="sort-link" href="{escaped(link)}">{escaped(label)}{arrow}</a>\n')
    return headers


def pagination(query, page) -> SafeString:
    """The page links under the table, as _partials/pagination.html renders them for the request's
    query string `query` and the paginator's `page` (tests compare the two). The partial's
    `{% include %}` and four `{% querystring %}`s, each copying the query, were a tenth of the
    list's template time; the other lists still include it."""
    num_pages = page.paginator.num_pages
    if num_pages <= 1:
        return mark_safe("\n")
    context = SimpleNamespace(request=SimpleNamespace(GET=query))

    def link(number) -> str:
        return escaped(querystring(context, page=number))

    if page.has_previous():
        previous = (f'    <li class="page-item"><a class="page-link" href="{link(1)}" aria-label="第一页">«</a></li>\n'
                    f'    <li class="page-item"><a class="page-link" href="{link(page.previous_page_number())}">上一页</a></li>\n')
    else:
        previous = ('    <li class="page-item disabled"><span class="page-link">«</span></li>\n'
                    '    <li class="page-item disabled"><span class="page-link">上一页</span></li>\n')
    if page.has_next():
        following = (f'    <li class="page-item"><a class="page-link" href="{link(page.next_page_number())}">下一页</a></li>\n'
                     f'    <li class="page-item"><a class="page-link" href="{link(num_pages)}" aria-label="最后一页">»</a></li>\n')
    else:
        following = ('    <li class="page-item disabled"><span class="page-link">下一页</span></li>\n'
                     '    <li class="page-item disabled"><span class="page-link">»</span></li>\n')
    return mark_safe(
        '\n<nav aria-label="分页" class="d-flex flex-wrap align-items-center gap-2 mt-3">\n'
        '  <ul class="pagination mb-0">\n'
        f"    \n{previous}    \n"
        '    <li class="page-item active" aria-current="page">'
        f'<span class="page-link">{escaped(page.number)} / {escaped(num_pages)}</span></li>\n'
        f"    \n{following}    \n"
        "  </ul>\n"
        "</nav>\n\n"
    )
