"""Masked means masked: a masked ID number, read with everything shown beside it (birth date,
gender, area, age), leaves hundreds of numbers possible; no page or export shows the part it hides.
"""

import datetime
import io
import itertools
import re

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from audits.ledger.workbook import LEDGER_SHEET, ledger_write
from audits.models import Ticket
from households import id_numbers
from households.choices import Gender, Relationship
from tests.audits.builders import make_ticket
from tests.builders import make_household, make_member
from tests.conftest import VILLAGE_A1

DIGITS = "0123456789"
CHECK_CHARACTERS = DIGITS + "X"
AT_LEAST = 500

pytestmark = pytest.mark.django_db


def candidates(masked: str, *, born: datetime.date, male: bool, region: str) -> list[str]:
    """Every valid ID number that shows as `masked` and agrees with the birth date, gender and
    area shown beside it. A visible character is what it is; a hidden one is narrowed by what
    the page tells (region: digits 1–6, birth date: 7–14, gender: parity of 17), else anything."""
    told = dict(enumerate(region + f"{born:%Y%m%d}"))
    places = []
    for index, shown in enumerate(masked):
        if shown != "*":
            places.append(shown)
        elif index in told:
            places.append(told[index])
        elif index == 16:
            places.append("13579" if male else "02468")
        else:
            places.append(CHECK_CHARACTERS if index == 17 else DIGITS)
    found = ("".join(chars) for chars in itertools.product(*places))
    return [
        number for number in found
        if id_numbers.is_valid(number) and id_numbers.birth_date(number) == born
        and id_numbers.is_male(number) == male and number.startswith(region)
    ]


@pytest.mark.parametrize("region, born, sequence", [
    ("360732", datetime.date(1980, 5, 17), 399),    # a man
    ("340323", datetime.date(2012, 2, 29), 8),      # a girl born on a leap day
    ("230381", datetime.date(1949, 12, 31), 2),     # the standard's example ends in X
    ("230381", datetime.date(1965, 1, 1), 999),
])
def test_a_masked_id_with_the_birth_date_gender_and_area_beside_it_leaves_at_least_500_numbers(
        region, born, sequence):
    number = id_numbers.make(region, born, sequence)
    masked = id_numbers.mask(number)
    possible = candidates(masked, born=born, male=id_numbers.is_male(number), region=region)
    assert number in possible
    assert len(possible) >= AT_LEAST
    assert len(possible) == 10 * 10 * 5  # digits 15 and 16, and 17 of the right parity; 18 follows


def test_the_old_mask_gave_the_number_away():
    """The mask this replaced (region and last four) with the birth date beside it: one number."""
    number = id_numbers.make("360732", datetime.date(1980, 5, 17), 399)
    old = number[:6] + "********" + number[-4:]
    assert candidates(old, born=datetime.date(1980, 5, 17), male=True, region="360732") == [number]


def test_the_mask_keeps_only_the_region():
    assert id_numbers.mask("11010519491231002X") == "110105************"
    assert id_numbers.mask_phone("13812345678") == "138****5678"


@pytest.mark.parametrize("value", ["", "X", "230381", "230381198005171", "23038119800517123"])
def test_a_value_shorter_than_an_id_is_hidden_in_full(value):
    assert id_numbers.mask(value) == "*" * len(value)


# Pages and exports --------------------------------------------------------------------------

TOKENS = re.compile(r'(csrfmiddlewaretoken" value=|X-CSRFToken": )"[^"]*"')


def without_tokens(html: str) -> str:
    """The page less its CSRF tokens (random text that may hold any four characters)."""
    return TOKENS.sub("", html)


@pytest.fixture
def family(world):
    """A household whose members' last four characters appear nowhere else on its pages."""
    household = make_household(VILLAGE_A1, members=0, phone="13912345678")
    people = [
        (Relationship.HEAD, Gender.MALE, datetime.date(1971, 3, 14), 739),
        (Relationship.SPOUSE, Gender.FEMALE, datetime.date(1973, 8, 26), 586),
        (Relationship.SON, Gender.MALE, datetime.date(2004, 11, 9), 917),
        (Relationship.DAUGHTER, Gender.FEMALE, datetime.date(2009, 6, 3), 648),
    ]
    for relationship, gender, born, sequence in people:
        make_member(household, relationship=relationship, gender=gender, born=born,
                    id_number=id_numbers.make(VILLAGE_A1[:6], born, sequence))
    return household


def hidden_parts(household) -> list[str]:
    return [member.id_number[-4:] for member in household.members.all()]


def assert_hides_the_last_four(text: str, household) -> None:
    for member in household.members.all():
        assert member.id_number[-4:] not in text, member.id_number
        assert id_numbers.mask(member.id_number) in text or member.id_number[:6] in text


def test_a_household_page_never_shows_the_last_four_characters_of_an_id(client, world, family):
    client.force_login(world.clerk)
    page = without_tokens(client.get(reverse("household_detail", args=[family.number])).content.decode())
    assert_hides_the_last_four(page, family)
    assert all(member.birth_date.isoformat() in page for member in family.members.all())  # shown beside it


