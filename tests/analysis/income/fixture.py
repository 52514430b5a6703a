"""A small county whose income analysis was computed by hand (see EXPECTED_* below).

County 360999, year 2025, monitoring line 7600, attention line 10000 (the default).
Township 360999001 has villages 001 (eight counted households), 002 (one, for half-up
rounding) and 003 (one, for net operating income); township 360999002 has one village
and nobody counted in it.
"""

import datetime
from decimal import Decimal

from accounts.roles import Role
from households.choices import MemberStatus
from households.models import YearParameters
from tests.builders import make_area, make_household, make_income, make_member, make_user

COUNTY = "360999"
TOWNSHIP = "360999001"
EMPTY_TOWNSHIP = "360999002"
V1, V2, V3 = "360999001001", "360999001002", "360999001003"
EMPTY_VILLAGE = "360999002001"
YEAR = 2025


def build_county():
    make_area(COUNTY, "测试县")
    make_area(TOWNSHIP, "甲镇")
    make_area(EMPTY_TOWNSHIP, "乙乡")
    for code, name in [(V1, "一村"), (V2, "二村"), (V3, "三村"), (EMPTY_VILLAGE, "空村")]:
        make_area(code, name)
    YearParameters.objects.create(county=COUNTY, year=YEAR, monitoring_line=Decimal("7600"), is_current=True)
    made = {}

    def household(key, village, members, removed_on=None, **years):
        h = make_household(village, members=members, number=f"{village}{len(made) + 1:05d}", removed_on=removed_on)
        for year, amounts in years.items():
            make_income(h, int(year[1:]), **amounts)
        made[key] = h
        return h

    # pc: 5000 < 6000 (fell one year; 6000 > 5500 so not two); below the monitoring line
    household("fall1", V1, 1, y2025={"wage": 5000}, y2024={"wage": 6000}, y2023={"wage": 5500})
    # pc: 8000 < 9000 < 10000, no 2022 record: fell two years, not three; between the lines
    household("fall2", V1, 2, y2025={"wage": 16000}, y2024={"wage": 18000}, y2023={"wage": 20000})
    # pc: 12000 < 13000 < 14000 < 15000: fell three years
    household("fall3", V1, 1, y2025={"wage": 12000}, y2024={"wage": 13000}, y2023={"wage": 14000},
              y2022={"wage": 15000})
    # exactly 30 % more: not counted
    household("grow30", V1, 1, y2025={"wage": 13000}, y2024={"wage": 10000})
    # a cent above 30 %: counted in 30 % only
    household("grow_just", V1, 1, y2025={"wage": "13000.01"}, y2024={"wage": 10000})
    # pc 10000.01 > 5000 × 2: counted in 30 %, 50 % and 100 %; transfer income only
    household("grow100", V1, 2, y2025={"transfer_total": "20000.02", "subsistence": 1},
              y2024={"transfer_total": 10000})
    # pc(Y−1) = 0: no growth; 9000 lies between the lines
    household("zero_last", V1, 1, y2025={"wage": 9000}, y2024={"wage": 0})
    # exactly at the monitoring line: not below, between; no record for 2024
    household("at_line", V1, 1, y2025={"wage": 7600})
    # not counted: removed, nobody active, no record for Y
    household("removed", V1, 1, y2025={"wage": 100}, removed_on=datetime.date(2025, 3, 1))
    gone = household("no_members", V1, 1, y2025={"wage": 100})
    gone.members.update(status=MemberStatus.DECEASED)
    household("no_record", V1, 2, y2024={"wage": 100})
    # 1000.01 / 2 = 500.005 → 500.01 half-up (banker's rounding would say 500.00)
    household("half", V2, 2, y2025={"wage": "1000.01"})
    # net operating 3000 − 1000 = 2000 against 500: grew by more than 100 %
    household("operating", V3, 1, y2025={"operating_income": 3000, "operating_expense": 1000},
              y2024={"operating_income": 500})
    # a member who moved out does not count in the size
    make_member(made["fall2"], status=MemberStatus.MOVED_OUT)
    return made


