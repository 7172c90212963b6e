"""`manage.py rank`: reproduce a ranking from a score file, without the site.

Anyone holding the exported scores (CSV or XLSX, long format) can recompute
the aggregates, ranks, awards, bootstrap confidence and agreement figures
with the same engine the site uses, e.g.

    python manage.py rank scores.csv --criteria criteria.csv --method trimmed
    python manage.py rank scores.xlsx --format xlsx --output results.xlsx

Every usage or file problem ends with one line on stderr and exit status 2,
never a traceback (file formats and checks: scoring.scorefile).
"""

from __future__ import annotations

import sys
from functools import partial
from pathlib import Path
from typing import Any, NoReturn

import numpy as np
from django.core.management.base import BaseCommand, CommandError, CommandParser

from scoring.aggregation import METHODS, rank
from scoring.aggregation._base import DEFAULT_ROUNDS, DEFAULT_SEED
from scoring.rank_export import render_json, render_table, write_xlsx
from scoring.scorefile import ScoreFileError, read_criteria, read_scores

FORMATS = ("table", "json", "xlsx")
USAGE_ERROR = 2
# Upper bounds of the counting options: 99,999,999,999 bootstrap rounds asked numpy for an
# array no machine holds. 100,000 rounds already give the p(award) to about ±0.3 %.
LIMITS = {"places": 1_000, "distinctions": 1_000, "bootstrap": 100_000}


def _fail(message: str) -> NoReturn:
    # Django prints "CommandError: <message>"; a newline in the message would
    # break the one-line promise, so flatten it.
    raise CommandError(" ".join(message.split("\n")), returncode=USAGE_ERROR)


def _one_line_parser_error(parser: CommandParser, message: str) -> NoReturn:
    """argparse prints the whole usage before the error; we promise one line."""
    if parser.called_from_command_line:
        sys.stderr.write(f"CommandError: {message}\n")
        sys.exit(USAGE_ERROR)
    _fail(message)


class Command(BaseCommand):
    help = (
        "Rank entries from a long-format score file (CSV or XLSX: entry, juror, criterion, "
        "score, optional category) with the site's aggregation engine."
    )
    # The engine is pure: system checks of the rest of the project would only
    # slow it down and could add lines on stderr.
    requires_system_checks: list[str] = []

    def create_parser(self, prog_name: str, subcommand: str, **kwargs: Any) -> CommandParser:
        parser = super().create_parser(prog_name, subcommand, **kwargs)
        parser.error = partial(_one_line_parser_error, parser)  # type: ignore[method-assign]
        return parser

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "scores",
            metavar="SCORES",
            help="score file, .csv (UTF-8) or .xlsx, header entry,juror,criterion,score[,category]",
        )
        parser.add_argument(
            "--criteria",
            metavar="FILE",
            help="criteria file with criterion,weight[,min,max,tiebreak_order]; "
            "default: every criterion has weight 1",
        )
        parser.add_argument(
            "--method", default="mean", help=f"one of {', '.join(METHODS)} (default mean)"
        )
        parser.add_argument("--places", type=int, default=3, help="award places (default 3)")
        parser.add_argument(
            "--distinctions", type=int, default=0, help="distinctions after the places (default 0)"
        )
        parser.add_argument(
            "--min-share",
            type=float,
            default=None,
            help="minimum share (0..1) of the maximum possible score for an award",
        )
        parser.add_argument(
            "--bootstrap",
            type=int,
            default=DEFAULT_ROUNDS,
            help=f"bootstrap rounds over jurors, 0 = off (default {DEFAULT_ROUNDS})",
        )
        parser.add_argument(
            "--seed",
            type=int,
            default=DEFAULT_SEED,
            help=f"bootstrap seed (default {DEFAULT_SEED})",
        )
        parser.add_argument(
            "--format", default="table", help="table (default), json or xlsx (needs --output)"
        )
        parser.add_argument("--output", metavar="FILE", help="write here instead of stdout")

    def handle(self, *args: Any, **options: Any) -> None:
        method, fmt, output = options["method"], options["format"], options["output"]
        self._check_options(options)
        try:
            criteria = read_criteria(options["criteria"]) if options["criteria"] else None
            scores = read_scores(options["scores"], criteria=criteria)
        except ScoreFileError as exc:
            _fail(str(exc))
        try:
            # Overflow gives inf, which the check below refuses with a message.
            with np.errstate(over="ignore", invalid="ignore"):
                results = rank(
                    scores,
                    criteria,
                    method=method,
                    places=options["places"],
                    distinctions=options["distinctions"],
                    min_share=options["min_share"],
                    bootstrap=options["bootstrap"],
                    seed=options["seed"],
                )
        except ValueError as exc:
            # The file checks should leave the engine nothing to refuse; if it
            # still does, the cause is the data, so report it like them.
            _fail(f"{options['scores']}: {exc}")
        for result in results:
            if not np.isfinite(result.entries["aggregate"].to_numpy(dtype=float)).all():
                _fail(
                    f"{options['scores']}: the results are not finite numbers "
                    "(scores or weights too large to add up); scale them down"
                )

        try:
            if fmt == "xlsx":
                write_xlsx(results, method=method, path=output)
            else:
                render = render_json if fmt == "json" else render_table
                text = render(results, method=method)
                if output is None:
                    self.stdout.write(text)
                else:
                    Path(output).write_text(text + "\n", encoding="utf-8")
        except OSError as exc:
            _fail(f"{output}: cannot write ({exc.strerror or exc})")

    def _check_options(self, options: dict[str, Any]) -> None:
        if options["method"] not in METHODS:
            _fail(f"unknown --method {options['method']!r}; choose one of {', '.join(METHODS)}")
        for name, most in LIMITS.items():
            if not 0 <= options[name] <= most:
                _fail(f"--{name} must lie between 0 and {most:,}, not {options[name]}")
        share = options["min_share"]
        if share is not None and not 0 <= share <= 1:
            _fail(f"--min-share must lie between 0 and 1, not {share}")
        if options["format"] not in FORMATS:
            _fail(f"unknown --format {options['format']!r}; choose one of {', '.join(FORMATS)}")
        if options["format"] == "xlsx" and not options["output"]:
            _fail("--format xlsx writes a workbook: give --output FILE.xlsx")
