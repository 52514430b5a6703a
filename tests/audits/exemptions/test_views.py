"""The exemption pages: the list in the user's scope, granting from a ticket or by typing the
record, revoking, the ledger's link, the rule page and the ticket page."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from audits.exemptions import services
from audits.exemptions.models import Exemption
from audits.models import Resolution, TicketStatus
from households.models import Household
from tests.audits.builders import make_ticket
from tests.builders import make_household


def later(days=30):
    return timezone.localdate() + datetime.timedelta(days=days)


def grant(world, household, rule_id="B06", **fields):
    return services.exemption_create(user=world.county_staff, rule_id=rule_id, household=household,
                                     reason=fields.pop("reason", "核实无误"), ends_on=fields.pop("ends_on", later()),
                                     **fields)


def test_county_staff_grant_from_a_ticket_without_typing_the_record(client, world):
    ticket = make_ticket(world.home, rule_id="B06")
    client.force_login(world.county_staff)
    page = client.get(reverse("exemption_new"), {"ticket": ticket.pk})
    assert page.status_code == 200 and "household_number" not in page.content.decode()
    response = client.post(reverse("exemption_new"), {"ticket": ticket.pk, "reason": "分户共用电话",
                                                      "ends_on": later().isoformat()})
    assert response.status_code == 302
    exemption = Exemption.objects.get()
    assert (exemption.rule_id, exemption.household, exemption.member_key) == ("B06", world.home, 0)
    ticket.refresh_from_db()
    assert ticket.resolution == Resolution.EXEMPTED


def test_county_staff_grant_by_household_number_and_member_id(client, world):
    member = world.home.members.first()
    client.force_login(world.county_staff)
    response = client.post(reverse("exemption_new"), {
        "rule": "B01", "household_number": world.home.number, "member_id_number": member.id_number.lower(),
        "reason": "外籍成员，证件号码非居民身份证", "ends_on": later().isoformat()})
    assert response.status_code == 302
    assert Exemption.objects.get().member == member


def test_the_form_says_what_is_wrong_next_to_each_field(client, world):
    client.force_login(world.county_staff)
    response = client.post(reverse("exemption_new"), {
        "rule": "B06", "household_number": "99999999999999999", "reason": "",
        "ends_on": (timezone.localdate() - datetime.timedelta(days=1)).isoformat()})
    assert response.status_code == 400
    errors = response.context["form"].errors
    assert errors["household_number"] == ["您的辖区内没有这个户编号的农户，请核对后重新填写"]
    assert errors["reason"] == ["这个字段是必填项。"]
    assert not Exemption.objects.exists()


def test_a_date_too_far_ahead_is_named_on_its_field(client, world):
    client.force_login(world.county_staff)
    response = client.post(reverse("exemption_new"), {
        "rule": "B06", "household_number": world.home.number, "reason": "核实无误",
        "ends_on": (timezone.localdate() + datetime.timedelta(days=400)).isoformat()})
    assert response.status_code == 400
    assert "豁免最长一年" in response.context["form"].errors["ends_on"][0]


def test_a_household_of_another_county_is_not_found_and_not_echoed(client, world):
    client.force_login(world.county_staff)
    response = client.post(reverse("exemption_new"), {
        "rule": "B06", "household_number": world.other_county.number, "reason": "x", "ends_on": later().isoformat()})
    assert response.status_code == 400 and world.other_county.number not in response.content.decode()
    assert not Exemption.objects.exists()


def test_a_ticket_of_another_county_is_404(client, world):
    ticket = make_ticket(world.other_county, rule_id="B06")
    client.force_login(world.county_staff)
    assert client.get(reverse("exemption_new"), {"ticket": ticket.pk}).status_code == 404


@pytest.mark.parametrize(("who", "status"), [("clerk", 404), ("reviewer", 403), ("inspector", 403),
                                             ("no_role", 404)])
def test_only_county_staff_open_the_grant_form(client, world, who, status):
    client.force_login(getattr(world, who))
    assert client.get(reverse("exemption_new")).status_code == status
    response = client.post(reverse("exemption_new"), {"rule": "B06", "household_number": world.home.number,
                                                      "reason": "x", "ends_on": later().isoformat()})
    assert response.status_code == status and not Exemption.objects.exists()


def test_the_list_shows_the_scope_only(client, world):
    grant(world, world.home)
    grant(world, world.other_township)
    client.force_login(world.reviewer)
    page = client.get(reverse("exemption_list")).content.decode()
    assert world.home.number in page and world.other_township.number not in page


def test_the_list_filters_by_state_and_counts_each(client, world):
    grant(world, world.home)
    revoked = grant(world, world.neighbour)
    services.exemption_revoke(user=world.county_staff, exemption=revoked, reason="情况变化")
    client.force_login(world.inspector)
    response = client.get(reverse("exemption_list"), {"state": "holding"})
    assert [e.household for e in response.context["page"].object_list] == [world.home]
    assert [(value, count) for value, _label, count in response.context["states"]] == [
        ("holding", 1), ("expired", 0), ("revoked", 1)]


def test_revoking_from_the_list(client, world):
    exemption = grant(world, world.home)
    client.force_login(world.county_staff)
    response = client.post(reverse("exemption_revoke", args=[exemption.pk]), {"reason": "已换号"})
    assert response.status_code == 302
    exemption.refresh_from_db()
    assert exemption.revoke_reason == "已换号" and exemption.revoked_by == world.county_staff


def test_revoking_without_a_reason_changes_nothing(client, world):
    exemption = grant(world, world.home)
    client.force_login(world.county_staff)
    client.post(reverse("exemption_revoke", args=[exemption.pk]), {"reason": ""})
    exemption.refresh_from_db()
    assert exemption.revoked_at is None


def test_the_inspector_cannot_revoke(client, world):
    exemption = grant(world, world.home)
    client.force_login(world.inspector)
    assert client.post(reverse("exemption_revoke", args=[exemption.pk]), {"reason": "x"}).status_code == 403
    exemption.refresh_from_db()
    assert exemption.revoked_at is None


def test_the_ledger_links_the_list_with_the_holding_count(client, world):
    grant(world, world.home)
    client.force_login(world.reviewer)
    page = client.get(reverse("ledger")).content.decode()
    assert "豁免清单（生效中 1）" in page


def test_the_rule_page_lists_the_rules_exemptions_and_family(client, world):
    grant(world, world.home, rule_id="P01", reason="父子分户，共用父亲手机")
    grant(world, world.neighbour, rule_id="B06")
    client.force_login(world.county_staff)
    response = client.get(reverse("rule_detail", args=["P01"]))
    page = response.content.decode()
    assert "父子分户，共用父亲手机" in page and world.neighbour.number not in page
    assert "联系方式类（2 条）" in page
    assert [rule.id for rule in response.context["family"]] == ["P01", "P02"]


def test_an_unknown_rule_page_is_404(client, world):
    client.force_login(world.county_staff)
    assert client.get(reverse("rule_detail", args=["Z99"])).status_code == 404


def test_the_catalog_shows_the_families_with_their_counts(client, world):
    client.force_login(world.county_staff)
    page = client.get(reverse("rules_catalog")).content.decode()
    assert "共 82 条规则，分 11 类" in page
    assert 'href="#cat-K">K 风险类型与家庭情况</a> <span class="badge text-bg-light">7</span>' in page


def test_the_ticket_page_offers_the_exemption_to_county_staff_only(client, world):
    ticket = make_ticket(world.home, rule_id="B06")
    link = f'{reverse("exemption_new")}?ticket={ticket.pk}'
    client.force_login(world.county_staff)
    assert link in client.get(reverse("ticket_detail", args=[ticket.pk])).content.decode()
    client.force_login(world.reviewer)
    assert link not in client.get(reverse("ticket_detail", args=[ticket.pk])).content.decode()


def test_the_ticket_page_says_an_exemption_holds(client, world):
    ticket = make_ticket(world.home, rule_id="B06", status=TicketStatus.PENDING_TOWNSHIP)
    grant(world, world.home)
    client.force_login(world.reviewer)
    page = client.get(reverse("ticket_detail", args=[ticket.pk])).content.decode()
    assert "生效中，至" in page


def test_p01_ticket_names_the_other_households_in_scope_and_counts_the_rest(client, world):
    neighbour_same_phone = world.neighbour
    far = make_household(world.other_township.village_id, members=1)
    Household.objects.filter(pk__in=[world.home.pk, neighbour_same_phone.pk, far.pk, world.other_county.pk]).update(
        phone="13900001111")
    ticket = make_ticket(world.home, rule_id="P01")
    client.force_login(world.reviewer)  # township A: the neighbour is in scope, the others are not
    response = client.get(reverse("ticket_detail", args=[ticket.pk]))
    page = response.content.decode()
    assert neighbour_same_phone.number in page
    assert far.number not in page and world.other_county.number not in page
    assert "另有 2 户不在您的辖区" in page


def test_the_ledger_download_lists_the_exemptions_of_the_scope(client, world):
    import io

    from openpyxl import load_workbook

    from audits.ledger.workbook import EXEMPTION_SHEET

    grant(world, world.home, rule_id="P01", reason="=父子分户")
    grant(world, world.other_township)
    client.force_login(world.reviewer)
    response = client.post(reverse("ledger_download"))
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content)))[EXEMPTION_SHEET]
    rows = list(sheet.iter_rows(values_only=True))
    assert sheet["G2"].data_type == "s"  # the reason is text, never a formula
    assert rows[0][:9] == ("规则编号", "规则名称", "乡镇", "村", "户编号", "成员姓名", "豁免理由", "截止日期", "状态")
    assert [(row[0], row[4], row[6], row[8]) for row in rows[1:]] == [
        ("P01", world.home.number, "=父子分户", "生效中")]  # the other township's is left out


def test_export_ledger_writes_the_countys_exemptions(world, tmp_path):
    from django.core.management import call_command
    from openpyxl import load_workbook

    from audits.ledger.workbook import EXEMPTION_SHEET

    grant(world, world.home)
    out = tmp_path / "台账.xlsx"
    call_command("export_ledger", str(out), "--county", world.home.village_id[:6], verbosity=0)
    rows = list(load_workbook(out)[EXEMPTION_SHEET].iter_rows(values_only=True))
    assert [row[4] for row in rows[1:]] == [world.home.number]
