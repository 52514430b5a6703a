"""The findings of every rule on an existing database, dumped to compare two versions of the engine.

    DATABASE_URL=postgres://…/some_seeded_db python bench/cleansing_findings.py OUT.jsonl [--county 360732]

Evaluates every rule of the catalog (rules.engine.evaluate, read only: no risk stored, no
ticket written) on the county and writes one sorted JSON line per finding:
[rule_id, household, member_key, message, facts]. Run it before and after a change to the
engine or the bases on the same database and `diff` the files: a batch writes its tickets
from exactly these. Prints the seconds each group took on stderr.
"""

import argparse
import json
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out")
    parser.add_argument("--county", default="360732")
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "monitoring.settings")
    import django

    django.setup()
    from rules import registry
    from rules.engine import evaluate
    from rules.parameters import parameters_for
    from rules.registry import HOUSEHOLD, MEMBER
    from rules.services import current_year

    params = parameters_for(current_year(args.county), county=args.county)
    lines = []
    for scope in (HOUSEHOLD, MEMBER):
        rules = [rule for rule in registry.all_rules() if rule.scope == scope]
        started = time.perf_counter()
        findings = evaluate(rules=rules, params=params, area_prefix=args.county)
        lines += [json.dumps([f.rule_id, f.household_id, f.member_id or 0, f.message, f.facts],
                             ensure_ascii=False, sort_keys=True) for f in findings]
        print(f"{scope}: {len(findings)} findings in {time.perf_counter() - started:.2f} s", file=sys.stderr)
    lines.sort()
    Path(args.out).write_text("".join(line + "\n" for line in lines), encoding="utf-8")
    print(f"findings={len(lines)}", file=sys.stderr)


if __name__ == "__main__":
    main()
