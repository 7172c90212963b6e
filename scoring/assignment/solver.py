"""Which juror scores which entry: a min-cost flow, then swaps that keep the design connected.

Pure Python over OR-Tools and networkx, no Django: the services feed it ids, the benchmark
(`bench/assignment.py`) and the tests feed it generated categories.

The formulation
---------------
A flow network with a source s, a node per juror j, a node per entry e and a sink t:

- s → j, capacity hi_j − f_j and lower bound max(lo_j − f_j, 0), cost 0. [lo_j, hi_j] is
  juror j's load band and f_j the pairs of j that are fixed (a sheet already started). The
  band is ⌊L⌋..⌈L⌉ for the water level L with Σ_j min(cap_j, L) = k·|E| (no caps: L = k|E|/|J|),
  cut to cap_j where the organiser set one; so loads differ by at most one among uncapped
  jurors. Lower bounds become supplies in the usual way (s gives Σ lo less, j gives lo_j).
- j → e for every pair that is neither a conflict nor fixed, capacity 1, cost by preference:
  "chcę oceniać" 0, "mogę" or no mark 3, "wolę nie" 12, plus 1 when the pair is not assigned
  already, so a re-run keeps what it may and moves little.
- e → t, capacity k − (fixed pairs of e), cost 0; t takes the whole demand.

Flow is integral (network flow polytopes are), so an optimal flow is an assignment in which
every entry has exactly k jurors, every load is in its band and no conflict appears, at the
least total cost. Its cost is a lower bound for any assignment under the same constraints.

Connectivity is not a flow constraint (z-scores need every juror linked to every other through
shared entries). When the optimal flow leaves the juror–entry graph in several components, a
post-step merges them by swaps: with a–x in component A and b–y in B, replace them by a–y and
b–x. Loads and the k per entry are unchanged; when a–x is not a bridge of A (or b–y not a bridge
of B) the result has one component fewer, since the side that lost an edge stays connected and
both new edges tie it to the other. The cheapest such swap is taken each time. Its cost over
the flow's optimum is the provable gap reported in `Solution.gap`. A design can be connected
only if it has at least as many pairs as jurors plus entries less one (k·|E| ≥ |E| + |J| − 1,
a spanning tree); below that, and when conflicts cut the jury in two, `connected` is False and
the screens say so.
"""

from __future__ import annotations

import enum
import math
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

import networkx as nx
import numpy as np
from ortools.graph.python import min_cost_flow

Pair = tuple[int, int]  # (juror, entry)


class Preference(enum.StrEnum):
    WANT = "want"
    CAN = "can"
    AVOID = "avoid"


COST = {Preference.WANT: 0, Preference.CAN: 3, Preference.AVOID: 12}
NEW_PAIR_COST = 1


@dataclass(frozen=True)
class Problem:
    entries: tuple[int, ...]
    jurors: tuple[int, ...]
    k: int
    conflicts: frozenset[Pair] = frozenset()
    preferences: Mapping[Pair, Preference] = field(default_factory=dict)
    # Pairs that must stay (a sheet is started); they count towards k and the loads.
    fixed: frozenset[Pair] = frozenset()
    # Pairs assigned now: kept when nothing better is found.
    current: frozenset[Pair] = frozenset()
    caps: Mapping[int, int] = field(default_factory=dict)

    def cost(self, pair: Pair) -> int:
        base = COST[self.preferences.get(pair, Preference.CAN)]
        return base + (0 if pair in self.current or pair in self.fixed else NEW_PAIR_COST)


class Infeasible(Exception):
    """No assignment meets the constraints; `short` lists entries without k possible jurors."""

    def __init__(self, reason: str, short: Iterable[int] = ()) -> None:
        super().__init__(reason)
        self.reason = reason
        self.short = tuple(short)


@dataclass(frozen=True)
class Solution:
    pairs: frozenset[Pair]
    loads: dict[int, int]
    cost: int
    lower_bound: int  # the min-cost flow's optimum: no connected assignment costs less
    connected: bool
    wanted: int  # pairs marked "chcę oceniać"
    wanted_granted: int
    avoided_assigned: tuple[Pair, ...]  # "wolę nie" pairs the solver still had to assign

    @property
    def gap(self) -> float:
        """How far above the provable optimum the result is, as a fraction of it."""
        return (self.cost - self.lower_bound) / max(self.lower_bound, 1)


