"""Running the catalog: batches, risk coefficients, and the tickets they write."""

import gc
import logging
import threading
from concurrent.futures import ThreadPoolExecutor, as_completed
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import timedelta

from django.core.cache import cache
from django.db import OperationalError, connection, connections, transaction
from django.db.models import F, Q
from django.db.models.functions import Now
from django.utils import timezone

from accounts import permissions
from audits.findings import RuleOutcome
from audits.findings import tickets_sync as findings_to_tickets
from audits.models import Ticket
from audits.selectors import open_tickets_of
from households.changes import services as change_services
from households.changes.models import ChangeRequest
from households.jobs import job_hold, job_mark_if_unheld, job_send, stuck_after
from households.models import Area, Household, YearParameters
from trail.models import AuditAction
from trail.services import audit_record

from rules import registry
from rules import tasks  # a module: tasks.py imports this one back to run its services
from rules.engine import Finding, evaluate, evaluate_household, household_statements_warm
from rules.models import Batch, BatchRuleResult, BatchStatus, PendingRecheck, RiskScore
from rules.parameters import parameters_for
from rules.settings_services import disabled_rule_ids
from rules.registry import HOUSEHOLD, MEMBER, Parameters, Rule
from rules.models import FACTOR_LABELS

logger = logging.getLogger(__name__)

# A batch is one task per county and rule group; a group shares one base query.
GROUPS = {"household": HOUSEHOLD, "member": MEMBER}


class CleansingError(Exception):
    """A batch cannot run as asked; the message says why."""


NOT_ALLOWED = "您无权运行清洗批次"
QUEUE_UNAVAILABLE = ("任务队列（Redis）暂时无法连接，批次未能启动，未写入任何数据："
                     "请稍后重新运行；如仍不行，请联系系统管理员检查 Redis 和后台任务进程（worker）")
STUCK = ("批次在 {minutes} 分钟内没有进展，运行它的后台任务进程（worker）可能已中断，"
         "已标记为失败，写到一半的内容已全部撤销：请重新运行")


def enabled_rules(rule_ids: list[str] | None = None, *, county: str) -> list[Rule]:
    """The rules to run: those asked for (all by default) that the county's staff have not disabled."""
    rules = registry.all_rules()
    if rule_ids:
        unknown = sorted(set(rule_ids) - {r.id for r in rules})
        if unknown:
            raise CleansingError(f"未知规则：{'、'.join(unknown)}")
        rules = [r for r in rules if r.id in rule_ids]
    disabled = disabled_rule_ids(county)
    return [r for r in rules if r.id not in disabled]


def current_year(county: str) -> int:
    """The county's current assessment year."""
    params = YearParameters.current(county)
    if params is None:
        raise CleansingError("尚未设置年度参数：请先用 set_parameters 设置当前年度和监测标准")
    return params.year


def shared_current_year() -> int:
    """The current year all counties agree on, for what is not per county (department lists)."""
    years = sorted(set(YearParameters.objects.filter(is_current=True).values_list("year", flat=True)))
    if not years:
        raise CleansingError("尚未设置当前年度：请先用 set_parameters 设置，或用 --year 指定年度")
    if len(years) > 1:
        raise CleansingError(f"各县当前年度不同（{'、'.join(map(str, years))}），请用 --year 指定年度")
    return years[0]


# --- tickets -------------------------------------------------------------------------


def tickets_sync(*, rules: list[Rule], findings: list[Finding], params: Parameters, area_prefix: str,
                 household_id: int | None = None, batch: Batch | None = None) -> dict[str, RuleOutcome]:
    """Hand the findings of `rules` to the tickets app (`audits.findings.tickets_sync`)."""
    return findings_to_tickets(rule_ids=[rule.id for rule in rules], findings=findings, year=params.year,
                               area_prefix=area_prefix, household_id=household_id,
                               batch_id=batch.pk if batch is not None else None)


# --- batches -------------------------------------------------------------------------


