"""The `rank` management command: results without the site, and clean failures."""

from __future__ import annotations

import io
import json
import subprocess
import sys
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

DATA = Path(__file__).resolve().parent / "data"
REPO_ROOT = Path(__file__).resolve().parents[2]
PARIS = DATA / "paris_all11_long.csv"
ISU = DATA / "isu_gpf2017_Composition_long.csv"


def run_rank(*args: str) -> str:
    out = io.StringIO()
    call_command("rank", *[str(a) for a in args], stdout=out)
    return out.getvalue()


def rank_json(*args: str) -> dict:
    return json.loads(run_rank(*args, "--format", "json"))


def rank_error(*args: str) -> str:
    with pytest.raises(CommandError) as caught:
        run_rank(*args)
    assert caught.value.returncode == 2
    message = str(caught.value)
    assert "\n" not in message
    return message


def write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def half_up(value: float) -> Decimal:
    return Decimal(repr(value)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def csv_to_xlsx(source: Path, target: Path) -> Path:
    frame = pd.read_csv(source, dtype=str, keep_default_na=False)
    book = openpyxl.Workbook()
    book.active.append(list(frame.columns))
    for row in frame.itertuples(index=False):
        book.active.append(
            [float(v) if k == "score" and v else v for k, v in row._asdict().items()]
        )
    book.save(target)
    return target


TWO_CRITERIA = """entry,juror,criterion,score
A,j1,design,8
A,j1,impact,2
A,j2,design,6
A,j2,impact,4
B,j1,design,3
B,j1,impact,9
B,j2,design,5
B,j2,impact,7
"""


# --- results ---------------------------------------------------------------------


def test_rank_json_paris_mean_gives_published_order():
    payload = rank_json(PARIS)

    [category] = payload["categories"]
    top = category["entries"][:3]
    assert payload["method"] == "mean"
    assert [e["entry"] for e in top] == [
        "Chateau Montelena",
        "Mersault Charmes",
        "Chalone Vineyards",
    ]
    assert [e["position"] for e in top] == [1, 2, 3]
    assert top[0]["aggregate"] == pytest.approx(158.5 / 11)  # 14.409..., unrounded
    assert [e["award"] for e in top] == ["place_1", "place_2", "place_3"]
    assert category["entries"][3]["award"] is None


def test_rank_json_has_the_agreed_shape():
    payload = rank_json(PARIS)

    [category] = payload["categories"]
    assert {"category", "krippendorff_alpha_interval", "icc", "jurors", "entries"} <= set(category)
    assert type(category["krippendorff_alpha_interval"]) is float
    assert set(category["icc"]) == {"ICC2_1", "ICC2_k"}
    assert set(category["jurors"][0]) == {
        "juror",
        "entries_scored",
        "mean_bias",
        "corr_with_others",
        "flagged",
    }
    entry = category["entries"][0]
    assert {
        "entry",
        "n_jurors",
        "aggregate",
        "rank",
        "position",
        "tie_break",
        "award",
        "p_award",
        "rank_interval",
    } <= set(entry)
    assert entry["n_jurors"] == 11
    assert 0.0 <= entry["p_award"] <= 1.0
    low, high = entry["rank_interval"]
    assert 1 <= low <= entry["rank"] <= high
    assert [e["position"] for e in category["entries"]] == list(range(1, 11))


def test_rank_json_is_strict_json_with_nulls_when_bootstrap_off():
    text = run_rank(PARIS, "--format", "json", "--bootstrap", "0")

    payload = json.loads(text, parse_constant=lambda token: pytest.fail(f"bare {token}"))

    entry = payload["categories"][0]["entries"][0]
    assert entry["p_award"] is None
    assert entry["rank_interval"] is None


def test_rank_json_isu_trimmed_reproduces_published_panel_scores():
    expected = pd.read_csv(
        DATA / "isu_gpf2017_Composition_expected.csv", dtype={"published_panel_score": str}
    )

    payload = rank_json(ISU, "--method", "trimmed", "--bootstrap", "0")

    got = {e["entry"]: half_up(e["aggregate"]) for e in payload["categories"][0]["entries"]}
    want = dict(
        zip(expected["entry"], map(Decimal, expected["published_panel_score"]), strict=True)
    )
    assert payload["method"] == "trimmed"
    assert got == want


def test_rank_json_same_seed_same_confidence():
    first = rank_json(PARIS, "--bootstrap", "200", "--seed", "7")

    second = rank_json(PARIS, "--bootstrap", "200", "--seed", "7")

    assert first == second


def test_rank_criteria_weights_change_the_result_as_hand_computed(tmp_path):
    scores = write(tmp_path / "scores.csv", TWO_CRITERIA)
    criteria = write(tmp_path / "criteria.csv", "criterion,weight\ndesign,3\nimpact,1\n")

    plain = rank_json(scores, "--bootstrap", "0")
    weighted = rank_json(scores, "--criteria", criteria, "--bootstrap", "0")

    # Weight 1: A = (10 + 10)/2 = 10, B = (12 + 12)/2 = 12.
    assert [(e["entry"], e["aggregate"]) for e in plain["categories"][0]["entries"]] == [
        ("B", 12.0),
        ("A", 10.0),
    ]
    # design x3: A = (3*8+2 + 3*6+4)/2 = 24, B = (3*3+9 + 3*5+7)/2 = 20.
    assert [(e["entry"], e["aggregate"]) for e in weighted["categories"][0]["entries"]] == [
        ("A", 24.0),
        ("B", 20.0),
    ]


def test_rank_category_column_splits_categories(tmp_path):
    text = "category,entry,juror,criterion,score\n" + "".join(
        f"{cat},{entry},{juror},c,{score}\n"
        for cat, entry, juror, score in [
            ("apps", "A", "j1", 9),
            ("apps", "A", "j2", 7),
            ("apps", "B", "j1", 4),
            ("apps", "B", "j2", 6),
            ("data", "C", "j3", 3),
            ("data", "D", "j3", 8),
        ]
    )
    scores = write(tmp_path / "scores.csv", text)

    payload = rank_json(scores, "--bootstrap", "0", "--places", "1")

    by_category = {
        c["category"]: [(e["entry"], e["aggregate"], e["award"]) for e in c["entries"]]
        for c in payload["categories"]
    }
    assert by_category == {
        "apps": [("A", 8.0, "place_1"), ("B", 5.0, None)],
        "data": [("D", 8.0, "place_1"), ("C", 3.0, None)],
    }
    assert [j["juror"] for j in payload["categories"][1]["jurors"]] == ["j3"]


def test_rank_options_reach_the_engine(tmp_path):
    scores = write(tmp_path / "scores.csv", TWO_CRITERIA)

    payload = rank_json(
        scores, "--method", "median", "--places", "0", "--distinctions", "1", "--bootstrap", "0"
    )

    assert payload["method"] == "median"
    assert [e["award"] for e in payload["categories"][0]["entries"]] == ["distinction", None]


def test_rank_min_share_withholds_awards_below_threshold(tmp_path):
    scores = write(tmp_path / "scores.csv", TWO_CRITERIA)
    criteria = write(tmp_path / "criteria.csv", "criterion,weight,max\ndesign,1,10\nimpact,1,10\n")

    payload = rank_json(scores, "--criteria", criteria, "--min-share", "0.55", "--bootstrap", "0")

    # Maximum 20; 0.55 * 20 = 11: B (12) keeps its place, A (10) gets none.
    assert [e["award"] for e in payload["categories"][0]["entries"]] == ["place_1", None]


def test_rank_xlsx_input_gives_the_same_json_as_csv(tmp_path):
    workbook = csv_to_xlsx(PARIS, tmp_path / "paris.xlsx")

    from_csv = rank_json(PARIS, "--bootstrap", "100")
    from_xlsx = rank_json(workbook, "--bootstrap", "100")

    assert from_xlsx == from_csv


def test_rank_xlsx_output_reads_back_as_the_json_numbers(tmp_path):
    target = tmp_path / "results.xlsx"
    payload = rank_json(PARIS)

    run_rank(PARIS, "--format", "xlsx", "--output", target)

    book = openpyxl.load_workbook(target)
    assert book.sheetnames == ["Results", "Jurors", "Agreement"]
    sheet = book["Results"]
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:5] == ("Position", "Rank", "Entry", "Jurors", "Aggregate")
    assert all(cell.font.bold for cell in sheet[1])
    assert sheet.freeze_panes == "A2"
    assert sheet.column_dimensions["C"].width >= len("Beaune, Clos des Mouches")
    entries = payload["categories"][0]["entries"]
    # openpyxl writes 16 significant digits: equal up to the last binary digit.
    assert [
        (r[0], r[1], r[2], r[3], pytest.approx(r[4], rel=1e-15), r[5], r[7], [r[8], r[9]], r[10])
        for r in rows[1:]
    ] == [
        (
            e["position"],
            e["rank"],
            e["entry"],
            e["n_jurors"],
            e["aggregate"],
            e["award"],
            e["p_award"],
            e["rank_interval"],
            e["tie_break"],
        )
        for e in entries
    ]
    jurors = list(book["Jurors"].iter_rows(values_only=True))[1:]
    assert [
        (r[1], r[2], pytest.approx(r[3], rel=1e-15), pytest.approx(r[4], rel=1e-15)) for r in jurors
    ] == [
        (j["juror"], j["entries_scored"], j["mean_bias"], j["corr_with_others"])
        for j in payload["categories"][0]["jurors"]
    ]
    agreement = list(book["Agreement"].iter_rows(values_only=True))[1]
    category = payload["categories"][0]
    assert agreement[5] == pytest.approx(category["krippendorff_alpha_interval"], rel=1e-15)
    assert agreement[6] == pytest.approx(category["icc"]["ICC2_1"], rel=1e-15)


