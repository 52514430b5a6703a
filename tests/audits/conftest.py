"""Tickets for the review tests: an error ticket made as a row, a warning found by a batch."""

import pytest

from audits.models import Ticket
from tests.audits.builders import make_ticket, warning_ticket_on


@pytest.fixture
def error_ticket(world) -> Ticket:
    return make_ticket(world.home)


@pytest.fixture
def warning_ticket(world) -> Ticket:
    """B06 on the home household, found by a real batch (the household has no phone)."""
    return warning_ticket_on(world.home)
