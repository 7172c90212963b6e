"""Server-side SVG charts of juror totals (matplotlib, no JavaScript, no CDN).

Drawn through `matplotlib.figure.Figure`, never `pyplot`: pyplot keeps a registry of open
figures in the process, which a web server's threads would share.
"""

from __future__ import annotations

import io
import math
from html import escape

import numpy as np
import pandas as pd
from matplotlib.figure import Figure

INK = "#1a1a1a"
# Above this many entries the heat map shows bands of entries in ranking order, not one row
# per entry: a person reads about forty rows, and one row per entry of 2,000 made a 3 MB SVG.
HEATMAP_ROWS = 40


def _svg(figure: Figure, description: str) -> str:
    buffer = io.StringIO()
    figure.savefig(buffer, format="svg", bbox_inches="tight")
    text = buffer.getvalue()
    # Inline SVG: the figure's own XML header and DOCTYPE are not valid inside HTML.
    svg = text[text.index("<svg") :]
    return svg.replace("<svg ", f'<svg role="img" aria-label="{escape(description)}" ', 1)


def juror_boxplots(
    totals: pd.DataFrame, labels: dict[str, str], title: str, description: str
) -> str:
    """One box per juror: a lenient or severe juror stands out by level, not by reading numbers."""
    columns = [c for c in totals.columns if totals[c].notna().any()]
    data = [totals[c].dropna().to_numpy() for c in columns]
    figure = Figure(figsize=(max(4, 0.9 * len(columns) + 2), 3.2), dpi=100)
    axis = figure.subplots()
    if data:
        axis.boxplot(data, tick_labels=[labels.get(c, c) for c in columns])
    axis.set_title(title, color=INK, fontsize=10)
    axis.tick_params(colors=INK, labelsize=8)
    axis.grid(axis="y", alpha=0.3)
    return _svg(figure, description)


def heatmap_bands(
    totals: pd.DataFrame, order: list[str], entry_labels: dict[str, str]
) -> tuple[pd.DataFrame, list[str]]:
    """The rows the heat map draws: each entry, or at most HEATMAP_ROWS bands of entries.

    `order` is the ranking (entry ids, best first). A band holds consecutive entries of the
    ranking and shows each juror's mean total over them, labelled by the positions it spans.
    """
    ordered = totals.reindex([e for e in order if e in totals.index])
    count = len(ordered)
    if count <= HEATMAP_ROWS:
        return ordered, [entry_labels.get(e, e) for e in ordered.index]
    size = math.ceil(count / HEATMAP_ROWS)
    band = np.arange(count) // size
    means = ordered.groupby(band).mean()
    labels = [f"{start + 1}–{min(start + size, count)}" for start in range(0, count, size)]
    return means, labels


def heatmap(
    totals: pd.DataFrame,
    order: list[str],
    entry_labels: dict[str, str],
    juror_labels: dict[str, str],
    title: str,
    description: str,
) -> str:
    """Jurors × entries (or bands of entries by position): blank cells are recusals or gaps."""
    rows, row_labels = heatmap_bands(totals, order, entry_labels)
    matrix = rows.to_numpy(dtype=float)
    height = max(2.5, 0.28 * len(rows.index) + 1.2)
    figure = Figure(figsize=(max(4, 0.8 * len(rows.columns) + 3), height), dpi=100)
    axis = figure.subplots()
    image = axis.imshow(np.ma.masked_invalid(matrix), aspect="auto", cmap="viridis")
    axis.set_xticks(range(len(rows.columns)), [juror_labels.get(c, c) for c in rows.columns])
    axis.set_yticks(range(len(rows.index)), row_labels)
    axis.tick_params(labelsize=7, colors=INK)
    axis.tick_params(axis="x", labelrotation=30)
    axis.set_title(title, color=INK, fontsize=10)
    figure.colorbar(image, ax=axis, shrink=0.8)
    return _svg(figure, description)
