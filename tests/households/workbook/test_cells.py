"""How one cell of the registry workbook is read: lenient where people are sloppy, strict where data would be lost."""

import datetime
from decimal import Decimal

import pytest

from households.workbook import messages as msg
from households.choices import Relationship, RiskType
from households.workbook.template import HOUSEHOLDS, INCOMES, MEMBERS, SHEETS
from households.workbook.cells import UNPARSED, CellError, Kind, fold, parse, parse_column, to_cell

WAGE = INCOMES.column("wage")
YEAR = INCOMES.column("year")
ID = MEMBERS.column("id_number")
BORN = MEMBERS.column("birth_date")
MONTHS = MEMBERS.column("months_worked")
RELATIONSHIP = MEMBERS.column("relationship")
RISKS = HOUSEHOLDS.column("risk_types")
HOUSING = HOUSEHOLDS.column("housing_safe")
LONGITUDE = HOUSEHOLDS.column("longitude")
NUMBER = HOUSEHOLDS.column("household_no")
ADDRESS = HOUSEHOLDS.column("address")


def value(column, raw):
    return parse(column, raw)[0]


def refusal(column, raw) -> str:
    with pytest.raises(CellError) as caught:
        parse(column, raw)
    return caught.value.message


@pytest.mark.parametrize("raw, expected", [
    (1234.5, Decimal("1234.50")),
    (0.1 + 0.2, Decimal("0.30")),            # binary noise of a float is not a third decimal
    ("１２，３４５．６", Decimal("12345.60")),  # full-width digits and separators
    (" 12,345.60元 ", Decimal("12345.60")),
    ("￥800", Decimal("800.00")),
    (None, None),
    ("  ", None),
])
def test_money_cells_are_read_as_yuan_with_two_decimals(raw, expected):
    assert value(WAGE, raw) == expected


@pytest.mark.parametrize("raw, message", [
    ("八百", msg.NOT_A_NUMBER.format(column="工资性收入", value="八百")),
    ("约800", msg.NOT_A_NUMBER.format(column="工资性收入", value="约800")),
    (-0.01, msg.NEGATIVE.format(column="工资性收入")),
    ("12.345", msg.TOO_MANY_DECIMALS.format(column="工资性收入", places=2)),
    (1e12, msg.TOO_LARGE.format(column="工资性收入", limit="9999999999.99")),
])
def test_money_cells_that_cannot_be_stored_are_refused(raw, message):
    assert refusal(WAGE, raw) == message


@pytest.mark.parametrize("raw, expected", [
    (datetime.datetime(2024, 9, 30, 0, 0), datetime.date(2024, 9, 30)),
    (datetime.date(2024, 9, 30), datetime.date(2024, 9, 30)),
    ("2024-09-30", datetime.date(2024, 9, 30)),
    (" 2024/9/3 ", datetime.date(2024, 9, 3)),
    ("２０２４－０９－３０", datetime.date(2024, 9, 30)),
    ("2024年9月30日", datetime.date(2024, 9, 30)),
    ("20240930", datetime.date(2024, 9, 30)),
    (20240930, datetime.date(2024, 9, 30)),
    (45565, datetime.date(2024, 9, 30)),     # an Excel day number in a cell without a date format
    ("2024-09-30 00:00:00", datetime.date(2024, 9, 30)),
])
def test_dates_are_excel_dates_or_text(raw, expected):
    assert value(BORN, raw) == expected


@pytest.mark.parametrize("raw", ["2024-13-01", "2024-02-30", "去年", "30/09/2024", 20241301])
def test_impossible_dates_are_refused(raw):
    assert refusal(BORN, raw) == msg.NOT_A_DATE.format(column="出生日期", value=raw)


def test_months_worked_is_a_whole_number_from_0_to_12():
    assert value(MONTHS, 12) == 12 and value(MONTHS, "６") == 6 and value(MONTHS, 3.0) == 3
    assert refusal(MONTHS, 13) == msg.OUT_OF_RANGE.format(column="务工时间", low=0, high=12, value=13)
    assert refusal(MONTHS, 2.5) == msg.NOT_AN_INTEGER.format(column="务工时间", value=2.5)


def test_id_numbers_are_read_as_text_whatever_the_cell_holds():
    assert parse(ID, "23038119800517001x ") == ("23038119800517001X", None)
    assert value(ID, "２３０３８１１９８００５１７００１１") == "230381198005170011"
    # A number written with every digit (by a program, not by Excel) is still exact: read it, but say so.
    assert parse(ID, 230381198005170011) == (
        "230381198005170011", msg.STORED_AS_NUMBER.format(column="证件号码"))
    assert value(ID, "A1234567") == "A1234567"  # not a resident ID: stored, and rule B01 will find it


@pytest.mark.parametrize("raw", [2.30381198005171e17, "2.30381E+17", 230381198005170011.0])
def test_an_id_number_that_lost_digits_as_an_excel_number_is_refused(raw):
    assert refusal(ID, raw) == msg.DIGITS_LOST.format(column="证件号码")


def test_household_numbers_typed_as_numbers_keep_their_digits_when_they_can():
    assert value(NUMBER, 230381100201000.0) == "230381100201000"  # 15 digits survive
    assert refusal(NUMBER, 230381100201000123.0) == msg.DIGITS_LOST.format(column="户编号")


def test_enumerations_take_the_chinese_label_or_the_english_value():
    assert value(RELATIONSHIP, " 之女 ") == Relationship.DAUGHTER
    assert value(RELATIONSHIP, "daughter") == Relationship.DAUGHTER
    labels = "、".join(Relationship.labels)
    assert refusal(RELATIONSHIP, "女儿") == msg.NOT_IN_CHOICES.format(value="女儿", column="与户主关系", choices=labels)


