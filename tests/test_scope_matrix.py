"""Scope, proven for every URL: each URL pattern of the project, for each role and the
anonymous visitor, for an object inside and an object outside the role's area.

`SCOPE` declares, per URL name, how to build the URL for an object of a household
(`Bundle`: the household, a member, a change request, a ticket, a clue, an application,
their files, the county's batches and imports, the village clerk's account) and the answer
each role gets inside and outside its area. Every test then also checks that the page holds
nothing of a household outside the user's area (its number, its members' names, its village's
name, its clerk's account, its county's audit events) -- in the HTML and in every cell of a
downloaded workbook --, and that a refused POST (403, 404, 302 to the sign-in page) changed no
row (accounts and second factors included).

A URL pattern that `SCOPE` does not declare fails `test_every_url_pattern_has_a_scope_decision`:
a new view cannot ship without its scope decision.

"Outside" is the nearest household the role may not see: the next village for the village
clerk, the next township for the township reviewer, the other county for county staff and
the inspector (and for the user without a role and the anonymous visitor, who see nothing).
For a URL that names no object, "outside" sends the outside household's village, township
and county as query parameters (or form fields), which must widen nothing.

Form pages that take a POST as well as a GET are also sent their form (`Scope.post`): from a
role that may not, or for an object or area outside, it is refused or shown again with its
errors, and nothing is written.

Matrix (December 2026): (97 URL patterns + a POST to 24 form pages) × 6 users (village clerk,
township reviewer, county staff, inspector, signed-in user without a role, anonymous) ×
inside/outside = 1,452 requests (`pytest -s -k matrix_size` prints it). /admin/ is not routed
(ADMIN_ENABLED is off): every user gets 404 there (`test_admin_is_not_routed`).
"""

import datetime
import io
from dataclasses import dataclass, field
from typing import Callable

import openpyxl
import pytest
from django.apps import apps
from django.conf import settings
from django.core.cache import cache
from django.core.files.base import ContentFile
from django.db import connection, transaction
from django.test import Client, override_settings
from django.utils import timezone
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from accounts.roles import Role
from accounts.users.services import account_stamp
from audits.models import Exemption, TicketEvidence
from households.changes import services as change_services
from households.changes.models import ChangeRequest, ChangeRequestAttachment, ChangeStatus
from households.models import Area, Household
from households.workbook.models import ImportStatus, RegistryImport
from monitoring_objects.models import ProcedureFile, ProcedureFileKind
from rules.models import Batch, BatchStatus, DepartmentSource
from trail.models import AuditAction, AuditEvent
from tests.audits.builders import make_ticket
from tests.builders import make_area, make_household, make_phone, make_user, make_year
from tests.conftest import OTHER_COUNTY_VILLAGE, VILLAGE_A1, VILLAGE_A2, VILLAGE_B1
from tests.monitoring_objects.builders import make_application, make_clue
from tests.monitoring_objects.objects_builders import measure, monitored
from tests.rules.builders import make_list

JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\x00" * 64
PDF = b"%PDF-1.7\n" + b"\x00" * 64


def _in_days(days: int) -> str:
    return (timezone.localdate() + datetime.timedelta(days=days)).isoformat()


def xlsx_bytes() -> bytes:
    workbook, buffer = openpyxl.Workbook(), io.BytesIO()
    workbook.active.append(["行号", "问题"])
    workbook.save(buffer)
    return buffer.getvalue()

# --- The answers -----------------------------------------------------------------------------

LOGIN = "302 to sign-in"        # a redirect to the sign-in page
ALLOWED = "allowed"             # not refused: 2xx, 400 (the form's errors), or a redirect elsewhere (a POST done)
DECLINED = "302 back"           # let in, but the object's state does not allow it: sent back, nothing changed
FORM_ERROR = "the form again"   # let in, the form shown again with its errors (200 or 400), nothing changed
REFUSED = (403, 404, LOGIN)

ROLES = ("clerk", "reviewer", "county", "inspector", "nobody", "anonymous")
SIDES = ("inside", "outside")

# The households each user may not see (by World attribute), and the one "outside" uses.
OUTSIDE = {
    "clerk": ("neighbour", "other_township", "other_county"),
    "reviewer": ("other_township", "other_county"),
    "county": ("other_county",),
    "inspector": ("other_county",),
    "nobody": ("home", "neighbour", "other_township", "other_county"),
    "anonymous": ("home", "neighbour", "other_township", "other_county"),
}
NEAREST_OUTSIDE = {"clerk": "neighbour", "reviewer": "other_township", "county": "other_county",
                   "inspector": "other_county", "nobody": "other_county", "anonymous": "other_county"}


@dataclass(frozen=True)
class Scope:
    """One URL's scope decision.

    expect: the answer per role, either one answer for both sides or (inside, outside).
    kwargs: the URL's arguments for a Bundle (None: the URL names no object; then "outside"
      sends the outside area's codes as query parameters or form fields).
    level: "household" (outside = the role's nearest outside household) or "county" (outside =
      the other county, for every role: county objects are compared across counties).
    """

    expect: dict
    kwargs: Callable | None = None
    method: str = "get"
    data: Callable | dict = field(default_factory=dict)
    query: Callable | dict = field(default_factory=dict)
    level: str = "household"
    public: bool = False  # a public page may name the county's villages (never a household)
    post: dict | None = None  # a page that also takes a POST (its form): the answers to that POST

    @property
    def methods(self) -> tuple:
        return (self.method, "post") if self.post else (self.method,)


def roles(*, clerk, reviewer, county, inspector, nobody=404, anonymous=LOGIN):
    return {"clerk": clerk, "reviewer": reviewer, "county": county, "inspector": inspector,
            "nobody": nobody, "anonymous": anonymous}


