"""Benchmark of the public pages on results day; figures go to BENCHMARKS.md ("Public pages").

Run from the repository root (about 6 minutes with the defaults):

    .venv/bin/python bench/pages.py

What it does, with production settings (cms.settings.production) and only its own resources:

1. Drops and creates its own PostgreSQL database (default `judging_bench_pages`; the
   project's `judging` and `test_judging` are refused), runs `migrate` and `load_demo`, and
   `collectstatic` into the default STATIC_ROOT `static_collected/` (production settings have
   no STATIC_ROOT override; the folder is git-ignored and removed again at the end if this
   script created it). The environment gets a random SECRET_KEY, ALLOWED_HOSTS=127.0.0.1,
   localhost, SECURE_SSL_REDIRECT=0 (plain http on loopback) and dummy e-mail settings.
2. Once, in one process with Django's test client (no HTTP): counts the SQL
   queries of a cache hit and times a hit and a full render, to show where a hit's time goes.
3. For each cache backend (a database table when REDIS_URL is unset, the default; then Redis
   via REDIS_URL, default redis://127.0.0.1:6379/5, whose database is flushed before and after) starts
   `gunicorn cms.wsgi:application -w 2` on a free loopback port, waits until it answers,
   checks that the announcement page answers 200 without a redirect, warms it up, checks that
   both workers then answer it with `X-Page-Cache: hit`, and runs `wrk` in rounds against
   (a) a hashed static file served by WhiteNoise (css/site.<hash>.css from
   staticfiles.json), (b) the published announcement page and (c) the same page with a
   session cookie, which the page cache skips, i.e. a full render. The three take turns in
   every round, so load from other processes hits them alike.
4. Then checks invalidation: publishes a new revision of the announcement (a changed title) from
   a separate process, as `publish_scheduled` does on results day or as another gunicorn
   worker does for an editor, then asks the server which title it serves; then publishes the
   original title again.
5. Prints a table: requests/s (median and range over the rounds), latency, and the ratio
   page / static file per round (target: >= 50%).

gunicorn is always stopped and the database dropped at the end, also on failure or Ctrl-C.

Redis: Django's RedisCache needs the `redis` package, which is not among the project's
dependencies. When it is missing from the virtualenv the script says so and installs it with
pip into a folder under /tmp (`--redis-pythonpath`), used only by the Redis run's processes,
so the virtualenv is left as it is; `--no-install-redis` skips the Redis run instead.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import json
import os
import platform
import re
import secrets
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from dataclasses import asdict, dataclass, field
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[1]
VENV_BIN = REPO_ROOT / ".venv" / "bin"
PYTHON = str(VENV_BIN / "python") if (VENV_BIN / "python").exists() else sys.executable
GUNICORN = str(VENV_BIN / "gunicorn") if (VENV_BIN / "gunicorn").exists() else "gunicorn"
STATIC_ROOT = REPO_ROOT / "static_collected"  # base.STATIC_ROOT; production does not override it
PAGE_PATH = "/samorzadowy-lider-cyfryzacji/2024-6/laureaci/"
PROTECTED_DATABASES = {"judging", "test_judging", "postgres", "template0", "template1"}
NO_CACHE_COOKIE = "sessionid=bench-no-page-cache"  # the page cache skips requests with a session


def log(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", flush=True)


# --------------------------------------------------------------------------- environment


def django_env(args: argparse.Namespace, *, redis: bool) -> dict[str, str]:
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in {"REDIS_URL", "DJANGO_SETTINGS_MODULE", "DATABASE_URL"}
    }
    env.update(
        DJANGO_SETTINGS_MODULE=args.settings,
        SECRET_KEY=args.secret_key,
        VOTE_VOTER_KEY=args.secret_key,
        ALLOWED_HOSTS="127.0.0.1,localhost",
        DATABASE_URL=f"postgres://postgres@{args.pg_host}:{args.pg_port}/{args.db}",
        SECURE_SSL_REDIRECT="0",
        EMAIL_HOST="localhost",
        DEFAULT_FROM_EMAIL="bench@example.org",
        PYTHONUNBUFFERED="1",
    )
    if redis:
        env["REDIS_URL"] = args.redis_url
        if args.redis_pythonpath_in_use:
            env["PYTHONPATH"] = os.pathsep.join(
                p for p in (args.redis_pythonpath, os.environ.get("PYTHONPATH")) if p
            )
    return env


def run(cmd: list[str], env: dict[str, str] | None = None, **kwargs) -> str:
    result = subprocess.run(
        cmd, cwd=REPO_ROOT, env=env, capture_output=True, text=True, check=False, **kwargs
    )
    if result.returncode != 0:
        raise RuntimeError(
            f"{' '.join(cmd)} failed ({result.returncode}):\n{result.stdout[-3000:]}"
            f"\n{result.stderr[-3000:]}"
        )
    return result.stdout


def psql(args: argparse.Namespace, sql: str) -> None:
    run(
        [
            "psql",
            "-X",
            "-q",
            "-h",
            args.pg_host,
            "-p",
            str(args.pg_port),
            "-U",
            "postgres",
            "-d",
            "postgres",
            "-v",
            "ON_ERROR_STOP=1",
            "-c",
            sql,
        ]
    )


def redis_flush(args: argparse.Namespace) -> None:
    m = re.match(r"redis://([^:/]+)(?::(\d+))?(?:/(\d+))?$", args.redis_url)
    if not m:
        raise SystemExit(f"cannot parse --redis-url {args.redis_url!r}")
    host, port, db = m.group(1), m.group(2) or "6379", m.group(3) or "0"
    run(["redis-cli", "-h", host, "-p", port, "-n", db, "FLUSHDB"])


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def redis_client_available() -> bool:
    return subprocess.run([PYTHON, "-c", "import redis"], capture_output=True).returncode == 0


def ensure_redis_client(args: argparse.Namespace) -> bool:
    """True when the Redis run can go ahead; sets args.redis_pythonpath_in_use."""
    args.redis_pythonpath_in_use = False
    if redis_client_available():
        return True
    log(
        "NOTE: the `redis` package is not installed in .venv and is not a project dependency: "
        "with REDIS_URL set, production answers every cached page with 500 "
        "(ModuleNotFoundError: No module named 'redis')."
    )
    probe = [PYTHON, "-c", "import redis"]
    env = dict(os.environ, PYTHONPATH=args.redis_pythonpath)
    if subprocess.run(probe, env=env, capture_output=True).returncode == 0:
        args.redis_pythonpath_in_use = True
        log(f"Using redis-py from {args.redis_pythonpath} for the Redis run only.")
        return True
    if args.no_install_redis:
        return False
    log(f"Installing redis-py with pip into {args.redis_pythonpath} (not into .venv) ...")
    run([PYTHON, "-m", "pip", "install", "--quiet", "--target", args.redis_pythonpath, "redis"])
    args.redis_pythonpath_in_use = True
    return True


# --------------------------------------------------------------------------- HTTP helpers


@dataclass
class Reply:
    status: int
    headers: dict[str, str]
    body: bytes


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *a, **k):
        return None


_opener = urllib.request.build_opener(_NoRedirect)


def get(url: str, headers: dict[str, str] | None = None, timeout: float = 30) -> Reply:
    request = urllib.request.Request(url, headers=headers or {})
    try:
        with _opener.open(request, timeout=timeout) as response:
            return Reply(response.status, dict(response.headers.items()), response.read())
    except urllib.error.HTTPError as error:
        return Reply(error.code, dict(error.headers.items()), error.read())


def page_title(body: bytes) -> str:
    m = re.search(rb"<title>(.*?)</title>", body, re.S)
    return m.group(1).decode("utf-8", "replace").strip() if m else ""


# --------------------------------------------------------------------------- gunicorn


class Server:
    app = "cms.wsgi:application"

    def __init__(self, args: argparse.Namespace, *, redis: bool, label: str):
        self.args, self.redis, self.label = args, redis, label
        self.port = args.port or free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.proc: subprocess.Popen | None = None
        name = "redis" if redis else "locmem"
        self.logfile = Path(tempfile.gettempdir()) / f"bench_pages_gunicorn_{name}.log"

    def start(self) -> None:
        cmd = [
            GUNICORN,
            self.app,
            "-w",
            str(self.args.workers),
            "-b",
            f"127.0.0.1:{self.port}",
        ]
        log(f"[{self.label}] starting: {' '.join(cmd)}  (log: {self.logfile})")
        with open(self.logfile, "w") as out:
            self.proc = subprocess.Popen(
                cmd,
                cwd=REPO_ROOT,
                env=django_env(self.args, redis=self.redis),
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,  # its own process group: stop() ends master and workers
            )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"gunicorn exited:\n{self.logfile.read_text()[-3000:]}")
            with contextlib.suppress(OSError):
                if get(self.base + "/robots.txt", timeout=5).status == 200:
                    return
            time.sleep(0.5)
        raise RuntimeError("gunicorn did not answer within 60 s")

    def stop(self) -> None:
        if self.proc is None or self.proc.poll() is not None:
            return
        log(f"[{self.label}] stopping gunicorn (pid {self.proc.pid})")
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.proc.pid, signal.SIGTERM)
        try:
            self.proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait(timeout=10)


# --------------------------------------------------------------------------- wrk


@dataclass
class WrkResult:
    target: str
    rps: float
    requests: int
    seconds: float
    latency_avg_ms: float
    latency_p50_ms: float
    latency_p99_ms: float
    latency_max_ms: float
    non_2xx_3xx: int
    socket_errors: str
    load_before: float
    load_after: float


_UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60000.0}


def _ms(text: str) -> float:
    m = re.fullmatch(r"([\d.]+)(us|ms|s|m)", text)
    if not m:
        raise ValueError(text)
    return float(m.group(1)) * _UNITS[m.group(2)]


def wrk(
    args: argparse.Namespace,
    url: str,
    target: str,
    *,
    duration: int,
    headers: dict[str, str] | None = None,
) -> WrkResult:
    cmd = [
        args.wrk,
        f"-t{args.threads}",
        f"-c{args.connections}",
        f"-d{duration}s",
        f"--timeout={args.timeout}s",
        "--latency",
    ]
    for name, value in (headers or {}).items():
        cmd += ["-H", f"{name}: {value}"]
    load_before = os.getloadavg()[0]
    out = run([*cmd, url])
    load_after = os.getloadavg()[0]
    # Only the "Thread Stats" row: values with units on one line (not "Latency Distribution").
    lat = re.search(r"^\s*Latency[ \t]+([\d.]+\w+)[ \t]+([\d.]+\w+)[ \t]+([\d.]+\w+)", out, re.M)
    p50 = re.search(r"^\s+50%\s+(\S+)", out, re.M)
    p99 = re.search(r"^\s+99%\s+(\S+)", out, re.M)
    total = re.search(r"(\d+) requests in ([\d.]+)(ms|s|m)", out)
    rps = re.search(r"Requests/sec:\s+([\d.]+)", out)
    non2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    sock = re.search(r"Socket errors: (.*)", out)
    if not (lat and p50 and p99 and total and rps):
        raise RuntimeError(f"could not parse wrk output:\n{out}")
    return WrkResult(
        target=target,
        rps=float(rps.group(1)),
        requests=int(total.group(1)),
        seconds=_ms(total.group(2) + total.group(3)) / 1000,
        latency_avg_ms=_ms(lat.group(1)),
        latency_p50_ms=_ms(p50.group(1)),
        latency_p99_ms=_ms(p99.group(1)),
        latency_max_ms=_ms(lat.group(3)),
        non_2xx_3xx=int(non2xx.group(1)) if non2xx else 0,
        socket_errors=sock.group(1).strip() if sock else "none",
        load_before=load_before,
        load_after=load_after,
    )


# --------------------------------------------------------------------------- checks


def cache_states(server: Server, n: int) -> tuple[list[int], list[str]]:
    statuses, states = [], []
    for _ in range(n):
        reply = get(server.base + PAGE_PATH)
        statuses.append(reply.status)
        states.append(reply.headers.get("X-Page-Cache", "-"))
    return statuses, states


def check_page(server: Server) -> None:
    reply = get(server.base + PAGE_PATH)
    if reply.status != 200:
        raise RuntimeError(
            f"[{server.label}] {PAGE_PATH} answered {reply.status} "
            f"{reply.headers.get('Location', '')}; see {server.logfile}"
        )
    log(
        f"[{server.label}] {PAGE_PATH}: 200, {len(reply.body)} bytes, "
        f"title {page_title(reply.body)!r}, X-Page-Cache {reply.headers.get('X-Page-Cache')}"
    )


SHELL_PUBLISH = """
import sys, django
django.setup()
from cms.models import AnnouncementPage
page = AnnouncementPage.objects.get(url_path__endswith=sys.argv[1], locale__language_code="pl")
action, marker = sys.argv[2], " " + sys.argv[3]
page.title = page.title + marker if action == "mark" else page.title.removesuffix(marker)
page.save_revision().publish()
print(page.pk)
"""


def publish_title(args: argparse.Namespace, server: Server, action: str, marker: str) -> None:
    """Publish a revision whose title has `marker` appended (mark) or removed (unmark)."""
    run(
        [PYTHON, "-c", SHELL_PUBLISH, PAGE_PATH, action, marker],
        env=django_env(args, redis=server.redis),
    )


def invalidation_check(args: argparse.Namespace, server: Server) -> dict:
    """Publish a changed title from another process; does the server serve it?"""
    marker = f"bench-{secrets.token_hex(3)}"
    publish_title(args, server, "mark", marker)
    time.sleep(0.2)
    statuses, states, fresh = [], [], 0
    for _ in range(args.check_requests):
        reply = get(server.base + PAGE_PATH)
        statuses.append(reply.status)
        states.append(reply.headers.get("X-Page-Cache", "-"))
        fresh += marker in page_title(reply.body)
    publish_title(args, server, "unmark", marker)
    result = {
        "requests": args.check_requests,
        "fresh": fresh,
        "statuses": sorted(set(statuses)),
        "x_page_cache": states,
    }
    log(
        f"[{server.label}] after publishing from another process: {fresh}/{args.check_requests} "
        f"responses show the new title; X-Page-Cache {states}"
    )
    return result


DIAGNOSE = """
import json, re, statistics, sys, time, django
django.setup()
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
path, cookie = sys.argv[1], sys.argv[2]
client = Client(HTTP_HOST="127.0.0.1")
assert client.get(path).status_code == 200
with CaptureQueriesContext(connection) as hit_queries:
    hit = client.get(path)
