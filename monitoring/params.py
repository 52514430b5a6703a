"""Reading ids from a request: a crafted value is no id, never a 500.

`"²".isdigit()` is true and `int("²")` raises; a 30-digit number passes `isdigit()` and
`int()` but overflows SQLite's integers inside `pk__in`. Every id a view reads from a query
parameter or a form goes through `parse_id`/`parse_ids`.
"""

import re
import uuid
from collections.abc import Iterable

MAX_ID = 2**63 - 1  # the largest primary key of a BigAutoField
_ASCII_DIGITS = re.compile(r"[0-9]{1,19}")


def parse_id(value) -> int | None:
    """`value` as a primary key, or None when it is not one (empty, not ASCII digits, too large)."""
    text = str(value if value is not None else "").strip()
    if not _ASCII_DIGITS.fullmatch(text):
        return None
    number = int(text)
    return number if number <= MAX_ID else None


def parse_ids(values: Iterable) -> list[int]:
    """The ids among `values`, each once, in the order given; anything else is dropped."""
    return list(dict.fromkeys(number for number in map(parse_id, values) if number is not None))


def parse_uuid(value) -> uuid.UUID | None:
    """`value` as a UUID (a form's submission token), or None when it is not one."""
    try:
        return uuid.UUID(str(value or "").strip())
    except ValueError:
        return None