def everyone(answer):
    return dict.fromkeys(ROLES, answer)


def posting(expect: dict, **overrides) -> dict:
    """The answers to a form page's POST: as its GET's, but a user let in may get a redirect (done)
    or 400 (the form's errors) where the GET was 200."""
    done = {role: tuple(ALLOWED if a == 200 else a for a in answer) if isinstance(answer, tuple)
            else ALLOWED if answer == 200 else answer for role, answer in expect.items()}
    return {**done, **overrides}


def scoped(answer=200):
    """Answered inside the area, 404 outside it."""
    return (answer, 404)


# Shorthands for the common decisions.
VIEW_IN_AREA = roles(clerk=scoped(), reviewer=scoped(), county=scoped(), inspector=scoped())
PROPOSE_IN_AREA = roles(clerk=scoped(), reviewer=scoped(), county=scoped(), inspector=404)
LIST_FOR_ALL = roles(clerk=200, reviewer=200, county=200, inspector=200)
COUNTY_ONLY = roles(clerk=404, reviewer=404, county=200, inspector=404)
COUNTY_OBJECT = roles(clerk=404, reviewer=404, county=scoped(), inspector=404)

number = lambda b: {"number": b.household.number}  # noqa: E731
account = lambda b: {"pk": b.account.pk}  # noqa: E731


def signed_in(answer):
    """Any signed-in user (with a role or without), about their own account."""
    return {**everyone(answer), "anonymous": LOGIN}


def county_staff_only(answer):
    """County staff; every other role may never (403)."""
    return roles(clerk=403, reviewer=403, county=answer, inspector=403, nobody=403)

