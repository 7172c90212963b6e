"""Reading and validating score files and criteria files (CSV or XLSX) for `rank`.

A score file is long format with a header row: entry, juror, criterion, score
and optionally category (any order, any case; extra columns are ignored). An
empty score is a missing score. A criteria file has criterion and weight and
optionally min, max, tiebreak_order.

Every problem raises ScoreFileError whose message is one line naming the file
and, where there is one, the row as a spreadsheet shows it (the header is row
1, blank rows count). User values are quoted with repr() so that a stray
newline inside a quoted CSV field cannot break the one-line promise.

Choices where the brief leaves room:

- The format is decided by content, not by the name: a ZIP holding
  xl/workbook.xml is read as XLSX whatever it is called; anything else must be
  UTF-8 text (a BOM is fine) and is read as CSV, except that a file named
  .xlsx which turns out to be text is refused (the user expected a workbook;
  reading it as CSV would hide an export gone wrong).
- The CSV delimiter is the most frequent of comma, semicolon and tab in the
  header row, so the semicolon files Polish Excel writes work too; in those a
  decimal comma ("8,5") is accepted. With comma-delimited files "8,5" is
  refused rather than guessed (it could be a thousands separator).
- Identifiers are kept as text exactly as written (stripped of surrounding
  spaces), so "007" stays "007". An XLSX number cell 7 or 7.0 becomes "7".
- The header is the first non-blank row; blank rows are skipped.
- A category column that is blank throughout is treated as absent.
- With a criteria file, a score row naming a criterion the file does not list,
  or a score outside the criterion's min..max, is an error: the engine would
  silently drop or accept it, and both are usually typos.
"""

from __future__ import annotations

import csv
import io
import math
import re
import warnings
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, time
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

SCORE_COLUMNS = ("entry", "juror", "criterion", "score")
CRITERIA_COLUMNS = ("criterion", "weight")
CRITERIA_OPTIONAL = ("min", "max", "tiebreak_order")

# Plain decimal numbers only: float() would also take "nan", "inf", "1_0" and other scripts'
# digits ("٥"); re.ASCII keeps \d to 0-9.
_NUMBER = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?", re.ASCII)
_DECIMAL_COMMA = re.compile(r"[+-]?\d+,\d+", re.ASCII)

# Magic numbers of files people plausibly pick by mistake, for a helpful message.
_KNOWN_BINARY = (
    (b"\x89PNG", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"GIF8", "a GIF image"),
    (b"%PDF", "a PDF document"),
    (b"\xd0\xcf\x11\xe0", "an old Excel .xls (or other OLE2) file; save it as .xlsx or CSV"),
)


class ScoreFileError(ValueError):
    """A file that cannot be used; str() is one line naming the file and the problem."""


@dataclass
class _Table:
    """Raw cells below the header: one list per row, with the row's number in the file."""

    name: str
    header: list[str]
    rows: list[list[Any]]
    row_numbers: list[int]
    decimal_comma: bool


def read_scores(path: str | Path, *, criteria: pd.DataFrame | None = None) -> pd.DataFrame:
    """Read a score file into the engine's long format.

    Returns columns [category,] entry, juror, criterion (str) and score (float,
    NaN = missing). `criteria` (from `read_criteria`) enables the checks that
    every criterion is listed and every score lies within min..max.
    """
    table = _read_table(path)
    columns = _column_positions(table, required=SCORE_COLUMNS, optional=("category",))
    if not table.rows:
        raise ScoreFileError(f"{table.name}: has a header row but no scores")
    id_columns = ["entry", "juror", "criterion"]
    if "category" in columns:
        if all(_as_id(row[columns["category"]]) == "" for row in table.rows):
            del columns["category"]
        else:
            id_columns.insert(0, "category")
    data = {col: _id_column(table, columns[col], col) for col in id_columns}
    data["score"] = _number_column(table, columns["score"], "score")
    frame = pd.DataFrame(data)
    frame["score"] = frame["score"].astype(float)
    _check_duplicates(table, frame, id_columns)
    if criteria is not None:
        _check_against_criteria(table, frame, criteria)
    return frame


def read_criteria(path: str | Path) -> pd.DataFrame:
    """Read a criteria file: criterion (str), weight, min, max, tiebreak_order (float, NaN = unset).

    An empty weight is the default weight 1; weights must not be negative.
    """
    table = _read_table(path)
    columns = _column_positions(table, required=CRITERIA_COLUMNS, optional=CRITERIA_OPTIONAL)
    if not table.rows:
        raise ScoreFileError(f"{table.name}: has a header row but no criteria")
    frame = pd.DataFrame({"criterion": _id_column(table, columns["criterion"], "criterion")})
    for col in ("weight", *CRITERIA_OPTIONAL):
        if col in columns:
            frame[col] = _number_column(table, columns[col], col)
        else:
            frame[col] = np.nan
    frame["weight"] = frame["weight"].fillna(1.0)
    _check_duplicates(table, frame, ["criterion"])
    name, rows = table.name, table.row_numbers
    for i, item in enumerate(frame.itertuples(index=False)):
        if item.weight < 0:
            raise ScoreFileError(
                f"{name} row {rows[i]}: weight {item.weight:g} of {item.criterion!r} is negative"
            )
        if item.min > item.max:
            raise ScoreFileError(
                f"{name} row {rows[i]}: min {item.min:g} of {item.criterion!r} "
                f"is above its max {item.max:g}"
            )
    orders = frame["tiebreak_order"]
    repeated = orders[orders.notna() & orders.duplicated(keep=False)]
    if len(repeated):
        first, second = repeated.index[:2]
        raise ScoreFileError(
            f"{name}: criteria {frame['criterion'][first]!r} (row {rows[first]}) and "
            f"{frame['criterion'][second]!r} (row {rows[second]}) share "
            f"tiebreak_order {orders[first]:g}"
        )
    return frame