def test_the_logged_reveal_is_the_only_way_to_the_number(client, world, family):
    """The same check sees the number once it is revealed: it can tell a mask from a leak."""
    client.force_login(world.clerk)
    head = family.members.get(relationship=Relationship.HEAD)
    response = client.post(reverse("household_reveal", args=[family.number]),
                           {"field": "id_number", "member": head.pk})
    assert head.id_number[-4:] in without_tokens(response.content.decode())


def test_the_ledger_export_never_shows_the_last_four_characters(world, family):
    head = family.members.get(relationship=Relationship.HEAD)
    daughter = family.members.get(relationship=Relationship.DAUGHTER)
    make_ticket(family, rule_id="B05")
    ticket = make_ticket(family, rule_id="B01", member=daughter, member_key=daughter.pk)
    Ticket.objects.filter(pk=ticket.pk).update(message=f"证件号码 {id_numbers.mask(daughter.id_number)} 不合规")
    out = io.BytesIO()
    ledger_write(tickets=Ticket.objects.filter(household=family), out=out, full_ids=False)
    out.seek(0)
    cells = " ".join(str(value) for row in load_workbook(out)[LEDGER_SHEET].iter_rows(values_only=True)
                     for value in row if value is not None)
    assert id_numbers.mask(head.id_number) in cells and id_numbers.mask(daughter.id_number) in cells
    for hidden in hidden_parts(family):
        assert hidden not in cells


def test_the_collection_sheet_never_shows_the_last_four_characters(client, world, family):
    client.force_login(world.clerk)
    page = without_tokens(client.get(reverse("collection_sheet")).content.decode())
    assert family.number in page
    assert_hides_the_last_four(page, family)
    response = client.post(reverse("collection_sheet_download"), {"village": VILLAGE_A1})
    workbook = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    cells = " ".join(str(value) for sheet in workbook for row in sheet.iter_rows(values_only=True)
                     for value in row if value is not None)
    assert family.number in cells
    for hidden in hidden_parts(family):
        assert hidden not in cells


def test_a_ticket_page_never_shows_the_last_four_characters(client, world, family):
    daughter = family.members.get(relationship=Relationship.DAUGHTER)
    ticket = make_ticket(family, rule_id="M04", member=daughter, member_key=daughter.pk)
    client.force_login(world.clerk)
    page = without_tokens(client.get(reverse("ticket_detail", args=[ticket.pk])).content.decode())
    assert id_numbers.mask(daughter.id_number) in page
    for hidden in hidden_parts(family):
        assert hidden not in page


# Ticket messages are stored and exported: what they say is shown beside the mask ---------------


def run_batch(rule_id: str) -> None:
    from households.models import Area
    from rules import services as rule_services

    batch = rule_services.batch_create(area=Area.objects.get(code="230381"), rule_ids=[rule_id])
    rule_services.batch_run_sync(batch=batch)


def test_a_ticket_message_does_not_say_which_check_character_the_number_calls_for(world, family):
    daughter = family.members.get(relationship=Relationship.DAUGHTER)
    right = daughter.id_number
    daughter.id_number = right[:17] + ("0" if right[17] != "0" else "1")
    daughter.save()
    run_batch("B01")
    message = Ticket.objects.get(rule_id="B01", member=daughter).message
    assert message == f"证件号码 {right[:6]}************ 不合规：{id_numbers.CHECK_WRONG}"
    assert "应为" in id_numbers.problem(daughter.id_number)  # a form, where the clerk typed it, still says it


def test_a_ticket_message_masks_the_phone(world, family):
    family.phone = "1391234567"  # one digit short
    family.save()
    run_batch("B06")
    message = Ticket.objects.get(rule_id="B06", household=family).message
    assert "1391234567" not in message and "******4567" in message


def test_the_migration_remasks_stored_messages():
    import importlib

    remask = importlib.import_module("audits.migrations.0007_mask_ticket_messages").remask
    assert remask("证件号码 360732********3994 不合规：证件号码第18位校验码应为 X") \
        == "证件号码 360732************ 不合规：证件号码第18位校验码不正确"
    assert remask("证件号码 360732********3994 与其他在册人员重复") == "证件号码 360732************ 与其他在册人员重复"
    assert remask("证件号码 230381*******1234 不合规：证件号码应为18位，当前为17位") \
        == "证件号码 ***************** 不合规：证件号码应为18位，当前为17位"
    assert remask("联系电话“1381234567”缺失或格式无效") == "联系电话“******4567”缺失或格式无效"
    assert remask("联系电话“”缺失或格式无效") == "联系电话“”缺失或格式无效"
    already = "证件号码 360732************ 与其他在册人员重复"
    assert remask(already) == already


# The household list's search is no oracle -------------------------------------------------------

def test_the_list_finds_an_id_number_only_in_full(client, world, family):
    """Found by its first digits, the list would tell the hidden ones one at a time."""
    client.force_login(world.clerk)
    head = family.members.get(relationship=Relationship.HEAD)
    for query in (head.id_number[:14], head.id_number[:15], head.id_number[:17]):
        page = client.get(reverse("household_list"), {"q": query}).content.decode()
        assert family.number not in page, query
    for query in (head.id_number, head.id_number.lower()):
        assert family.number in client.get(reverse("household_list"), {"q": query}).content.decode()