def test_rank_xlsx_output_one_sheet_per_category(tmp_path):
    text = "category,entry,juror,criterion,score\napps,A,j1,c,1\nJurors,B,j1,c,2\nx/y,C,j1,c,3\n"
    scores = write(tmp_path / "scores.csv", text)
    target = tmp_path / "results.xlsx"

    run_rank(scores, "--format", "xlsx", "--output", target, "--bootstrap", "0")

    book = openpyxl.load_workbook(target)
    # Categories in string order ("J" < "a"); a category called "Jurors" must
    # not clash with the jurors sheet, and "/" is not allowed in sheet names.
    assert book.sheetnames == ["Jurors (2)", "apps", "x_y", "Jurors", "Agreement"]
    assert [r[:2] for r in book["Agreement"].iter_rows(min_row=2, values_only=True)] == [
        ("Jurors", "Jurors (2)"),
        ("apps", "apps"),
        ("x/y", "x_y"),
    ]


def test_rank_table_shows_ranking_agreement_and_jurors():
    text = run_rank(PARIS)

    assert "Chateau Montelena" in text
    assert "14.409" in text
    assert "place_1" in text
    assert "Krippendorff's alpha (interval): 0.329" in text
    assert "ICC(2,1)" in text
    assert "Mean bias" in text
    assert text.index("Chateau Montelena") < text.index("Mersault Charmes")