# --- file format --------------------------------------------------------------


def _read_table(path: str | Path) -> _Table:
    path = Path(path)
    name = str(path)
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise ScoreFileError(f"{name}: no such file") from None
    except IsADirectoryError:
        raise ScoreFileError(f"{name}: is a directory, not a file") from None
    except OSError as exc:
        raise ScoreFileError(f"{name}: cannot read ({exc.strerror or exc})") from None
    if not raw.strip():
        raise ScoreFileError(f"{name}: is empty (no header row)")
    if raw.startswith(b"PK\x03\x04"):
        return _read_xlsx(name, raw)
    if path.suffix.lower() in (".xlsx", ".xlsm"):
        if _looks_binary(raw):
            raise ScoreFileError(f"{name}: is not an XLSX workbook ({_describe_binary(raw)})")
        raise ScoreFileError(f"{name}: is named .xlsx but is text, not an XLSX workbook")
    return _read_csv(name, raw)


def _looks_binary(raw: bytes) -> bool:
    """NUL bytes, a known magic number or many control characters: not text.

    Text in a legacy encoding (cp1250, latin-1) is not binary; it fails later
    with a message asking for UTF-8.
    """
    head = raw[:8192]
    if b"\x00" in head or any(head.startswith(magic) for magic, _ in _KNOWN_BINARY):
        return True
    controls = sum(1 for byte in head if byte < 0x20 and byte not in b"\t\n\r\f")
    return controls > len(head) // 20


def _describe_binary(raw: bytes) -> str:
    for magic, what in _KNOWN_BINARY:
        if raw.startswith(magic):
            return f"it looks like {what}"
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        return "it is UTF-16 text; save it as CSV UTF-8"
    return "it is binary data"


def _read_csv(name: str, raw: bytes) -> _Table:
    if _looks_binary(raw):
        raise ScoreFileError(f"{name}: is neither CSV nor XLSX ({_describe_binary(raw)})")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        raise ScoreFileError(
            f"{name}: is not UTF-8 text (byte 0x{raw[exc.start]:02x} on line {line}); "
            "save it as CSV UTF-8 or XLSX"
        ) from None
    first_line = next((line for line in text.splitlines() if line.strip()), "")
    delimiter = max((",", ";", "\t"), key=first_line.count)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    records: list[list[str]] = []
    numbers: list[int] = []
    header: list[str] | None = None
    row_number = 0
    try:
        for record in reader:
            row_number += 1
            if not any(field.strip() for field in record):
                continue
            if header is None:
                header = record
            else:
                records.append(record)
                numbers.append(row_number)
    except csv.Error as exc:
        raise ScoreFileError(f"{name} row {row_number + 1}: malformed CSV ({exc})") from None
    if header is None:
        raise ScoreFileError(f"{name}: is empty (no header row)")
    width = len(header)
    for record, number in zip(records, numbers, strict=True):
        if len(record) > width:
            if any(field.strip() for field in record[width:]):
                raise ScoreFileError(
                    f"{name} row {number}: {len(record)} values but the header has {width} columns"
                )
            del record[width:]
        elif len(record) < width:
            record.extend([""] * (width - len(record)))
    return _Table(name, header, records, numbers, decimal_comma=delimiter != ",")


def _read_xlsx(name: str, raw: bytes) -> _Table:
    try:
        with zipfile.ZipFile(io.BytesIO(raw)) as archive:
            members = set(archive.namelist())
    except zipfile.BadZipFile:
        raise ScoreFileError(f"{name}: is a damaged ZIP file, not an XLSX workbook") from None
    if "xl/workbook.xml" not in members:
        raise ScoreFileError(f"{name}: is a ZIP archive but not an XLSX workbook")
    # Imported here: openpyxl is only needed for workbooks.
    import openpyxl

    try:
        with warnings.catch_warnings():
            # Style or extension warnings about someone else's workbook are not
            # the user's problem and must not turn into errors.
            warnings.simplefilter("ignore")
            book = openpyxl.load_workbook(io.BytesIO(raw), read_only=True, data_only=True)
            try:
                sheet = book.worksheets[0]
                all_rows = [list(row) for row in sheet.iter_rows(min_row=1, values_only=True)]
            finally:
                book.close()
    except Exception as exc:
        # openpyxl reports damaged workbooks with many exception types
        # (KeyError, ValueError, XML errors...): all mean the same to the user.
        detail = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        raise ScoreFileError(f"{name}: cannot read the XLSX workbook ({detail})") from None
    header: list[str] | None = None
    records: list[list[Any]] = []
    numbers: list[int] = []
    for number, row in enumerate(all_rows, start=1):
        if all(_as_id(value) == "" for value in row):
            continue
        if header is None:
            header = [_as_id(value) for value in row]
        else:
            records.append(row)
            numbers.append(number)
    if header is None:
        raise ScoreFileError(f"{name}: is empty (no header row)")
    width = len(header)
    for row in records:
        if len(row) < width:
            row.extend([None] * (width - len(row)))
    return _Table(name, header, records, numbers, decimal_comma=True)


