"""Registry workbook export and import, time and peak memory, against python-calamine reading the workbook.

    DATABASE_URL=postgres://…/postgres python bench/registry_import.py [--households 100000] [--small 10000]
    DATABASE_URL=postgres://…/postgres python bench/registry_import.py --workbook registry.xlsx [--no-reimport]

For each size: seed_demo builds a county in a scratch PostgreSQL database; the
`export_registry` command writes it as the import workbook; a second scratch database,
migrated and empty, receives it through `import_registry`, and then through a second
`import_registry` of the same file (every row matched, nothing written). Right after the
import, in the same run, python-calamine alone reads the same workbook's sheets (every
sheet the import reads) into Python rows: that is the reference. Each command runs in
its own process, timed, its peak resident memory read with wait4().

Then, in the same run, the floor of any import that writes through PostgreSQL from Python
(bench/_import_floor.py, into an empty migrated copy): calamine's read, every cell made the
value stored with no check, COPY of those rows; `floor_s` = read_s + the other two phases,
`floor_ratio` = floor_s / read_s (the `floor_*` keys, before the last three).

With --workbook, an existing workbook is imported and read (no seeding, no export, one
size: no linearity). Ends with one line `… import_s=… import_mb=… read_s=… read_mb=…
peak_mb=… ratio=…` where ratio = import_s / read_s (goal: ≤ 2) and peak_mb is the
import's peak resident memory (cpu_ratio: the same in CPU seconds of the two processes); with
two sizes also `linearity=…`, the import time per
household at the large size over that at the small size (1.0: exactly linear).
"""

import argparse
import contextlib
import os
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlparse

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _support import PYTHON, ROOT, bench_env, log, manage, scratch_database, seed

COUNTY = "360732"  # seed_demo's default county


