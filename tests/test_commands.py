"""Operator commands: settings from the checkout's .env, and bad input ending in one Chinese line."""

import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import CommandError

from tests.builders import make_year
from tests.processes import bare_environment


def python(code: str, **variables) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-c", code], cwd=settings.BASE_DIR, env=bare_environment(**variables),
        capture_output=True, text=True, timeout=120,
    )


def env_file(tmp_path, text: str) -> str:
    path = tmp_path / "demo.env"
    path.write_text(text)
    return str(path)


def test_manage_py_without_a_secret_key_says_what_to_set_in_one_line(tmp_path):
    result = subprocess.run(
        [sys.executable, "manage.py", "export_registry", str(tmp_path / "x.xlsx")],
        cwd=settings.BASE_DIR, env=bare_environment(ENV_FILE=""),
        capture_output=True, text=True, timeout=120,
    )
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("配置有误：未设置 SECRET_KEY")
    assert ".env" in lines[0] and "bin/demo" in lines[0]


def test_manage_py_with_a_malformed_database_url_says_so_in_one_line():
    result = subprocess.run(
        [sys.executable, "manage.py", "check"], cwd=settings.BASE_DIR,
        env=bare_environment(ENV_FILE="", SECRET_KEY="x" * 50, DATABASE_URL="mysq://u:pw@host/db"),
        capture_output=True, text=True, timeout=120,
    )
    assert result.returncode == 1
    assert result.stderr.strip().splitlines() == [
        "配置有误：DATABASE_URL「mysq://…」无法识别：应为 postgres://用户:密码@主机:5432/库名 "
        "或 sqlite:////绝对路径/文件.sqlite3"
    ]


def test_settings_read_the_env_file_for_what_the_environment_does_not_set(tmp_path):
    path = env_file(tmp_path, "SECRET_KEY=from-the-file\nDEBUG=false\nHTTPS=false\nALLOWED_HOSTS=*\n"
                              "STATIC_FROM_SOURCE=true\n")
    result = python(
        "from monitoring import settings as s; "
        "print(s.SECRET_KEY, s.DEBUG, s.SECURE_SSL_REDIRECT, s.ALLOWED_HOSTS, "
        "s.WHITENOISE_USE_FINDERS, s.STATIC_MANIFEST)",
        ENV_FILE=path,
    )
    assert result.stdout.split() == ["from-the-file", "False", "False", "['*']", "True", "False"], result.stderr


def test_the_environment_wins_over_the_env_file(tmp_path):
    path = env_file(tmp_path, "SECRET_KEY=from-the-file\nALLOWED_HOSTS=*\n")
    result = python(
        "from monitoring import settings as s; print(s.SECRET_KEY, s.ALLOWED_HOSTS)",
        ENV_FILE=path, SECRET_KEY="from-the-environment",
    )
    assert result.stdout.split() == ["from-the-environment", "['*']"], result.stderr


def test_the_settings_read_the_checkouts_own_env_file_by_default():
    result = python("from monitoring import settings as s; print(s.ENV_FILE)", SECRET_KEY="x")
    assert result.stdout.strip() == str(Path(settings.BASE_DIR) / ".env"), result.stderr


def test_the_test_settings_ignore_a_developers_env_file(tmp_path):
    path = env_file(tmp_path, "SECRET_KEY=from-the-file\nDEBUG=true\nALLOWED_HOSTS=*\n")
    result = python(
        "from monitoring import settings_test as s; print(s.SECRET_KEY, s.DEBUG, s.ALLOWED_HOSTS)",
        ENV_FILE=path,
    )
    assert result.stdout.split() == [
        "test-only-secret-key", "False", "['localhost',", "'127.0.0.1',", "'[::1]']"
    ], result.stderr


@pytest.mark.django_db
@pytest.mark.parametrize("command", [
    ["import_registry"],
    ["import_areas"],
    ["import_department", "民政-低保"],
])
def test_an_import_of_a_missing_file_is_one_chinese_line(command, tmp_path):
    make_year(2025, "7600")
    missing = tmp_path / "nope.csv" if "registry" not in command[0] else tmp_path / "nope.xlsx"
    with pytest.raises(CommandError, match=r"^找不到文件 .*nope\.(csv|xlsx)") as raised:
        call_command(*command, str(missing))
    assert "\n" not in str(raised.value)


@pytest.mark.django_db
@pytest.mark.parametrize("command", ["export_registry", "export_ledger"])
def test_an_export_to_a_folder_is_one_chinese_line(command, tmp_path):
    folder = tmp_path / "out.xlsx"
    folder.mkdir()
    with pytest.raises(CommandError, match=r"^.*out\.xlsx 是目录：请给出要写入的文件名（\.xlsx）$"):
        call_command(command, str(folder))


@pytest.mark.django_db
@pytest.mark.skipif(not Path("/proc/self").is_dir(), reason="needs Linux's /proc, where nobody may create a file")
@pytest.mark.parametrize("command", ["export_registry", "export_ledger"])
def test_an_export_to_a_place_that_cannot_be_written_is_one_chinese_line(command):
    with pytest.raises(CommandError, match=r"^无法写入 /proc/out\.xlsx：该位置不能建立文件$"):
        call_command(command, "/proc/out.xlsx")


@pytest.mark.django_db
def test_an_export_to_a_writable_path_still_writes_the_workbook(tmp_path):
    out = tmp_path / "registry.xlsx"
    call_command("export_registry", str(out), verbosity=0)
    assert out.stat().st_size > 0


def test_a_command_before_migrate_says_to_migrate_in_one_line(tmp_path):
    result = subprocess.run(
        [sys.executable, "manage.py", "export_registry", str(tmp_path / "x.xlsx")],
        cwd=settings.BASE_DIR, capture_output=True, text=True, timeout=120,
        env=bare_environment(ENV_FILE="", SECRET_KEY="x" * 50,
                             DATABASE_URL=f"sqlite:///{tmp_path / 'empty.sqlite3'}"),
    )
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert result.stderr.strip().splitlines() == [
        "数据库尚未建表：请先运行 python manage.py migrate（no such table: households_area）"
    ]
