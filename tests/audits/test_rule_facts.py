"""The tickets app knows the rules only by what the rules app registers at start-up."""

import ast
from pathlib import Path

from audits import rule_facts
from rules import registry

AUDITS = Path(__file__).resolve().parents[2] / "audits"
# The settings history it reads moves to the bottom `trail` app (issue 12, the lead's part).
NOT_YET_MOVED = {"deadlines.py"}


def imported_modules(path: Path) -> set[str]:
    names = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
    return names


def test_it_never_imports_the_rules_app():
    offenders = {
        str(path.relative_to(AUDITS)): sorted(name for name in imported_modules(path)
                                              if name == "rules" or name.startswith("rules."))
        for path in AUDITS.rglob("*.py") if path.name not in NOT_YET_MOVED
    }
    assert {path: names for path, names in offenders.items() if names} == {}


def test_every_rule_of_the_catalog_is_registered_in_catalog_order():
    assert [facts.id for facts in rule_facts.all_facts()] == [rule.id for rule in registry.all_rules()]


def test_a_rules_facts_are_those_of_its_declaration():
    declared, facts = registry.get("I08"), rule_facts.facts_of("I08")
    assert (facts.name, facts.category, facts.category_label, facts.severity, facts.final_level, facts.scope,
            facts.description) == (declared.name, "I", "收入类", declared.severity, declared.final_level,
                                   declared.scope, declared.description)
    assert rule_facts.facts_of("Z99") is None


def test_the_categories_come_in_catalog_order():
    assert list(rule_facts.categories()) == list("BMIARDGPKSL")
