"""Benchmark of the protocol workbook (scoring.results.protocol.write_protocol); figures go to BENCHMARKS.md.

Run from the repository root:

    .venv/bin/python bench/protocol.py [--full-read-back]

1. Builds a synthetic snapshot payload in the shape `scoring.results.build_payload`
   gives (250 categories x 400 entries x 5 jurors x 6 criteria = 3,000,000 scores,
   fixed seed; the scores through the app's own `scores_payload`) and stores its
   canonical JSON in a temporary file, as the snapshot's `payload` column holds it.
   No database is used.
2. A fresh subprocess does only what the protocol task does with it: read the stored
   text, `json.loads` it (what the JSONField returns), wrap it in an unsaved
   `ResultSnapshot` and call `write_protocol`. It reports its RSS after start-up
   (Django set up, `scoring.results.protocol` imported) and after loading, the peak while
   loading, the peak while writing (after resetting the high-water mark through
   /proc/self/clear_refs) and the times. Peaks are VmHWM from /proc/self/status, not
   `ru_maxrss`: a child's `ru_maxrss` starts at the RSS of the process that forked it
   (Linux keeps the old mm's high-water mark across exec), so here it would report
   this parent's gigabyte, not the child's own peak.
3. The parent reads the workbook back with openpyxl in read-only mode: the digest on
   the cover, the first ranking row of the first and last category sheets, the first
   1,000 rows of the score matrix against the payload, and the number of matrix rows
   (counted in the sheet's XML). `--full-read-back` compares all 3,000,000 matrix rows
   through openpyxl instead (about 7 minutes more).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import platform
import random
import subprocess
import sys
import tempfile
import time
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

REPO_ROOT = Path(__file__).resolve().parents[1]
if str(REPO_ROOT) not in sys.path:
    sys.path.insert(0, str(REPO_ROOT))

SEED = 20240101
N_CATEGORIES, ENTRIES_PER_CATEGORY, JURORS_PER_CATEGORY = 250, 400, 5
CRITERIA = ["Wpływ", "Jakość", "Innowacyjność", "Użyteczność", "Otwartość", "Koszt"]
TARGET_MB = 500
WORDS = (
    "system platforma cyfrowa otwarta miejska energia woda zdrowie edukacja dane "
    "mobilność klimat szkoła biblioteka archiwum sieć czujników mapa rejestr usługa"
).split()


def setup_django() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cms.settings.test")
    import django

    django.setup()


def proc_status_mb(field: str) -> float:
    """A memory figure of this process from /proc/self/status (Linux; KiB there)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(f"{field}:"):
            return int(line.split()[1]) / 1024
    raise SystemExit(f"no {field} in /proc/self/status (Linux only)")


# --- 1. the synthetic payload ---------------------------------------------------------


