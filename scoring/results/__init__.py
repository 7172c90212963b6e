"""From saved scores to frozen results: one package for the whole path.

`queries` reads what results are computed from, `compute` runs the engine once per change of
those inputs, `services` holds the chair's and organiser's actions, `snapshot` builds and
verifies the frozen record (the only module `cms` reads), `views` and `charts` show them.
The names below are the package's public face, for the callers outside it.
"""

from __future__ import annotations

from .compute import BOOTSTRAP_ROUNDS, CategoryResults, compute
from .payload import build_payload, scores_payload
from .queries import criteria_frame, latest_award_decision, latest_tie_decision, scores_frame
from .services import (
    confirm_awards,
    confirmation_matches,
    freeze_results,
    record_tie_decision,
    snapshot_and_freeze,
)
from .snapshot import AWARD_CHOICES, canonical_json, jurors_who_scored, verify

__all__ = [
    "AWARD_CHOICES",
    "BOOTSTRAP_ROUNDS",
    "CategoryResults",
    "build_payload",
    "canonical_json",
    "compute",
    "confirm_awards",
    "confirmation_matches",
    "criteria_frame",
    "freeze_results",
    "jurors_who_scored",
    "latest_award_decision",
    "latest_tie_decision",
    "record_tie_decision",
    "scores_frame",
    "scores_payload",
    "snapshot_and_freeze",
    "verify",
]
