"""What the tickets app knows of a rule, registered at start-up by the app that runs the checks.

`audits` owns tickets and their review; it never imports `rules`. The rules app registers
each rule of its catalog here from its `AppConfig.ready()` (`rules.apps`), and the ticket
pages, filters and ledger read these facts by rule id.

`reads` names the fields a rule reads, in the vocabulary of the records a clerk sees:
`household.<Household field>`, `member.<Member field>` (the ticket's member, or for a
household rule every active member of the household), `income<k>.<AnnualIncome field>`
(the income record of the ticket's year minus k), and `members` (the household's active
members as a whole: its size and its heads).
"""

from collections.abc import Callable
from dataclasses import dataclass

from households.choices import ReviewLevel

from audits.models import Severity

HOUSEHOLD = "H"
MEMBER = "M"


@dataclass(frozen=True)
class RuleFacts:
    id: str
    name: str
    category: str
    category_label: str
    severity: str  # Severity
    final_level: str  # ReviewLevel
    scope: str  # HOUSEHOLD or MEMBER
    description: str = ""
    reads: frozenset[str] = frozenset()

    @property
    def scope_label(self) -> str:
        return "户" if self.scope == HOUSEHOLD else "成员"


_FACTS: dict[str, RuleFacts] = {}


def final_level_of(severity: str) -> str:
    """Warnings are closed by the township, errors by the county (rules.md)."""
    return ReviewLevel.COUNTY if severity == Severity.ERROR else ReviewLevel.TOWNSHIP


def register(facts: RuleFacts) -> None:
    """Record (or replace) what tickets know of one rule; rules register in catalog order."""
    _FACTS[facts.id] = facts


def facts_of(rule_id: str) -> RuleFacts | None:
    """The registered facts of a rule, None for a rule no longer in the catalog."""
    return _FACTS.get(rule_id)


def name_of(rule_id: str) -> str:
    """A rule's name, blank for a rule no longer in the catalog."""
    facts = _FACTS.get(rule_id)
    return facts.name if facts else ""


def all_facts() -> list[RuleFacts]:
    """Every registered rule, in catalog order."""
    return list(_FACTS.values())


def categories() -> dict[str, str]:
    """Category code → label, in catalog order."""
    return {facts.category: facts.category_label for facts in _FACTS.values()}


@dataclass(frozen=True)
class Related:
    """Other records a ticket's rule compared the ticket's record with (P01: the households with
    the same phone), as the page shows them to one user: those in the user's scope by number,
    the others only counted."""
    label: str
    households: list
    outside: int = 0


_RELATED: dict[str, Callable] = {}


def register_related(rule_id: str, related: Callable) -> None:
    """`related(ticket, user) -> Related | None`, shown on the ticket's page."""
    _RELATED[rule_id] = related


def related_of(ticket, user) -> list[Related]:
    related = _RELATED.get(ticket.rule_id)
    found = related(ticket, user) if related else None
    return [found] if found else []
