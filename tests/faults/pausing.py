"""Where a fault test stops a worker or a web process half-way through its work.

`pause()` writes the file named by FAULT_PAUSE_FILE (once per process: if it exists, nothing
happens) with the process id, then waits until the file named by FAULT_RESUME_FILE exists
(without one, ten minutes: the test kills the process there instead)."""

import os
import time
from pathlib import Path


def pause() -> None:
    marker = os.environ.get("FAULT_PAUSE_FILE")
    if not marker or Path(marker).exists():
        return
    Path(marker).write_text(str(os.getpid()))
    resume = os.environ.get("FAULT_RESUME_FILE")
    deadline = time.monotonic() + 600
    while time.monotonic() < deadline and not (resume and Path(resume).exists()):
        time.sleep(0.1)