def batch_create(*, area: Area, rule_ids: list[str] | None = None, year: int | None = None,
                 user=None, scheduled: bool = False, request=None) -> Batch:
    """Record a batch over a county or one township of it; `batch_start` sets it running.
    `user` (None for the schedule and the command line) must be allowed to run batches."""
    if user is not None and not permissions.can_run_batch(user):
        raise CleansingError(NOT_ALLOWED)
    if area.level == "village":
        raise CleansingError("清洗批次的范围应为县或乡镇")
    county = area if area.level == "county" else area.parent
    rules = enabled_rules(rule_ids, county=county.code)
    if not rules:
        raise CleansingError("没有可运行的规则（所选规则均已停用）")
    groups = [name for name, scope in GROUPS.items() if any(r.scope == scope for r in rules)]
    batch = Batch.objects.create(
        county=county, area=area, year=year or current_year(county.code), rule_ids=[r.id for r in rules],
        groups_total=len(groups), created_by=user, scheduled=scheduled,
    )
    audit_record(action=AuditAction.BATCH, request=request, actor=user, county=county.code,
                 subject=f"清洗批次 #{batch.pk} {area.name}", detail={
                     "batch": batch.pk, "area": area.code, "year": batch.year, "rules": batch.rule_ids,
                     "scheduled": scheduled})
    return batch


def batch_groups(batch: Batch) -> list[str]:
    rules = [registry.get(rule_id) for rule_id in batch.rule_ids]
    return [name for name, scope in GROUPS.items() if any(r.scope == scope for r in rules)]


def batch_run_group(*, batch_id: int, group: str) -> dict[str, RuleOutcome]:
    """Run one group of a batch: evaluate, store risks, sync tickets, record the outcome.

    Everything is written in one transaction: a worker killed mid-way leaves nothing,
    and the retried task (acks late) simply runs the group again.
    """
    batch = Batch.objects.get(pk=batch_id)
    if batch.status == BatchStatus.FAILED:
        return {}  # marked failed (stuck, or the queue was down) before this delivery: rerun it instead
    now = timezone.now()
    Batch.objects.filter(pk=batch_id, status=BatchStatus.QUEUED).update(status=BatchStatus.RUNNING, started_at=now)
    Batch.objects.filter(pk=batch_id).update(heartbeat_at=now)
    scope = GROUPS[group]
    rules = [r for r in (registry.get(rule_id) for rule_id in batch.rule_ids) if r.scope == scope]
    params = parameters_for(batch.year, county=batch.county_id)
    with transaction.atomic():
        job_hold("batch", batch_id)  # a worker killed in here releases it: the batch is then stuck
        if Batch.objects.filter(pk=batch_id, status=BatchStatus.FAILED).exists():
            return {}  # marked stuck while this delivery waited for the lock
        if BatchRuleResult.objects.filter(batch=batch, rule_id__in=[r.id for r in rules]).exists():
            return {}  # this group already finished (a duplicate delivery of the task)
        _batch_session_settings()
        progress_note(batch_id=batch_id, group=group, step="计算风险系数并执行规则" if group == "household"
                      else "执行规则", fraction=0.1)
        with _gc_paused():
            outcomes = _group_findings_written(batch=batch, group=group, rules=rules, params=params)
        BatchRuleResult.objects.bulk_create([
            BatchRuleResult(batch=batch, rule_id=rule_id, failing=o.failing, new=o.new,
                            still_open=o.still_open, resolved=o.resolved, exempted=o.exempted,
                            by_township=dict(o.by_township))
            for rule_id, o in outcomes.items()
        ])
        Batch.objects.filter(pk=batch_id).update(groups_done=F("groups_done") + 1, heartbeat_at=timezone.now())
        Batch.objects.filter(pk=batch_id, groups_done=F("groups_total")).update(
            status=BatchStatus.DONE, finished_at=timezone.now())
    recheck_statements_warm(county=batch.county_id)
    return outcomes


def _group_findings_written(*, batch: Batch, group: str, rules, params) -> dict[str, RuleOutcome]:
    # A function of its own so that its findings are freed when it returns, before the collector
    # runs again (_gc_paused): it then walks what survives the batch, not every finding.
    # The household group stores every household's risk coefficient from the same scan.
    findings = evaluate(rules=rules, params=params, area_prefix=batch.area_id, store_risk=group == "household")
    progress_note(batch_id=batch.pk, group=group, step="写入问题线索", fraction=0.8)
    return tickets_sync(rules=rules, findings=findings, params=params, area_prefix=batch.area_id, batch=batch)


_gc_pauses = 0  # groups running with the collector paused (they may run at once, in threads)
_gc_pauses_lock = threading.Lock()
_gc_was_enabled = True  # whether the collector was on when the first of them paused it


