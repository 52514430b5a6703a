"""批量通过: each of the selected records approved on its own, and what came of it.

Change requests (households.changes.review) and tickets (audits.services) are
approved in bulk the same way: at most BULK_LIMIT per submission, each in its own
transaction with its own checks, one refused without stopping the others.
"""

from dataclasses import dataclass, field

# At most this many records in one 批量通过 (a page of a queue is far fewer).
BULK_LIMIT = 200


@dataclass
class BulkOutcome:
    approved: list = field(default_factory=list)  # the approved records, in the order selected
    refused: list[tuple[int, str]] = field(default_factory=list)  # (id, why)
    skipped: int = 0  # selected beyond BULK_LIMIT, not touched

    @classmethod
    def taking(cls, ids: list[int]) -> tuple["BulkOutcome", list[int]]:
        """An empty outcome and the ids (duplicates dropped) to work on: the first BULK_LIMIT,
        the rest counted as skipped."""
        selected = list(dict.fromkeys(ids))
        return cls(skipped=max(0, len(selected) - BULK_LIMIT)), selected[:BULK_LIMIT]

    @property
    def skipped_message(self) -> str:
        return f"一次最多批量通过 {BULK_LIMIT} 条，另有 {self.skipped} 条未处理，请再次提交。" if self.skipped else ""
