"""The repository stands on its own: a clone with nothing beside it runs the demo's commands.

The clone is of the committed HEAD, in a temporary folder that holds nothing else (no
`../shared`), with none of the settings variables set: it runs what bin/demo runs after
bin/setup (bin/demo-env, migrate, seed_demo) and then an operator command typed by hand.
"""

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings

from tests.processes import bare_environment

BASE_DIR = Path(settings.BASE_DIR)


def run(command, *, cwd, env=None) -> subprocess.CompletedProcess:
    result = subprocess.run(
        [str(part) for part in command], cwd=cwd, env=env,
        capture_output=True, text=True, timeout=600,
    )
    assert result.returncode == 0, f"{command}:\n{result.stdout}\n{result.stderr}"
    return result


@pytest.fixture
def clone(tmp_path) -> Path:
    if shutil.which("git") is None:
        pytest.skip("git is not installed")
    inside = subprocess.run(["git", "-C", BASE_DIR, "rev-parse", "--is-inside-work-tree"],
                            capture_output=True, text=True)
    if inside.stdout.strip() != "true":
        pytest.skip("the project is not a git checkout here")
    target = tmp_path / "clone"
    # safe.directory: CI runs as root on a checkout that root may not own.
    run(["git", "-c", "safe.directory=*", "clone", "-q", "--no-hardlinks", BASE_DIR, target], cwd=tmp_path)
    assert [path.name for path in tmp_path.iterdir()] == ["clone"]
    return target


def test_a_clone_with_nothing_beside_it_seeds_the_demo_county_and_serves_operator_commands(clone):
    run([clone / "bin" / "demo-env"], cwd=clone)
    assert re.search(r"^SECRET_KEY=[A-Za-z0-9]{50}$", (clone / ".env").read_text(), re.M)
    assert subprocess.run(["git", "status", "--porcelain"], cwd=clone, capture_output=True,
                          text=True).stdout == "", ".env must be ignored by git"

    env = bare_environment()  # every setting comes from the clone's .env and defaults

    def manage(*args):
        return run([sys.executable, "manage.py", *args], cwd=clone, env=env)

    where = run([sys.executable, "-c", "import households; print(households.__file__)"], cwd=clone, env=env)
    assert Path(where.stdout.strip()).is_relative_to(clone), "the clone's own code must run"

    manage("migrate", "--noinput", "-v", "0")
    seeded = manage("seed_demo", "--households", "20")
    assert "已建立演示县 兴国县（360732）" in seeded.stdout
    assert (clone / "var" / "monitoring.sqlite3").is_file()

    exported = manage("export_registry", "registry.xlsx")
    assert re.search(r"户信息\s+20 行", exported.stdout), exported.stdout
    assert (clone / "registry.xlsx").stat().st_size > 0