def test_risk_types_are_split_on_either_separator():
    assert value(RISKS, "因病、因学，因灾,因病") == [RiskType.ILLNESS, RiskType.SCHOOLING, RiskType.DISASTER]
    assert value(RISKS, None) == []
    assert "「因穷」不是「风险类型」的有效值" in refusal(RISKS, "因病、因穷")


def test_yes_no_cells():
    assert value(HOUSING, "是") is True and value(HOUSING, " 否") is False and value(HOUSING, True) is True
    assert refusal(HOUSING, "有") == msg.NOT_YES_NO.format(column="住房安全有保障", value="有")


def test_coordinates_keep_six_decimals_and_stay_on_earth():
    assert value(LONGITUDE, 132.94123456) == Decimal("132.941235")
    assert refusal(LONGITUDE, 200) == msg.OUT_OF_RANGE.format(column="经度", low=-180, high=180, value=200)


def test_free_text_loses_only_surrounding_and_invisible_spaces():
    assert value(ADDRESS, "\u3000虎头村（一组）\u200b 8号 ") == "虎头村（一组）\u200b 8号".replace("\u200b", "")
    assert "最多 200 个字符" in refusal(ADDRESS, "长" * 201)


def test_required_cells_must_not_be_empty():
    assert refusal(YEAR, " ") == msg.REQUIRED.format(column="年度")


def test_every_label_of_the_template_survives_folding():
    """Labels are matched after NFKC folding, so folding must not change any of them."""
    for spec in SHEETS:
        for column in spec.columns:
            for label in (column.choices.labels if column.choices else []):
                assert fold(label) == label


def test_stored_values_are_written_back_as_the_labels_they_were_read_from():
    for raw in ("之女", "因病、因学", "是"):
        column = {"之女": RELATIONSHIP, "因病、因学": RISKS, "是": HOUSING}[raw]
        assert to_cell(column, value(column, raw)) == raw


def _cell_samples(column) -> list:
    samples = [
        None, "", "  ", "\u3000", "abc", " abc ", "a\u200bb", "名\u202e字", "张三", "Ｚ１２", "x" * 600,
        0, 1, -1, 7, 12, 13, 2014, 2020, 2023, 2101, 99999999999, 10**15, True, False,
        0.0, -0.0, 0.5, 1.25, 0.1 + 0.2, 12.345, 1234.56, 9999999999.99, 9999999999.995, 1e-05, 1e16,
        -12.5, 116.397128, 116.3971284, 39.9, 200.5,
        "1234.50", "12,345.60元", "2.30381E+17", "1e5", "2E17", "36073210100100001", "3607321010010000x",
        " 13800138000 ", "138 0013 8000", "１３８００１３８０００", "是", "否", " 是", "yes",
        "2023-05-06", "20230506", "2023年5月6日",
        datetime.datetime(2023, 5, 6), datetime.datetime(2023, 5, 6, 7, 8), datetime.date(2023, 5, 6),
        datetime.time(7, 8),
    ]
    samples += [n / 100 for n in (1, 5, 10, 99, 101, 12345, 1234567, 99999999999, 999999999999)]
    samples += [n / 1_000_000 for n in (1, -1, 5, 39_900_001, -116_397_128, 179_999_999, 89_123_456)]
    samples += [n / 1000 for n in (1, 5, 12345)] + [n / 10**7 for n in (1, 1_163_971_284)]
    if column.choices is not None:
        for choice, label in column.choices.choices:
            samples += [choice, str(label), f" {label} ", str(label) + "、" + str(label)]
    return samples


def _same(left, right) -> bool:
    if isinstance(left, Decimal) or isinstance(right, Decimal):
        return type(left) is type(right) and left.as_tuple() == right.as_tuple()
    return type(left) is type(right) and left == right


@pytest.mark.parametrize("column", [column for spec in SHEETS for column in spec.columns],
                         ids=lambda column: column.code)
def test_a_column_parsed_at_once_gives_what_each_cell_gives(column):
    """parse_column takes the common shapes itself; every value equals parse()'s, and every cell
    parse() refuses or warns about is left to it (the importer then reports it as before)."""
    samples = _cell_samples(column)
    values, unparsed = parse_column(column, samples * 2)  # twice: the memo of a column is used again
    for position, raw in enumerate(samples * 2):
        try:
            expected, warning = parse(column, raw)
        except CellError:
            expected, warning = None, "refused"
        if warning:
            assert position in unparsed and values[position] is UNPARSED, raw
        else:
            assert position not in unparsed and _same(values[position], expected), raw


def test_risk_types_parsed_at_once_are_a_list_per_row():
    values, _ = parse_column(RISKS, ["因病、因学", "因病、因学", None, None])
    assert values[0] == values[1] and values[0] is not values[1]
    assert values[2] == [] and values[2] is not values[3]



NUMBER_KINDS = {Kind.MONEY, Kind.INTEGER, Kind.DEGREES, Kind.DATE}


@pytest.mark.parametrize("column", [column for spec in SHEETS for column in spec.columns if column.kind in NUMBER_KINDS],
                         ids=lambda column: column.code)
@pytest.mark.parametrize("raw", [float("inf"), float("-inf"), float("nan")], ids=["inf", "-inf", "nan"])
def test_a_number_cell_holding_infinity_or_nan_is_refused_not_a_crash(column, raw):
    """A crafted workbook can hold <v>inf</v>: the cell is reported like any other wrong value."""
    assert column.header in refusal(column, raw)
    values, unparsed = parse_column(column, [raw])
    assert unparsed == {0} and values[0] is UNPARSED
