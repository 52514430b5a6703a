import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from trail.models import AuditAction, AuditEvent
from households import id_numbers
from households.choices import MonitoringType, RiskStatus
from tests.builders import make_household, make_income, make_member
from tests.conftest import VILLAGE_A1, VILLAGE_A2

pytestmark = pytest.mark.django_db


def queries_for_list(client, params=None):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("household_list"), params or {})
    assert response.status_code == 200
    return len(queries)


def test_query_count_does_not_grow_with_the_number_of_households(client, world):
    client.force_login(world.county_staff)
    queries_for_list(client)  # the first request of a session records its activity
    filters = {"township": VILLAGE_A1[:9], "q": "2303", "sort": "-income"}
    few, few_filtered = queries_for_list(client), queries_for_list(client, filters)
    for _ in range(40):
        household = make_household(VILLAGE_A1, members=3)
        make_income(household, 2025, wage="30000")
    assert queries_for_list(client) == few
    assert queries_for_list(client, filters) == few_filtered
    # the session, the user (with its area), its second factor, the current year (with the
    # county's risk lines, 三色码), COUNT, the page, the townships and villages of the selects
    assert few <= 7
    # a chosen township's villages and the township's validation come with the townships
    assert few_filtered == few
    assert queries_for_list(client, {"village": VILLAGE_A2}) == few


def test_a_chosen_village_must_be_one_the_select_offers(client, world):
    # The selects' areas are read once and the choices validated against them (households.filters).
    client.force_login(world.county_staff)
    other_township = world.other_township.village_id
    page = client.get(reverse("household_list"), {"township": VILLAGE_A1[:9], "village": other_township})
    assert "筛选条件有误" in page.content.decode()
    page = client.get(reverse("household_list"), {"township": VILLAGE_A1[:9], "village": VILLAGE_A2}).content.decode()
    assert "筛选条件有误" not in page and f'<option value="{VILLAGE_A2}" selected>' in page
    assert world.neighbour.number in page and world.home.number not in page
    page = client.get(reverse("household_list"), {"village": other_township}).content.decode()
    assert f'<option value="{other_township}" selected>' in page and world.other_township.number in page
    client.force_login(world.reviewer)
    page = client.get(reverse("household_list"), {"village": other_township}).content.decode()
    assert "筛选条件有误" in page and world.other_township.number not in page


def test_free_text_finds_by_household_number_member_name_and_id_number(client, world):
    client.force_login(world.reviewer)
    member = make_member(world.neighbour, name="欧阳春花")
    for query in (world.neighbour.number, "欧阳春", member.id_number):
        page = client.get(reverse("household_list"), {"q": query}).content.decode()
        assert world.neighbour.number in page and world.home.number not in page, query


def test_filters_by_village_and_monitoring_status(client, world):
    client.force_login(world.reviewer)
    monitored = make_household(VILLAGE_A2, monitoring_type=MonitoringType.MARGINAL,
                               risk_status=RiskStatus.UNRESOLVED)
    page = client.get(reverse("household_list"), {"village": VILLAGE_A2, "risk_status": "unresolved"})
    text = page.content.decode()
    assert monitored.number in text and world.neighbour.number not in text
    assert "共 1 户" in text
    everyone_monitored = client.get(reverse("household_list"), {"monitoring_type": "any"}).content.decode()
    assert monitored.number in everyone_monitored and world.home.number not in everyone_monitored


def test_ids_and_phones_are_masked_on_the_detail_page(client, world):
    client.force_login(world.clerk)
    member = world.home.members.first()
    page = client.get(reverse("household_detail", args=[world.home.number])).content.decode()
    assert member.id_number not in page and id_numbers.mask(member.id_number) in page
    assert world.home.phone not in page and "138****8000" in page


def test_a_reveal_shows_the_value_and_logs_who_saw_whose(client, world):
    client.force_login(world.clerk)
    member = world.home.members.first()
    response = client.post(
        reverse("household_reveal", args=[world.home.number]),
        {"field": "id_number", "member": member.pk}, HTTP_HX_REQUEST="true",
    )
    assert member.id_number in response.content.decode()
    event = AuditEvent.objects.get(action=AuditAction.REVEAL)
    assert (event.actor, event.household_number) == (world.clerk, world.home.number)
    assert member.name in event.subject