SCOPE: dict[str, Scope] = {
    # Public: no sign-in, nothing of anybody's.
    "login": Scope({**everyone(ALLOWED), "anonymous": 200}),  # a signed-in user is sent home
    "logout": Scope(everyone(LOGIN), method="post"),
    "healthz": Scope(everyone(200)),
    "report_form": Scope(everyone(200), kwargs=lambda b: {"county": b.county}, level="county", public=True),
    "report_receipt": Scope(everyone(200), kwargs=lambda b: {"county": b.county}, level="county", public=True),

    "home": Scope(roles(clerk=200, reviewer=200, county=200, inspector=200, nobody=200)),

    # The registry.
    "household_list": Scope(roles(clerk=200, reviewer=200, county=200, inspector=200, nobody=200)),
    "household_detail": Scope(roles(clerk=scoped(), reviewer=scoped(), county=scoped(), inspector=scoped()),
                              kwargs=number),
    "household_reveal": Scope(VIEW_IN_AREA, kwargs=number, method="post", data={"field": "phone"}),
    "registry_import_list": Scope(COUNTY_ONLY),
    "registry_import_new": Scope(COUNTY_ONLY,
                                 post=roles(clerk=404, reviewer=404, county=FORM_ERROR, inspector=404)),
    "registry_import_template": Scope(COUNTY_ONLY),
    "registry_export_download": Scope(COUNTY_ONLY, method="post"),
    "registry_import_detail": Scope(COUNTY_OBJECT, kwargs=lambda b: {"pk": b.registry_import.pk}, level="county"),
    "registry_import_status": Scope(roles(clerk=404, reviewer=404, county=scoped(286), inspector=404),
                                    kwargs=lambda b: {"pk": b.registry_import.pk}, level="county"),
    "registry_import_confirm": Scope(roles(clerk=404, reviewer=404, county=scoped(ALLOWED), inspector=404),
                                     kwargs=lambda b: {"pk": b.registry_import.pk}, method="post", level="county"),
    "registry_import_report": Scope(COUNTY_OBJECT, kwargs=lambda b: {"pk": b.registry_import.pk}, level="county"),

    # Change requests.
    "household_change_new": Scope(PROPOSE_IN_AREA, kwargs=number, post=posting(PROPOSE_IN_AREA),
                                  data={"phone": "13911114444", "housing_safe": "true", "water_safe": "true"}),
    "household_income_new": Scope(PROPOSE_IN_AREA, kwargs=number, post=posting(PROPOSE_IN_AREA)),
    # Outside, the form is sent with the outside village: refused on the form (400), nothing made.
    "household_add_new": Scope(roles(clerk=200, reviewer=200, county=200, inspector=404),
                               post=roles(clerk=FORM_ERROR, reviewer=FORM_ERROR, county=FORM_ERROR,
                                          inspector=404),
                               data=lambda b: {"village": b.household.village_id}),
    "member_add_new": Scope(PROPOSE_IN_AREA, kwargs=number, post=posting(PROPOSE_IN_AREA)),
    "member_change_new": Scope(PROPOSE_IN_AREA, kwargs=lambda b: {"number": b.household.number,
                                                                  "member_id": b.member.pk},
                               post=posting(PROPOSE_IN_AREA)),
    "member_remove_new": Scope(PROPOSE_IN_AREA, kwargs=lambda b: {"number": b.household.number,
                                                                  "member_id": b.member.pk},
                               post=posting(PROPOSE_IN_AREA)),
    "measure_new": Scope(PROPOSE_IN_AREA, kwargs=number, post=posting(PROPOSE_IN_AREA)),
    "household_remove_new": Scope(PROPOSE_IN_AREA, kwargs=number, post=posting(PROPOSE_IN_AREA)),
    "change_list": Scope(LIST_FOR_ALL),
    "change_detail": Scope(VIEW_IN_AREA, kwargs=lambda b: {"pk": b.change.pk}),
    "change_attachment": Scope(VIEW_IN_AREA, kwargs=lambda b: {"pk": b.change.pk,
                                                               "attachment_id": b.attachment.pk}),
    "change_reveal": Scope(VIEW_IN_AREA, kwargs=lambda b: {"pk": b.change.pk}, method="post",
                           data={"field": "phone", "which": "new"}),
    # The pending request was sent by the village's clerk: the township reviews it.
    "change_approve": Scope(roles(clerk=404, reviewer=scoped(ALLOWED), county=scoped(DECLINED), inspector=404),
                            kwargs=lambda b: {"pk": b.change.pk}, method="post"),
    "change_return": Scope(roles(clerk=404, reviewer=scoped(ALLOWED), county=scoped(DECLINED), inspector=404),
                           kwargs=lambda b: {"pk": b.change.pk}, method="post",
                           data={"reason": "请补充证明材料"}),
    "change_bulk_approve": Scope(roles(clerk=404, reviewer=ALLOWED, county=ALLOWED, inspector=404),
                                 method="post", data=lambda b: {"ids": [b.change.pk]}),
    "change_ticket_preview": Scope(roles(clerk=404, reviewer=scoped(), county=404, inspector=404),
                                   kwargs=lambda b: {"pk": b.change.pk}),
    # The returned request is the clerk's own: only they revise or withdraw it.
    "change_resubmit": Scope(roles(clerk=scoped(), reviewer=404, county=404, inspector=404),
                             kwargs=lambda b: {"pk": b.returned_change.pk},
                             post=roles(clerk=scoped(ALLOWED), reviewer=404, county=404, inspector=404)),
    "change_withdraw": Scope(roles(clerk=scoped(ALLOWED), reviewer=404, county=404, inspector=404),
                             kwargs=lambda b: {"pk": b.returned_change.pk}, method="post"),

    # The county's rules, batches and department lists.
    "rules_catalog": Scope(roles(clerk=404, reviewer=404, county=200, inspector=200)),
    # Outside, a batch is asked for over the other county: refused, no batch made.
    "rules_batches": Scope(roles(clerk=404, reviewer=404, county=200, inspector=200),
                           post=roles(clerk=404, reviewer=404, county=(ALLOWED, FORM_ERROR), inspector=403),
                           data=lambda b: {"area": b.county, "rules": ["B05"]}),
    "rules_parameters": Scope(roles(clerk=404, reviewer=404, county=ALLOWED, inspector=403), method="post"),
    "rules_year_lines": Scope(roles(clerk=404, reviewer=404, county=ALLOWED, inspector=403), method="post"),
    "rules_schedule": Scope(roles(clerk=404, reviewer=404, county=ALLOWED, inspector=403), method="post"),
    "rule_detail": Scope(roles(clerk=404, reviewer=404, county=200, inspector=200),
                         kwargs=lambda b: {"rule_id": "P01"}),
    "rules_toggle": Scope(roles(clerk=404, reviewer=404, county=ALLOWED, inspector=403),
                          kwargs=lambda b: {"rule_id": "B05"}, method="post"),
    "rules_batch": Scope(roles(clerk=404, reviewer=404, county=scoped(), inspector=scoped()),
                         kwargs=lambda b: {"batch_id": b.batch.pk}, level="county"),
    "rules_batch_progress": Scope(roles(clerk=404, reviewer=404, county=scoped(286), inspector=scoped(286)),
                                  kwargs=lambda b: {"batch_id": b.batch.pk}, level="county"),
    "department_list": Scope(roles(clerk=403, reviewer=403, county=200, inspector=200, nobody=403)),
    "department_upload": Scope(roles(clerk=403, reviewer=403, county=200, inspector=403, nobody=403),
                               post=roles(clerk=403, reviewer=403, county=FORM_ERROR, inspector=403, nobody=403)),
    "department_source": Scope(roles(clerk=403, reviewer=403, county=200, inspector=200, nobody=403),
                               kwargs=lambda b: {"source": DepartmentSource.DEATHS.value}),
    "department_batch": Scope(roles(clerk=403, reviewer=403, county=scoped(), inspector=scoped(), nobody=403),
                              kwargs=lambda b: {"pk": b.department_batch.pk}, level="county"),
    "department_compare": Scope(roles(clerk=403, reviewer=403, county=scoped(), inspector=scoped(), nobody=403),
                                query=lambda b: {"a": b.department_batch.pk, "b": b.department_batch_2.pk},
                                level="county"),

    # Tickets, the ledger, the collection sheet.
    "ticket_list": Scope(LIST_FOR_ALL),
    "ticket_deadlines": Scope(roles(clerk=404, reviewer=404, county=200, inspector=200),
                              post=roles(clerk=404, reviewer=404, county=FORM_ERROR, inspector=403)),
    "ticket_detail": Scope(VIEW_IN_AREA, kwargs=lambda b: {"pk": b.ticket.pk}),
    "ticket_evidence": Scope(VIEW_IN_AREA, kwargs=lambda b: {"pk": b.ticket.pk, "evidence_id": b.evidence.pk}),
    # The ticket waits for the village: the clerk explains it; nobody else acts on it yet.
    "ticket_explain": Scope(roles(clerk=scoped(ALLOWED), reviewer=404, county=404, inspector=404),
                            kwargs=lambda b: {"pk": b.ticket.pk}, method="post",
                            data={"comment": "已入户核实，情况属实"}),
    "ticket_link_change": Scope(roles(clerk=scoped(ALLOWED), reviewer=404, county=404, inspector=404),
                                kwargs=lambda b: {"pk": b.ticket.pk}, method="post",
                                data=lambda b: {"change_request": b.change.pk}),
    "ticket_approve": Scope(roles(clerk=404, reviewer=scoped(DECLINED), county=scoped(DECLINED), inspector=404),
                            kwargs=lambda b: {"pk": b.ticket.pk}, method="post"),
    "ticket_return": Scope(roles(clerk=404, reviewer=scoped(DECLINED), county=scoped(DECLINED), inspector=404),
                           kwargs=lambda b: {"pk": b.ticket.pk}, method="post", data={"reason": "核实不充分"}),
    "ticket_bulk_approve": Scope(roles(clerk=404, reviewer=ALLOWED, county=ALLOWED, inspector=404),
                                 method="post", data=lambda b: {"ticket": [b.ticket.pk]}),
    "ledger": Scope(roles(clerk=404, reviewer=200, county=200, inspector=200)),
    # 豁免清单: read with the ledger; only county staff grant (outside: a household they cannot see,
    # refused on the form) and revoke.
    "exemption_list": Scope(roles(clerk=404, reviewer=200, county=200, inspector=200)),
    "exemption_new": Scope(roles(clerk=404, reviewer=403, county=200, inspector=403),
                           post=roles(clerk=404, reviewer=403, county=(ALLOWED, FORM_ERROR), inspector=403),
                           data=lambda b: {"rule": "P02", "household_number": b.household.number,
                                           "reason": "经核实无误", "ends_on": _in_days(30)}),
    "exemption_revoke": Scope(roles(clerk=404, reviewer=403, county=scoped(ALLOWED), inspector=403),
                              kwargs=lambda b: {"pk": b.exemption.pk}, method="post",
                              data={"reason": "情况已变化"}),
    "ledger_download": Scope(roles(clerk=404, reviewer=200, county=200, inspector=404), method="post"),
    "collection_sheet": Scope(roles(clerk=scoped(), reviewer=scoped(), county=scoped(), inspector=scoped()),
                              query=lambda b: {"village": b.household.village_id}),
    "collection_sheet_download": Scope(VIEW_IN_AREA, method="post",
                                       data=lambda b: {"village": b.household.village_id}),

    # Monitoring objects: the lists, the household's procedure, clues and applications.
    "monitoring_list": Scope(roles(clerk=200, reviewer=200, county=200, inspector=200, nobody=403)),
    "monitoring_export": Scope(roles(clerk=403, reviewer=200, county=200, inspector=403, nobody=403),
                               method="post"),
    "monitoring_settings": Scope(roles(clerk=403, reviewer=403, county=200, inspector=200, nobody=403),
                                 post=roles(clerk=403, reviewer=403, county=ALLOWED, inspector=403,
                                            nobody=403)),
    "monitoring_measure_new": Scope(roles(clerk=scoped(ALLOWED), reviewer=scoped(ALLOWED), county=scoped(ALLOWED),
                                          inspector=403, nobody=403), kwargs=number, method="post"),
    "monitoring_measure_done": Scope(roles(clerk=scoped(ALLOWED), reviewer=scoped(ALLOWED), county=scoped(ALLOWED),
                                           inspector=403, nobody=403),
                                     kwargs=lambda b: {"number": b.household.number, "pk": b.measure.pk},
                                     method="post"),
    "monitoring_risk_roll_back": Scope(roles(clerk=403, reviewer=403, county=scoped(ALLOWED), inspector=403,
                                             nobody=403), kwargs=number, method="post"),
    "monitoring_risk_reflag": Scope(roles(clerk=403, reviewer=403, county=scoped(ALLOWED), inspector=403,
                                          nobody=403), kwargs=number, method="post"),
    "monitoring_green_channel": Scope(roles(clerk=403, reviewer=403, county=scoped(ALLOWED), inspector=403,
                                            nobody=403), kwargs=number, method="post"),
    "clue_list": Scope(roles(clerk=200, reviewer=200, county=200, inspector=200, nobody=403)),
    "clue_export": Scope(roles(clerk=403, reviewer=200, county=200, inspector=403, nobody=403)),
    # Outside, the clue is sent for the outside village: refused on the form (400), nothing made.
    "clue_new": Scope(roles(clerk=200, reviewer=200, county=200, inspector=403, nobody=403),
                      post=roles(clerk=(ALLOWED, FORM_ERROR), reviewer=(ALLOWED, FORM_ERROR),
                                 county=(ALLOWED, FORM_ERROR),
                                 inspector=403, nobody=403),
                      data=lambda b: {"channel": "cadre_screening", "village": b.household.village_id,
                                      "description": "家中主要劳力重病住院"}),
    "clue_from_ticket": Scope(roles(clerk=scoped(), reviewer=scoped(), county=scoped(), inspector=403, nobody=403),
                              kwargs=lambda b: {"pk": b.ticket.pk},
                              post=roles(clerk=scoped(ALLOWED), reviewer=scoped(ALLOWED), county=scoped(ALLOWED),
                                         inspector=403, nobody=403)),
    # Only the village's clerk answers a clue (入户核查).
    "clue_detail": Scope(roles(clerk=scoped(), reviewer=scoped(), county=scoped(), inspector=scoped(), nobody=403),
                         kwargs=lambda b: {"pk": b.clue.pk},
                         post=roles(clerk=scoped(ALLOWED), reviewer=403, county=403, inspector=403, nobody=403),
                         data={"outcome": "decline", "verified_by_name": "李四", "findings": "收入稳定",
                               "answer": "已解释"}),
    "application_list": Scope(roles(clerk=200, reviewer=200, county=200, inspector=200, nobody=403)),
    "application_detail": Scope(roles(clerk=scoped(), reviewer=scoped(), county=scoped(), inspector=scoped(),
                                      nobody=403), kwargs=lambda b: {"pk": b.application.pk}),
    "application_file": Scope(roles(clerk=scoped(), reviewer=scoped(), county=scoped(), inspector=scoped(),
                                    nobody=403),
                              kwargs=lambda b: {"pk": b.application.pk, "file_pk": b.procedure_file.pk}),
    # County staff complete a green-channel inclusion's appraisal; this one is the village's draft.
    "application_edit": Scope(roles(clerk=scoped(), reviewer=403, county=scoped(DECLINED), inspector=403,
                                    nobody=403),
                              post=roles(clerk=scoped(ALLOWED), reviewer=403, county=scoped(DECLINED), inspector=403,
                                         nobody=403),
                              kwargs=lambda b: {"pk": b.application.pk}),
    "application_move": Scope(roles(clerk=scoped(ALLOWED), reviewer=403, county=403, inspector=403, nobody=403),
                              kwargs=lambda b: {"pk": b.application.pk}, method="post",
                              data={"action": "submit", "expected_status": "draft"}),
    "application_override": Scope(roles(clerk=403, reviewer=403, county=scoped(ALLOWED), inspector=403, nobody=403),
                                  kwargs=lambda b: {"pk": b.application.pk}, method="post",
                                  data={"reason": "县级特批"}),
    "elimination_new": Scope(roles(clerk=scoped(ALLOWED), reviewer=403, county=403, inspector=403, nobody=403),
                             kwargs=number, method="post"),
    "report_codes_mine": Scope(roles(clerk=200, reviewer=200, county=200, inspector=403, nobody=403)),
    "report_codes": Scope(roles(clerk=scoped(), reviewer=scoped(), county=scoped(), inspector=403, nobody=403),
                          kwargs=lambda b: {"county": b.county}, level="county"),

    # The user's own sign-in: their password and second factor, nobody else's (no object to name).
    "password_change": Scope(signed_in(200), post=signed_in(FORM_ERROR),
                             data={"old_password": "不是这个密码", "new_password1": "Scope-matrix-2026",
                                   "new_password2": "Scope-matrix-2026"}),
    # Without a phone: the page enrols one (a wrong first code is the form again).
    "second_factor": Scope(signed_in(200), post=signed_in(FORM_ERROR), data={"code": "000000"}),
    # Nothing to verify (no phone): sent on to the home page.
    "second_factor_verify": Scope(signed_in(ALLOWED), post=signed_in(ALLOWED), data={"code": "000000"}),
    # No phone: the codes page sends back to the second-factor page; new codes are refused.
    "second_factor_codes": Scope(signed_in(ALLOWED), post=signed_in(DECLINED)),
    "second_factor_remove": Scope(everyone(405), post=signed_in(ALLOWED)),

    # The county's audit log and accounts: county staff only; another county's account is 404.
    "audit_log": Scope(county_staff_only(200)),
    "audit_log_export": Scope(county_staff_only(ALLOWED), method="post"),
    "account_list": Scope(county_staff_only(200)),
    # Outside, the account is asked for in the other county: refused on the form, nobody made.
    "account_new": Scope(county_staff_only(200), post=county_staff_only((ALLOWED, FORM_ERROR)),
                         data=lambda b: {"username": "scope_new", "full_name": "新督导", "role": Role.INSPECTOR,
                                         "area": b.county, "password": ""}),
    "account_detail": Scope(county_staff_only(scoped()), kwargs=account, level="county"),
    "account_update": Scope(county_staff_only(scoped(ALLOWED)), kwargs=account, level="county", method="post",
                            data=lambda b: {"stamp": account_stamp(b.account), "full_name": "改过的名字",
                                            "role": b.account.role, "area": b.account.area_id}),
    "account_active": Scope(county_staff_only(scoped(ALLOWED)), kwargs=account, level="county", method="post",
                            data=lambda b: {"stamp": account_stamp(b.account), "active": "0"}),
    "account_password": Scope(county_staff_only(scoped(ALLOWED)), kwargs=account, level="county", method="post",
                              data=lambda b: {"stamp": account_stamp(b.account), "password": ""}),
    # The county's clerk has no phone (nothing to reset: sent back); the other county's has one.
    "account_second_factor": Scope(county_staff_only(scoped(DECLINED)), kwargs=account, level="county",
                                   method="post", data=lambda b: {"stamp": account_stamp(b.account)}),

    # analysis/dashboard: 数据看板, every role over its own area (query parameters widen nothing).
    "dashboard": Scope(LIST_FOR_ALL),
    # 收入分析研判 (analysis/income): every role reads its own area; a reviewer and county staff
    # download; county staff take a snapshot.
    "income_analysis": Scope(VIEW_IN_AREA, query=lambda b: {"area": b.household.village_id}),
    "income_analysis_households": Scope(VIEW_IN_AREA, query=lambda b: {"area": b.household.village_id,
                                                                       "figure": "households"}),
    "income_analysis_download": Scope(roles(clerk=404, reviewer=200, county=200, inspector=404), method="post"),
    "income_analysis_snapshot": Scope(roles(clerk=404, reviewer=404, county=ALLOWED, inspector=404), method="post"),
    # 数据质量月考评 (analysis.assessment): county staff and the inspector read their county's townships,
    # a township reviewer only their own township; clerks 404; download and compute: county staff
    # (compute is a write: the inspector 403).
    "assessment": Scope(roles(clerk=404, reviewer=200, county=200, inspector=200)),
    "assessment_township": Scope(roles(clerk=404, reviewer=scoped(), county=scoped(), inspector=scoped()),
                                 kwargs=lambda b: {"code": b.household.village_id[:9]}),
    "assessment_download": Scope(roles(clerk=404, reviewer=404, county=200, inspector=404), method="post"),
    "assessment_compute": Scope(roles(clerk=404, reviewer=404, county=ALLOWED, inspector=403), method="post"),
    # analysis/map: 防贫监测一张图 and 收入异常值, every role over its own area; a township or
    # village asked for outside it is a 404.
    "household_map": Scope(roles(clerk=scoped(), reviewer=scoped(), county=scoped(), inspector=scoped())),
    "income_outliers": Scope(roles(clerk=scoped(), reviewer=scoped(), county=scoped(), inspector=scoped())),
}

