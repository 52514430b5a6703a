"""The repository stands on its own: a clone with nothing beside it runs the demo.

The clone is of the committed HEAD, in a temporary folder that holds nothing else (no
reference folder beside it), with none of the settings variables set. It runs what bin/demo runs after
bin/setup (bin/demo-env, migrate, seed_demo, runserver) and an operator command typed by
hand. One test, so that the migrations run once: still among the slowest of the suite.
"""

import re
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
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


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def fetch(url: str) -> tuple[int, bytes]:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()


def test_a_clone_with_nothing_beside_it_seeds_serves_and_runs_operator_commands(clone):
    run([clone / "bin" / "demo-env"], cwd=clone)
    assert re.search(r"^SECRET_KEY=[A-Za-z0-9]{50}$", (clone / ".env").read_text(), re.M)
    assert subprocess.run(["git", "status", "--porcelain"], cwd=clone, capture_output=True,
                          text=True).stdout == "", ".env must be ignored by git"

    env = bare_environment()  # every setting comes from the clone's .env and the defaults

    def manage(*args):
        return run([sys.executable, "manage.py", *args], cwd=clone, env=env)

    where = run([sys.executable, "-c", "import households; print(households.__file__)"], cwd=clone, env=env)
    assert Path(where.stdout.strip()).is_relative_to(clone), "the clone's own code must run"

    manage("migrate", "--noinput", "-v", "0")
    seeded = manage("seed_demo", "--households", "20")
    assert "已建立演示县 兴国县（360732）" in seeded.stdout
    assert (clone / "var" / "monitoring.sqlite3").is_file()

    # An operator command typed by hand right after the demo, as the README writes it.
    exported = manage("export_registry", "registry.xlsx")
    assert re.search(r"户信息\s+20 行", exported.stdout), exported.stdout
    assert (clone / "registry.xlsx").stat().st_size > 0

    # The demo's mode: DEBUG off (the site's own error pages), plain HTTP, tasks in-process.
    mode = run([sys.executable, "-c", "import django; django.setup(); from django.conf import settings as s; "
                "print(s.DEBUG, s.SECURE_SSL_REDIRECT, s.ALLOWED_HOSTS, s.WHITENOISE_USE_FINDERS, "
                "s.STATIC_MANIFEST, s.CELERY_TASK_ALWAYS_EAGER)"],
               cwd=clone, env={**env, "DJANGO_SETTINGS_MODULE": "monitoring.settings"})
    assert mode.stdout.split() == ["False", "False", "['*']", "True", "False", "True"]

    # What bin/demo ends with: runserver serves pages and static files without collectstatic.
    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "manage.py", "runserver", "--noreload", f"127.0.0.1:{port}"],
        cwd=clone, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    try:
        base = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 60
        while True:
            try:
                status, body = fetch(base + "/accounts/login/")
                break
            except (urllib.error.URLError, ConnectionError):
                assert server.poll() is None and time.monotonic() < deadline, "runserver did not start"
                time.sleep(0.3)
        assert status == 200 and "登录".encode() in body
        stylesheet = re.search(rb'href="(/static/css/[^"]+\.css)"', body).group(1).decode()
        assert fetch(base + stylesheet)[0] == 200
        assert fetch(base + "/static/vendor/htmx/htmx.min.js")[0] == 200
        status, body = fetch(base + "/no-such-page/")
        assert status == 404 and b"Using the URLconf" not in body  # not Django's debug page
    finally:
        server.terminate()
        server.wait(timeout=30)
