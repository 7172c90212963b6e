"""Server-side SVG charts of the public archive (matplotlib through `Figure`, no JavaScript)."""

from __future__ import annotations

import io
from html import escape

from matplotlib.figure import Figure

INK = "#1a1a1a"
# Colour-blind-safe (Okabe–Ito), in the order of the institution kinds.
PALETTE = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#000000"]


def stacked_bars(
    rows: list[tuple[str, list[int]]], series: list[str], title: str, description: str
) -> str:
    """Horizontal bars, one per row label, stacked by series (e.g. województwa × kinds)."""
    height = max(2.0, 0.35 * len(rows) + 1.2)
    figure = Figure(figsize=(8, height), dpi=100)
    axis = figure.subplots()
    labels = [label for label, _counts in rows]
    left = [0] * len(rows)
    for index, name in enumerate(series):
        values = [counts[index] for _label, counts in rows]
        if any(values):
            axis.barh(labels, values, left=left, label=name, color=PALETTE[index % len(PALETTE)])
            left = [a + b for a, b in zip(left, values, strict=True)]
    axis.invert_yaxis()  # the first row on top, as in the table below
    axis.set_title(title, color=INK, fontsize=10)
    axis.tick_params(colors=INK, labelsize=8)
    axis.xaxis.get_major_locator().set_params(integer=True)
    if rows:
        axis.legend(fontsize=7, frameon=False, loc="center left", bbox_to_anchor=(1.01, 0.5))
    buffer = io.StringIO()
    figure.savefig(buffer, format="svg", bbox_inches="tight")
    text = buffer.getvalue()
    svg = text[text.index("<svg") :]
    return svg.replace("<svg ", f'<svg role="img" aria-label="{escape(description)}" ', 1)
