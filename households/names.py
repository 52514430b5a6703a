"""A person's name, as the forms and the registry import accept it: no invisible characters.

Bidirectional controls (U+202A–U+202E, U+2066–U+2069, U+200E/U+200F, U+061C) reorder
what is shown around them, so that a name reads differently on screen, in an export and
in a search; zero-width characters (U+200B–U+200D, U+2060, U+FEFF) make two names that
look the same compare different. Neither belongs in a name: they are refused, with a
message that says so, wherever a name comes in (the change-request forms, the registry
workbook, department lists). Every such character is of Unicode category Cc (controls,
NUL among them) or Cf (format); private-use characters (Co), which some counties use for
rare characters of Chinese names, are accepted.
"""

import unicodedata

from django.core.exceptions import ValidationError

CONTROL_IN_NAME = "{label}含有不可见的控制字符（如零宽字符、文字方向控制符）：请删除后重新填写"


def invisible_characters(text: str) -> list[str]:
    """The invisible control characters in `text`, as U+XXXX, in order of appearance."""
    return [f"U+{ord(char):04X}" for char in text if unicodedata.category(char) in ("Cc", "Cf")]


def name_problem(text, label: str = "姓名") -> str | None:
    """What is wrong with a name (surrounding whitespace aside), in Chinese; None when nothing is."""
    if not text:
        return None
    found = invisible_characters(str(text).strip())
    return CONTROL_IN_NAME.format(label=label) + f"（{'、'.join(dict.fromkeys(found))}）" if found else None


def validate_name(value) -> None:
    """The form validator of a person's name."""
    problem = name_problem(value)
    if problem:
        raise ValidationError(problem, code="control_character")
