"""One cell of the registry workbook: the column kinds, reading a cell, writing a value back.

Cells are parsed leniently where people are sloppy in real workbooks (full-width
characters, stray spaces, dates as text, numbers typed into text columns) and strictly
where a value could not be stored: a parse error is a `CellError` carrying a message
of workbook_messages.py.
"""

import datetime
import functools
import math
import re
import unicodedata
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from enum import Enum

from django.db import models as db_models
from openpyxl.utils.datetime import from_excel

from households import id_numbers
from households.names import name_problem
from households.workbook import messages as msg
from households.choices import RiskType


class Kind(Enum):
    TEXT = "text"          # free text: only stray whitespace is removed
    NAME = "name"          # a person's name: text, refused with invisible control characters (names.py)
    CODE = "code"          # digits and letters: full-width folded, all whitespace removed
    PHONE = "phone"        # full-width folded, stripped
    ID_NUMBER = "id"       # like CODE, upper case; read as text whatever the cell type
    ENUM = "enum"          # a Chinese label of a TextChoices (or its English value)
    RISK_TYPES = "risks"   # several RiskType labels separated by 、 or ,
    YES_NO = "bool"        # 是 / 否
    DATE = "date"
    INTEGER = "int"
    MONEY = "money"        # yuan, two decimals, never negative
    DEGREES = "degrees"    # longitude / latitude, six decimals


class CellError(ValueError):
    """A cell that cannot be stored; `message` is what the user reads."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class Column:
    header: str                  # the Chinese header of the template
    code: str                    # the English code, accepted as an alternative header
    kind: Kind
    field: str                   # the model field it fills
    required: bool = False
    choices: type[db_models.TextChoices] | None = None
    low: int | Decimal | None = None
    high: int | Decimal | None = None
    max_length: int | None = None
    # Names an existing record (成员编号) instead of holding a value: matched on, never copied onto it.
    identifier: bool = False
    # Added to the template later (识别来源, 风险消除方式): a workbook written before has no such
    # column and imports as it always did, without a warning; the field is left as it is.
    later: bool = False


# --- normalising text ---------------------------------------------------------------

_INVISIBLE = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff"), None)


def clean(raw) -> str:
    """A cell as text without invisible characters and surrounding (also full-width) spaces."""
    if raw is None:
        return ""
    if isinstance(raw, float) and raw.is_integer():
        raw = int(raw)
    elif isinstance(raw, datetime.datetime) and raw.time() == datetime.time():
        raw = raw.date()
    return str(raw).translate(_INVISIBLE).strip()


def fold(text: str) -> str:
    """Full-width letters, digits and punctuation as ASCII (NFKC), every space removed."""
    return "".join(unicodedata.normalize("NFKC", text).split())


def header_key(text) -> str:
    """How a header or sheet name is matched: folded, lower case, without a required-mark *."""
    return fold(clean(text)).lower().strip("*")


def display(raw) -> str:
    """A cell's value as the error report shows it."""
    if isinstance(raw, datetime.datetime):
        return raw.isoformat(sep=" ")
    if isinstance(raw, datetime.date):
        return raw.isoformat()
    return "" if raw is None else str(raw)


def choice_map(choices: type[db_models.TextChoices]) -> dict[str, str]:
    """Folded Chinese labels (and the English values) to values."""
    mapping = {value: value for value in choices.values}
    mapping.update({fold(str(label)): value for value, label in choices.choices})
    return mapping


_CHOICE_MAPS: dict[type, dict[str, str]] = {}


def _lookup(column: Column, text: str) -> str:
    mapping = _CHOICE_MAPS.get(column.choices)
    if mapping is None:
        mapping = _CHOICE_MAPS[column.choices] = choice_map(column.choices)
    value = mapping.get(fold(text))
    if value is None:
        labels = "、".join(str(label) for label in column.choices.labels)
        raise CellError(msg.NOT_IN_CHOICES.format(value=text, column=column.header, choices=labels))
    return value


def label(choices: type[db_models.TextChoices], value: str) -> str:
    """The Chinese label of a stored value; an unknown value stays as it is."""
    return _labels_of(choices).get(value, value)


@functools.cache
def _labels_of(choices: type[db_models.TextChoices]) -> dict[str, str]:
    # Looked up once per cell of an export (a county's registry is a million cells):
    # building the enum member each time was half of the export's own work.
    return {member.value: str(member.label) for member in choices}


# --- parsing cells ------------------------------------------------------------------

EMPTY = {Kind.MONEY: None, Kind.DEGREES: None, Kind.INTEGER: None, Kind.DATE: None,
         Kind.YES_NO: None, Kind.RISK_TYPES: []}
