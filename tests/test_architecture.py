"""The house's layers (docs/architecture.md) hold: `lint-imports` passes on the code, fails on a
forbidden arrow, and its contracts are the layers the document lists."""

import re
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
LINT_IMPORTS = Path(sys.executable).with_name("lint-imports")
CONFIG = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["importlinter"]


def lint_imports(tree: Path) -> subprocess.CompletedProcess:
    return subprocess.run([str(LINT_IMPORTS), "--no-cache"], cwd=tree, capture_output=True, text=True,
                          env={"PYTHONPATH": str(tree), "PATH": "/usr/bin:/bin"}, timeout=300)


@pytest.fixture
def copy_of_the_code(tmp_path) -> Path:
    for package in CONFIG["root_packages"]:
        shutil.copytree(ROOT / package, tmp_path / package,
                        ignore=shutil.ignore_patterns("__pycache__", "migrations"))
    shutil.copy(ROOT / "pyproject.toml", tmp_path)
    return tmp_path


def test_it_passes_on_the_code_as_it_is():
    result = lint_imports(ROOT)
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize("module, forbidden", [
    ("households/models.py", "from rules import registry"),
    ("households/changes/views.py", "from audits import ticket_services"),
    ("audits/services.py", "from rules import registry"),
    ("trail/services.py", "from households import models"),
    ("accounts/roles.py", "from audits import models"),
])
def test_it_fails_on_a_forbidden_import(copy_of_the_code, module, forbidden):
    path = copy_of_the_code / module
    path.write_text(path.read_text() + f"\n\ndef sneaky():\n    {forbidden}  # inside a function: still an arrow\n")
    result = lint_imports(copy_of_the_code)
    assert result.returncode != 0
    importer = module.removesuffix(".py").replace("/", ".")
    assert importer in result.stdout


def test_the_document_lists_the_contracts_layers():
    documented = (ROOT / "docs" / "architecture.md").read_text()
    layers = next(c for c in CONFIG["contracts"] if c["type"] == "layers")["layers"]
    for layer in layers:
        for module in re.split(r"\s*[:|]\s*", layer):
            assert f"`{module}`" in documented, f"{module} is a layer in pyproject.toml but not in docs/architecture.md"
    for contract in CONFIG["contracts"]:
        assert contract["name"] in documented, f"contract {contract['id']!r} is not described in docs/architecture.md"
