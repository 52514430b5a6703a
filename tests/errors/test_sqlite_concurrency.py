"""On the embedded SQLite, two reviewers approving the same request at the same moment get one
approval and one "已被他人处理", never `database is locked` (a 500).

The suite's own SQLite database is in memory, where no locking shows: the race runs in a
subprocess (tests/errors/sqlite_race.py) on a SQLite file made with the site's settings.
"""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings

from audits.services import ALREADY_HANDLED as TICKET_HANDLED
from households.changes import services
from households.changes.models import ChangeRequest, ChangeStatus
from households.changes.services import ALREADY_HANDLED as CHANGE_HANDLED

SCRIPT = Path(__file__).with_name("sqlite_race.py")


def run_race(tmp_path) -> dict:
    env = {key: value for key, value in os.environ.items() if key not in {"DJANGO_SETTINGS_MODULE"}}
    env.update(DATABASE_URL=f"sqlite:///{tmp_path / 'race.sqlite3'}", DJANGO_SETTINGS_MODULE="monitoring.settings_test")
    result = subprocess.run([sys.executable, str(SCRIPT)], cwd=settings.BASE_DIR, env=env,
                            capture_output=True, text=True, timeout=180)
    assert result.returncode == 0, result.stderr[-3000:]
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_two_reviewers_approving_at_once_get_one_approval_and_one_already_handled(tmp_path):
    outcome = run_race(tmp_path)
    assert outcome["journal_mode"] == "wal"
    for race, handled, approved in (("change", CHANGE_HANDLED, "已通过变更申请"),
                                    ("ticket", TICKET_HANDLED, "已通过并销号")):
        answers = outcome[race]
        assert [a["status"] for a in answers] == [302, 302], answers
        said = sorted(message for answer in answers for message in answer["messages"])
        assert len(said) == 2 and any(approved in m for m in said) and handled in said, answers


def test_a_move_from_a_stale_read_is_refused_not_written_over(world):
    """The status check is a compare-and-set on the row, not only on what was read."""
    change = services.change_request_submit(user=world.clerk, household=world.home, data={"phone": "13911112222"})
    stale = ChangeRequest.objects.get(pk=change.pk)
    ChangeRequest.objects.filter(pk=change.pk).update(status=ChangeStatus.WITHDRAWN)
    with pytest.raises(services.ChangeRequestError, match=CHANGE_HANDLED):
        services.change_request_move(stale, action="approve", actor=world.reviewer)
    assert ChangeRequest.objects.get(pk=change.pk).status == ChangeStatus.WITHDRAWN
    assert not ChangeRequest.objects.get(pk=change.pk).events.filter(to_status=ChangeStatus.APPROVED).exists()
