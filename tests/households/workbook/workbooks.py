"""Writing registry workbooks in the tests, the way other people's software writes them.

`sample_rows()` is a small valid county as {sheet: [row dicts keyed by column code]};
`write_workbook()` writes such rows with Chinese (or English) headers, in any column
order, with extra columns and without some sheets, through openpyxl.
"""

import datetime
import io
import zipfile
from pathlib import Path

import openpyxl

from households import id_numbers
from households.workbook.template import SHEETS

COUNTY = "230381"
TOWNSHIP = "230381100"
VILLAGE = "230381100201"
VILLAGE_2 = "230381100202"
NEW_VILLAGE = "230381100299"
SPECS = {spec.name: spec for spec in SHEETS}


def member_id(born: datetime.date, sequence: int) -> str:
    return id_numbers.make(COUNTY, born, sequence)


def sample_rows() -> dict[str, list[dict]]:
    """Two households of county 230381, with members, two years of income and measures."""
    return {
        "区划": [
            {"code": COUNTY, "name": "虎林市"},
            {"code": TOWNSHIP, "name": "虎头镇"},
            {"code": VILLAGE, "name": "虎头村"},
            {"code": VILLAGE_2, "name": "石门村"},
            {"code": NEW_VILLAGE, "name": "新建村"},
        ],
        "户信息": [
            {"household_no": "H0001", "village_code": VILLAGE, "natural_village": "一组", "address": "虎头村一组8号",
             "household_type": "脱贫户", "alleviation_year": 2018, "monitoring_type": "脱贫不稳定户",
             "risk_status": "风险未消除", "included_on": datetime.date(2023, 5, 6), "eliminated_on": None,
             "risk_types": "因病、因学", "phone": "13800138000", "housing_safe": "是", "water_safe": "是",
             "longitude": 132.941234, "latitude": 45.761234, "helper_name": "王海", "helper_phone": "13900139000",
             "helper_employer": "虎林市农业农村局"},
            {"household_no": "H0002", "village_code": NEW_VILLAGE, "natural_village": "", "address": "新建村三组",
             "household_type": "一般农户", "alleviation_year": None, "monitoring_type": None, "risk_status": None,
             "included_on": None, "eliminated_on": None, "risk_types": None, "phone": "04515123456",
             "housing_safe": "否", "water_safe": "是", "longitude": None, "latitude": None, "helper_name": None,
             "helper_phone": None, "helper_employer": None},
        ],
        "家庭成员": [
            {"household_no": "H0001", "name": "李大山", "id_number": member_id(datetime.date(1970, 3, 4), 11),
             "gender": "男", "birth_date": datetime.date(1970, 3, 4), "ethnicity": "汉族", "relationship": "户主",
             "education": "初中", "student_status": "非在校生", "health": "长期慢性病", "disability_grade": "无",
             "labour_ability": "普通劳动力", "employment": "乡镇内务工", "months_worked": 6,
             "public_welfare_job": "否", "medical_insurance": "城乡居民基本医疗保险",
             "pension_insurance": "城乡居民基本养老保险", "status": "正常"},
            {"household_no": "H0001", "name": "李小花", "id_number": member_id(datetime.date(2010, 9, 1), 22),
             "gender": "女", "birth_date": datetime.date(2010, 9, 1), "ethnicity": "汉族", "relationship": "之女",
             "education": "小学", "student_status": "初中", "health": "健康", "disability_grade": "无",
             "labour_ability": "无劳动力", "employment": "未务工", "months_worked": 0, "public_welfare_job": "否",
             "medical_insurance": "城乡居民基本医疗保险", "pension_insurance": "未参保", "status": "正常"},
            {"household_no": "H0002", "name": "赵田", "id_number": "23038119601301001X",  # invalid: month 13
             "gender": "男", "birth_date": datetime.date(1960, 1, 30), "ethnicity": "满族", "relationship": "户主",
             "education": "小学", "student_status": "非在校生", "health": "健康", "disability_grade": "二级",
             "labour_ability": "弱劳动力或半劳动力", "employment": "未务工", "months_worked": None,
             "public_welfare_job": "是", "medical_insurance": "城乡居民基本医疗保险",
             "pension_insurance": "城乡居民基本养老保险", "status": "正常"},
        ],
        "年度收入": [
            {"household_no": "H0001", "year": 2024, "wage": 18000, "public_welfare_income": 0,
             "operating_income": 5200.5, "operating_expense": 1200, "property_income": 300, "transfer_total": 2400,
             "family_planning": 0, "subsistence": 1800, "extreme_poverty_support": 0, "pension": 600,
             "eco_compensation": 0, "other_transfer": 0, "medical_expense": 3500, "education_expense": 800},
            {"household_no": "H0001", "year": 2025, "wage": 21000, "public_welfare_income": None,
             "operating_income": 6000, "operating_expense": 1500, "property_income": None, "transfer_total": 2600,
             "family_planning": None, "subsistence": 2000, "extreme_poverty_support": None, "pension": 600,
             "eco_compensation": None, "other_transfer": None, "medical_expense": 4100, "education_expense": 900},
            {"household_no": "H0002", "year": 2025, "wage": 0, "public_welfare_income": 6000,
             "operating_income": 2000, "operating_expense": 500, "property_income": 0, "transfer_total": 1200,
             "family_planning": 0, "subsistence": 0, "extreme_poverty_support": 0, "pension": 1200,
             "eco_compensation": 0, "other_transfer": 0, "medical_expense": 0, "education_expense": 0},
        ],
        "帮扶措施": [
            {"household_no": "H0001", "year": 2025, "measure_type": "健康帮扶", "content": "家庭医生签约服务"},
            {"household_no": "H0001", "year": 2025, "measure_type": "教育帮扶", "content": "雨露计划补助"},
            {"household_no": "H0002", "year": 2025, "measure_type": "公益性岗位", "content": "护林员"},
        ],
    }