def test_reveal_works_without_javascript(client, world):
    client.force_login(world.clerk)
    response = client.post(reverse("household_reveal", args=[world.home.number]), {"field": "phone"})
    assert world.home.phone in response.content.decode()
    assert "household_detail" not in response.content.decode()


def test_reveal_is_a_post(client, world):
    client.force_login(world.clerk)
    assert client.get(reverse("household_reveal", args=[world.home.number])).status_code == 405


def test_the_detail_page_shows_the_risk_coefficient_and_open_tickets(client, world):
    from households.choices import LabourAbility
    from households.models import Area
    from rules import services

    household = make_household(VILLAGE_A1, members=0, phone="")
    make_member(household, labour_ability=LabourAbility.WEAK)
    make_income(household, 2025, wage="1000")
    services.batch_run_sync(batch=services.batch_create(area=Area.objects.get(code="230381")))
    client.force_login(world.clerk)
    page = client.get(reverse("household_detail", args=[household.number])).content.decode()
    assert "0.7400" in page and "收入低于监测标准" in page and "无劳动力" in page
    assert "B06" in page and "联系电话" in page


def test_the_detail_page_shows_a_child_born_after_the_reference_date_as_under_one(client, world):
    import datetime

    household = make_household(VILLAGE_A1, members=1)
    make_member(household, name="新生儿", born=datetime.date(2025, 11, 3))
    client.force_login(world.clerk)
    page = client.get(reverse("household_detail", args=[household.number])).content.decode()
    newborn_row = page[page.index("新生儿"):].split("</tr>")[0]
    assert 'data-label="年龄">未满1岁</td>' in newborn_row


def test_filters_by_identification_source(client, world):
    from households.choices import IdentificationSource

    client.force_login(world.county_staff)
    found = make_household(VILLAGE_A2, monitoring_type=MonitoringType.MARGINAL, risk_status=RiskStatus.UNRESOLVED,
                           identification_source=IdentificationSource.DEPARTMENT_WARNING)
    reported = make_household(VILLAGE_A2, monitoring_type=MonitoringType.MARGINAL,
                              risk_status=RiskStatus.UNRESOLVED, identification_source=IdentificationSource.SELF_REPORT)
    page = client.get(reverse("household_list"), {"identification_source": "department_warning"}).content.decode()
    assert found.number in page and reported.number not in page and world.home.number not in page
    assert "共 1 户" in page and 'name="identification_source"' in page and "部门筛查预警" in page
    wrong = client.get(reverse("household_list"), {"identification_source": "rumour"})
    assert wrong.status_code == 200 and "筛选条件有误" in wrong.content.decode()


def test_the_detail_page_shows_how_a_monitoring_object_was_found_and_how_its_risk_ended(client, world):
    import datetime

    from households.choices import EliminationMethod, IdentificationSource, RiskType

    household = make_household(
        VILLAGE_A1, monitoring_type=MonitoringType.UNSTABLE, risk_status=RiskStatus.ELIMINATED,
        included_on=datetime.date(2023, 3, 1), eliminated_on=datetime.date(2024, 1, 5),
        risk_types=[RiskType.OTHER], risk_note="家中房屋遭雷击起火",
        identification_source=IdentificationSource.CADRE_SCREENING, elimination_method=EliminationMethod.NATURAL)
    client.force_login(world.clerk)
    page = client.get(reverse("household_detail", args=[household.number])).content.decode()
    assert '<dt>识别来源</dt><dd data-testid="identification-source">基层干部排查</dd>' in page
    assert '<dt>风险消除方式</dt><dd data-testid="elimination-method">自然消除</dd>' in page
    assert '<dt>其他风险说明</dt><dd data-testid="risk-note">家中房屋遭雷击起火</dd>' in page


