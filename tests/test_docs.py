"""The documentation a user reads lives in the repository and says what the code does.

A user clones the project alone: every link in the README and in docs/ must lead to a
file inside the repository, and docs/rules.md must list exactly the rules the registry
declares, with the name, scope, severity and parameters the code gives them.
"""

import re
import unicodedata
from pathlib import Path

import pytest

from audits.models import Severity
from rules import registry

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs"
README = ROOT / "README.md"
RULES_DOC = DOCS / "rules.md"
EXPECTED_DOCS = ["domain.md", "rules.md", "import-template.md", "operations.md", "deployment.md", "masking.md"]

INLINE_LINK = re.compile(r"!?\[[^\]]*\]\(\s*<?([^)\s>]+)>?(?:\s+\"[^\"]*\")?\s*\)")
CODE_SPAN = re.compile(r"`([^`\n]+)`")
FENCE = re.compile(r"^(```|~~~).*?^\1", re.S | re.M)
RULE_ROW = re.compile(r"^\|\s*([A-Z]\d{2})\s*\|(.*)$", re.M)


def markdown_files() -> list[Path]:
    return [README, *sorted(DOCS.glob("*.md"))]


def without_code(text: str) -> str:
    """The text outside fenced blocks and code spans: what a renderer would turn into links."""
    return CODE_SPAN.sub("", FENCE.sub("", text))


def links(path: Path) -> list[str]:
    return INLINE_LINK.findall(without_code(path.read_text(encoding="utf-8")))


def slug(heading: str) -> str:
    """A heading's anchor as GitHub and most renderers make it."""
    text = heading.strip().lower()
    text = "".join(ch for ch in text if ch in " -_" or unicodedata.category(ch)[0] in "LN")
    return text.replace(" ", "-")


def anchors(path: Path) -> set[str]:
    text = FENCE.sub("", path.read_text(encoding="utf-8"))
    return {slug(match) for match in re.findall(r"^#{1,6}\s+(.*?)\s*#*\s*$", text, re.M)}


def test_it_has_the_documentation_files_a_user_needs():
    missing = [name for name in EXPECTED_DOCS if not (DOCS / name).is_file()]
    assert not missing, f"docs/ lacks {missing}"


def test_the_readme_links_to_every_documentation_file():
    targets = {Path(target.split("#")[0]).name for target in links(README)}
    assert set(EXPECTED_DOCS) <= targets


@pytest.mark.parametrize("path", markdown_files(), ids=lambda p: p.relative_to(ROOT).as_posix())
def test_it_links_only_to_files_inside_the_repository(path):
    problems = []
    for target in links(path):
        if re.match(r"^[a-z][a-z0-9+.-]*:", target, re.I):  # http:, https:, mailto: …
            continue
        file_part, _, anchor = target.partition("#")
        resolved = (path.parent / file_part).resolve() if file_part else path
        try:
            resolved.relative_to(ROOT)
        except ValueError:
            problems.append(f"{target}: outside the repository")
            continue
        if not resolved.exists():
            problems.append(f"{target}: no such file")
        elif anchor and resolved.suffix == ".md" and anchor not in anchors(resolved):
            problems.append(f"{target}: no heading with that anchor")
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("path", markdown_files(), ids=lambda p: p.relative_to(ROOT).as_posix())
def test_it_names_no_path_outside_the_repository(path):
    """A path in a code span that climbs out of the checkout (`../…`) sends a reader outside the clone too."""
    text = path.read_text(encoding="utf-8")
    outside = [span for span in CODE_SPAN.findall(text) if span.startswith("../") or "shared/spec" in span]
    assert not outside, outside


def documented_rules() -> dict[str, list[str]]:
    """Rule id → the cells of its row in docs/rules.md (name, scope, severity, condition, parameters)."""
    rows = {}
    for rule_id, rest in RULE_ROW.findall(RULES_DOC.read_text(encoding="utf-8")):
        assert rule_id not in rows, f"{rule_id} is listed twice in docs/rules.md"
        rows[rule_id] = [cell.strip() for cell in rest.strip().strip("|").split("|")]
    return rows


def test_every_registered_rule_is_in_the_catalog_document_with_its_id_and_name():
    rows = documented_rules()
    rules = registry.all_rules()
    missing = [f"{rule.id} {rule.name}" for rule in rules if rule.id not in rows]
    assert not missing, f"docs/rules.md lacks {missing}"
    misnamed = [f"{rule.id}: {rows[rule.id][0]} ≠ {rule.name}" for rule in rules if rows[rule.id][0] != rule.name]
    assert not misnamed, misnamed


def test_the_catalog_document_lists_no_rule_the_registry_lacks():
    unknown = sorted(set(documented_rules()) - {rule.id for rule in registry.all_rules()})
    assert not unknown, f"docs/rules.md describes rules that are not registered: {unknown}"


def test_the_catalog_document_gives_each_rule_its_scope_severity_and_parameters():
    rows = documented_rules()
    wrong = []
    for rule in registry.all_rules():
        _name, scope, severity, _condition, parameters = rows[rule.id]
        if scope != rule.scope_label:
            wrong.append(f"{rule.id} scope {scope} ≠ {rule.scope_label}")
        if severity != Severity(rule.severity).label:
            wrong.append(f"{rule.id} severity {severity} ≠ {Severity(rule.severity).label}")
        wrong += [f"{rule.id} does not name {key}" for key in rule.parameters if f"`{key}`" not in parameters]
    assert not wrong, wrong
