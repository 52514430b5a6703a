"""A plain-text progress bar for management commands, shown only in a terminal."""

from collections.abc import Callable
from typing import TextIO

WIDTH = 30


def progress_bar(total: int, stream: TextIO, label: str = "") -> Callable[[int], None]:
    """Return `advance(n)`, which moves the bar on by n of `total` and redraws it in place.

    Silent when `stream` is not a terminal (pipes, files, tests), so logs stay clean.
    """
    # Django's OutputWrapper ends every write with a newline; draw on the stream it wraps.
    raw = getattr(stream, "_out", stream)
    isatty = getattr(raw, "isatty", None)
    if total <= 0 or not (isatty and isatty()):
        return lambda n=1: None

    done = 0
    shown = -1

    def advance(n: int = 1) -> None:
        nonlocal done, shown
        done = min(total, done + n)
        percent = done * 100 // total
        if percent == shown:
            return
        shown = percent
        filled = done * WIDTH // total
        bar = "#" * filled + "." * (WIDTH - filled)
        raw.write(f"\r{label} [{bar}] {percent:3d}% {done}/{total}")
        if done == total:
            raw.write("\n")
        raw.flush()

    return advance