def test_the_detail_page_lists_each_measures_nature_state_months_and_recorder(client, world):
    import datetime

    from django.utils import timezone

    from households.choices import MeasureNature, MeasureState, MeasureType
    from households.models import AssistanceMeasure

    recorded_at = timezone.make_aware(datetime.datetime(2025, 3, 4, 23, 30), datetime.timezone.utc)
    world.county_staff.first_name = "王明"
    world.county_staff.save()
    AssistanceMeasure.objects.create(
        household=world.home, year=2025, measure_type=MeasureType.PUBLIC_WELFARE_JOB, content="护林员",
        nature=MeasureNature.DEVELOPMENTAL, state=MeasureState.PLANNED, months=8,
        recorded_by=world.county_staff, recorded_at=recorded_at)
    AssistanceMeasure.objects.create(household=world.home, year=2024, measure_type=MeasureType.SAFETY_NET,
                                     nature=MeasureNature.SAFETY_NET)
    client.force_login(world.clerk)
    url = reverse("household_detail", args=[world.home.number])
    page = client.get(url).content.decode()
    table = page[page.index('data-testid="measure-table"'):].split("</table>")[0]
    job, net = table.split("<tr>")[2:4]
    assert "公益性岗位" in job and '<td data-label="性质">开发式</td>' in job and "计划" in job
    assert "8 个月" in job and "王明" in job
    assert "2025-03-05 07:30" in job   # recorded at 23:30 UTC: 07:30 the next morning in Shanghai
    assert '<td data-label="性质">兜底</td>' in net and "已落实" in net and '<td data-label="登记" class="small">—</td>' in net
    with CaptureQueriesContext(connection) as before:
        client.get(url)
    for _ in range(5):
        AssistanceMeasure.objects.create(household=world.home, year=2025, measure_type=MeasureType.HEALTH,
                                         recorded_by=world.reviewer)
    with CaptureQueriesContext(connection) as after:
        client.get(url)
    assert len(after) == len(before)   # recorders come with their measures, not one query each


# The count (共 N 户): exact on every request up to LIST_EXACT_COUNT_LIMIT, above it counted
# once per LIST_COUNT_CACHE_SECONDS (households.selectors.household_list_count).


def shown_count(client, params=None) -> int:
    import re

    page = client.get(reverse("household_list"), params or {}).content.decode()
    return int(re.search(r'data-testid="result-count">共 (\d+) 户', page).group(1))


def test_a_small_result_is_counted_exactly_on_every_request(client, world, settings):
    settings.LIST_EXACT_COUNT_LIMIT = 5
    client.force_login(world.reviewer)
    before = shown_count(client, {"village": VILLAGE_A2})
    make_household(VILLAGE_A2)
    assert shown_count(client, {"village": VILLAGE_A2}) == before + 1


@pytest.fixture
def empty_cache():
    from django.core.cache import cache

    cache.clear()
    yield cache
    cache.clear()   # no count kept here leaks into another test


