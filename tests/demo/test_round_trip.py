"""The system's own export imports back with zero changes, on a county holding every oddity the demo makes."""

import importlib
import io

import pytest
from django.apps import apps
from django.core.management import call_command

from demo.county import build_demo_county
from households.models import Member
from households.workbook.models import RegistryImport

COUNTY = "340323"
pytestmark = pytest.mark.django_db
migration = importlib.import_module("households.migrations.0009_normalise_stored_id_numbers")


@pytest.fixture
def demo():
    counts = build_demo_county(county_code=COUNTY, households=300, seed=7)
    # What the demo's planted defects give: bad IDs (B01), one person in two households (B02),
    # two heads or none (B05), and the rest; each is imported as it is, for the rules to find.
    assert all(counts["defects"][code] for code in ("B01", "B02", "B05", "B06", "B07"))
    return counts


def stored():
    return list(Member.objects.values().order_by("pk"))


def run(*args) -> dict:
    call_command(*args, stdout=io.StringIO(), stderr=io.StringIO())
    record = RegistryImport.objects.latest("pk")
    return {sheet: (c["created"], c["updated"]) for sheet, c in record.counts.items()}


def no_changes() -> dict:
    return {sheet: (0, 0) for sheet in ("区划", "户信息", "家庭成员", "年度收入", "帮扶措施")}


def test_the_demo_county_exported_imports_back_with_zero_changes_with_or_without_member_numbers(demo, tmp_path):
    import openpyxl

    out = tmp_path / "county.xlsx"
    # A member stored with a lower-case x, as the demo stored two of them before the migration.
    member = Member.objects.filter(household__village__code__startswith=COUNTY, id_number__endswith="X").first()
    Member.objects.filter(pk=member.pk).update(id_number=member.id_number[:17] + "x", id_valid=False)
    migration.normalise_members(apps, None)
    before = stored()
    call_command("export_registry", str(out), "--county", COUNTY, stdout=io.StringIO())
    assert run("import_registry", str(out), "--dry-run") == no_changes()
    assert run("import_registry", str(out)) == no_changes()
    assert stored() == before

    workbook = openpyxl.load_workbook(out)  # a workbook without 成员编号 matches on the ID numbers
    sheet = workbook["家庭成员"]
    assert sheet.cell(1, sheet.max_column).value == "成员编号"
    sheet.delete_cols(sheet.max_column)
    workbook.save(out)
    assert run("import_registry", str(out)) == no_changes()
    assert stored() == before


def test_a_lowercase_x_stored_before_the_migration_is_matched_not_registered_again(demo, tmp_path):
    out = str(tmp_path / "county.xlsx")
    member = Member.objects.filter(household__village__code__startswith=COUNTY, id_number__endswith="X").first()
    Member.objects.filter(pk=member.pk).update(id_number=member.id_number[:17] + "x", id_valid=False)
    members = Member.objects.count()
    call_command("export_registry", out, "--county", COUNTY, stdout=io.StringIO())
    changes = run("import_registry", out)
    assert changes["家庭成员"] == (0, 1) and Member.objects.count() == members
    member.refresh_from_db()
    assert (member.id_number[-1], member.id_valid) == ("X", True)
