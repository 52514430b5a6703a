"""The problem ledger export: time and peak memory of `export_ledger` over many tickets.

    python bench/ledger_export.py [--households 20000] [--tickets 100000]

Builds a county in a scratch PostgreSQL database (seed_demo), opens `--tickets` tickets
spread over its households (five rules per household, every status, one event each),
then runs `manage.py export_ledger` in a child process (export_s: the command's own time,
without the interpreter's start) and reads its peak RSS. The reference (bench/_raw_write.py)
is a raw write of the same rows and cells, read back from the export with python-calamine,
with xlsxwriter's constant_memory mode, in the same run; ratio = export_s / raw_write_s
(goal ≤ 1.5, peak < 300 MB). `--openpyxl` also times the raw write with openpyxl's
write-only mode (raw_openpyxl_s), to compare the writers. copy_s (COPY of audits_ticket)
is kept for the record.

    DATABASE_URL=postgres://lead:leadpass@127.0.0.1:5432/postgres python bench/ledger_export.py

Prints `tickets=… copy_s=… peak_mb=… export_s=… raw_write_s=… ratio=…`.
"""

import argparse
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _raw_write import openpyxl_raw_write_seconds, raw_write_seconds, timed_export  # noqa: E402
from _support import PYTHON, ROOT, bench_env, log, scratch_database, seed  # noqa: E402

OPEN_TICKETS = """
import datetime, itertools, sys
import django
django.setup()
from django.utils import timezone
from households.choices import ReviewLevel
from audits.models import Severity, Ticket, TicketEvent, TicketStatus
from households.models import Household

wanted = int(sys.argv[1])
rules = ["B01", "B02", "B03", "B05", "B06"]
statuses = itertools.cycle(TicketStatus.values)
households = list(Household.objects.values_list("pk", "village_id"))
today = timezone.localdate()
batch = []
made = 0
for rule_id in rules:
    for pk, village in households:
        if made == wanted:
            break
        status = next(statuses)
        batch.append(Ticket(rule_id=rule_id, household_id=pk, village_id=village, year=2025,
                            severity=Severity.ERROR, final_level=ReviewLevel.COUNTY, status=status,
                            message="=测试问题 " + rule_id, due_on=today + datetime.timedelta(days=made % 15 - 7),
                            closed_at=timezone.now() if status == TicketStatus.CLOSED else None))
        made += 1
        if len(batch) == 5000:
            Ticket.objects.bulk_create(batch)
            batch = []
Ticket.objects.bulk_create(batch)
TicketEvent.objects.bulk_create(
    [TicketEvent(ticket_id=pk, from_status="", to_status=TicketStatus.PENDING_VILLAGE, comment="发现")
     for pk in Ticket.objects.values_list("pk", flat=True)], batch_size=5000)
print(Ticket.objects.count())
"""

# The export in a process of its own, so that its peak RSS is its own (not the seeding's).
def copy_seconds(database_url: str) -> float:
    import psycopg

    started = time.perf_counter()
    with psycopg.connect(database_url.replace("postgres://", "postgresql://", 1)) as connection:
        with connection.cursor() as cursor:
            with cursor.copy("COPY (SELECT * FROM audits_ticket) TO STDOUT") as copy:
                for _ in copy:
                    pass
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--households", type=int, default=20000)
    parser.add_argument("--tickets", type=int, default=100000)
    parser.add_argument("--openpyxl", action="store_true", help="also time a raw write with openpyxl write-only")
    args = parser.parse_args()
    with scratch_database("bench_ledger") as database_url:
        env = bench_env(database_url, DJANGO_SETTINGS_MODULE="monitoring.settings")
        log(f"seeding {args.households} households: {seed(env, args.households):.0f} s")
        made = subprocess.run([PYTHON, "-c", OPEN_TICKETS, str(args.tickets)], cwd=ROOT, env=env, check=True,
                              capture_output=True, text=True).stdout.strip()
        log(f"tickets opened: {made}")
        with tempfile.TemporaryDirectory() as folder:
            export_s, peak_mb, sheets = timed_export(env, "export_ledger", folder)
        raw_write_s = raw_write_seconds(sheets)
        extra = f" raw_openpyxl_s={openpyxl_raw_write_seconds(sheets):.1f}" if args.openpyxl else ""
        copy_s = copy_seconds(database_url)
        print(f"tickets={made} copy_s={copy_s:.2f}{extra} peak_mb={peak_mb:.0f} export_s={export_s:.1f} "
              f"raw_write_s={raw_write_s:.1f} ratio={export_s / raw_write_s:.2f}")


if __name__ == "__main__":
    main()
