"""Reading and validating score and criteria files (scoring.scorefile)."""

from __future__ import annotations

import math
import zipfile
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

from scoring.scorefile import ScoreFileError, read_criteria, read_scores

DATA = Path(__file__).resolve().parent / "data"
PNG_HEADER = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06"


def write(path: Path, text: str, *, encoding: str = "utf-8") -> Path:
    path.write_bytes(text.encode(encoding))
    return path


def write_xlsx(path: Path, rows: list[list]) -> Path:
    book = openpyxl.Workbook()
    for row in rows:
        book.active.append(row)
    book.save(path)
    return path


def error_of(path: Path, **kwargs) -> str:
    with pytest.raises(ScoreFileError) as caught:
        read_scores(path, **kwargs)
    message = str(caught.value)
    assert "\n" not in message
    return message


# --- good files -------------------------------------------------------------------


def test_read_scores_csv_gives_engine_long_format():
    scores = read_scores(DATA / "paris_all11_long.csv")

    assert list(scores.columns) == ["entry", "juror", "criterion", "score"]
    assert len(scores) == 110
    assert scores["score"].dtype == float
    assert scores.iloc[0].tolist() == ["Chateau Montelena", "T1", "score", 10.0]


def test_read_scores_empty_score_is_missing(tmp_path):
    path = write(tmp_path / "s.csv", "entry,juror,criterion,score\nA,j1,c,\nA,j2,c,7\n")

    scores = read_scores(path)

    assert math.isnan(scores["score"][0])
    assert scores["score"][1] == 7.0


def test_read_scores_keeps_identifiers_as_written(tmp_path):
    path = write(tmp_path / "s.csv", "entry,juror,criterion,score\n007, j1 ,c,1\n")

    scores = read_scores(path)

    assert scores[["entry", "juror"]].iloc[0].tolist() == ["007", "j1"]


def test_read_scores_header_any_order_and_case_with_bom(tmp_path):
    text = "\ufeffScore,Juror,Criterion,Entry,comment\n5,j1,c,A,fine\n"
    path = write(tmp_path / "s.csv", text)

    scores = read_scores(path)

    assert scores.iloc[0].to_dict() == {"entry": "A", "juror": "j1", "criterion": "c", "score": 5.0}


def test_read_scores_semicolon_csv_accepts_decimal_comma(tmp_path):
    path = write(tmp_path / "s.csv", "entry;juror;criterion;score\nA;j1;c;8,5\nB;j1;c;7\n")

    scores = read_scores(path)

    assert scores["score"].tolist() == [8.5, 7.0]


def test_read_scores_blank_category_column_is_treated_as_absent(tmp_path):
    path = write(tmp_path / "s.csv", "category,entry,juror,criterion,score\n,A,j1,c,5\n")

    scores = read_scores(path)

    assert "category" not in scores.columns


def test_read_scores_xlsx_number_ids_become_text(tmp_path):
    rows = [["category", "entry", "juror", "criterion", "score"], ["apps", 7, 1.0, "c", 8.5]]
    path = write_xlsx(tmp_path / "s.xlsx", rows)

    scores = read_scores(path)

    assert scores.iloc[0].tolist() == ["apps", "7", "1", "c", 8.5]


def test_read_scores_decides_format_by_content_not_name(tmp_path):
    rows = [["entry", "juror", "criterion", "score"], ["A", "j1", "c", 3]]
    path = write_xlsx(tmp_path / "really_a_workbook.csv", rows)

    scores = read_scores(path)

    assert scores["score"].tolist() == [3.0]


def test_read_criteria_defaults_and_optional_columns(tmp_path):
    path = write(
        tmp_path / "c.csv", "criterion,weight,max,tiebreak_order\ndesign,2,10,1\nimpact,,5,\n"
    )

    criteria = read_criteria(path)

    assert criteria["criterion"].tolist() == ["design", "impact"]
    assert criteria["weight"].tolist() == [2.0, 1.0]
    assert criteria["max"].tolist() == [10.0, 5.0]
    assert math.isnan(criteria["min"][0])
    assert criteria["tiebreak_order"].iloc[0] == 1.0


# --- bad score files --------------------------------------------------------------


def test_read_scores_non_numeric_names_file_row_and_value(tmp_path):
    # Row 4 in the file: header is row 1 and the blank line is row 3.
    path = write(tmp_path / "s.csv", "entry,juror,criterion,score\nA,j1,c,5\n\nB,j1,c,abc\n")

    message = error_of(path)

    assert message == f"{path} row 4: score 'abc' is not a number"


@pytest.mark.parametrize("value", ["nan", "inf", "1_0", "8,5"])
def test_read_scores_rejects_values_float_would_accept(tmp_path, value):
    path = write(tmp_path / "s.csv", f'entry,juror,criterion,score\nA,j1,c,"{value}"\n')

    message = error_of(path)

    assert f"row 2: score {value!r} is not a number" in message


def test_read_scores_xlsx_non_numeric_names_sheet_row(tmp_path):
    rows = [[None], ["entry", "juror", "criterion", "score"], ["A", "j1", "c", "high"]]
    path = write_xlsx(tmp_path / "s.xlsx", rows)

    message = error_of(path)

    assert message == f"{path} row 3: score 'high' is not a number"


def test_read_scores_missing_columns_are_named(tmp_path):
    path = write(tmp_path / "s.csv", "entry,juror,points\nA,j1,5\n")

    message = error_of(path)

    assert "missing columns 'criterion', 'score'" in message
    assert "'points'" in message


