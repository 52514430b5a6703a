"""What a careless or hostile user types or pastes: the values the fuzz tests draw from."""

import datetime

from hypothesis import strategies as st
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from households import id_numbers

BIDI = [chr(c) for c in (*range(0x202A, 0x202F), *range(0x2066, 0x206A), 0x200E, 0x200F, 0x061C)]
ZERO_WIDTH = ["\u200b", "\u200c", "\u200d", "\u2060", "\ufeff"]
INVISIBLE = BIDI + ZERO_WIDTH
FORMULAS = ["=cmd|' /C calc'!A0", "+1", "-1", "@SUM(A1:A2)", "=1+1", "=HYPERLINK(\"http://x\",\"点\")",
            "\t=1", "\r=1", "-2+3", "+86 138 0013 8000"]
ODD = ["１２３４５", "１２３４.５０", "１，２３４", "¥1,200元", "﹣1", "1e309", "NaN", "nan", "Infinity", "-0",
       "👨‍👩‍👧‍👦", "🙂", "e\u0301\u0301\u0301", "李\u0300", "\U0002A6A5", "\ue000", "　", " ", "",
       "2024-13-45", "2024/02/30", "二〇二四年五月", "是的", "TRUE", "否\u200b", "0x1F", "١٢٣", "²",
       "None", "null", "<script>alert(1)</script>", "' OR 1=1 --", "../../etc/passwd", "%00", "\\x00"]
HUGE = ["长" * 100_000, "x" * 100_000, "9" * 5_000, "1" * 400]


def _fullwidth(text: str) -> str:
    return "".join(chr(ord(c) + 0xFEE0) if "!" <= c <= "~" else c for c in text)


@st.composite
def valid_ids(draw) -> str:
    born = draw(st.dates(datetime.date(1930, 1, 1), datetime.date(2020, 12, 31)))
    return id_numbers.make("230381", born, draw(st.integers(0, 999)))


@st.composite
def ids_with_x(draw) -> str:
    """A valid ID number whose check character is X."""
    born = draw(st.dates(datetime.date(1930, 1, 1), datetime.date(2020, 12, 31)))
    for sequence in range(1000):
        number = id_numbers.make("230381", born, sequence)
        if number.endswith("X"):
            return number
    return id_numbers.make("230381", born, 0)


@st.composite
def typed_ids(draw):
    """An ID number as people store it: text, full-width, lower-case x, padded, as a number."""
    number = draw(st.one_of(valid_ids(), ids_with_x()))
    form = draw(st.sampled_from(["text", "fullwidth", "lower", "spaced", "zero_width", "int", "float", "float_x"]))
    if form == "fullwidth":
        return number, _fullwidth(number)
    if form == "lower":
        return number, number.lower()
    if form == "spaced":
        return number, f" {number[:6]} {number[6:14]} {number[14:]} "
    if form == "zero_width":
        return number, number[:9] + draw(st.sampled_from(ZERO_WIDTH)) + number[9:]
    if form == "int" and number[-1].isdigit():
        return number, int(number)
    if form in ("float", "float_x", "int"):
        return number, float(number[:17] + ("0" if number[-1] == "X" else number[-1]))
    return number, number


def _sprinkle(text: str, draw) -> str:
    chars = list(text)
    for _ in range(draw(st.integers(1, 3))):
        chars.insert(draw(st.integers(0, len(chars))), draw(st.sampled_from(INVISIBLE)))
    return "".join(chars)


@st.composite
def tricky_names(draw) -> str:
    """A Chinese name with a bidi control or a zero-width character somewhere in it."""
    base = draw(st.sampled_from(["李四", "王小明", "欧阳娜娜", "阿卜杜拉·买买提", "Li Si"]))
    return _sprinkle(base, draw)


def texts(*, allow_nul: bool = True) -> st.SearchStrategy[str]:
    """Text of every kind: printable, controls, bidi, zero-width, astral, combining, NUL."""
    alphabet = st.one_of(
        st.characters(codec="utf-8"),
        st.sampled_from(INVISIBLE + ["\x00", "\n", "\r", "\t", "\u0301", "\U0001F600", "１", "Ｘ", "李"]),
    )
    strategy = st.text(alphabet, max_size=40)
    return strategy if allow_nul else strategy.map(lambda s: s.replace("\x00", ""))


def nasty(*, allow_nul: bool = True) -> st.SearchStrategy:
    """Any value a cell or a field might hold."""
    return st.one_of(
        st.sampled_from(FORMULAS + ODD),
        st.sampled_from(HUGE),
        texts(allow_nul=allow_nul),
        tricky_names(),
        valid_ids(),
        typed_ids().map(lambda pair: pair[1]),
        st.integers(-(2 ** 70), 2 ** 70),
        st.floats(allow_nan=False, allow_infinity=False),
        st.booleans(),
        st.dates(datetime.date(1, 1, 1), datetime.date(9999, 12, 31)),
        st.none(),
    )


def nasty_text(*, allow_nul: bool = True) -> st.SearchStrategy[str]:
    """Like nasty(), but as the text a browser would send."""
    return nasty(allow_nul=allow_nul).map(lambda value: "" if value is None else str(value))


def cell_safe(value):
    """What openpyxl can write: characters XML 1.0 forbids are dropped (a NUL cannot be stored)."""
    if isinstance(value, str):
        return ILLEGAL_CHARACTERS_RE.sub("", value)
    return value