def measured(env: dict, *args: str) -> tuple[float, float, str, float]:
    """Run `manage.py ARGS` in its own process: (seconds, peak RSS in MB, stdout, CPU seconds)."""
    started = time.perf_counter()
    process = subprocess.Popen([PYTHON, "manage.py", *args], cwd=ROOT, env=env,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    # Drain stdout while it runs so a chatty command never blocks on a full pipe.
    out_chunks = list(process.stdout)
    _, status, usage = os.wait4(process.pid, 0)
    seconds = time.perf_counter() - started
    stderr = process.stderr.read()
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode != 0:
        sys.exit(f"manage.py {' '.join(args)} failed ({process.returncode}):\n{stderr[-3000:]}")
    return seconds, usage.ru_maxrss / 1024, "".join(out_chunks), usage.ru_utime + usage.ru_stime


READ_SCRIPT = """
import sys
from python_calamine import CalamineWorkbook
sys.path.insert(0, ".")
names = sys.argv[2:]
rows = 0
with CalamineWorkbook.from_path(sys.argv[1]) as book:
    for name in book.sheet_names:
        if name in names:
            for row in book.get_sheet_by_name(name).iter_rows():
                rows += 1
print(rows)
"""
SHEETS = ("区划", "户信息", "家庭成员", "年度收入", "帮扶措施")  # households/workbook/template.py


def calamine_read(workbook: Path) -> tuple[float, float, int, float]:
    """python-calamine alone reading the sheets the import reads into Python rows: (s, peak MB, rows, CPU s)."""
    started = time.perf_counter()
    process = subprocess.Popen([PYTHON, "-c", READ_SCRIPT, str(workbook), *SHEETS], cwd=ROOT,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    out = process.stdout.read()
    _, status, usage = os.wait4(process.pid, 0)
    seconds = time.perf_counter() - started
    if os.waitstatus_to_exitcode(status) != 0:
        sys.exit(f"reading with calamine failed:\n{process.stderr.read()[-3000:]}")
    return seconds, usage.ru_maxrss / 1024, int(out.strip() or 0), usage.ru_utime + usage.ru_stime


def import_floor(workbook: Path, env: dict) -> dict:
    """bench/_import_floor.py in its own process, into an empty migrated database: its phases (s)."""
    process = subprocess.run([PYTHON, str(ROOT / "bench" / "_import_floor.py"), str(workbook)], cwd=ROOT, env=env,
                             capture_output=True, text=True)
    if process.returncode != 0:
        sys.exit(f"the import's floor failed:\n{process.stderr[-3000:]}")
    return {key: float(value) for key, value in (pair.split("=") for pair in process.stdout.split())}


def floor_keys(figures: dict) -> str:
    """What any import writing through PostgreSQL from Python must spend beyond calamine's read:
    (a) the reference's read, (b) every cell made the value stored, (c) COPY of those rows and the
    commit. floor_s = (a) + (b) + (c), floor_ratio = floor_s / read_s: the best ratio such an
    import could have before checking anything."""
    floor = figures["floor"]
    floor_s = figures["read_s"] + floor["cells_s"] + floor["copy_s"]
    # In CPU seconds, comparable with cpu_ratio (the client's only), then with the server's COPY work.
    floor_client_cpu = figures["read_cpu_s"] + floor["cells_cpu_s"] + floor["copy_cpu_s"]
    return (f"floor_read_s={floor['read_s']:.2f} floor_read_cpu_s={floor['read_cpu_s']:.2f} "
            f"floor_cells_s={floor['cells_s']:.2f} floor_cells_cpu_s={floor['cells_cpu_s']:.2f} "
            f"floor_copy_s={floor['copy_s']:.2f} floor_copy_cpu_s={floor['copy_cpu_s']:.2f} "
            f"floor_copy_server_cpu_s={floor['copy_server_cpu_s']:.2f} "
            f"floor_cpu_ratio={floor_client_cpu / figures['read_cpu_s']:.2f} "
            f"floor_cpu_ratio_with_server={(floor_client_cpu + floor['copy_server_cpu_s']) / figures['read_cpu_s']:.2f} "
            f"floor_s={floor_s:.2f} floor_ratio={floor_s / figures['read_s']:.2f}")


def created(output: str, sheet: str) -> int:
    """The 新增 column of a sheet in import_registry's summary."""
    match = re.search(rf"^{sheet}\s+(\d+)\s+(\d+)\s+(\d+)\s+(\d+)", output, re.MULTILINE)
    return int(match.group(2)) if match else -1


def changes(output: str) -> int:
    """新增 + 更新 over all sheets of import_registry's summary (0 when nothing was written)."""
    rows = re.finditer(r"^\S+\s+(\d+)\s+(\d+)\s+(\d+)\s+(\d+)$", output, re.MULTILINE)
    return sum(int(m.group(2)) + int(m.group(3)) for m in rows)


def run_size(households: int, workdir: Path, workbook: Path | None = None, reimport: bool = True) -> dict:
    seed_s = export_s = export_mb = 0.0
    if workbook is None:
        workbook = workdir / f"registry_{households}.xlsx"
        with scratch_database("bench_regexp") as source_url:
            env = bench_env(source_url)
            log(f"[{households}] seeding …")
            seed_s = seed(env, households)
            log(f"[{households}] seeded in {seed_s:.1f} s; exporting …")
            export_s, export_mb, _, _ = measured(env, "export_registry", str(workbook), "--county", COUNTY)
    size_mb = workbook.stat().st_size / 1024 / 1024
    log(f"[{households}] exported in {export_s:.1f} s, {export_mb:.0f} MB peak, file {size_mb:.1f} MB; importing …")
    with contextlib.ExitStack() as databases:
        target_url = databases.enter_context(scratch_database("bench_regimp"))
        env = bench_env(target_url)
        manage(env, "migrate", "-v0")
        # An empty migrated copy for the floor, made while nothing is imported yet.
        floor_url = databases.enter_context(
            scratch_database("bench_regfloor", template=urlparse(target_url).path.lstrip("/")))
        import_s, import_mb, output, import_cpu_s = measured(env, "import_registry", str(workbook))
        log(f"[{households}] imported in {import_s:.1f} s, {import_mb:.0f} MB peak; reading with calamine …")
        read_s, read_mb, read_rows, read_cpu_s = calamine_read(workbook)
        log(f"[{households}] calamine read {read_rows} rows in {read_s:.1f} s, {read_mb:.0f} MB peak; the floor …")
        floor = import_floor(workbook, bench_env(floor_url))
        log(f"[{households}] floor: {floor}")
        reimport_s = reimport_mb = 0.0
        again = ""
        if reimport:
            log(f"[{households}] importing again …")
            reimport_s, reimport_mb, again, _ = measured(env, "import_registry", str(workbook))
            log(f"[{households}] re-imported (no change) in {reimport_s:.1f} s, {reimport_mb:.0f} MB peak")
    return {
        "floor": floor, "read_s": read_s, "read_mb": read_mb, "read_cpu_s": read_cpu_s, "import_cpu_s": import_cpu_s,
        "households": created(output, "户信息"), "members": created(output, "家庭成员"),
        "incomes": created(output, "年度收入"), "measures": created(output, "帮扶措施"),
        "file_mb": size_mb, "export_s": export_s, "export_mb": export_mb,
        "import_s": import_s, "import_mb": import_mb, "reimport_s": reimport_s, "reimport_mb": reimport_mb,
        "reimport_changes": changes(again), "seed_s": seed_s,
    }


def cpu_keys(figures: dict) -> str:
    """The same comparison in CPU seconds of the two processes (PostgreSQL's own work not counted):
    steadier than wall time on a loaded machine."""
    return (f"import_cpu_s={figures['import_cpu_s']:.1f} read_cpu_s={figures['read_cpu_s']:.1f} "
            f"cpu_ratio={figures['import_cpu_s'] / figures['read_cpu_s']:.2f}")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--households", type=int, default=100_000)
    parser.add_argument("--small", type=int, default=None, help="the smaller size (default: a tenth)")
    parser.add_argument("--workbook", type=Path, default=None, help="import this workbook (no seeding, one size)")
    parser.add_argument("--no-reimport", action="store_true", help="skip the second import of the same file")
    args = parser.parse_args()
    small = args.small or max(1, args.households // 10)

    if args.workbook:
        with tempfile.TemporaryDirectory(prefix="bench_registry_") as workdir:
            high = run_size(0, Path(workdir), args.workbook.resolve(), reimport=not args.no_reimport)
        print(
            f"households={high['households']} members={high['members']} incomes={high['incomes']} "
            f"measures={high['measures']} file_mb={high['file_mb']:.1f} "
            f"reimport_s={high['reimport_s']:.1f} reimport_mb={high['reimport_mb']:.0f} "
            f"reimport_changes={high['reimport_changes']} import_mb={high['import_mb']:.0f} "
            f"read_mb={high['read_mb']:.0f} peak_mb={high['import_mb']:.0f} {cpu_keys(high)} {floor_keys(high)} "
            f"import_s={high['import_s']:.1f} read_s={high['read_s']:.1f} "
            f"ratio={high['import_s'] / high['read_s']:.2f}"
        )
        return

    with tempfile.TemporaryDirectory(prefix="bench_registry_") as workdir:
        low = run_size(small, Path(workdir))
        high = run_size(args.households, Path(workdir))

    for figures in (low, high):
        if figures["households"] != (args.households if figures is high else small):
            log(f"warning: {figures['households']} households imported")
    linearity = (high["import_s"] / high["households"]) / (low["import_s"] / low["households"])
    export_ratio = (high["export_s"] / high["households"]) / (low["export_s"] / low["households"])
    print(
        f"households={high['households']} members={high['members']} incomes={high['incomes']} "
        f"measures={high['measures']} file_mb={high['file_mb']:.1f} "
        f"export_s={high['export_s']:.1f} export_mb={high['export_mb']:.0f} "
        f"import_mb={high['import_mb']:.0f} "
        f"reimport_s={high['reimport_s']:.1f} reimport_mb={high['reimport_mb']:.0f} "
        f"reimport_changes={high['reimport_changes']} "
        f"small_households={low['households']} small_export_s={low['export_s']:.1f} "
        f"small_export_mb={low['export_mb']:.0f} small_import_s={low['import_s']:.1f} "
        f"small_import_mb={low['import_mb']:.0f} export_ratio={export_ratio:.2f} linearity={linearity:.2f} "
        f"read_mb={high['read_mb']:.0f} peak_mb={high['import_mb']:.0f} {cpu_keys(high)} {floor_keys(high)} "
        f"import_s={high['import_s']:.1f} read_s={high['read_s']:.1f} ratio={high['import_s'] / high['read_s']:.2f}"
    )


if __name__ == "__main__":
    main()