MONEY_LIMIT = Decimal("9999999999.99")
_DATE_TEXT = re.compile(r"(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?(?:\d{1,2}:\d{2}(?::\d{2})?)?")
_COMPACT_DATE = re.compile(r"(\d{4})(\d{2})(\d{2})")
_NUMBER_TEXT = re.compile(r"[-+]?(\d+(\.\d*)?|\.\d+)")
_SEPARATORS = re.compile(r"[、,;/\s]+")
_YES_NO = {"是": True, "否": False}


def parse(column: Column, raw) -> tuple[object, str | None]:
    """The stored value of a cell, and a warning for the user (or None); raises CellError."""
    if raw is None or (isinstance(raw, str) and not clean(raw)):
        if column.required:
            raise CellError(msg.REQUIRED.format(column=column.header))
        return EMPTY.get(column.kind, ""), None
    parser = _PARSERS[column.kind]
    return parser(column, raw)


def _parse_text(column: Column, raw):
    text = clean(raw)
    return _limit(column, text), None


def _parse_name(column: Column, raw):
    """Like text, but a name with a bidi control or a zero-width character is refused, not
    silently cleaned: the forms refuse the same name (households/names.py)."""
    problem = name_problem(raw, label=f"「{column.header}」") if isinstance(raw, str) else None
    if problem:
        raise CellError(problem)
    return _parse_text(column, raw)


def _parse_code(column: Column, raw):
    """Digits or letters, however the cell stores them; says so when a number lost digits."""
    warning = None
    if isinstance(raw, bool):
        text = str(raw)
    elif isinstance(raw, int):
        text = str(raw)
        warning = msg.STORED_AS_NUMBER.format(column=column.header) if column.kind == Kind.ID_NUMBER else None
    elif isinstance(raw, float):
        # Excel keeps 15 significant digits: a longer number stored as a number is already cut.
        if abs(raw) >= 1e15:
            raise CellError(msg.DIGITS_LOST.format(column=column.header))
        text = str(int(raw)) if raw.is_integer() else repr(raw)
        warning = msg.STORED_AS_NUMBER.format(column=column.header) if column.kind == Kind.ID_NUMBER else None
    else:
        text = clean(raw)
        if column.kind == Kind.PHONE:
            text = unicodedata.normalize("NFKC", text).strip()
        else:
            text = fold(text)
            if re.fullmatch(r"\d(\.\d+)?[eE]\+?\d+", text):  # a number pasted as text: 2.30381E+17
                raise CellError(msg.DIGITS_LOST.format(column=column.header))
    if column.kind == Kind.ID_NUMBER:
        text = id_numbers.normalise(text)
    return _limit(column, text), warning


def _limit(column: Column, text: str) -> str:
    if column.max_length is not None and len(text) > column.max_length:
        raise CellError(msg.TOO_LONG.format(column=column.header, limit=column.max_length, length=len(text)))
    return text


def _parse_enum(column: Column, raw):
    return _lookup(column, clean(raw)), None


def _parse_risk_types(column: Column, raw):
    values = []
    for part in _SEPARATORS.split(unicodedata.normalize("NFKC", clean(raw))):
        if part:
            value = _lookup(column, part)
            if value not in values:
                values.append(value)
    return values, None


def _parse_yes_no(column: Column, raw):
    if isinstance(raw, bool):
        return raw, None
    value = _YES_NO.get(fold(clean(raw)))
    if value is None:
        raise CellError(msg.NOT_YES_NO.format(column=column.header, value=display(raw)))
    return value, None


def _parse_date(column: Column, raw):
    if isinstance(raw, datetime.datetime):
        return raw.date(), None
    if isinstance(raw, datetime.date):
        return raw, None
    error = CellError(msg.NOT_A_DATE.format(column=column.header, value=display(raw)))
    if isinstance(raw, (int, float)) and not isinstance(raw, bool):
        if not math.isfinite(raw):
            raise error
        if raw == int(raw) and _COMPACT_DATE.fullmatch(str(int(raw))):
            match = _COMPACT_DATE.fullmatch(str(int(raw)))
        elif 1 <= raw < 73051:  # an Excel serial day number up to 2100 in a cell not formatted as a date
            return from_excel(raw).date(), None
        else:
            raise error
    else:
        text = fold(clean(raw))
        match = _DATE_TEXT.fullmatch(text) or _COMPACT_DATE.fullmatch(text)
    if not match:
        raise error
    try:
        value = datetime.date(*(int(part) for part in match.groups()))
    except ValueError:
        raise error from None
    if not 1900 <= value.year <= 2100:
        raise error
    return value, None


