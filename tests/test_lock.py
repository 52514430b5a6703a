"""The lock files pin, with hashes, every package pyproject.toml asks for, at a release its
range allows: what bin/setup, CI and the Docker image install is what was declared."""

import re
import tomllib
from pathlib import Path

import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parent.parent
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text())
PIN = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*)==([^ \\]+)")


def pins_of(lock_name):
    text = (ROOT / lock_name).read_text()
    blocks = re.split(r"\n(?=[A-Za-z0-9])", text)
    pins = {}
    for block in blocks:
        match = PIN.match(block)
        if match:
            pins[canonicalize_name(match[1])] = (match[2], block.count("--hash=sha256:"))
    return pins


RUNTIME = [Requirement(r) for r in PYPROJECT["project"]["dependencies"]]
TEST = [Requirement(r) for r in PYPROJECT["project"]["optional-dependencies"]["test"]]
BUILD = [Requirement(r) for r in PYPROJECT["build-system"]["requires"]]


@pytest.mark.parametrize(
    ("lock_name", "requirements"),
    [("requirements.lock", RUNTIME), ("requirements-test.lock", RUNTIME + TEST + BUILD)],
)
def test_it_pins_every_declared_package_within_its_range(lock_name, requirements):
    pins = pins_of(lock_name)
    for requirement in requirements:
        name = canonicalize_name(requirement.name)
        assert name in pins, f"{lock_name} does not pin {requirement.name}: run bin/lock"
        version, _ = pins[name]
        assert requirement.specifier.contains(version, prereleases=True), (
            f"{lock_name} pins {requirement.name}=={version}, outside {requirement.specifier}: run bin/lock"
        )


@pytest.mark.parametrize("lock_name", ["requirements.lock", "requirements-test.lock"])
def test_it_gives_every_pin_a_hash(lock_name):
    pins = pins_of(lock_name)
    assert pins
    assert [name for name, (_, hashes) in pins.items() if hashes == 0] == []


def test_both_locks_agree_on_every_shared_package():
    runtime, test = pins_of("requirements.lock"), pins_of("requirements-test.lock")
    assert {n: v for n, (v, _) in runtime.items() if test.get(n, (None,))[0] != v} == {}