def synthetic_payload(*, categories: int, entries: int, jurors: int, seed: int = SEED) -> dict:
    """A payload shaped like `build_payload`'s, with ids as the database would give them."""
    from scoring.results import scores_payload

    rng = random.Random(seed)
    criteria = [
        {"id": 101 + i, "name": name, "weight": w, "min": "0.00", "max": "10.00", "category": None}
        for i, (name, w) in enumerate(
            zip(CRITERIA, ["3.00", "2.00", "2.00", "1.00", "1.00", "1.00"], strict=True)
        )
    ]
    criterion_ids = [c["id"] for c in criteria]
    payload_categories: list[dict[str, Any]] = []
    score_rows: list[tuple[int, int, int, int, float]] = []
    entry_pk, juror_pk = 10_000, 500
    for c in range(categories):
        category_id = 1 + c
        jury = [
            {"id": juror_pk + j, "name": f"Juror{juror_pk + j} Nazwisko", "chair": j == 0}
            for j in range(jurors)
        ]
        juror_pk += jurors
        leniency = {j["id"]: rng.gauss(0.0, 0.8) for j in jury}
        rows = []
        for e in range(entries):
            entry_id = entry_pk
            entry_pk += 1
            quality = rng.gauss(6.0, 1.5)
            totals: dict[str, float] = {}
            for juror in jury:
                marks = [
                    float(
                        min(10, max(0, round(quality + leniency[juror["id"]] + rng.gauss(0, 1.2))))
                    )
                    for _ in criterion_ids
                ]
                for criterion_id, mark in zip(criterion_ids, marks, strict=True):
                    score_rows.append((category_id, entry_id, juror["id"], criterion_id, mark))
                totals[str(juror["id"])] = (
                    sum(m * w for m, w in zip(marks, (3, 2, 2, 1, 1, 1), strict=True)) / 10
                )
            aggregate = sum(totals.values()) / len(totals)
            title = " ".join(rng.choice(WORDS) for _ in range(6)).capitalize()
            rows.append(
                {
                    "entry": str(entry_id),
                    "number": f"SLC-2026-{entry_id:06d}",
                    "title": title,
                    "institution": f"Urząd Miasta {entry_id % 997}",
                    "institution_id": 1 + entry_id % 997,
                    "aggregate": aggregate,
                    "rank": 0,
                    "position": 0,
                    "tie_break": None,
                    "proposed_award": None,
                    "award": None,
                    "p_award": round(rng.random(), 3),
                    "rank_interval": [1 + e // 2, 1 + e],
                    "juror_totals": totals,
                }
            )
        rows.sort(key=lambda r: -r["aggregate"])
        for position, row in enumerate(rows, start=1):
            row["rank"] = row["position"] = position
            award = f"place_{position}" if position <= 3 else None
            row["proposed_award"] = row["award"] = award
        payload_categories.append(
            {
                "id": category_id,
                "name": f"Kategoria {category_id:03d}",
                "places": 3,
                "max_distinctions": 5,
                "prizes": {"1": "15000.00", "2": "10000.00", "3": "5000.00"},
                "jury": jury,
                "recusals": [
                    {
                        "juror": jury[1]["id"],
                        "entry": rows[-1]["entry"],
                        "kind": "conflict",
                        "reason": "Współpraca z wnioskodawcą.",
                    }
                ],
                "agreement": {
                    "krippendorff_alpha_interval": rng.random(),
                    "icc": {"ICC2_1": rng.random(), "ICC2_k": rng.random()},
                },
                "ranking": rows,
                "decisions": {
                    "tie": None,
                    "awards": {
                        "changed": False,
                        "justification": "",
                        "by": f"c{category_id}",
                        "at": "2026-06-01T12:00:00+00:00",
                    },
                },
            }
        )
    return {
        "competition": "Samorząd Lepszej Codzienności",
        "edition": {"id": 1, "number": 1, "label": "I", "year": 2026},
        "method": "mean",
        "criteria": criteria,
        "categories": payload_categories,
        "scores": scores_payload(
            score_rows,
            categories=[c["id"] for c in payload_categories],
            criteria=criterion_ids,
        ),
    }


# --- 2. the measured child process ----------------------------------------------------


def child(payload_path: Path, digest: str, out_path: Path) -> None:
    """Load the stored text, parse it as the JSONField does, write the workbook; print figures."""
    setup_django()
    import datetime as dt

    from scoring.models import ResultSnapshot
    from scoring.results.protocol import write_protocol

    rss_start = proc_status_mb("VmRSS")
    start = time.perf_counter()
    text = payload_path.read_text(encoding="utf-8")
    payload = json.loads(text)
    del text  # the driver's row (and its text) is gone once the model instance exists
    t_load = time.perf_counter() - start
    rss_loaded, peak_loaded = proc_status_mb("VmRSS"), proc_status_mb("VmHWM")
    try:
        # Resets VmHWM to the current RSS, so the writing's own peak shows separately.
        Path("/proc/self/clear_refs").write_text("5")
        separate = True
    except OSError:
        separate = False
    snapshot = ResultSnapshot(
        payload=payload, digest=digest, created_at=dt.datetime(2026, 6, 2, tzinfo=dt.UTC)
    )
    start = time.perf_counter()
    write_protocol(snapshot, str(out_path))
    t_write = time.perf_counter() - start
    figures = {
        "rss_start_mb": rss_start,
        "rss_loaded_mb": rss_loaded,
        "peak_loaded_mb": peak_loaded,
        "peak_write_mb": proc_status_mb("VmHWM") if separate else None,
        "peak_mb": max(peak_loaded, proc_status_mb("VmHWM")),
        "load_s": t_load,
        "write_s": t_write,
    }
    print(json.dumps(figures))


# --- 3. reading back ------------------------------------------------------------------


def expected_matrix(payload: dict) -> Iterator[list[Any]]:
    """The score-matrix rows the workbook should hold, from the payload."""
    from scoring.results.protocol import iter_scores

    categories = payload["categories"]
    names = {c["id"]: c["name"] for c in categories}
    jurors = {j["id"]: j["name"] for c in categories for j in c["jury"]}
    criteria = {c["id"]: c["name"] for c in payload["criteria"]}
    entries = {int(r["entry"]): (r["number"], r["title"]) for c in categories for r in c["ranking"]}
    for category, entry, juror, criterion, value in iter_scores(payload["scores"]):
        yield [names[category], *entries[entry], jurors[juror], criteria[criterion], value]


def count_rows(path: Path, sheet_path: str) -> int:
    """Rows in a sheet's XML, streamed: openpyxl would take minutes over 3M rows."""
    count, tail = 0, b""
    with zipfile.ZipFile(path) as archive, archive.open(sheet_path.lstrip("/")) as xml:
        while chunk := xml.read(1 << 24):
            data = tail + chunk
            count += data.count(b"<row ")
            tail = data[-4:]  # shorter than the tag, so no row is counted twice
    return count - 1  # the header row


def read_back(path: Path, payload: dict, digest: str, *, full: bool) -> str:
    """Check cells with openpyxl in read-only mode; raise SystemExit on a mismatch."""
    import openpyxl

    workbook = openpyxl.load_workbook(path, read_only=True)
    try:
        names = workbook.sheetnames
        expected_sheets = 1 + len(payload["categories"]) + 2
        if len(names) != expected_sheets:
            raise SystemExit(f"{len(names)} sheets, expected {expected_sheets}")
        cover = {r[0]: r[1] for r in workbook[names[0]].iter_rows(values_only=True)}
        if digest not in cover.values():
            raise SystemExit("the digest is not on the cover sheet")
        for sheet, category in [(names[1], 0), (names[-3], -1)]:
            row = next(workbook[sheet].iter_rows(min_row=2, max_row=2, values_only=True))
            want = payload["categories"][category]["ranking"][0]
            fields = ("position", "rank", "number", "title", "institution", "aggregate")
            if list(row[:6]) != [want[f] for f in fields]:
                raise SystemExit(f"{sheet} row 2 is {row!r}, expected {want!r}")
        matrix = workbook[names[-2]]
        expected = expected_matrix(payload)
        limit = None if full else 1000
        checked = 0
        for got, want in zip(
            matrix.iter_rows(min_row=2, max_row=None if full else 1 + limit, values_only=True),
            expected,
            strict=False,  # only the first rows unless --full-read-back; counted below
        ):
            if list(got) != want:
                raise SystemExit(f"score row {checked + 1} is {got!r}, expected {want!r}")
            checked += 1
        n_expected = checked + sum(1 for _ in expected)
        n_rows = count_rows(path, matrix._worksheet_path)  # private, but openpyxl is pinned to 3.1
        if n_rows != n_expected or (full and checked != n_expected):
            raise SystemExit(f"{n_rows:,} score rows, expected {n_expected:,}")
        return (
            f"{len(names)} sheets; cover, ranking rows and the first {checked:,} of "
            f"{n_rows:,} score rows match"
        )
    finally:
        workbook.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--categories", type=int, default=N_CATEGORIES)
    parser.add_argument("--entries", type=int, default=ENTRIES_PER_CATEGORY, help="per category")
    parser.add_argument("--jurors", type=int, default=JURORS_PER_CATEGORY, help="per category")
    parser.add_argument("--keep", type=Path, help="keep the payload and workbook in this folder")
    parser.add_argument(
        "--full-read-back", action="store_true", help="compare every score row (slow)"
    )
    parser.add_argument(
        "--child", nargs=3, metavar=("PAYLOAD", "DIGEST", "OUT"), help=argparse.SUPPRESS
    )
    args = parser.parse_args()
    if args.child:
        child(Path(args.child[0]), args.child[1], Path(args.child[2]))
        return

    setup_django()
    from scoring.results import canonical_json

    print(f"python {platform.python_version()}, nproc {os.cpu_count()}, {platform.machine()}")
    start = time.perf_counter()
    payload = synthetic_payload(
        categories=args.categories, entries=args.entries, jurors=args.jurors
    )
    text = canonical_json(payload)
    digest = hashlib.sha256(text.encode("utf-8")).hexdigest()
    n_scores = args.categories * args.entries * args.jurors * len(CRITERIA)
    print(
        f"payload: {args.categories} categories x {args.entries} entries x {args.jurors} jurors "
        f"x {len(CRITERIA)} criteria = {n_scores:,} scores, {len(text.encode()) / 1e6:.0f} MB "
        f"canonical JSON, built in {time.perf_counter() - start:.0f} s",
        flush=True,
    )

    with tempfile.TemporaryDirectory() as tmp:
        folder = args.keep or Path(tmp)
        folder.mkdir(parents=True, exist_ok=True)
        payload_path, out_path = folder / "payload.json", folder / "protocol.xlsx"
        payload_path.write_text(text, encoding="utf-8")
        del text
        # A fresh process, so the peak is that of the protocol task alone, not of this one.
        result = subprocess.run(
            [sys.executable, __file__, "--child", str(payload_path), digest, str(out_path)],
            check=True,
            capture_output=True,
            text=True,
            cwd=REPO_ROOT,
        )
        figures = json.loads(result.stdout.strip().splitlines()[-1])
        size_mb = out_path.stat().st_size / 1e6
        print(f"RSS after start-up (Django, openpyxl): {figures['rss_start_mb']:.0f} MB")
        print(
            f"RSS after loading the payload: {figures['rss_loaded_mb']:.0f} MB "
            f"(peak while loading {figures['peak_loaded_mb']:.0f} MB, {figures['load_s']:.1f} s)"
        )
        write_peak = figures["peak_write_mb"]
        print(
            f"write_protocol: {figures['write_s']:.1f} s, workbook {size_mb:.0f} MB"
            + (f", peak while writing {write_peak:.0f} MB" if write_peak is not None else "")
        )
        verdict = "met" if figures["peak_mb"] <= TARGET_MB else "MISSED"
        print(
            f"peak RSS of the process: {figures['peak_mb']:.0f} MB (target <= {TARGET_MB} MB: {verdict})"
        )
        start = time.perf_counter()
        print(
            f"read back: {read_back(out_path, payload, digest, full=args.full_read_back)} ({time.perf_counter() - start:.0f} s)"
        )


if __name__ == "__main__":
    main()
