from __future__ import annotations

import time

import pytest

from entries.models import DESCRIPTION_MAX_LENGTH
from entries.text import render_description


@pytest.mark.parametrize("unit", ["[", "![", "[a](", "*a_", "<"])
def test_render_description_of_adversarial_input_at_the_limit_is_fast(unit):
    source = (unit * DESCRIPTION_MAX_LENGTH)[:DESCRIPTION_MAX_LENGTH]
    start = time.perf_counter()

    html = render_description(source)

    # Python-Markdown took 114 s on 25,000 "[" (issue 18); this parser takes about 0.3 s
    # (bench/descriptions.py). The bound leaves room for a loaded CI machine.
    assert time.perf_counter() - start < 5.0
    assert html.startswith("<p>")


def test_render_description_of_800_nested_lists_does_not_recurse():
    source = "".join("  " * depth + "- punkt\n" for depth in range(800))

    html = render_description(source)

    assert html.count("<ul>") <= 20


def test_render_description_shows_raw_html_as_text_and_drops_unsafe_links():
    html = render_description("<script>alert(1)</script> [a](javascript:alert(1)) **b**")

    assert "<script>" not in html
    assert "&lt;script&gt;" in html
    assert 'href="javascript' not in html
    assert "<strong>b</strong>" in html
