"""The engine runs once per change of its inputs: what changes the digest, what reuses it."""

from __future__ import annotations

from decimal import Decimal

import numpy as np
import pandas as pd
import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from scoring import results, services
from scoring.results.charts import HEATMAP_ROWS, heatmap, heatmap_bands
from scoring.results.compute import ranking
from tests.scoring.conftest import DURING_SCORING
from tests.scoring.test_results import score_all

pytestmark = pytest.mark.django_db


@pytest.fixture
def scored(juror, chair, entries, criteria):
    score_all(
        [juror, chair], entries, criteria, [[(8, 6), (5, 5), (3, 2)], [(9, 7), (6, 4), (3, 3)]]
    )
    return entries


def queries_of(function) -> int:
    with CaptureQueriesContext(connection) as captured:
        function()
    return len(captured.captured_queries)


def test_compute_reuses_the_stored_ranking_until_an_input_changes(scored, category):
    first = queries_of(lambda: results.compute(category, bootstrap=0))
    again = queries_of(lambda: results.compute(category, bootstrap=0))

    # The second call skips reading the scores and the criteria for the engine.
    assert again < first
    assert results.compute(category, bootstrap=0).result.entries["aggregate"].tolist() == [
        23.5,
        15.5,
        8.5,
    ]


def changes(category, change) -> tuple[str, str]:
    before, _result = ranking(category, bootstrap=0)
    with time_machine.travel(DURING_SCORING, tick=True):
        change()
    after, _result = ranking(category, bootstrap=0)
    return before, after


def test_digest_changes_when_a_score_is_corrected(scored, category, criteria, juror):
    def correct():
        sheet = juror.score_sheets.get(entry=scored[2])
        services.save_score_sheet(
            juror=juror,
            entry=scored[2],
            scores={str(criteria[0].pk): "10", str(criteria[1].pk): "10"},
            justification="Poprawiona ocena.",
            version=sheet.version,
            submit=True,
        )

    before, after = changes(category, correct)

    assert before != after
    table = results.compute(category, bootstrap=0).result.entries.set_index("entry")
    assert table.loc[str(scored[2].pk), "aggregate"] == 19.5  # (2*10+10 + 2*3+3) / 2


def test_digest_changes_when_a_conflict_is_recorded_late(scored, category, chair, organiser):
    before, after = changes(
        category,
        lambda: services.record_late_conflict(
            juror=chair, entry=scored[0], by=organiser, reason="Konflikt ujawniony po ocenie."
        ),
    )

    assert before != after
    table = results.compute(category, bootstrap=0).result.entries.set_index("entry")
    assert table.loc[str(scored[0].pk), "n_jurors"] == 1


def test_digest_changes_when_an_entry_is_no_longer_eligible(scored, category):
    def reject():
        scored[1].status = "ineligible"
        scored[1].save(update_fields=["status"])

    before, after = changes(category, reject)

    assert before != after
    assert len(results.compute(category, bootstrap=0).result.entries) == 2


def test_digest_changes_when_a_criterion_weight_changes(scored, category, criteria):
    def reweigh():
        criteria[0].weight = Decimal(1)
        criteria[0].save(update_fields=["weight"])

    before, after = changes(category, reweigh)

    assert before != after
    assert results.compute(category, bootstrap=0).result.entries["aggregate"].iloc[0] == 15.0


def test_action_without_bootstrap_takes_the_full_stored_result(scored, category):
    results.compute(category)  # what the chair's page stores: 1,000 rounds

    quick = results.compute(category, bootstrap=0)

    assert not quick.result.entries["p_award"].isna().any()


def test_heatmap_draws_bands_of_positions_beyond_forty_entries():
    entries = [str(n) for n in range(1, 101)]
    totals = pd.DataFrame(
        np.arange(200, dtype=float).reshape(100, 2), index=entries, columns=["7", "8"]
    )

    rows, labels = heatmap_bands(totals, entries, {})

    assert len(rows) <= HEATMAP_ROWS
    assert labels[0] == "1–3" and labels[-1] == "100–100"
    assert rows.iloc[0].tolist() == [2.0, 3.0]  # the mean of the first three entries


def test_heatmap_keeps_one_row_per_entry_up_to_forty():
    entries = [str(n) for n in range(1, 11)]
    totals = pd.DataFrame({"7": range(10)}, index=entries, dtype=float)

    rows, labels = heatmap_bands(totals, list(reversed(entries)), {"10": "T-10"})

    assert labels[0] == "T-10" and len(rows) == 10


def test_charts_leave_no_pyplot_figure_open():
    import matplotlib.pyplot as plt

    totals = pd.DataFrame({"7": [1.0, 2.0], "8": [2.0, np.nan]}, index=["1", "2"])
    svg = heatmap(totals, ["1", "2"], {}, {"7": "Anna"}, "Sumy", "Mapa ciepła sum")

    assert svg.startswith('<svg role="img" aria-label="Mapa ciepła sum"')
    assert plt.get_fignums() == []