def load_bands(problem: Problem) -> dict[int, tuple[int, int]]:
    """[lo, hi] per juror: within one of the water level, cut by the juror's cap."""
    total = problem.k * len(problem.entries)
    caps = {j: problem.caps.get(j, math.inf) for j in problem.jurors}
    if sum(min(c, total) for c in caps.values()) < total:
        raise Infeasible("caps")
    # Water level: raise L until the jurors (each up to their cap) take the whole demand.
    low, high = 0.0, float(total)
    for _step in range(100):
        level = (low + high) / 2
        if sum(min(c, level) for c in caps.values()) < total:
            low = level
        else:
            high = level
    level = high
    bands = {}
    for j, cap in caps.items():
        lo = min(math.floor(level + 1e-9), cap)
        hi = min(math.ceil(level - 1e-9), cap)
        bands[j] = (int(lo), int(hi))
    return bands


def _check_entries(problem: Problem) -> dict[int, int]:
    """Each entry's remaining need; Infeasible names the entries without enough jurors."""
    fixed_per_entry: dict[int, int] = defaultdict(int)
    for _j, e in problem.fixed:
        fixed_per_entry[e] += 1
    need, short = {}, []
    for e in problem.entries:
        need[e] = max(problem.k - fixed_per_entry[e], 0)
        free = sum(
            1
            for j in problem.jurors
            if (j, e) not in problem.conflicts and (j, e) not in problem.fixed
        )
        if free < need[e]:
            short.append(e)
    if short:
        raise Infeasible("entries", short)
    return need


def solve(problem: Problem) -> Solution:
    if problem.k < 1 or not problem.entries:
        raise Infeasible("empty")
    if len(problem.jurors) < problem.k:
        raise Infeasible("entries", problem.entries)
    need = _check_entries(problem)
    bands = load_bands(problem)
    fixed_load: dict[int, int] = defaultdict(int)
    for j, _e in problem.fixed:
        fixed_load[j] += 1

    jurors, entries = list(problem.jurors), list(problem.entries)
    source, sink = 0, 1
    juror_node = {j: 2 + i for i, j in enumerate(jurors)}
    entry_node = {e: 2 + len(jurors) + i for i, e in enumerate(entries)}
    supplies = np.zeros(2 + len(jurors) + len(entries), dtype=np.int64)
    total = sum(need.values())
    supplies[source], supplies[sink] = total, -total

    tails, heads, capacities, costs = [], [], [], []
    for j in jurors:
        lo, hi = bands[j]
        lo, hi = max(lo - fixed_load[j], 0), max(hi - fixed_load[j], 0)
        supplies[source] -= lo
        supplies[juror_node[j]] += lo
        tails.append(source), heads.append(juror_node[j])
        capacities.append(hi - lo), costs.append(0)
    pairs: list[Pair] = []
    blocked = problem.conflicts | problem.fixed
    for j in jurors:
        for e in entries:
            if need[e] and (j, e) not in blocked:
                pairs.append((j, e))
                tails.append(juror_node[j]), heads.append(entry_node[e])
                capacities.append(1), costs.append(problem.cost((j, e)))
    for e in entries:
        tails.append(entry_node[e]), heads.append(sink)
        capacities.append(need[e]), costs.append(0)

    flow = min_cost_flow.SimpleMinCostFlow()
    arcs = flow.add_arcs_with_capacity_and_unit_cost(
        np.array(tails), np.array(heads), np.array(capacities), np.array(costs)
    )
    flow.set_nodes_supplies(np.arange(len(supplies)), supplies)
    if flow.solve() != flow.OPTIMAL:
        raise Infeasible("loads")
    first_pair = len(jurors)
    used = flow.flows(arcs[first_pair : first_pair + len(pairs)])
    chosen = {pair for pair, amount in zip(pairs, used, strict=True) if amount}
    lower_bound = int(flow.optimal_cost()) + sum(problem.cost(p) for p in problem.fixed)

    chosen |= problem.fixed
    connected = _connect(problem, chosen)
    return _solution(problem, frozenset(chosen), lower_bound, connected)


