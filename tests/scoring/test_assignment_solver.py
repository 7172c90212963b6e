from __future__ import annotations

import random
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest

from scoring.assignment.solver import (
    Infeasible,
    Preference,
    Problem,
    is_connected,
    load_bands,
    solve,
)

ROOT = Path(__file__).resolve().parents[2]


def generated(seed: int, *, entries: int, jurors: int, k: int, conflicts: float = 0.05):
    rng = random.Random(seed)
    conflict_pairs, marks = set(), {}
    for j in range(1, jurors + 1):
        for e in range(1, entries + 1):
            if rng.random() < conflicts:
                conflict_pairs.add((j, e))
            elif rng.random() < 0.5:
                marks[(j, e)] = rng.choice(list(Preference))
    return Problem(
        entries=tuple(range(1, entries + 1)),
        jurors=tuple(range(1, jurors + 1)),
        k=k,
        conflicts=frozenset(conflict_pairs),
        preferences=marks,
    )


CASES = [
    (seed, entries, jurors, k)
    for seed, (entries, jurors, k) in enumerate(
        [(10, 4, 2), (13, 4, 3), (50, 9, 3), (101, 9, 3), (120, 15, 4), (10, 9, 2), (200, 20, 5)]
    )
]


@pytest.mark.parametrize(("seed", "entries", "jurors", "k"), CASES)
def test_solve_generated_category_keeps_every_guarantee(seed, entries, jurors, k):
    problem = generated(seed, entries=entries, jurors=jurors, k=k)

    solution = solve(problem)

    per_entry = Counter(e for _j, e in solution.pairs)
    assert all(per_entry[e] == k for e in problem.entries)
    assert max(solution.loads.values()) - min(solution.loads.values()) <= 1
    assert not solution.pairs & problem.conflicts
    assert solution.connected
    assert is_connected(solution.pairs)
    assert solution.gap <= 0.01


def test_solve_entry_without_enough_jurors_is_named():
    problem = Problem(
        entries=(1, 2, 3),
        jurors=(10, 11, 12),
        k=3,
        conflicts=frozenset({(10, 2), (11, 3)}),
    )

    with pytest.raises(Infeasible) as raised:
        solve(problem)

    assert raised.value.reason == "entries"
    assert raised.value.short == (2, 3)


def test_solve_k_above_the_jury_is_infeasible_for_every_entry():
    problem = Problem(entries=(1, 2), jurors=(10, 11), k=3)

    with pytest.raises(Infeasible) as raised:
        solve(problem)

    assert raised.value.short == (1, 2)


def test_solve_caps_are_followed_and_the_rest_is_balanced():
    problem = Problem(entries=tuple(range(1, 21)), jurors=(1, 2, 3, 4, 5), k=2, caps={1: 3})

    solution = solve(problem)

    assert solution.loads[1] == 3
    assert sorted(solution.loads[j] for j in (2, 3, 4, 5)) == [9, 9, 9, 10]


def test_load_bands_caps_too_low_are_infeasible():
    problem = Problem(entries=(1, 2, 3), jurors=(1, 2, 3), k=2, caps={1: 1, 2: 1, 3: 1})

    with pytest.raises(Infeasible) as raised:
        load_bands(problem)

    assert raised.value.reason == "caps"


def test_solve_preferences_are_honoured_when_possible():
    marks = {(1, 1): Preference.WANT, (2, 1): Preference.AVOID, (3, 2): Preference.AVOID}
    problem = Problem(entries=(1, 2, 3), jurors=(1, 2, 3), k=2, preferences=marks)

    solution = solve(problem)

    assert (1, 1) in solution.pairs
    assert (2, 1) not in solution.pairs
    assert (3, 2) not in solution.pairs
    assert solution.wanted_granted == solution.wanted == 1
    assert solution.avoided_assigned == ()


def test_solve_fixed_pairs_stay_and_count_towards_k():
    problem = Problem(
        entries=(1, 2, 3, 4),
        jurors=(1, 2, 3, 4),
        k=2,
        fixed=frozenset({(1, 1), (2, 1)}),
        preferences={(3, 1): Preference.WANT, (4, 1): Preference.WANT},
    )

    solution = solve(problem)

    assert {(1, 1), (2, 1)} <= solution.pairs
    assert Counter(e for _j, e in solution.pairs)[1] == 2


def test_solve_rerun_keeps_current_pairs_when_nothing_is_better():
    first = solve(generated(3, entries=30, jurors=6, k=3))
    again = Problem(
        entries=tuple(range(1, 31)),
        jurors=tuple(range(1, 7)),
        k=3,
        conflicts=generated(3, entries=30, jurors=6, k=3).conflicts,
        preferences=generated(3, entries=30, jurors=6, k=3).preferences,
        current=first.pairs,
    )

    second = solve(again)

    assert second.pairs == first.pairs


def test_solve_disconnected_optimum_is_joined_by_a_swap():
    # Jurors 1-2 want entries 1-2 and jurors 3-4 entries 3-4: the cheapest design is two blocks.
    marks = {(j, e): Preference.WANT for j in (1, 2) for e in (1, 2)}
    marks |= {(j, e): Preference.WANT for j in (3, 4) for e in (3, 4)}
    problem = Problem(entries=(1, 2, 3, 4), jurors=(1, 2, 3, 4), k=2, preferences=marks)

    solution = solve(problem)

    assert solution.connected
    assert is_connected(solution.pairs)
    assert solution.cost > solution.lower_bound
    assert set(solution.loads.values()) == {2}
    assert all(n == 2 for n in Counter(e for _j, e in solution.pairs).values())


def test_solve_conflicts_that_split_the_jury_leave_it_disconnected():
    blocked = {(j, e) for j in (1, 2) for e in (3, 4)} | {(j, e) for j in (3, 4) for e in (1, 2)}
    problem = Problem(entries=(1, 2, 3, 4), jurors=(1, 2, 3, 4), k=2, conflicts=frozenset(blocked))

    solution = solve(problem)

    assert not solution.connected
    assert not solution.pairs & problem.conflicts


def test_solve_too_few_pairs_to_link_everyone_is_reported_disconnected():
    # 7 entries x 2 jurors = 14 pairs cannot link 16 people and entries (a tree needs 15).
    problem = Problem(entries=tuple(range(1, 8)), jurors=tuple(range(1, 10)), k=2)

    solution = solve(problem)

    assert not solution.connected
    assert max(solution.loads.values()) - min(solution.loads.values()) <= 1


def test_is_connected_two_blocks_is_false():
    assert not is_connected({(1, 1), (2, 1), (3, 2), (4, 2)})
    assert is_connected({(1, 1), (2, 1), (2, 2)})


def test_solver_imports_nothing_from_django():
    code = (
        "import sys, scoring.assignment.solver; "
        "print(sorted(m for m in sys.modules if m.startswith('django')))"
    )

    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True
    )

    assert result.stdout.strip() == "[]"


@pytest.mark.parametrize("blocks", [2, 3, 6])
def test_solve_jurors_who_want_only_their_block_are_still_connected(blocks):
    marks = {
        (j, e): Preference.WANT if j % blocks == e % blocks else Preference.AVOID
        for j in range(1, 13)
        for e in range(1, 121)
    }
    problem = Problem(
        entries=tuple(range(1, 121)), jurors=tuple(range(1, 13)), k=3, preferences=marks
    )

    solution = solve(problem)

    assert solution.connected
    assert is_connected(solution.pairs)
    assert set(solution.loads.values()) == {30}
    assert all(n == 3 for n in Counter(e for _j, e in solution.pairs).values())
    assert solution.cost >= solution.lower_bound