def users():
    return {
        "county": make_user("income_county", Role.COUNTY_STAFF, COUNTY),
        "reviewer": make_user("income_reviewer", Role.TOWNSHIP_REVIEWER, TOWNSHIP),
        "other_reviewer": make_user("income_other", Role.TOWNSHIP_REVIEWER, EMPTY_TOWNSHIP),
        "clerk": make_user("income_clerk", Role.VILLAGE_CLERK, V1),
        "inspector": make_user("income_inspector", Role.INSPECTOR, COUNTY),
    }


D = Decimal
# Every column of operations.md, computed by hand from the households above.
EXPECTED_V1 = {
    "户数": 8, "人口": 10,
    "人均纯收入": D("9560.00"),  # 95600.03 / 10
    "人均纯收入上年": D("7444.44"),  # 67000 / 9 (at_line has no 2024 record)
    "下降户数": 3, "连续两年下降户数": 2, "连续三年下降户数": 1,
    "增幅超30%户数": 2, "增幅超50%户数": 1, "增幅超100%户数": 1,
    "低于监测线户数": 1, "监测线至关注线户数": 3,
    "人均工资性收入": D("7560.00"),  # 75600.01 / 10
    "人均公益性岗位收入": D("0.00"), "人均生产经营性净收入": D("0.00"), "人均财产性收入": D("0.00"),
    "人均转移性收入": D("2000.00"),  # 20000.02 / 10
    "人均工资性收入上年": D("6333.33"),  # 57000 / 9
    "人均公益性岗位收入上年": D("0.00"), "人均生产经营性净收入上年": D("0.00"), "人均财产性收入上年": D("0.00"),
    "人均转移性收入上年": D("1111.11"),  # 10000 / 9
}
EXPECTED_TOWNSHIP = {
    "户数": 10, "人口": 13,
    "人均纯收入": D("7584.62"),  # 98600.04 / 13 = 7584.618…
    "人均纯收入上年": D("6750.00"),  # 67500 / 10
    "下降户数": 3, "连续两年下降户数": 2, "连续三年下降户数": 1,
    "增幅超30%户数": 3, "增幅超50%户数": 2, "增幅超100%户数": 2,
    "低于监测线户数": 3, "监测线至关注线户数": 3,
    "人均工资性收入": D("5892.31"),  # 76600.02 / 13 = 5892.309…
    "人均公益性岗位收入": D("0.00"),
    "人均生产经营性净收入": D("153.85"),  # 2000 / 13 = 153.846…
    "人均财产性收入": D("0.00"),
    "人均转移性收入": D("1538.46"),  # 20000.02 / 13 = 1538.463…
    "人均工资性收入上年": D("5700.00"),  # 57000 / 10
    "人均公益性岗位收入上年": D("0.00"),
    "人均生产经营性净收入上年": D("50.00"),  # 500 / 10
    "人均财产性收入上年": D("0.00"),
    "人均转移性收入上年": D("1000.00"),  # 10000 / 10
}
EXPECTED_EMPTY = {
    "户数": 0, "人口": 0, "人均纯收入": None, "人均纯收入上年": None,
    "下降户数": 0, "连续两年下降户数": 0, "连续三年下降户数": 0,
    "增幅超30%户数": 0, "增幅超50%户数": 0, "增幅超100%户数": 0, "低于监测线户数": 0, "监测线至关注线户数": 0,
    **{name: None for name in ("人均工资性收入", "人均公益性岗位收入", "人均生产经营性净收入", "人均财产性收入",
                               "人均转移性收入", "人均工资性收入上年", "人均公益性岗位收入上年",
                               "人均生产经营性净收入上年", "人均财产性收入上年", "人均转移性收入上年")},
}