# /admin/ (Django's admin bypasses every role and scope) is routed only when the operator turns it
# on (ADMIN_ENABLED, off here): it has no URL pattern, and every user gets 404 (test_admin_is_not_routed).
UNROUTED = ("/admin/", "/admin/login/", "/admin/accounts/user/")


def test_the_pages_show_the_markers_the_matrix_looks_for(matrix, db):
    """The leak check can fail: county staff's registry list shows the county's households by
    their numbers, members' names and villages, and the other county's by none of them."""
    client = Client()
    client.cookies[settings.SESSION_COOKIE_NAME] = matrix.sessions["county"]
    page = client.get(reverse("household_list")).content.decode()
    for key in ("home", "neighbour", "other_township"):
        bundle = matrix.bundles[key]
        assert bundle.household.number in page and bundle.markers[1] in page and bundle.village_name in page
    assert matrix.bundles["other_county"].household.number not in page


def test_the_county_pages_show_the_accounts_and_events_the_matrix_looks_for(matrix, db):
    """The same for the audit log and the account list: the county's own events and clerks are
    there by the markers the matrix looks for; the other county's are not."""
    client = Client()
    client.cookies[settings.SESSION_COOKIE_NAME] = matrix.sessions["county"]
    audit_log = client.get(reverse("audit_log")).content.decode()
    accounts = client.get(reverse("account_list")).content.decode()
    for key in ("home", "neighbour", "other_township"):
        bundle = matrix.bundles[key]
        assert bundle.markers[-1] in audit_log and bundle.household.number in audit_log
        assert bundle.account.username in accounts and bundle.account.first_name in accounts
    outside = matrix.bundles["other_county"]
    assert outside.markers[-1] not in audit_log and outside.account.username not in accounts


