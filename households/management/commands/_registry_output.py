"""Shared by import_registry and export_registry: a progress bar fed (done, total), count tables."""

import unicodedata

from households.workbook.importer import Issue, SheetCounts

from households.progress import progress_bar


def progress_reporter(stream, label: str):
    """A `progress(done, total)` callback drawing a terminal bar; a new bar when the total changes."""
    state = {"total": None, "done": 0, "advance": None}

    def report(done: int, total: int) -> None:
        if total != state["total"]:
            state.update(total=total, done=0, advance=progress_bar(total, stream, label))
        state["advance"](done - state["done"])
        state["done"] = done

    return report


def width(text: str) -> int:
    """Columns a terminal gives the text: Chinese characters take two."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def pad(text, size: int, *, right: bool = False) -> str:
    text = str(text)
    space = " " * max(0, size - width(text))
    return space + text if right else text + space


def counts_table(counts: dict[str, SheetCounts], *, would: bool) -> list[str]:
    verb = "将" if would else ""
    headers = ["数据行", verb + "新增", verb + "更新", "不变"]
    lines = [pad("工作表", 10) + "".join(pad(h, 10, right=True) for h in headers)]
    for sheet, c in counts.items():
        numbers = (c.rows, c.created, c.updated, c.unchanged)
        lines.append(pad(sheet, 10) + "".join(pad(n, 10, right=True) for n in numbers))
    return lines


def issue_line(issue: Issue) -> str:
    """`户信息 第4行「户编号」[H0002]：message`"""
    where = issue.sheet + (f" 第{issue.row}行" if issue.row else "") + (f"「{issue.column}」" if issue.column else "")
    value = f"[{issue.value}]" if issue.value else ""
    return f"{where}{value}：{issue.message}"