def write_workbook(
    path: Path | str,
    rows: dict[str, list[dict]] | None = None,
    *,
    english: bool = False,
    order: dict[str, list[str]] | None = None,
    extra: dict[str, dict[str, object]] | None = None,
    drop_sheets: tuple[str, ...] = (),
    drop_columns: dict[str, list[str]] | None = None,
    trailing_empty_rows: int = 0,
) -> Path:
    """Write `rows` (default: sample_rows()) as a registry workbook at `path`.

    `order` gives a sheet's column codes in the order to write them; `extra` adds a column
    (header → value on every row) at the end; `trailing_empty_rows` appends rows of empty
    strings and None, as a spreadsheet that was once longer leaves behind.
    """
    rows = sample_rows() if rows is None else rows
    workbook = openpyxl.Workbook()
    workbook.remove(workbook.active)
    for name, spec in SPECS.items():
        if name in drop_sheets:
            continue
        sheet = workbook.create_sheet(name)
        codes = (order or {}).get(name) or [c.code for c in spec.columns]
        codes = [code for code in codes if code not in (drop_columns or {}).get(name, [])]
        headers = [code if english else spec.column(code).header for code in codes]
        extras = (extra or {}).get(name, {})
        sheet.append(headers + list(extras))
        for row in rows.get(name, []):
            sheet.append([row.get(code) for code in codes] + list(extras.values()))
        for _ in range(trailing_empty_rows):
            sheet.append(["", None, " "])
    workbook.save(path)
    return Path(path)


def sheet_values(path: Path | str) -> dict[str, list[tuple]]:
    """Every sheet's cell values, row by row (for comparing two workbooks)."""
    workbook = openpyxl.load_workbook(path, read_only=True)
    try:
        return {ws.title: [tuple(row) for row in ws.iter_rows(values_only=True)] for ws in workbook.worksheets}
    finally:
        workbook.close()


def rewrite_part(path: Path | str, part: str, change) -> None:
    """Replace one XML part of an .xlsx in place with change(old_text) (e.g. a wrong <dimension>)."""
    source = Path(path).read_bytes()
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(source)) as old, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as new:
        for item in old.infolist():
            data = old.read(item.filename)
            if item.filename == part:
                data = change(data.decode()).encode()
            new.writestr(item, data)
    Path(path).write_bytes(out.getvalue())