def _number(column: Column, raw) -> Decimal:
    """A Decimal from a number cell or from text with separators, full-width digits or 元."""
    if isinstance(raw, bool):
        raise CellError(msg.NOT_A_NUMBER.format(column=column.header, value=display(raw)))
    if isinstance(raw, int):
        return Decimal(raw)
    if isinstance(raw, float):
        if not math.isfinite(raw):  # a crafted file's <v>inf</v> or <v>nan</v>: no number to store
            raise CellError(msg.NOT_A_NUMBER.format(column=column.header, value=display(raw)))
        return Decimal(repr(raw))  # the shortest decimal that reads back as this float
    text = fold(clean(raw)).replace(",", "").removesuffix("元").lstrip("¥")
    if not _NUMBER_TEXT.fullmatch(text):
        raise CellError(msg.NOT_A_NUMBER.format(column=column.header, value=display(raw)))
    try:
        return Decimal(text)
    except InvalidOperation:
        raise CellError(msg.NOT_A_NUMBER.format(column=column.header, value=display(raw))) from None


def _parse_integer(column: Column, raw):
    number = _number(column, raw)
    if number != number.to_integral_value():
        raise CellError(msg.NOT_AN_INTEGER.format(column=column.header, value=display(raw)))
    value = int(number)
    if (column.low is not None and value < column.low) or (column.high is not None and value > column.high):
        raise CellError(msg.OUT_OF_RANGE.format(column=column.header, low=column.low, high=column.high,
                                                value=display(raw)))
    return value, None


_STEPS = {places: Decimal(1).scaleb(-places) for places in range(7)}
_FLOAT_NOISE = Decimal("1e-6")
_EXACT = Decimal(0)


def _quantize(column: Column, raw, number: Decimal, places: int) -> Decimal:
    rounded = number.quantize(_STEPS[places], rounding=ROUND_HALF_UP)
    if rounded == number:
        return rounded
    # Floats carry binary noise (0.1 + 0.2); text with a third decimal is a real third decimal.
    tolerance = _FLOAT_NOISE if isinstance(raw, float) else _EXACT
    if abs(rounded - number) > tolerance:
        raise CellError(msg.TOO_MANY_DECIMALS.format(column=column.header, places=places))
    return rounded


def _parse_money(column: Column, raw):
    number = _number(column, raw)
    if number < 0:
        raise CellError(msg.NEGATIVE.format(column=column.header))
    if number > MONEY_LIMIT:
        raise CellError(msg.TOO_LARGE.format(column=column.header, limit=MONEY_LIMIT))
    return _quantize(column, raw, number, 2), None


def _parse_degrees(column: Column, raw):
    number = _number(column, raw)
    if not column.low <= number <= column.high:
        raise CellError(msg.OUT_OF_RANGE.format(column=column.header, low=column.low, high=column.high,
                                                value=display(raw)))
    # Positions from a phone carry more decimals than the six stored: round them quietly.
    return number.quantize(Decimal("0.000001"), rounding=ROUND_HALF_UP), None


_PARSERS = {
    Kind.TEXT: _parse_text,
    Kind.NAME: _parse_name,
    Kind.CODE: _parse_code,
    Kind.PHONE: _parse_code,
    Kind.ID_NUMBER: _parse_code,
    Kind.ENUM: _parse_enum,
    Kind.RISK_TYPES: _parse_risk_types,
    Kind.YES_NO: _parse_yes_no,
    Kind.DATE: _parse_date,
    Kind.INTEGER: _parse_integer,
    Kind.MONEY: _parse_money,
    Kind.DEGREES: _parse_degrees,
}


# --- writing cells (the exporter and the round trip) ---------------------------------

def to_cell(column: Column, value):
    """The workbook value of a stored value: labels for enumerations, 是/否, joined risk types."""
    if value is None:
        return None
    if column.kind == Kind.ENUM:
        return label(column.choices, value) if value else None
    if column.kind == Kind.RISK_TYPES:
        return "、".join(label(RiskType, v) for v in value) or None
    if column.kind == Kind.YES_NO:
        return "是" if value else "否"
    if value == "":
        return None
    return value


# --- parsing a column at a time -------------------------------------------------------

# A cell that parse_column leaves to parse(): it is refused, warned about, or simply not of
# the common shapes. The importer parses its whole row again cell by cell, reporting.
UNPARSED = object()
_MISSING = object()
_MONEY_HIGH = int(MONEY_LIMIT)  # whole numbers at most this (decimals go through the Decimal path)


