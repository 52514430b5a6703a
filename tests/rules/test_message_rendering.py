"""Messages are the rule's template filled from the row's values: names it does not know read "—"."""

from types import SimpleNamespace

from rules.messages import message_values, render, render_values


def template(text):
    return SimpleNamespace(message=text)


def test_the_row_context_wins_over_the_parameters_and_unknown_names_read_a_dash():
    values = message_values({"size": 3, "line": "row"}, {"line": "6,000", "year": 2025})
    assert render_values(template("{size} 人，{line}，{year}，{nothing}"), values) == "3 人，row，2025，—"


def test_format_specs_and_the_500_character_cut_are_kept():
    assert render(template("{amount:,}"), {"amount": 1234567}, {}) == "1,234,567"
    assert render(template("{text}"), {"text": "字" * 600}, {}) == "字" * 500