@pytest.mark.parametrize("role", ROLES)
def test_admin_is_not_routed(matrix, db, role):
    client = Client(raise_request_exception=False)
    if role != "anonymous":
        client.cookies[settings.SESSION_COOKIE_NAME] = matrix.sessions[role]
    assert [client.get(path).status_code for path in UNROUTED] == [404] * len(UNROUTED)


# --- The URL patterns ------------------------------------------------------------------------


@dataclass(frozen=True)
class Pattern:
    name: str | None      # "namespace:name" (None for an unnamed pattern)
    route: str            # the full route, for messages and unnamed patterns
    namespace: str | None

    @property
    def key(self) -> str:
        return self.name or f"<unnamed {self.route}>"


def url_patterns(patterns=None, prefix: str = "", namespace: str | None = None) -> list[Pattern]:
    """Every URL pattern of the project, recursively, with its namespaced name."""
    found = []
    for entry in get_resolver().url_patterns if patterns is None else patterns:
        if isinstance(entry, URLResolver):
            inner = ":".join(part for part in (namespace, entry.namespace) if part) or None
            found += url_patterns(entry.url_patterns, prefix + str(entry.pattern), inner)
        elif isinstance(entry, URLPattern):
            name = f"{namespace}:{entry.name}" if namespace and entry.name else entry.name
            found.append(Pattern(name, prefix + str(entry.pattern), namespace))
    return found