def test_rank_table_reports_incomplete_sheets_and_unresolved_ties(tmp_path):
    text = "entry,juror,criterion,score\nA,j1,c,5\nB,j1,c,5\nC,j1,c,\n"
    scores = write(tmp_path / "scores.csv", text)

    output = run_rank(scores, "--bootstrap", "0")

    assert "Unresolved tie, only the chair can break it: A, B" in output
    assert "pending (chair)" in output
    assert "entry C, juror j1: missing c" in output


@pytest.mark.parametrize("fmt", ["table", "json"])
def test_rank_output_option_writes_file_instead_of_stdout(tmp_path, fmt):
    target = tmp_path / f"out.{fmt}"

    stdout = run_rank(PARIS, "--format", fmt, "--output", target, "--bootstrap", "0")

    assert stdout == ""
    assert target.read_text(encoding="utf-8") == run_rank(
        PARIS, "--format", fmt, "--bootstrap", "0"
    )


# --- failures: one line, exit status 2 -----------------------------------------------


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (b"", "is empty (no header row)"),
        (b"entry,juror,criterion,score\n", "has a header row but no scores"),
        (b"entry,juror,points\nA,j1,5\n", "missing columns 'criterion', 'score'"),
        (
            b"entry,juror,criterion,score\nA,j1,c,5\nA,j2,c,n/a\n",
            "row 3: score 'n/a' is not a number",
        ),
        (
            b"entry,juror,criterion,score\nA,j1,c,5\nA,j1,c,6\n",
            "rows 2 and 3 are duplicates (entry 'A', juror 'j1', criterion 'c')",
        ),
        (
            b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR",
            "is neither CSV nor XLSX (it looks like a PNG image)",
        ),
        (bytes(range(256)), "is neither CSV nor XLSX (it is binary data)"),
    ],
)
def test_rank_bad_score_file_fails_cleanly(tmp_path, content, expected):
    path = tmp_path / "scores.csv"
    path.write_bytes(content)

    message = rank_error(path)

    assert message.startswith(f"{path}")
    assert expected in message


def test_rank_xlsx_that_is_text_fails_cleanly(tmp_path):
    path = write(tmp_path / "scores.xlsx", TWO_CRITERIA)

    assert "is named .xlsx but is text, not an XLSX workbook" in rank_error(path)


def test_rank_missing_file_fails_cleanly(tmp_path):
    path = tmp_path / "nope.csv"

    assert rank_error(path) == f"{path}: no such file"


@pytest.mark.parametrize(
    ("criteria_text", "expected"),
    [
        ("criterion\ndesign\n", "missing column 'weight'"),
        ("criterion,weight\ndesign,x\nimpact,1\n", "row 2: weight 'x' is not a number"),
        ("criterion,weight\ndesign,1\n", "criterion 'impact' is not in the criteria file"),
    ],
)
def test_rank_bad_criteria_file_fails_cleanly(tmp_path, criteria_text, expected):
    scores = write(tmp_path / "scores.csv", TWO_CRITERIA)
    criteria = write(tmp_path / "criteria.csv", criteria_text)

    assert expected in rank_error(scores, "--criteria", criteria)