# --- columns ----------------------------------------------------------------------


def _column_positions(
    table: _Table, *, required: Sequence[str], optional: Sequence[str]
) -> dict[str, int]:
    names = [str(h).strip().lower() for h in table.header]
    positions: dict[str, int] = {}
    for index, column in enumerate(names):
        if column in (*required, *optional):
            if column in positions:
                raise ScoreFileError(f"{table.name}: column {column!r} appears twice in the header")
            positions[column] = index
    missing = [c for c in required if c not in positions]
    if missing:
        found = ", ".join(repr(h) for h in names if h) or "nothing"
        raise ScoreFileError(
            f"{table.name}: missing column{'s' if len(missing) > 1 else ''} "
            f"{', '.join(repr(c) for c in missing)} (the header row has {found})"
        )
    return positions


def _as_id(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(value).upper()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime | date | time):
        return value.isoformat()
    return str(value).strip()


def _id_column(table: _Table, index: int, column: str) -> list[str]:
    values = [_as_id(row[index]) for row in table.rows]
    for i, value in enumerate(values):
        if value == "":
            raise ScoreFileError(f"{table.name} row {table.row_numbers[i]}: empty {column}")
    return values


def _as_number(value: Any, *, decimal_comma: bool) -> float | None:
    """The value as a float, NaN when empty, None when it is not a number."""
    if value is None:
        return math.nan
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        return float(value) if math.isfinite(value) else None
    if not isinstance(value, str):
        return None
    text = value.strip()
    if text == "":
        return math.nan
    if decimal_comma and _DECIMAL_COMMA.fullmatch(text):
        text = text.replace(",", ".")
    if not _NUMBER.fullmatch(text):
        return None
    number = float(text)
    return number if math.isfinite(number) else None


def _number_column(table: _Table, index: int, column: str) -> np.ndarray:
    out = np.empty(len(table.rows))
    for i, row in enumerate(table.rows):
        number = _as_number(row[index], decimal_comma=table.decimal_comma)
        if number is None:
            raise ScoreFileError(
                f"{table.name} row {table.row_numbers[i]}: {column} {_shown(row[index])} "
                "is not a number"
            )
        out[i] = number
    return out


def _shown(value: Any) -> str:
    return repr(value.strip() if isinstance(value, str) else value)


# --- checks across rows --------------------------------------------------------


def _check_duplicates(table: _Table, frame: pd.DataFrame, keys: list[str]) -> None:
    repeated = frame.duplicated(subset=keys, keep="first").to_numpy()
    if not repeated.any():
        return
    second = int(np.argmax(repeated))
    key = tuple(frame[k].iat[second] for k in keys)
    same = (frame[keys] == pd.Series(key, index=keys)).all(axis=1).to_numpy()
    first = int(np.argmax(same))
    what = ", ".join(f"{k} {v!r}" for k, v in zip(keys, key, strict=True))
    raise ScoreFileError(
        f"{table.name}: rows {table.row_numbers[first]} and {table.row_numbers[second]} "
        f"are duplicates ({what})"
    )


def _check_against_criteria(table: _Table, frame: pd.DataFrame, criteria: pd.DataFrame) -> None:
    listed = criteria.set_index("criterion")
    known = frame["criterion"].isin(listed.index).to_numpy()
    if not known.all():
        i = int(np.argmin(known))
        raise ScoreFileError(
            f"{table.name} row {table.row_numbers[i]}: criterion {frame['criterion'].iat[i]!r} "
            "is not in the criteria file"
        )
    score = frame["score"].to_numpy()
    low = listed["min"].reindex(frame["criterion"]).to_numpy()
    high = listed["max"].reindex(frame["criterion"]).to_numpy()
    with np.errstate(invalid="ignore"):
        below, above = score < low, score > high
    if below.any() or above.any():
        i = int(np.argmax(below | above))
        word, bound = ("below its min", low[i]) if below[i] else ("above its max", high[i])
        raise ScoreFileError(
            f"{table.name} row {table.row_numbers[i]}: score {score[i]:g} for criterion "
            f"{frame['criterion'].iat[i]!r} is {word} {bound:g}"
        )
