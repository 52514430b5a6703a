"""Department lists for the demo county: a few names from each department, some of them
disagreeing with the registry (so the D rules find something), some matching nobody."""

import datetime
import random
from decimal import Decimal

from django.db import transaction

from households import id_numbers
from households.choices import DisabilityGrade, MemberStatus
from households.models import Member
from households.table_stats import analyze

from rules.models import DepartmentBatch, DepartmentRecord, DepartmentSource


SCHOOL = ("primary", "junior", "senior")


@transaction.atomic
def build_demo_department_lists(*, county_code: str, year: int, seed: int = 1) -> dict[str, int]:
    """One list per source for `year`; returns the rows written per source."""
    rng = random.Random(seed)
    members = list(
        Member.objects.filter(household__village__code__startswith=county_code, status=MemberStatus.NORMAL,
                              id_valid=True)
        .values_list("id_number", "name", "student_status", "disability_grade", "employment")
        .order_by("pk")
    )
    if not members:
        return {}

    def pick(share: float, condition=lambda m: True):
        chosen = [m for m in members if condition(m)]
        return rng.sample(chosen, min(len(chosen), max(1, int(len(members) * share))))

    lists = {
        DepartmentSource.DEATHS: [(m, {"date_value": None}) for m in pick(0.001)],
        DepartmentSource.ENROLMENT: [(m, {"text_value": m[2] if m[2] in SCHOOL else "junior"})
                                    for m in pick(0.02, lambda m: m[2] in SCHOOL) + pick(0.001, lambda m: m[2] == "not_student")],
        DepartmentSource.DROPOUTS: [(m, {}) for m in pick(0.001)],
        DepartmentSource.SUBSISTENCE: [(m, {"amount": Decimal("3600")}) for m in pick(0.004)],
        DepartmentSource.EXTREME_POVERTY: [(m, {"amount": Decimal("6000")}) for m in pick(0.003)],
        DepartmentSource.DISABILITY: [(m, {"text_value": m[3] if m[3] not in ("", DisabilityGrade.NONE) and rng.random() < .7
                                           else rng.choice(["grade_1", "grade_2", "grade_3", "grade_4"])})
                                      for m in pick(0.01, lambda m: m[3] not in ("", DisabilityGrade.NONE))],
        DepartmentSource.LARGE_MEDICAL: [(m, {"amount": Decimal(rng.choice(["8000", "15000", "26000", "48000"]))})
                                         for m in pick(0.004)],
        DepartmentSource.UNSAFE_HOUSING: [(m, {"text_value": rng.choice(["C级", "D级"])}) for m in pick(0.001)],
        DepartmentSource.EMPLOYMENT: [(m, {"months": rng.randint(3, 12)})
                                      for m in pick(0.03, lambda m: m[4] not in ("", "none")) + pick(0.001, lambda m: m[4] == "none")],
    }
    written = {}
    for source, rows in lists.items():
        batch = DepartmentBatch.objects.create(source=source, year=year, file_name="演示数据")
        records = [DepartmentRecord(batch=batch, row_number=n, id_number=m[0], name=m[1], matched=True, **extra)
                   for n, (m, extra) in enumerate(rows, start=2)]
        stranger = id_numbers.make(county_code, datetime.date(1975, 6, 1), 999)
        records.append(DepartmentRecord(batch=batch, row_number=len(records) + 2, id_number=stranger,
                                        name="外县人员", matched=False))
        DepartmentRecord.objects.bulk_create(records)
        batch.row_count, batch.matched_count = len(records), len(records) - 1
        batch.save(update_fields=["row_count", "matched_count"])
        written[source] = len(records)
    analyze(DepartmentRecord)  # once committed
    return written

