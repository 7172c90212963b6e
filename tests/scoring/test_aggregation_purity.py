from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_aggregation_imports_nothing_from_django():
    code = "import sys, scoring.aggregation; print(sorted(m for m in sys.modules if m.startswith('django')))"

    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True
    )

    assert result.stdout.strip() == "[]"
