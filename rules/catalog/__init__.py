"""The 53 rules of rules.md, one module per category. Importing this package declares them."""

from rules.catalog import basic, department, guarantees, income, members, monitoring  # noqa: F401