def decision(pattern: Pattern) -> Scope | None:
    return SCOPE.get(pattern.name)


PATTERNS = url_patterns()
CASES = [(pattern, method, role, side) for pattern in PATTERNS if decision(pattern)
         for method in decision(pattern).methods for role in ROLES for side in SIDES]


def undeclared(patterns) -> list[str]:
    return [f"{p.key} (/{p.route})" for p in patterns if decision(p) is None]


def test_a_new_view_without_a_scope_decision_is_named():
    new = [Pattern("village_secrets", "villages/<str:code>/secrets/", None),
           Pattern(None, "villages/<str:code>/files/", None)]
    assert undeclared(PATTERNS + new) == ["village_secrets (/villages/<str:code>/secrets/)",
                                          "<unnamed villages/<str:code>/files/> (/villages/<str:code>/files/)"]


def test_every_url_pattern_has_a_scope_decision():
    undeclared_urls = undeclared(PATTERNS)
    assert not undeclared_urls, (
        "These URLs have no scope decision. Declare each in tests/test_scope_matrix.py (SCOPE): how to "
        "build it for an object inside and outside a role's area, and what each role and the anonymous "
        "visitor get (200, 302 to sign-in, 403, 404):\n  " + "\n  ".join(undeclared_urls))


def test_every_declaration_names_a_url_that_exists():
    assert sorted(set(SCOPE) - {p.name for p in PATTERNS}) == []


def test_matrix_size():
    urls = sum(1 for p in PATTERNS if decision(p))
    forms = sum(1 for p in PATTERNS if decision(p) and decision(p).post)
    print(f"\nscope matrix: ({urls} URL patterns + a POST to {forms} form pages) × {len(ROLES)} users × "
          f"{len(SIDES)} sides = {len(CASES)} requests")
    assert len(CASES) == (urls + forms) * len(ROLES) * len(SIDES)


# --- The world ---------------------------------------------------------------------------------

LABELS = {"home": ("金湾村", VILLAGE_A1, "甲"), "neighbour": ("石门村", VILLAGE_A2, "乙"),
          "other_township": ("上坪村", VILLAGE_B1, "丙"),
          "other_county": ("谷阳村", OTHER_COUNTY_VILLAGE, "丁")}