@contextmanager
def _gc_paused():
    """Python's cyclic garbage collector off while a group reads its rows and writes its tickets.

    A batch allocates a few hundred thousand dicts, findings and tickets, none in a cycle, and
    every 700 allocations the collector walked the young objects, and now and then all of them:
    time spent finding nothing. The memory is freed by reference counting as before. The
    collector is on again when the last group running ends (if it was on before the first), and
    then collects once: what the batch allocated is counted as pending, and left alone it made
    the process's next allocations run a full collection inside the worker's next task, a
    re-check (~0.15–0.27 s instead of ~0.03 s)."""
    global _gc_pauses, _gc_was_enabled
    with _gc_pauses_lock:
        if _gc_pauses == 0:
            _gc_was_enabled = gc.isenabled()
            gc.disable()
        _gc_pauses += 1
    try:
        yield
    finally:
        with _gc_pauses_lock:
            _gc_pauses -= 1
            if _gc_pauses == 0 and _gc_was_enabled:
                gc.enable()
                gc.collect()


def _batch_session_settings() -> None:
    """Planner settings for this batch's transaction only (SET LOCAL ends with it), on PostgreSQL.

    A batch runs a few one-off scans whose estimated cost is far above jit_above_cost: JIT
    compiling their wide expressions took ~1.5 s of the member query at 100,000 households,
    more than it saved. With the default 4 MB work_mem the duplicated-ID set (B02) and the
    per-household aggregates are grouped by index scans and nested loops instead of
    hashed (~0.9 s → ~0.3 s for B02); 64 MB is enough for a county of 100,000 households.
    """
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL jit = off")
        cursor.execute("SET LOCAL work_mem = '64MB'")


def progress_note(*, batch_id: int, group: str, step: str, fraction: float) -> None:
    """How far a group has come, kept in the cache: its work runs in one transaction, invisible until the end."""
    cache.set(f"batch-progress:{batch_id}:{group}", (step, fraction), timeout=24 * 3600)


def batch_progress(batch: Batch) -> tuple[float, str]:
    """(fraction done, what is running) for a batch's progress bar."""
    if batch.status in (BatchStatus.DONE, BatchStatus.FAILED):
        return 1.0, batch.get_status_display()
    done, steps = float(batch.groups_done), []
    for group in batch_groups(batch):
        note = cache.get(f"batch-progress:{batch.pk}:{group}")
        if note and not BatchRuleResult.objects.filter(batch=batch, rule_id__in=_group_rule_ids(batch, group)).exists():
            done += note[1]
            steps.append(f"{'户' if group == 'household' else '成员'}规则：{note[0]}")
    return min(done / max(batch.groups_total, 1), 0.99), "；".join(steps) or batch.get_status_display()


def _group_rule_ids(batch: Batch, group: str) -> list[str]:
    return [rule_id for rule_id in batch.rule_ids if registry.get(rule_id).scope == GROUPS[group]]


def batch_fail(*, batch_id: int, error: str) -> None:
    Batch.objects.filter(pk=batch_id).exclude(status=BatchStatus.DONE).update(
        status=BatchStatus.FAILED, error=error[:2000], finished_at=timezone.now())


def batch_start(*, batch: Batch) -> None:
    """Queue one task per group once the batch row is committed."""
    def enqueue():
        for group in batch_groups(batch):
            if not job_send(tasks.run_batch_group, batch.pk, group,
                            on_unavailable=lambda: batch_fail(batch_id=batch.pk, error=QUEUE_UNAVAILABLE)):
                return  # a group already sent finds the batch failed and does nothing

    transaction.on_commit(enqueue)


def batches_mark_stuck(*, older_than=None, batch_id: int | None = None) -> list[int]:
    """Mark failed the batches queued or running with no sign of life for `older_than` (default
    STUCK_JOB_MINUTES) that no worker is running; their ids. `batch_id`: that batch only."""
    older_than = stuck_after() if older_than is None else older_than
    since = timezone.now() - older_than
    candidates = Batch.objects.filter(status__in=[BatchStatus.QUEUED, BatchStatus.RUNNING]).filter(
        Q(heartbeat_at__lt=since) | Q(heartbeat_at__isnull=True, created_at__lt=since))
    if batch_id is not None:
        candidates = candidates.filter(pk=batch_id)
    error = STUCK.format(minutes=max(1, round(older_than.total_seconds() / 60)))
    marked = []
    for pk in candidates.values_list("pk", flat=True):
        if job_mark_if_unheld("batch", pk, lambda pk=pk: Batch.objects.filter(
                pk=pk, status__in=[BatchStatus.QUEUED, BatchStatus.RUNNING]).update(
                status=BatchStatus.FAILED, error=error, finished_at=timezone.now())):
            marked.append(pk)
    return marked


