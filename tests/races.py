"""Two people acting on the same record at the same instant: the concurrency tests' one scaffold.

`race(act, users)` runs `act(user)` for each user in a thread of its own, all released together
by a barrier, each thread closing its own database connection; it returns, in the users'
order, what each call returned or the exception it raised. Row locks (select_for_update) are
PostgreSQL's: `needs_row_locks()` skips a test elsewhere (SQLite ignores them).
"""

import threading

import pytest
from django.db import connection


def needs_row_locks() -> None:
    if connection.vendor != "postgresql":
        pytest.skip("SQLite ignores select_for_update: locking is tested on PostgreSQL")


def race(act, users, *, timeout: float = 60) -> list:
    """What `act(user)` returned, or the exception it raised, for each of `users` acting at once."""
    barrier = threading.Barrier(len(users))
    outcomes: list = [None] * len(users)

    def run(index, user):
        try:
            barrier.wait(timeout=10)
            outcomes[index] = act(user)
        except Exception as error:  # noqa: BLE001  (the caller asserts on what each one met)
            outcomes[index] = error
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(index, user)) for index, user in enumerate(users)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=timeout)
    return outcomes


def told(outcomes: list) -> list[str]:
    """Each outcome as a word: "done" for a call that returned, else its error's message (sorted)."""
    return sorted("done" if not isinstance(o, Exception) else getattr(o, "message", repr(o)) for o in outcomes)