@dataclass
class Bundle:
    """A household and one object of each kind that hangs on it or on its county."""

    household: Household
    markers: list          # what of it may only show inside the area: its number, its members' names,
                           # its village clerk's account and an audit event of its county
    village_name: str      # shown inside the area, and on the public pages of its county
    county: str
    member: object = None
    change: object = None
    returned_change: object = None
    attachment: object = None
    ticket: object = None
    evidence: object = None
    clue: object = None
    application: object = None
    procedure_file: object = None
    measure: object = None
    batch: object = None
    department_batch: object = None
    department_batch_2: object = None
    registry_import: object = None
    account: object = None  # the village's clerk
    exemption: object = None  # its phone exempted from P01


@dataclass
class Matrix:
    users: dict
    bundles: dict
    sessions: dict = field(default_factory=dict)  # each user's session key, signed in once


def _county_objects(county_code: str, staff) -> dict:
    county = Area.objects.get(code=county_code)
    record = RegistryImport.objects.create(county=county_code, file_name="登记表.xlsx", created_by=staff,
                                           status=ImportStatus.INVALID, error_count=1)
    record.error_report.save("问题清单.xlsx", ContentFile(xlsx_bytes()))
    return {
        "batch": Batch.objects.create(county=county, area=county, year=2025, rule_ids=["B05"],
                                      status=BatchStatus.DONE),
        "department_batch": make_list(DepartmentSource.DEATHS, ["110101195001010011"], county=county_code),
        "department_batch_2": make_list(DepartmentSource.DEATHS, ["110101195001010011"], county=county_code),
        "registry_import": record,
    }


def build_matrix() -> Matrix:
    make_year(2025, "7600")
    users = {
        "clerk": make_user("clerk", Role.VILLAGE_CLERK, VILLAGE_A1),
        "reviewer": make_user("reviewer", Role.TOWNSHIP_REVIEWER, VILLAGE_A1[:9]),
        "county": make_user("county", Role.COUNTY_STAFF, VILLAGE_A1[:6]),
        "inspector": make_user("inspector", Role.INSPECTOR, VILLAGE_A1[:6]),
        "nobody": make_user("nobody"),
    }
    county_staff = {VILLAGE_A1[:6]: users["county"],
                    OTHER_COUNTY_VILLAGE[:6]: make_user("county_b", Role.COUNTY_STAFF, OTHER_COUNTY_VILLAGE[:6])}
    for name, code, _ in LABELS.values():
        make_area(code, name)
    county_objects = {code: _county_objects(code, staff) for code, staff in county_staff.items()}
    bundles = {}
    # The other county's clerk has a phone and recovery codes: resetting them from outside would show.
    for key, (village_name, code, mark) in LABELS.items():
        clerk = users["clerk"] if key == "home" else make_user(f"clerk_{key}", Role.VILLAGE_CLERK, code)
        clerk.first_name = f"{mark}村文书"
        clerk.save()
        if key == "other_county":
            make_phone(clerk, recovery_codes=("scope-code-1", "scope-code-2"))
        household = monitored(make_household(code, members=2))
        names = [f"{mark}户主{village_name}", f"{mark}之子{village_name}"]
        for member, name in zip(household.members.order_by("pk"), names, strict=True):
            member.name = name
            member.save()
        change = change_services.change_request_submit(user=clerk, household=household, data={"phone": "13911112222"})
        returned = change_services.change_request_submit(user=clerk, household=household,
                                                         data={"phone": "13911113333"})
        ChangeRequest.objects.filter(pk=returned.pk).update(status=ChangeStatus.RETURNED, return_reason="请补充")
        attachment = ChangeRequestAttachment(change=change, original_name="签字表.jpg", content_type="image/jpeg",
                                             size=len(JPEG), uploaded_by=clerk)
        attachment.file.save("签字表.jpg", ContentFile(JPEG))
        ticket = make_ticket(household)
        evidence = TicketEvidence(ticket=ticket, original_name="核实表.pdf", content_type="application/pdf",
                                  size=len(PDF), uploaded_by=clerk)
        evidence.file.save("核实表.pdf", ContentFile(PDF))
        application = make_application(household, created_by=clerk)
        procedure_file = ProcedureFile(application=application, kind=ProcedureFileKind.PHOTO,
                                       original_name="入户照片.jpg", content_type="image/jpeg", size=len(JPEG),
                                       uploaded_by=clerk)
        procedure_file.file.save("入户照片.jpg", ContentFile(JPEG))
        event = AuditEvent.objects.create(actor=clerk, username=clerk.username, action=AuditAction.REVEAL,
                                          household_number=household.number, subject=f"{mark}户审计记录",
                                          county=code[:6])
        exemption = Exemption.objects.create(rule_id="P01", household=household, reason=f"{mark}户分户共用电话",
                                             ends_on=_in_days(60), created_by=county_staff[code[:6]])
        bundles[key] = Bundle(
            household=household, exemption=exemption, markers=[household.number, *names, clerk.username, clerk.first_name, event.subject],
            village_name=village_name, county=code[:6], account=clerk,
            member=household.members.order_by("pk").first(), change=change, returned_change=returned,
            attachment=attachment, ticket=ticket, evidence=evidence,
            clue=make_clue(household, reporter_name=names[0]), application=application,
            procedure_file=procedure_file, measure=measure(household), **county_objects[code[:6]],
        )
    return Matrix(users=users, bundles=bundles)


@pytest.fixture(scope="module")
def matrix(django_db_setup, django_db_blocker, tmp_path_factory):
    """The world, built once for the module; each test runs in a savepoint rolled back after it."""
    media = tmp_path_factory.mktemp("scope-media")
    with django_db_blocker.unblock(), override_settings(MEDIA_ROOT=str(media), CACHES=LOCMEM):
        with transaction.atomic():
            built = build_matrix()
            for role, user in built.users.items():
                client = Client()
                client.force_login(user)
                built.sessions[role] = client.cookies[settings.SESSION_COOKIE_NAME].value
            yield built
            transaction.set_rollback(True)