def _graph(pairs: Iterable[Pair]) -> nx.Graph:
    graph = nx.Graph()
    graph.add_edges_from((("j", j), ("e", e)) for j, e in pairs)
    return graph


def is_connected(pairs: Iterable[Pair]) -> bool:
    """Whether every juror and entry with a pair is linked to every other through shared pairs."""
    graph = _graph(pairs)
    return graph.number_of_nodes() == 0 or nx.is_connected(graph)


def _connect(problem: Problem, chosen: set[Pair]) -> bool:
    """Merge the components of the design by the cheapest bridge-safe swaps; in place."""
    while True:
        graph = _graph(chosen)
        components = sorted(nx.connected_components(graph), key=len)
        if len(components) <= 1:
            return True
        # The smallest component is joined to any other: searching from it is cheapest.
        small, rest = components[0], set().union(*components[1:])
        swap = _best_swap(problem, chosen, graph, small, rest)
        if swap is None:
            return False
        (a, x), (b, y) = swap
        chosen -= {(a, x), (b, y)}
        chosen |= {(a, y), (b, x)}


def _best_swap(problem, chosen, graph, small, rest):
    """The cheapest swap (a–x, b–y) → (a–y, b–x) with b–y in `small` and a–x in `rest`.

    The cost change splits as [c(a,y) − c(b,y)] + [c(b,x) − c(a,x)], and the second part does
    not depend on y: its best x per (b, a) is found once, so the search costs
    |jurors of small| · |pairs of rest| + |pairs of small| · |jurors of rest|, not their product.
    """
    bridges = {frozenset(edge) for edge in nx.bridges(graph)}

    def allowed(pair: Pair) -> bool:
        return pair not in problem.conflicts and pair not in chosen

    def is_bridge(j: int, e: int) -> bool:
        return frozenset({("j", j), ("e", e)}) in bridges

    small_pairs, rest_entries = [], defaultdict(list)
    for j, e in chosen:
        if (j, e) in problem.fixed:
            continue
        if ("j", j) in small:
            small_pairs.append((j, e))
        elif ("j", j) in rest:
            rest_entries[j].append(e)
    # best[b, a] = (gain over any x, x) and the same over x whose pair a–x is not a bridge.
    best_any: dict[tuple[int, int], tuple[int, int]] = {}
    best_safe: dict[tuple[int, int], tuple[int, int]] = {}
    for b in {j for j, _e in small_pairs}:
        for a, entries in rest_entries.items():
            for x in entries:
                if not allowed((b, x)):
                    continue
                part = problem.cost((b, x)) - problem.cost((a, x))
                if (b, a) not in best_any or part < best_any[b, a][0]:
                    best_any[b, a] = (part, x)
                if not is_bridge(a, x) and ((b, a) not in best_safe or part < best_safe[b, a][0]):
                    best_safe[b, a] = (part, x)
    best, best_delta = None, math.inf
    for b, y in small_pairs:
        # Removing b–y must not split its side unless a–x keeps the other side whole.
        table = best_safe if is_bridge(b, y) else best_any
        for a in rest_entries:
            if (b, a) not in table or not allowed((a, y)):
                continue
            part, x = table[b, a]
            delta = problem.cost((a, y)) - problem.cost((b, y)) + part
            if delta < best_delta:
                best, best_delta = ((a, x), (b, y)), delta
    return best


def _solution(problem: Problem, pairs: frozenset[Pair], lower_bound: int, connected: bool):
    loads = dict.fromkeys(problem.jurors, 0)
    for j, _e in pairs:
        loads[j] += 1
    wanted = [p for p, level in problem.preferences.items() if level == Preference.WANT]
    return Solution(
        pairs=pairs,
        loads=loads,
        cost=sum(problem.cost(p) for p in pairs),
        lower_bound=lower_bound,
        connected=connected,
        wanted=len(wanted),
        wanted_granted=sum(1 for p in wanted if p in pairs),
        avoided_assigned=tuple(
            sorted(p for p in pairs if problem.preferences.get(p) == Preference.AVOID)
        ),
    )
