"""`make mutation`, after `mutmut run`: the kill rate per module and every surviving mutant, by name.

A mutant is killed when a test fails (or times out: a loop the tests caught) with it applied; it survives
when the whole selected suite still passes; "no tests" means no selected test even runs its function.
Read a survivor with `.venv/bin/mutmut show <name>` (or browse them all with `.venv/bin/mutmut browse`).
"""

from __future__ import annotations

import argparse
import json
from collections import Counter, defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
KILLED = {1, 3}
TIMEOUT = {36, 24, -24, 152, 255}
SURVIVED = {0}
NO_TESTS = {5, 33}
NOT_RUN = {None, 2, 34}


def outcome(exit_code: int | None) -> str:
    if exit_code in KILLED:
        return "killed"
    if exit_code in TIMEOUT:
        return "timeout"
    if exit_code in SURVIVED:
        return "survived"
    if exit_code in NO_TESTS:
        return "no tests"
    if exit_code in NOT_RUN:
        return "not run"
    return "suspicious"


def read_results(mutants: Path) -> dict[str, dict[str, str]]:
    """{module path: {mutant name: outcome}} from mutmut's per-file .meta records."""
    results: dict[str, dict[str, str]] = {}
    for meta in sorted(mutants.rglob("*.py.meta")):
        module = str(meta.relative_to(mutants)).removesuffix(".meta")
        codes = json.loads(meta.read_text())["exit_code_by_key"]
        results[module] = {name: outcome(code) for name, code in sorted(codes.items())}
    return results


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mutants", type=Path, default=ROOT / "mutants", help="mutmut's working folder")
    args = parser.parse_args()

    results = read_results(args.mutants)
    if not results:
        print(f"no mutmut results under {args.mutants}; run `make mutation`")
        return 1
    header = (
        f"{'module':44} {'mutants':>7} {'killed':>6} {'timeout':>7} {'survived':>8} {'no tests':>8} {'kill rate':>9}"
    )
    print(header)
    print("-" * len(header))
    totals: Counter[str] = Counter()
    survivors: dict[str, list[str]] = defaultdict(list)
    for module, outcomes in results.items():
        counts = Counter(outcomes.values())
        totals.update(counts)
        print(_row(module, counts))
        for name, result in outcomes.items():
            if result in {"survived", "no tests", "suspicious"}:
                survivors[module].append(f"{name} ({result})")
    print("-" * len(header))
    print(_row("all rule modules", totals))
    for module, names in survivors.items():
        print(f"\n{module}: {len(names)} not killed")
        for name in names:
            print(f"  {name}")
    return 0


def _row(label: str, counts: Counter[str]) -> str:
    judged = counts["killed"] + counts["timeout"] + counts["survived"] + counts["no tests"] + counts["suspicious"]
    rate = f"{100 * (counts['killed'] + counts['timeout']) / judged:.1f}%" if judged else "-"
    return (
        f"{label:44} {judged:>7} {counts['killed']:>6} {counts['timeout']:>7} {counts['survived']:>8}"
        f" {counts['no tests']:>8} {rate:>9}"
    )


if __name__ == "__main__":
    raise SystemExit(main())