# The public pages' throttles count in the cache: a cache of the module's own, emptied for each test.
LOCMEM = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "scope-matrix"}}

# --- Requests and checks ---------------------------------------------------------------------

SNAPSHOT_APPS = {"households", "audits", "rules", "monitoring_objects", "accounts", "otp_static"}


# The rows whose every value is compared; of every other table of the product, the row count.
WATCHED = ("households.Household", "households.Member", "households.AssistanceMeasure",
           "households.ChangeRequest", "audits.Ticket", "monitoring_objects.Clue",
           "monitoring_objects.Application", "households.RegistryImport", "rules.Batch",
           "rules.RuleSetting", "rules.CatalogParameter", "households.YearParameters",
           "accounts.User", "otp_static.StaticToken")
# Of these, only some rows: a phone being enrolled (unconfirmed) is made by opening the page.
WATCHED_WHERE = {"otp_totp.TOTPDevice": {"confirmed": True}}


def snapshot() -> dict:
    """The product's data and accounts (not the audit log or sessions): the watched tables' rows and
    every table's row count, in one query."""
    models = [model for model in apps.get_models() if model._meta.app_label in SNAPSHOT_APPS]
    counts = ", ".join(f'(SELECT COUNT(*) FROM "{model._meta.db_table}")' for model in models)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {counts}")
        rows = {"counts": cursor.fetchone()}
    for label in WATCHED:
        rows[label] = list(apps.get_model(label).objects.order_by("pk").values())
    for label, where in WATCHED_WHERE.items():
        rows[label] = list(apps.get_model(label).objects.filter(**where).order_by("pk").values())
    return rows


def rows_of(bundle: Bundle, rows: dict) -> list:
    """The rows of `rows` that are the bundle's household or hang on it."""
    household = bundle.household.pk
    return [(label, row) for label, table in rows.items() if label != "counts" for row in table
            if row.get("household_id") == household or (label == "households.Household" and row["id"] == household)]


def answer_of(response) -> object:
    if response.status_code in (301, 302):
        location = response["Location"]
        if location.startswith(reverse("login")):
            return LOGIN
        return ALLOWED
    return response.status_code


def matches(expected, response) -> bool:
    """Whether the response is the answer expected (or one of a set of answers)."""
    if isinstance(expected, frozenset):
        return any(matches(one, response) for one in expected)
    got = answer_of(response)
    if expected == ALLOWED:
        return got == ALLOWED or 200 <= response.status_code < 300 or response.status_code == 400
    if expected == DECLINED:
        return got == ALLOWED
    if expected == FORM_ERROR:
        return response.status_code in (200, 400)
    return got == expected


def widening(bundle: Bundle) -> dict:
    """The outside household's area, as every parameter name a page might filter by."""
    code = bundle.household.village_id
    return {"village": code, "township": code[:9], "county": code[:6], "area": code[:6]}


XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def text_of(response) -> str | None:
    """What a page or a downloaded workbook says (every cell of every sheet), None for a file."""
    body = b"".join(response.streaming_content) if getattr(response, "streaming", False) else response.content
    kind = response.get("Content-Type", "")
    if kind.startswith(("text/", "application/json")):
        return body.decode()
    if kind.startswith(XLSX_TYPE) and response.status_code == 200:
        workbook = openpyxl.load_workbook(io.BytesIO(body), read_only=True)
        return "\n".join(str(value) for sheet in workbook for row in sheet.iter_rows(values_only=True)
                         for value in row if value is not None)
    return None


def fill(value, bundle):
    return value(bundle) if callable(value) else dict(value)


def case_id(case):
    pattern, method, role, side = case
    return f"{pattern.key}-{method}-{role}-{side}"


@pytest.mark.parametrize("case", CASES, ids=[case_id(c) for c in CASES])
def test_scope(matrix, db, case):
    pattern, method, role, side = case
    scope = decision(pattern)
    expected = (scope.post if method == "post" and scope.method != "post" else scope.expect)[role]
    if isinstance(expected, tuple):
        expected = expected[0 if side == "inside" else 1]
    outside_key = "other_county" if scope.level == "county" else NEAREST_OUTSIDE[role]
    bundle = matrix.bundles["home" if side == "inside" else outside_key]

    url = reverse(pattern.name, kwargs=scope.kwargs(bundle) if scope.kwargs else None)
    query, data = fill(scope.query, bundle), fill(scope.data, bundle)
    if scope.kwargs is None and not scope.query and side == "outside":
        (data if method == "post" else query).update(widening(bundle))

    client = Client(raise_request_exception=False)
    if role != "anonymous":
        client.cookies[settings.SESSION_COOKIE_NAME] = matrix.sessions[role]
    cache.clear()  # the public pages' throttles count per address
    before = snapshot() if method == "post" else None
    if method == "post":
        response = client.post(url + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else ""), data)
    else:
        response = client.get(url, query)

    assert matches(expected, response), (
        f"{method.upper()} {url} {query or ''} as {role} ({side}): expected {expected}, "
        f"got {response.status_code} {response.get('Location', '')}")
    if before is not None:  # a POST: refused or declined, it changed nothing; outside, nothing of outside
        after = snapshot()
        if answer_of(response) in REFUSED or expected in (DECLINED, FORM_ERROR) or response.status_code == 400:
            assert after == before, f"{url} was refused to {role} but changed data"
        if side == "outside":
            assert rows_of(bundle, after) == rows_of(bundle, before), f"{url} changed {role}'s outside data"
    page = text_of(response)
    if page is not None:
        for hidden in OUTSIDE[role]:
            hidden_bundle = matrix.bundles[hidden]
            for marker in hidden_bundle.markers + ([] if scope.public else [hidden_bundle.village_name]):
                assert marker not in page, f"{url} shows {role} {marker!r} of {hidden}, outside their area"
