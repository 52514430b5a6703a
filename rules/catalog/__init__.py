"""The 82 rules of rules.md, one module per category. Importing this package declares them."""

from rules.catalog import (  # noqa: F401
    basic, contacts, department, effects, guarantees, income, measures, members, monitoring, relationships,
    risk_types,
)
