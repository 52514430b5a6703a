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


def test_a_household_text_is_computed_when_a_template_names_it_and_once(monkeypatch):
    from decimal import Decimal

    from rules import messages
    from rules.registry import Parameters

    computed = []
    monkeypatch.setitem(messages.HOUSEHOLD_TEXTS, "date_problem", lambda row, p: computed.append(1) or "日期有误")
    params = Parameters(year=2025, monitoring_line=None, attention_line=Decimal("10000"), values={},
                        department_batches={})
    row = {"phone": "13912345678", "size": 3, "year": 2024, "pc0": Decimal("1234.5")}
    values = messages.HouseholdValues(row, params, {"year": 2025, "line": "6,000"})

    assert render_values(template("{size} 人，{year}，{line}，{nothing}，{pc0}"), values) == "3 人，2024，6,000，—，1,234.50"
    assert render_values(template("{phone}"), values) != "13912345678"  # masked
    assert computed == []
    assert render_values(template("{date_problem}；{date_problem}"), values) == "日期有误；日期有误"
    assert render_values(template("{date_problem}"), values) == "日期有误" and computed == [1]
