"""Server-side SVG charts of juror totals (matplotlib, no JavaScript, no CDN)."""

from __future__ import annotations

import io
from html import escape

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

# Colour-blind-safe palette with enough contrast on white.
INK = "#1a1a1a"


def _svg(figure, description: str) -> str:
    buffer = io.StringIO()
    figure.savefig(buffer, format="svg", bbox_inches="tight")
    plt.close(figure)
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
    figure, axis = plt.subplots(figsize=(max(4, 0.9 * len(columns) + 2), 3.2), dpi=100)
    if data:
        axis.boxplot(data, tick_labels=[labels.get(c, c) for c in columns])
    axis.set_title(title, color=INK, fontsize=10)
    axis.tick_params(colors=INK, labelsize=8)
    axis.grid(axis="y", alpha=0.3)
    return _svg(figure, description)


def heatmap(
    totals: pd.DataFrame,
    entry_labels: dict[str, str],
    juror_labels: dict[str, str],
    title: str,
    description: str,
) -> str:
    """Jurors × entries: blank cells are recusals or missing sheets."""
    matrix = totals.to_numpy(dtype=float)
    height = max(2.5, 0.28 * len(totals.index) + 1.2)
    figure, axis = plt.subplots(figsize=(max(4, 0.8 * len(totals.columns) + 3), height), dpi=100)
    masked = np.ma.masked_invalid(matrix)
    image = axis.imshow(masked, aspect="auto", cmap="viridis")
    axis.set_xticks(range(len(totals.columns)), [juror_labels.get(c, c) for c in totals.columns])
    axis.set_yticks(range(len(totals.index)), [entry_labels.get(i, i) for i in totals.index])
    axis.tick_params(labelsize=7, colors=INK)
    axis.set_title(title, color=INK, fontsize=10)
    figure.colorbar(image, ax=axis, shrink=0.8)
    return _svg(figure, description)