def test_read_scores_duplicate_sheet_cell_names_rows_and_keys(tmp_path):
    text = "category,entry,juror,criterion,score\napps,A,j1,c,5\napps,B,j1,c,5\napps,A,j1,c,6\n"
    path = write(tmp_path / "s.csv", text)

    message = error_of(path)

    assert message == (
        f"{path}: rows 2 and 4 are duplicates "
        "(category 'apps', entry 'A', juror 'j1', criterion 'c')"
    )


def test_read_scores_same_sheet_in_two_categories_is_not_a_duplicate(tmp_path):
    text = "category,entry,juror,criterion,score\napps,A,j1,c,5\ndata,A,j1,c,6\n"
    path = write(tmp_path / "s.csv", text)

    scores = read_scores(path)

    assert len(scores) == 2


def test_read_scores_empty_identifier_names_row(tmp_path):
    path = write(tmp_path / "s.csv", "entry,juror,criterion,score\nA,,c,5\n")

    assert error_of(path) == f"{path} row 2: empty juror"


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (b"", "is empty (no header row)"),
        (b"\n\n  \n", "is empty (no header row)"),
        (b"entry,juror,criterion,score\n", "has a header row but no scores"),
        (b"entry,juror,criterion,score\n\n,,,\n", "has a header row but no scores"),
    ],
)
def test_read_scores_empty_files(tmp_path, content, expected):
    path = tmp_path / "s.csv"
    path.write_bytes(content)

    assert expected in error_of(path)


@pytest.mark.parametrize(
    ("name", "content", "expected"),
    [
        ("s.csv", PNG_HEADER, "is neither CSV nor XLSX (it looks like a PNG image)"),
        ("s.csv", bytes(range(256)) * 4, "is neither CSV nor XLSX (it is binary data)"),
        ("s.csv", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(64), "old Excel .xls"),
        ("s.csv", "entry\ufeff".encode("utf-16"), "it is UTF-16 text"),
        ("s.xlsx", b"entry,juror,criterion,score\nA,j1,c,1\n", "is named .xlsx but is text"),
        ("s.xlsx", PNG_HEADER, "is not an XLSX workbook (it looks like a PNG image)"),
        ("s.xlsx", b"PK\x03\x04 not really a zip", "is a damaged ZIP file"),
    ],
)
def test_read_scores_refuses_files_that_are_not_csv_or_xlsx(tmp_path, name, content, expected):
    path = tmp_path / name
    path.write_bytes(content)

    assert expected in error_of(path)


def test_read_scores_refuses_zip_that_is_not_a_workbook(tmp_path):
    path = tmp_path / "s.xlsx"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("scores.csv", "entry,juror,criterion,score\n")

    assert "is a ZIP archive but not an XLSX workbook" in error_of(path)


def test_read_scores_refuses_latin1_text(tmp_path):
    path = write(
        tmp_path / "s.csv", "entry,juror,criterion,score\nBâtard,j1,c,1\n", encoding="latin-1"
    )

    assert "is not UTF-8 text (byte 0xe2 on line 2)" in error_of(path)


def test_read_scores_missing_file(tmp_path):
    path = tmp_path / "nope.csv"

    assert error_of(path) == f"{path}: no such file"


def test_read_scores_extra_values_beyond_header_are_an_error(tmp_path):
    path = write(tmp_path / "s.csv", "entry,juror,criterion,score\nA,j1,c,1,2\n")

    assert error_of(path) == f"{path} row 2: 5 values but the header has 4 columns"


def test_read_scores_malformed_quoting_names_row(tmp_path):
    path = write(tmp_path / "s.csv", 'entry,juror,criterion,score\nA,j1,c,1\n"B"x,j1,c,1\n')

    assert f"{path} row 3: malformed CSV" in error_of(path)


# --- criteria files and the cross-checks --------------------------------------------


def criteria_frame(tmp_path: Path, text: str) -> pd.DataFrame:
    return read_criteria(write(tmp_path / "c.csv", text))


def test_read_scores_criterion_missing_from_criteria_file_names_row(tmp_path):
    criteria = criteria_frame(tmp_path, "criterion,weight\ndesign,1\n")
    path = write(tmp_path / "s.csv", "entry,juror,criterion,score\nA,j1,design,5\nA,j1,desgin,5\n")

    message = error_of(path, criteria=criteria)

    assert message == f"{path} row 3: criterion 'desgin' is not in the criteria file"


def test_read_scores_score_outside_criterion_range_names_row(tmp_path):
    criteria = criteria_frame(tmp_path, "criterion,weight,min,max\ndesign,1,0,10\n")
    path = write(tmp_path / "s.csv", "entry,juror,criterion,score\nA,j1,design,5\nB,j1,design,12\n")

    message = error_of(path, criteria=criteria)

    assert message == f"{path} row 3: score 12 for criterion 'design' is above its max 10"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("criterion\ndesign\n", "missing column 'weight'"),
        ("criterion,weight\ndesign,heavy\n", "row 2: weight 'heavy' is not a number"),
        (
            "criterion,weight\ndesign,1\ndesign,2\n",
            "rows 2 and 3 are duplicates (criterion 'design')",
        ),
        ("criterion,weight\ndesign,-1\n", "row 2: weight -1 of 'design' is negative"),
        (
            "criterion,weight,min,max\ndesign,1,10,0\n",
            "row 2: min 10 of 'design' is above its max 0",
        ),
        ("criterion,weight\n", "has a header row but no criteria"),
        (
            "criterion,weight,tiebreak_order\na,1,1\nb,1,1\n",
            "criteria 'a' (row 2) and 'b' (row 3) share tiebreak_order 1",
        ),
    ],
)
def test_read_criteria_refuses_bad_files(tmp_path, text, expected):
    path = write(tmp_path / "c.csv", text)

    with pytest.raises(ScoreFileError) as caught:
        read_criteria(path)

    assert expected in str(caught.value)
