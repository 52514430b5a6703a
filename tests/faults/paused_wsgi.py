"""monitoring.wsgi for a fault test's gunicorn (never the product's): an approval stops half-way,
its request's status moved and event written in the open transaction but the household not yet
changed, and waits there (tests/faults/pausing.py) while the test restarts PostgreSQL."""

from monitoring.wsgi import application  # noqa: F401, I001  (gunicorn serves it; first: it sets Django up)

from households.changes import services  # noqa: E402
from tests.faults.pausing import pause  # noqa: E402

_move = services.change_request_move


def move_then_pause(change, *, action: str, **kwargs) -> None:
    _move(change, action=action, **kwargs)
    if action == "approve":
        pause()


services.change_request_move = move_then_pause
