"""Two reviewers approve the same change request, and the same ticket, at the same moment, on
a SQLite file database of the site's own settings. Run as a script by test_sqlite_concurrency
(a subprocess: the suite's own database is in memory, where no locking shows):

    DATABASE_URL=sqlite:////tmp/x.sqlite3 python tests/errors/sqlite_race.py

Prints one JSON line: for each race, each reviewer's status code and message.
"""

import json
import os
import sys
import threading
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "monitoring.settings_test")

import django  # noqa: E402

django.setup()

from django.contrib.messages import get_messages  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import setup_test_environment  # noqa: E402
from django.urls import reverse  # noqa: E402

from accounts.roles import Role  # noqa: E402
from audits import transitions  # noqa: E402
from audits.models import TicketStatus  # noqa: E402
from households.changes import services as change_services  # noqa: E402
from tests.audits.builders import make_ticket  # noqa: E402
from tests.builders import make_area, make_household, make_user, make_year  # noqa: E402

VILLAGE = "230381100201"


def race(url: str, reviewers, hold) -> list[dict]:
    """Both reviewers POST `url` at once. `hold` is patched in to wait, inside the approval's
    transaction and after its read, until the other reviewer has read too (or 2 s have passed:
    a database that makes the second wait at the start of its transaction never gets there)."""
    barrier = threading.Barrier(len(reviewers))
    outcomes = []

    def held(*args, **kwargs):
        try:
            barrier.wait(timeout=2)
        except threading.BrokenBarrierError:
            pass
        return hold.original(*args, **kwargs)

    setattr(hold.owner, hold.name, held)

    def approve(user):
        client = Client(raise_request_exception=False)
        client.force_login(user)
        response = client.post(url)
        error = getattr(response, "exc_info", None)
        outcomes.append({
            "user": user.username, "status": response.status_code,
            "messages": [str(m) for m in get_messages(response.wsgi_request)] if response.status_code < 500 else [],
            "error": repr(error[1]) if error and response.status_code >= 500 else "",
        })
        connection.close()

    threads = [threading.Thread(target=approve, args=(user,)) for user in reviewers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    setattr(hold.owner, hold.name, hold.original)
    return outcomes


class Hold:
    def __init__(self, owner, name):
        self.owner, self.name, self.original = owner, name, getattr(owner, name)


def main():
    setup_test_environment()
    call_command("migrate", verbosity=0)
    make_year(2025, "7600")
    make_area(VILLAGE, "金湾村")
    household = make_household(VILLAGE, members=2)
    clerk = make_user("clerk", Role.VILLAGE_CLERK, VILLAGE)
    reviewers = [make_user(f"reviewer{n}", Role.TOWNSHIP_REVIEWER, VILLAGE[:9]) for n in (1, 2)]
    change = change_services.change_request_submit(user=clerk, household=household, data={"phone": "13911112222"})
    ticket = make_ticket(household, status=TicketStatus.PENDING_TOWNSHIP, severity="warning")
    connection.close()
    print(json.dumps({
        "journal_mode": connection.cursor().execute("PRAGMA journal_mode").fetchone()[0],
        "change": race(reverse("change_approve", args=[change.pk]), reviewers,
                       Hold(change_services, "_check_reviewer")),
        "ticket": race(reverse("ticket_approve", args=[ticket.pk]), reviewers, Hold(transitions, "move")),
    }, ensure_ascii=False))


if __name__ == "__main__":
    main()