def test_a_large_result_shows_its_exact_count_kept_for_a_while(client, world, settings, empty_cache):
    from households.models import Household

    settings.LIST_EXACT_COUNT_LIMIT = 3
    for _ in range(4):
        make_household(VILLAGE_A1)
    client.force_login(world.county_staff)
    in_scope = Household.objects.in_scope(world.county_staff).active().count()
    assert in_scope > 3
    first = client.get(reverse("household_list")).content.decode()
    assert f'data-testid="result-count">共 {in_scope} 户' in first and 'title="60 秒内统计的户数"' not in first
    make_household(VILLAGE_A1)
    kept = client.get(reverse("household_list"), {"page": "2", "sort": "-number"}).content.decode()
    assert f'data-testid="result-count">共 {in_scope} 户' in kept   # the kept count, said so
    assert 'title="60 秒内统计的户数"' in kept
    # other filters are counted on their own; so are other scopes (a reviewer sees one township)
    assert shown_count(client, {"village": VILLAGE_A1}) == Household.objects.filter(village_id=VILLAGE_A1).count()
    client.force_login(world.reviewer)
    assert shown_count(client) == Household.objects.in_scope(world.reviewer).active().count()
    empty_cache.clear()   # the time is up
    client.force_login(world.county_staff)
    assert shown_count(client) == in_scope + 1
    page = client.get(reverse("household_list"), {"page": "2"})
    assert page.context["page"].paginator.num_pages == -(-(in_scope + 1) // 25)


def test_the_filter_widgets_show_each_requests_own_choice(client, world):
    # The filters' widgets are remembered per value (households.filters.RememberedWidgetBoundField):
    # each request must still show its own selection, and an invalid one its error.
    import re

    client.force_login(world.county_staff)

    def selected(params) -> list[str]:
        page = client.get(reverse("household_list"), params).content.decode()
        select = re.search(r'<select name="household_type".*?</select>', page, re.S).group(0)
        return re.findall(r'<option value="(\w*)" selected>', select)

    for _ in range(2):
        assert selected({"household_type": "alleviated"}) == ["alleviated"]
        assert selected({}) == [""]
        assert selected({"household_type": "ordinary"}) == ["ordinary"]
    wrong = client.get(reverse("household_list"), {"risk_from": "x"}).content.decode()
    assert re.search(r'<input type="number" name="risk_from"[^>]*aria-invalid="true"', wrong)
    right = client.get(reverse("household_list"), {"risk_from": "0.5"}).content.decode()
    assert re.search(r'<input type="number" name="risk_from" value="0.5"', right)
    assert 'aria-invalid' not in right


def test_each_user_is_offered_and_may_choose_only_their_own_townships(client, world):
    # The filter form's class is built once per process (households.filters): its area fields
    # must still take each user's own areas.
    from accounts.roles import Role
    from tests.builders import make_user

    client.force_login(make_user("other-county", Role.COUNTY_STAFF, "340323"))
    assert '<option value="340323100" selected>' in client.get(
        reverse("household_list"), {"township": "340323100"}).content.decode()
    client.force_login(world.county_staff)
    page = client.get(reverse("household_list"), {"township": "340323100"}).content.decode()
    assert "筛选条件有误" in page and 'value="340323100"' not in page
    page = client.get(reverse("household_list"), {"township": VILLAGE_A1[:9]}).content.decode()
    assert "筛选条件有误" not in page and f'<option value="{VILLAGE_A1[:9]}" selected>' in page
    assert f'<option value="{VILLAGE_A2}">' in page
    assert world.neighbour.number in page and world.other_township.number not in page


def test_the_list_follows_the_current_year(client, world):
    # The annotated columns are built once per process and year (households.selectors).
    from households.models import YearParameters
    from tests.builders import make_year

    make_income(world.home, 2025, wage="3000")
    make_income(world.home, 2026, wage="6000")
    client.force_login(world.county_staff)
    assert "1,000.00" in client.get(reverse("household_list")).content.decode()
    YearParameters.objects.update(is_current=False)
    make_year(2026, "8000")
    page = client.get(reverse("household_list")).content.decode()
    assert "2,000.00" in page and "1,000.00" not in page and "2026 年度监测标准" in page


def test_each_filter_set_has_its_own_filters_bound_to_itself(world):
    # households.filters copies the declared filters shallowly (not django-filter's deep copy):
    # each instance's filters, their querysets and their methods are its own, the class's untouched.
    from households.filters import HouseholdFilter
    from households.models import Household

    staff = HouseholdFilter({"q": world.neighbour.number}, queryset=Household.objects.none(), user=world.county_staff)
    clerk = HouseholdFilter({"township": VILLAGE_A1[:9]}, queryset=Household.objects.none(), user=world.clerk)
    for filterset in (staff, clerk):
        for name, filter_ in filterset.filters.items():
            assert filter_.parent is filterset and filter_ is not HouseholdFilter.base_filters[name]
            assert filter_.extra is not HouseholdFilter.base_filters[name].extra
            if filter_.method is not None:
                assert filter_.filter.f is filter_
    assert not any(hasattr(filter_, "parent") for filter_ in HouseholdFilter.base_filters.values())
    assert staff.filters["township"].queryset is not clerk.filters["township"].queryset
    assert {area.code for area in clerk.filters["village"].queryset} == {VILLAGE_A1}
    assert staff.form.is_valid()
    found = staff.filters["q"].filter(Household.objects.all(), staff.form.cleaned_data["q"])
    assert list(found) == [world.neighbour]
