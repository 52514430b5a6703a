"""The race scaffold itself (tests/races.py): the PostgreSQL-only tests that use it skip on SQLite."""

import threading

from tests.races import race, told


class Refused(Exception):
    message = "已被他人处理"


def test_race_releases_everyone_together_and_reports_each_outcome_in_order():
    inside = threading.Barrier(2, timeout=5)  # passes only if both calls are running at once

    def act(user):
        inside.wait()
        if user == "second":
            raise Refused
        return user.upper()

    outcomes = race(act, ["first", "second"])
    assert outcomes[0] == "FIRST" and isinstance(outcomes[1], Refused)
    assert told(outcomes) == sorted(["done", "已被他人处理"])