def timed(n, **headers):
    times = []
    for _ in range(n):
        t = time.perf_counter(); client.get(path, **headers); times.append(time.perf_counter() - t)
    return statistics.median(times) * 1000
tables = [re.search(r'FROM "([a-z_]+)"', q["sql"]) for q in hit_queries.captured_queries]
print(json.dumps({
    "x_page_cache": hit.get("X-Page-Cache"),
    "queries_on_hit": len(hit_queries.captured_queries),
    "tables_on_hit": [m.group(1) if m else "?" for m in tables],
    "ms_per_hit": timed(200),
    "ms_per_full_render": timed(20, HTTP_COOKIE=cookie),
}))
"""


def diagnose(args: argparse.Namespace) -> dict:
    """In one process (Django's test client, local memory cache): what a cache hit costs."""
    out = run(
        [PYTHON, "-c", DIAGNOSE, PAGE_PATH, NO_CACHE_COOKIE], env=django_env(args, redis=False)
    )
    result = json.loads(out.strip().splitlines()[-1])
    log(
        f"in-process, no HTTP: a cache hit ({result['x_page_cache']}) runs "
        f"{result['queries_on_hit']} SQL queries ({', '.join(result['tables_on_hit'])}); "
        f"{result['ms_per_hit']:.1f} ms per hit, "
        f"{result['ms_per_full_render']:.1f} ms per full render"
    )
    return result


# --------------------------------------------------------------------------- the run


@dataclass
class BackendRun:
    label: str
    static_url: str
    page_url: str
    rounds: list[dict[str, WrkResult]] = field(default_factory=list)
    hits_after_warmup: list[str] = field(default_factory=list)
    hits_after_bench: list[str] = field(default_factory=list)
    invalidation: dict | None = None
    error: str | None = None


def bench_backend(
    args: argparse.Namespace, *, label: str, redis: bool, static_path: str
) -> BackendRun:
    server = Server(args, redis=redis, label=label)
    result = BackendRun(label, server.base + static_path, server.base + PAGE_PATH)
    try:
        if redis:
            redis_flush(args)
        server.start()
        static = get(result.static_url)
        if static.status != 200:
            raise RuntimeError(f"static file {static_path} answered {static.status}")
        check_page(server)
        log(f"[{label}] warm-up: {args.warmup} s each")
        wrk(args, result.static_url, "static", duration=args.warmup)
        wrk(args, result.page_url, "page", duration=args.warmup)
        statuses, result.hits_after_warmup = cache_states(server, args.check_requests)
        log(
            f"[{label}] after warm-up: statuses {sorted(set(statuses))}, "
            f"X-Page-Cache {result.hits_after_warmup}"
        )
        if set(statuses) != {200} or set(result.hits_after_warmup) != {"hit"}:
            raise RuntimeError("the announcement page is not answered from the cache after warm-up")
        targets = [
            ("static", result.static_url, None),
            ("page", result.page_url, None),
            ("page_uncached", result.page_url, {"Cookie": NO_CACHE_COOKIE}),
        ]
        for n in range(1, args.rounds + 1):
            this_round = {}
            for name, url, headers in targets:
                if name == "page_uncached" and args.skip_uncached:
                    continue
                r = wrk(args, url, name, duration=args.duration, headers=headers)
                this_round[name] = r
                log(
                    f"[{label}] round {n}/{args.rounds} {name:>13}: {r.rps:9.1f} req/s, "
                    f"latency avg {r.latency_avg_ms:.1f} ms, p99 {r.latency_p99_ms:.1f} ms, "
                    f"non-2xx/3xx {r.non_2xx_3xx}, socket errors {r.socket_errors}, "
                    f"load {r.load_before:.1f}->{r.load_after:.1f}"
                )
            result.rounds.append(this_round)
        statuses, result.hits_after_bench = cache_states(server, args.check_requests)
        if set(statuses) != {200}:
            raise RuntimeError(f"after the run the page answered {sorted(set(statuses))}")
        if not args.skip_invalidation:
            result.invalidation = invalidation_check(args, server)
    except Exception as error:  # recorded and printed; the other backend still runs
        result.error = f"{type(error).__name__}: {error}"
        log(f"[{label}] FAILED: {result.error}")
    finally:
        server.stop()
        if redis:
            with contextlib.suppress(Exception):
                redis_flush(args)
    return result


def summarise(runs: list[BackendRun], args: argparse.Namespace) -> str:
    lines = [
        "",
        f"wrk -t{args.threads} -c{args.connections} -d{args.duration}s --timeout={args.timeout}s, "
        f"{args.rounds} rounds, "
        f"gunicorn -w {args.workers} (sync), {os.cpu_count()} CPUs shared by wrk and gunicorn",
        "",
        "| cache backend | target | req/s median | req/s range | latency avg ms | p50 ms | p99 ms "
        "| non-2xx/3xx |",
        "|---|---|---:|---:|---:|---:|---:|---:|",
    ]
    names = {
        "static": "static file (WhiteNoise)",
        "page": "announcement page, cached",
        "page_uncached": "announcement page, not cached",
    }
    ratio_lines = []
    for r in runs:
        if r.error and not r.rounds:
            lines.append(f"| {r.label} | FAILED: {r.error} | | | | | | |")
            continue
        for target in ("static", "page", "page_uncached"):
            rows = [rd[target] for rd in r.rounds if target in rd]
            if not rows:
                continue
            med = {
                attr: statistics.median(getattr(x, attr) for x in rows)
                for attr in ("rps", "latency_avg_ms", "latency_p50_ms", "latency_p99_ms")
            }
            lines.append(
                f"| {r.label} | {names[target]} | {med['rps']:.0f} | "
                f"{min(x.rps for x in rows):.0f}–{max(x.rps for x in rows):.0f} | "
                f"{med['latency_avg_ms']:.1f} | {med['latency_p50_ms']:.1f} | "
                f"{med['latency_p99_ms']:.1f} | {sum(x.non_2xx_3xx for x in rows)} |"
            )
        ratios = [rd["page"].rps / rd["static"].rps for rd in r.rounds]
        if ratios:
            verdict = "met" if statistics.median(ratios) >= 0.5 else "MISSED"
            ratio_lines.append(
                f"{r.label}: page / static file = {statistics.median(ratios):.1%} median per round "
                f"(range {min(ratios):.1%}–{max(ratios):.1%}); target >= 50%: {verdict}"
            )
            unc = [
                rd["page"].rps / rd["page_uncached"].rps for rd in r.rounds if "page_uncached" in rd
            ]
            if unc:
                ratio_lines.append(
                    f"{r.label}: cached page / uncached page = {statistics.median(unc):.1f}x"
                )
        if r.invalidation:
            inv = r.invalidation
            ratio_lines.append(
                f"{r.label}: publish from another process -> {inv['fresh']}/{inv['requests']} "
                f"responses fresh (X-Page-Cache {' '.join(inv['x_page_cache'])})"
            )
        if r.error:
            ratio_lines.append(f"{r.label}: FAILED after {len(r.rounds)} rounds: {r.error}")
    return "\n".join([*lines, "", *ratio_lines])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", default="judging_bench_pages")
    parser.add_argument("--pg-host", default="127.0.0.1")
    parser.add_argument("--pg-port", type=int, default=5432)
    parser.add_argument("--redis-url", default="redis://127.0.0.1:6379/5")
    parser.add_argument("--redis-pythonpath", default="/tmp/bench_pages_pylib")
    parser.add_argument("--no-install-redis", action="store_true")
    parser.add_argument("--backends", default="locmem,redis", help="comma list: locmem,redis")
    parser.add_argument("--settings", default="cms.settings.production")
    parser.add_argument("--port", type=int, default=0, help="0: a free port")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--wrk", default=shutil.which("wrk") or "/usr/bin/wrk")
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--duration", type=int, default=15, help="seconds per wrk run")
    parser.add_argument("--warmup", type=int, default=3, help="seconds of wrk per target")
    parser.add_argument("--timeout", type=int, default=10, help="wrk's request timeout, s")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--check-requests", type=int, default=8)
    parser.add_argument("--skip-uncached", action="store_true")
    parser.add_argument("--skip-invalidation", action="store_true")
    parser.add_argument("--skip-setup", action="store_true", help="reuse the database as it is")
    parser.add_argument("--keep-db", action="store_true")
    parser.add_argument("--json", help="also write the raw figures to this file")
    args = parser.parse_args()
    args.secret_key = secrets.token_urlsafe(50)
    args.redis_pythonpath_in_use = False
    if args.db in PROTECTED_DATABASES or not re.fullmatch(r"[a-z_][a-z0-9_]*", args.db):
        parser.error(f"refusing to use database {args.db!r}")
    backends = [b.strip() for b in args.backends.split(",") if b.strip()]
    if not set(backends) <= {"locmem", "redis"}:
        parser.error("--backends takes locmem and/or redis")

    # SIGTERM/SIGHUP end the run through the finally blocks like Ctrl-C does.
    def _stop(signum, frame):
        raise KeyboardInterrupt(f"signal {signum}")

    signal.signal(signal.SIGTERM, _stop)
    signal.signal(signal.SIGHUP, _stop)

    started = dt.datetime.now(dt.UTC)
    static_existed = STATIC_ROOT.exists()
    runs: list[BackendRun] = []
    diagnosis: dict = {}
    try:
        env = django_env(args, redis=False)
        if not args.skip_setup:
            log(f"database {args.db}: drop, create, migrate, load_demo")
            psql(args, f'DROP DATABASE IF EXISTS "{args.db}" WITH (FORCE)')
            psql(args, f'CREATE DATABASE "{args.db}"')
            run([PYTHON, "manage.py", "migrate", "--noinput"], env=env)
            # Without REDIS_URL production caches in a database table (cms/settings/production).
            run([PYTHON, "manage.py", "createcachetable"], env=env)
            run([PYTHON, "manage.py", "load_demo"], env=env)
        log(f"collectstatic into {STATIC_ROOT}")
        run([PYTHON, "manage.py", "collectstatic", "--noinput"], env=env)
        manifest = json.loads((STATIC_ROOT / "staticfiles.json").read_text())
        static_path = "/static/" + manifest["paths"]["css/site.css"]
        log(
            f"static file: {static_path} "
            f"({(STATIC_ROOT / manifest['paths']['css/site.css']).stat().st_size} bytes)"
        )

        try:
            diagnosis = diagnose(args)
        except Exception as error:  # a diagnosis only; the benchmark goes on
            log(f"in-process diagnosis failed: {error}")
        for backend in backends:
            if backend == "redis" and not ensure_redis_client(args):
                runs.append(BackendRun("redis", "", "", error="redis-py missing; run skipped"))
                continue
            label = "database cache table" if backend == "locmem" else f"Redis ({args.redis_url})"
            runs.append(
                bench_backend(args, label=label, redis=backend == "redis", static_path=static_path)
            )
    finally:
        if not args.keep_db and not args.skip_setup:
            with contextlib.suppress(Exception):
                psql(args, f'DROP DATABASE IF EXISTS "{args.db}" WITH (FORCE)')
                log(f"dropped database {args.db}")
        if not static_existed and STATIC_ROOT.exists():
            shutil.rmtree(STATIC_ROOT, ignore_errors=True)
            log(f"removed {STATIC_ROOT}")

    pyver = platform.python_version()
    print(
        f"\nRun {started:%Y-%m-%d %H:%M} UTC; nproc {os.cpu_count()}; Python {pyver}; "
        f"{platform.machine()}; load average now {os.getloadavg()}"
    )
    print(summarise(runs, args))
    if diagnosis:
        print(
            "in-process (test client, no HTTP, local memory): "
            f"{diagnosis['queries_on_hit']} SQL queries "
            f"and {diagnosis['ms_per_hit']:.1f} ms per cache hit, "
            f"{diagnosis['ms_per_full_render']:.1f} ms per full render"
        )
    if args.json:
        Path(args.json).write_text(
            json.dumps(
                {
                    "started": started.isoformat(),
                    "diagnosis": diagnosis,
                    "args": {k: v for k, v in vars(args).items() if k != "secret_key"},
                    "runs": [
                        {
                            **asdict(r),
                            "rounds": [{k: asdict(v) for k, v in rd.items()} for rd in r.rounds],
                        }
                        for r in runs
                    ],
                },
                indent=2,
            )
        )
    return 1 if any(r.error for r in runs) else 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except KeyboardInterrupt as interrupt:
        print(f"interrupted ({interrupt}); gunicorn stopped, database dropped", file=sys.stderr)
        sys.exit(130)