def batch_run_sync(*, batch: Batch, on_group_done=None) -> dict[str, RuleOutcome]:
    """Run every group of a batch in this process (run_cleansing --sync); `on_group_done()` after each.

    On PostgreSQL the groups run at once, each on its own connection in a thread of its own, as
    two Celery workers run them: each is its own transaction (`batch_run_group`), and the
    database works on both statements at once (they are most of a batch's time). Inside a
    caller's transaction (tests) other connections could not see its rows: one after the other.
    """
    groups = batch_groups(batch)
    try:
        if len(groups) > 1 and connection.vendor == "postgresql" and not connection.in_atomic_block:
            return _groups_run_at_once(batch, groups, on_group_done)
        outcomes = {}
        for group in groups:
            outcomes.update(batch_run_group(batch_id=batch.pk, group=group))
            if on_group_done:
                on_group_done()
    except Exception as error:
        batch_fail(batch_id=batch.pk, error=repr(error))
        raise
    return outcomes


def _groups_run_at_once(batch: Batch, groups: list[str], on_group_done) -> dict[str, RuleOutcome]:
    """`batch_run_group` of each group in a thread; a group's error is raised once every group has ended."""
    def run(group: str) -> dict[str, RuleOutcome]:
        try:
            return batch_run_group(batch_id=batch.pk, group=group)
        finally:
            connections.close_all()  # this thread's own connection

    outcomes = {}
    with ThreadPoolExecutor(max_workers=len(groups), thread_name_prefix="batch-group") as pool:
        for done in as_completed([pool.submit(run, group) for group in groups]):
            outcomes.update(done.result())
            if on_group_done:
                on_group_done()
    return outcomes


# --- one household, at once ---------------------------------------------------------


def household_recheck(*, household_id: int) -> dict[str, RuleOutcome]:
    """Re-run every enabled rule on one household after an approved change (well under a second)."""
    household = Household.objects.select_related("village").get(pk=household_id)
    county = household.county_code
    params = parameters_for(current_year(county), county=county)
    rules = enabled_rules(county=county)
    outermost = not connection.in_atomic_block
    with transaction.atomic():
        if outermost:
            _commit_without_waiting_for_the_disk()
        # The county as the area (the household's id bounds the statements): one compiled
        # statement per county rather than one per village (engine.OneHouseholdStatement).
        findings, risk, factors = evaluate_household(
            rules=rules, params=params, household_id=household_id, area_prefix=county)
        if risk is not None:
            mask = sum(1 << bit for bit, name in enumerate(FACTOR_LABELS) if name in factors)
            RiskScore.objects.update_or_create(household_id=household_id, year=params.year,
                                               defaults={"risk": risk, "factor_mask": mask})
        outcomes = tickets_sync(rules=rules, findings=findings, params=params,
                                area_prefix=household.village_id, household_id=household_id)
        # A change marked after this transaction began is not in what it read: its marker stays
        # for its own re-check (on PostgreSQL, Now() is the transaction's start).
        PendingRecheck.objects.filter(household_id=household_id, changed_at__lte=Now()).delete()
        return outcomes


def _commit_without_waiting_for_the_disk() -> None:
    """Let this transaction's COMMIT return before its WAL reaches the disk (PostgreSQL).

    Right after a batch the disk is busy writing out the batch's rows, and a re-check's COMMIT
    waited ~30 ms for its flush (against ~1 ms otherwise), a third of its time. What a crash of
    the database could then lose (the last fraction of a second of re-checks) is derived data,
    and the household's PendingRecheck marker, committed durably with the change, outlives it
    for the sweep. Only ever for a transaction of its own: SET LOCAL in a caller's transaction
    would make the caller's commit lose its durability too."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL synchronous_commit = off")


def recheck_pending_mark(*, household_id: int) -> None:
    """Note, durably, that the household changed and awaits its re-check (see PendingRecheck);
    a second change before the re-check moves the marker's time on."""
    PendingRecheck.objects.bulk_create([PendingRecheck(household_id=household_id)], update_conflicts=True,
                                       unique_fields=["household"], update_fields=["changed_at"])


PENDING_RECHECK_GRACE = timedelta(minutes=2)


def pending_rechecks_run(*, limit: int = 1000) -> int:
    """Every five minutes (beat): re-check the households whose marker outlived the re-check
    sent with their change (the database crashed before that re-check's commit reached the
    disk, or the queue lost its message). Markers younger than two minutes are left to the
    re-check already on its way. Returns how many were re-checked."""
    # the database's clock, as the markers' (a web or worker machine's clock may differ)
    household_ids = list(PendingRecheck.objects.filter(changed_at__lt=Now() - PENDING_RECHECK_GRACE)
                         .order_by("changed_at").values_list("household_id", flat=True)[:limit])
    rechecked = 0
    for household_id in household_ids:  # one household's rules at a time, as after its change
        try:
            household_recheck(household_id=household_id)
        except CleansingError as error:  # no current year: nothing to check against until one is set
            logger.warning("re-check of household %s skipped: %s", household_id, error)
            PendingRecheck.objects.filter(household_id=household_id).delete()
            continue
        rechecked += 1
    return rechecked


