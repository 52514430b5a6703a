"""monitoring.wsgi for a fault test's gunicorn (never the product's): a review step stops half-way
and waits there (tests/faults/pausing.py) while the test restarts PostgreSQL. FAULT_PAUSE_ACTION:
`approve` or `return` on a change request (its status moved and its event written in the open
transaction; an approval: the household not yet changed), `ticket` (a ticket saved, its event
not yet written)."""

import os

from monitoring.wsgi import application  # noqa: F401, I001  (gunicorn serves it; first: it sets Django up)

from audits.models import Ticket  # noqa: E402
from households.changes import services  # noqa: E402
from tests.faults.pausing import pause  # noqa: E402

_move = services.change_request_move


def move_then_pause(change, *, action: str, **kwargs) -> None:
    _move(change, action=action, **kwargs)
    if action == os.environ.get("FAULT_PAUSE_ACTION"):
        pause()


services.change_request_move = move_then_pause


_save = Ticket.save


def save_then_pause(self, *args, **kwargs) -> None:
    _save(self, *args, **kwargs)
    if os.environ.get("FAULT_PAUSE_ACTION") == "ticket":
        pause()


Ticket.save = save_then_pause
