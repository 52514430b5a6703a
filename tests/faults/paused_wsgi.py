"""monitoring.wsgi for a fault test's gunicorn (never the product's): a review step on a change
request (FAULT_PAUSE_ACTION: approve or return) stops half-way, the request's status moved and its
event written in the open transaction (an approval: the household not yet changed), and waits
there (tests/faults/pausing.py) while the test restarts PostgreSQL."""

import os

from monitoring.wsgi import application  # noqa: F401, I001  (gunicorn serves it; first: it sets Django up)

from households.changes import services  # noqa: E402
from tests.faults.pausing import pause  # noqa: E402

_move = services.change_request_move


def move_then_pause(change, *, action: str, **kwargs) -> None:
    _move(change, action=action, **kwargs)
    if action == os.environ.get("FAULT_PAUSE_ACTION"):
        pause()


services.change_request_move = move_then_pause
