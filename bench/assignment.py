"""Benchmark of the automatic assignment of entries to jurors; figures in BENCHMARKS.md.

Run from the repository root:

    .venv/bin/python bench/assignment.py [--entries 2000] [--jurors 60] [--k 3]

A generated category (seeded): `--conflicts` of the juror × entry pairs are conflicts, and
`--preferences` of the pairs carry a juror's mark, a third each of "chcę oceniać", "mogę" and
"wolę nie" (or, with `--blocks N`, jurors who want only their own block of entries). Times `scoring.assignment.solver.solve` (no database: the solver is pure) and
checks what it promises: exactly k jurors per entry, loads within one, no conflict, a
connected design, and the objective's distance from the min-cost flow's optimum (a lower
bound for every assignment under the same constraints).
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from scoring.assignment.solver import Preference, Problem, solve


def generate(
    entries: int,
    jurors: int,
    k: int,
    conflicts: float,
    preferences: float,
    seed: int,
    blocks: int = 0,
):
    """With `blocks`, jurors want the entries of their own block and would rather not score
    the others: the cheapest flow is then one island per block, which the swaps must join.
    """
    rng = random.Random(seed)
    juror_ids, entry_ids = tuple(range(1, jurors + 1)), tuple(range(1, entries + 1))
    conflict_pairs, marks = set(), {}
    levels = list(Preference)
    for j in juror_ids:
        for e in entry_ids:
            if rng.random() < conflicts:
                conflict_pairs.add((j, e))
            elif rng.random() < preferences:
                if blocks:
                    same = j % blocks == e % blocks
                    marks[(j, e)] = Preference.WANT if same else Preference.AVOID
                else:
                    marks[(j, e)] = rng.choice(levels)
    return Problem(
        entries=entry_ids,
        jurors=juror_ids,
        k=k,
        conflicts=frozenset(conflict_pairs),
        preferences=marks,
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--entries", type=int, default=2000)
    parser.add_argument("--jurors", type=int, default=60)
    parser.add_argument("--k", type=int, default=3)
    parser.add_argument("--conflicts", type=float, default=0.05)
    parser.add_argument("--preferences", type=float, default=0.5)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--seed", type=int, default=13)
    parser.add_argument("--blocks", type=int, default=0)
    args = parser.parse_args()
    problem = generate(
        args.entries,
        args.jurors,
        args.k,
        args.conflicts,
        args.preferences,
        args.seed,
        args.blocks,
    )
    times = []
    for _round in range(args.repeat):
        started = time.perf_counter()
        solution = solve(problem)
        times.append(time.perf_counter() - started)
    per_entry = Counter(e for _j, e in solution.pairs)
    loads = solution.loads.values()
    print(
        f"{args.entries} entries x {args.jurors} jurors, k={args.k}, "
        f"{len(problem.conflicts)} conflicts, {len(problem.preferences)} preferences"
    )
    print(f"solve: median {statistics.median(times):.2f} s, max {max(times):.2f} s")
    print(f"entries with exactly k jurors: {sum(1 for n in per_entry.values() if n == args.k)}")
    print(f"loads: {min(loads)}..{max(loads)}")
    print(f"conflicts assigned: {len(solution.pairs & problem.conflicts)}")
    print(f"connected: {solution.connected}")
    print(
        f"objective {solution.cost}, lower bound {solution.lower_bound}, "
        f"gap {100 * solution.gap:.3f} %"
    )
    print(
        f"'chcę oceniać' granted {solution.wanted_granted} of {solution.wanted}; "
        f"'wolę nie' assigned {len(solution.avoided_assigned)}"
    )


if __name__ == "__main__":
    main()