def parse_column(column: Column, raws: list) -> tuple[list, set[int]]:
    """The values `parse` gives for these cells of one column, and the positions it must do itself.

    The common shapes of each kind (a label typed as the template writes it, a whole number,
    a date cell, plain text) are read here without a Python call per cell through parse's
    general path; every other cell, and every cell parse would refuse or warn about, is
    UNPARSED and its position in the returned set: the caller parses its row with `parse`,
    which reports exactly what it always did. The values are equal to parse's, exponent of a
    Decimal included (tests/households/workbook/test_cells.py holds them to it).
    """
    fast = _FAST[column.kind](column)
    empty = UNPARSED if column.required else EMPTY.get(column.kind, "")
    # One comprehension per column, then a second look only at the cells no fast path took.
    values = [empty if raw is None else fast(raw) for raw in raws]
    unparsed = set()
    for position in [position for position, value in enumerate(values) if value is _MISSING or value is UNPARSED]:
        value = values[position]
        if value is _MISSING:
            value = values[position] = _quiet(column, raws[position])
        if value is UNPARSED:
            unparsed.add(position)
    if column.kind == Kind.RISK_TYPES:  # each row its own list (the memo and EMPTY share theirs)
        values = [value if value is UNPARSED else list(value) for value in values]
    return values, unparsed


def _quiet(column: Column, raw):
    """parse() for a cell no fast path took: its value, or UNPARSED when it is refused or warned about."""
    try:
        value, warning = parse(column, raw)
    except CellError:
        return UNPARSED
    return UNPARSED if warning else value


def _fast_text(column: Column, *, ascii_only: bool = False):
    limit = column.max_length

    def fast(raw):
        # Printable text has no control or invisible character (clean() and names.py have nothing
        # to do); a phone's ASCII has nothing for NFKC to fold.
        if raw.__class__ is str and raw.isprintable() and (raw.isascii() or not ascii_only):
            text = raw.strip()
            if text and (limit is None or len(text) <= limit):
                return text
        return _MISSING
    return fast


def _fast_code(column: Column):
    limit, upper = column.max_length, column.kind == Kind.ID_NUMBER

    def fast(raw):
        kind = raw.__class__
        # ASCII letters and digits fold to themselves; an e could be a number pasted as 2.3E+17.
        if kind is str and raw.isascii() and raw.isalnum() and "e" not in raw and "E" not in raw:
            text = raw.upper() if upper else raw
        elif kind is int and not upper:  # an ID stored as a number is warned about
            text = str(raw)
        else:
            return _MISSING
        return text if limit is None or len(text) <= limit else _MISSING
    return fast


def _memoised(column: Column):
    """Enumerations, 是/否 and risk types take few distinct values: each parsed once."""
    seen: dict = {}

    def fast(raw):
        key = (raw.__class__, raw)  # 1, 1.0 and True are equal keys otherwise
        value = seen.get(key, _MISSING)
        if value is _MISSING:
            value = seen[key] = _quiet(column, raw)
        return value
    return fast


def _fast_date(column: Column):
    def fast(raw):
        kind = raw.__class__
        if kind is datetime.datetime:
            return raw.date()
        if kind is datetime.date:
            return raw
        return _MISSING
    return fast


def _fast_integer(column: Column):
    low, high = column.low, column.high

    def fast(raw):
        if raw.__class__ is int and (low is None or raw >= low) and (high is None or raw <= high):
            return raw
        return _MISSING
    return fast


def _scaled(raw: float, places: int):
    """A float with at most `places` decimals as parse() reads it (its shortest decimal, padded
    to `places`), or _MISSING. When n / 10**places is the float, that decimal is its shortest
    one: below 10**10 two decimals that close apart cannot both be read back as the same float."""
    scale = _SCALES[places]
    units = round(raw * scale)
    if units / scale == raw and raw != 0:  # -0.0 reads as Decimal("-0.00"): left to parse()
        return Decimal(units).scaleb(-places)
    return _MISSING


_SCALES = {2: 100, 6: 1_000_000}


def _fast_money(column: Column):
    def fast(raw):
        kind = raw.__class__
        if kind is int:
            if 0 <= raw <= _MONEY_HIGH:
                return Decimal(raw * 100).scaleb(-2)
        elif kind is float and 0 < raw <= _MONEY_HIGH:
            cents = round(raw * 100)  # _scaled(raw, 2), inline: the commonest cell of the workbook
            if cents / 100 == raw:
                return Decimal(cents).scaleb(-2)
        return _MISSING
    return fast


def _fast_degrees(column: Column):
    low, high = column.low, column.high

    def fast(raw):
        # raw == raw: a NaN is left to parse() (a Decimal bound compared with it would raise).
        if raw.__class__ is float and raw == raw and low <= raw <= high:
            return _scaled(raw, 6)
        return _MISSING
    return fast


_FAST = {
    Kind.TEXT: _fast_text,
    Kind.NAME: _fast_text,
    Kind.CODE: _fast_code,
    Kind.ID_NUMBER: _fast_code,
    Kind.PHONE: functools.partial(_fast_text, ascii_only=True),
    Kind.ENUM: _memoised,
    Kind.RISK_TYPES: _memoised,
    Kind.YES_NO: _memoised,
    Kind.DATE: _fast_date,
    Kind.INTEGER: _fast_integer,
    Kind.MONEY: _fast_money,
    Kind.DEGREES: _fast_degrees,
}