def recheck_statements_warm(*, county: str) -> None:
    """Compile the statements the county's next re-check runs (or, on PostgreSQL, fetch them
    from another process through the shared cache), so that no re-check waits for the compiling
    (~0.1–0.2 s of CPU): after a batch of the county and after its settings change.

    Never raises: a re-check compiles what it does not find, and the batch or setting it
    follows is already committed."""
    try:
        params = parameters_for(current_year(county), county=county)
        household_statements_warm(rules=enabled_rules(county=county), params=params, area_prefix=county)
    except CleansingError:
        return  # no current year yet: there is nothing a re-check could run
    except Exception:  # noqa: BLE001  see above
        logger.exception("the re-check statements of county %s were not compiled ahead", county)


@dataclass
class TicketPreview:
    would_raise: list[Finding]
    would_resolve: list[Ticket]


class PreviewBusy(Exception):
    """The rows a preview would write are held by another transaction (an approval under way)."""


# How long a reviewer's preview waits for a row or the database another transaction holds:
# rather than wait behind it, the page asks the reviewer to refresh.
PREVIEW_LOCK_WAIT_MS = 50


def household_change_preview(*, household_id: int, apply_change) -> TicketPreview:
    """What a proposed change would do to a household's tickets, without keeping the change.

    `apply_change()` writes the proposed values; the household's rules run on them inside
    a transaction that is then rolled back, so nothing of it is ever visible to anyone. It
    locks nothing before it writes, and waits at most PREVIEW_LOCK_WAIT_MS for a row (or, on
    SQLite, the database) another transaction holds: PreviewBusy then.
    """
    household = Household.objects.select_related("village").get(pk=household_id)
    county = household.county_code
    params = parameters_for(current_year(county), county=county)
    rules = enabled_rules(county=county)
    try:
        with _short_lock_wait(), transaction.atomic():
            if connection.vendor == "postgresql":
                with connection.cursor() as cursor:  # SET LOCAL ends with the (rolled back) transaction
                    cursor.execute(f"SET LOCAL lock_timeout = '{PREVIEW_LOCK_WAIT_MS}ms'")
            apply_change()
            findings, _, _ = evaluate_household(rules=rules, params=params, household_id=household_id,
                                                area_prefix=county)
            transaction.set_rollback(True)
    except OperationalError as error:
        if _is_lock_wait(error):
            raise PreviewBusy from error
        raise
    failing = {finding.key for finding in findings}
    unclosed = open_tickets_of(household_id=household_id, year=params.year)
    open_keys = {(t.rule_id, t.household_id, t.member_key) for t in unclosed}
    return TicketPreview(
        would_raise=[f for f in findings if f.key not in open_keys],
        would_resolve=[t for t in unclosed if (t.rule_id, t.household_id, t.member_key) not in failing],
    )


def change_request_preview(*, change: ChangeRequest) -> TicketPreview | None:
    """What approving the pending `change` would do to its household's tickets, or None when it
    cannot be computed (an addition has no household yet; no current year is set).
    Raises PreviewBusy when its rows are held by another transaction."""
    if not change.household_id:
        return None
    try:
        return household_change_preview(
            household_id=change.household_id,
            apply_change=lambda: change_services.change_request_rehearse(change=change))
    except CleansingError:
        return None


@contextmanager
def _short_lock_wait():
    """On SQLite, a transaction begun here waits PREVIEW_LOCK_WAIT_MS for the write lock rather
    than the connection's busy timeout (PostgreSQL: lock_timeout, set inside the transaction)."""
    if connection.vendor != "sqlite" or connection.in_atomic_block:
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA busy_timeout")
        (usual,) = cursor.fetchone()
        cursor.execute(f"PRAGMA busy_timeout = {PREVIEW_LOCK_WAIT_MS}")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f"PRAGMA busy_timeout = {int(usual)}")


def _is_lock_wait(error: OperationalError) -> bool:
    """PostgreSQL's lock_not_available (lock_timeout ran out), or SQLite's locked database."""
    return getattr(error.__cause__, "sqlstate", None) == "55P03" or "database is locked" in str(error)