def test_rank_missing_criteria_file_fails_cleanly(tmp_path):
    criteria = tmp_path / "criteria.csv"

    assert rank_error(PARIS, "--criteria", criteria) == f"{criteria}: no such file"


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["--method", "average"], "unknown --method 'average'; choose one of mean, median"),
        (["--places", "-1"], "--places must lie between 0 and 1,000, not -1"),
        (["--distinctions", "-2"], "--distinctions must lie between 0 and 1,000, not -2"),
        (["--bootstrap", "-5"], "--bootstrap must lie between 0 and 100,000, not -5"),
        (
            ["--bootstrap", "99999999999"],
            "--bootstrap must lie between 0 and 100,000, not 99999999999",
        ),
        (["--min-share", "1.5"], "--min-share must lie between 0 and 1, not 1.5"),
        (["--min-share", "-0.1"], "--min-share must lie between 0 and 1, not -0.1"),
        (["--format", "xlsx"], "--format xlsx writes a workbook: give --output FILE.xlsx"),
        (["--format", "html"], "unknown --format 'html'"),
        (["--places", "three"], "argument --places: invalid int value: 'three'"),
    ],
)
def test_rank_bad_options_fail_cleanly(args, expected):
    message = rank_error(PARIS, *args)

    assert expected in message


def test_rank_unwritable_output_fails_cleanly(tmp_path):
    target = tmp_path / "missing-dir" / "out.json"

    message = rank_error(PARIS, "--format", "json", "--output", target)

    assert message.startswith(f"{target}: cannot write")


# --- through a real process: exit status and stderr as a user sees them --------------


def run_manage(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "manage.py", "rank", *map(str, args)],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


@pytest.mark.parametrize(
    ("content", "args", "expected"),
    [
        (b"entry,juror,criterion,score\nA,j1,c,5\nA,j2,c,abc\n", [], "row 3: score 'abc'"),
        (b"\x89PNG\r\n\x1a\n\x00\x00", [], "it looks like a PNG image"),
        (b"entry,juror,criterion,score\nA,j1,c,5\n", ["--places", "x"], "invalid int value"),
        (b"entry,juror,criterion,score\nA,j1,c,5\n", ["--method", "mode"], "unknown --method"),
    ],
)
def test_rank_process_exits_2_with_one_line_on_stderr(tmp_path, content, args, expected):
    path = tmp_path / "scores.csv"
    path.write_bytes(content)

    done = run_manage(path, *args)

    assert done.returncode == 2
    assert done.stdout == ""
    assert len(done.stderr.splitlines()) == 1
    assert done.stderr.startswith("CommandError: ")
    assert expected in done.stderr


def test_rank_process_missing_file_exits_2_with_one_line_on_stderr(tmp_path):
    done = run_manage(tmp_path / "nope.csv")

    assert done.returncode == 2
    assert done.stderr.splitlines() == [f"CommandError: {tmp_path / 'nope.csv'}: no such file"]


def test_rank_process_prints_json_and_exits_0():
    done = run_manage(PARIS, "--format", "json", "--bootstrap", "0")

    assert done.returncode == 0
    assert done.stderr == ""
    assert json.loads(done.stdout)["categories"][0]["entries"][0]["entry"] == "Chateau Montelena"


def test_rank_xlsx_writes_formula_like_entries_and_jurors_as_text(tmp_path):
    text = 'category,entry,juror,criterion,score\n=2+2,=1+1,@j1,c,1\n=2+2,"=HYPERLINK(""x"")",-j2,c,2\n'
    scores = write(tmp_path / "scores.csv", text)
    target = tmp_path / "results.xlsx"

    run_rank(scores, "--format", "xlsx", "--output", target, "--bootstrap", "0")

    book = openpyxl.load_workbook(target)
    cells = [c for sheet in book.worksheets for row in sheet.iter_rows() for c in row]
    assert not [c.coordinate for c in cells if c.data_type == "f"]
    values = {c.value for c in cells if c.data_type == "s"}
    assert {"=1+1", '=HYPERLINK("x")', "@j1", "-j2", "=2+2"} <= values


def test_rank_refuses_results_that_are_not_finite(tmp_path):
    scores = write(tmp_path / "scores.csv", TWO_CRITERIA)
    criteria = write(tmp_path / "criteria.csv", "criterion,weight\ndesign,1e308\nimpact,1e308\n")

    message = rank_error(scores, "--criteria", criteria, "--format", "json", "--bootstrap", "0")

    assert "the results are not finite numbers" in message


def test_rank_refuses_digits_of_other_scripts(tmp_path):
    scores = write(tmp_path / "scores.csv", "entry,juror,criterion,score\nA,j1,c,٥\n")

    message = rank_error(scores)

    assert "score" in message and "row 2" in message
