"""A production-shaped cluster on one machine: PostgreSQL (running already, own database), a
Redis and an S3-compatible server (moto) started here, N gunicorn app servers and a task
worker with `cms.settings.production`. Used by run.py (the multi-node check) and bench.py.

Every process is started in its own session and stopped (its whole group) on exit.
"""

from __future__ import annotations

import contextlib
import os
import re
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parents[2]
PY = sys.executable
HOST = "127.0.0.1"
TIMEOUT = 30  # seconds, for every HTTP request


def free_port() -> int:
    with socket.socket() as s:
        s.bind((HOST, 0))
        return s.getsockname()[1]


def wait_for_port(port: int, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with contextlib.suppress(OSError), socket.create_connection((HOST, port), timeout=1):
            return
        time.sleep(0.1)
    raise RuntimeError(f"nothing listens on {HOST}:{port} after {timeout} s")


class Cluster:
    def __init__(
        self,
        *,
        database: str,
        app_servers: int = 2,
        workers_per_server: int = 2,
        request_log_level: str = "INFO",
    ):
        self.database = database
        self.app_count = app_servers
        self.workers_per_server = workers_per_server
        self.logs = ROOT / "artifacts" / "multinode"
        self.logs.mkdir(parents=True, exist_ok=True)
        self.processes: dict[str, subprocess.Popen] = {}
        self.redis_port = free_port()
        self.s3_port = free_port()
        self.app_ports = [free_port() for _ in range(app_servers)]
        self.env = {
            **{k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")},
            "DJANGO_SETTINGS_MODULE": "cms.settings.production",
            "SECRET_KEY": "multinode-check-" + "k" * 40,
            "VOTE_VOTER_KEY": "multinode-vote-" + "v" * 40,
            "ALLOWED_HOSTS": HOST,
            "DATABASE_URL": f"postgres://postgres@{HOST}:5432/{database}",
            "REDIS_URL": f"redis://{HOST}:{self.redis_port}/0",
            "FILE_STORAGE": "s3",
            "S3_ENDPOINT_URL": f"http://{HOST}:{self.s3_port}",
            "S3_REGION": "us-east-1",
            "S3_ACCESS_KEY_ID": "multinode",
            "S3_SECRET_ACCESS_KEY": "multinode-secret",
            "S3_MEDIA_BUCKET": "judging-media",
            "S3_PRIVATE_BUCKET": "judging-private",
            "EMAIL_HOST": HOST,
            "EMAIL_BACKEND": "django.core.mail.backends.dummy.EmailBackend",
            "DEFAULT_FROM_EMAIL": "konkursy@example.org",
            "TASKS_BACKEND": "database",
            "EXPORT_STALE_SECONDS": "4",
            "STATIC_ROOT": str(self.logs / "static"),
            "REQUEST_LOG_LEVEL": request_log_level,
            "PYTHONUNBUFFERED": "1",
        }

    # processes ---------------------------------------------------------------------------

    def start(self, name: str, argv: list[str]) -> subprocess.Popen:
        log = (self.logs / f"{name}.log").open("ab")
        process = subprocess.Popen(
            argv, cwd=ROOT, env=self.env, stdout=log, stderr=subprocess.STDOUT,
            start_new_session=True,
        )  # fmt: skip
        self.processes[name] = process
        return process

    def stop(self, name: str, sig: int = signal.SIGTERM) -> None:
        process = self.processes.pop(name, None)
        if process is None or process.poll() is not None:
            return
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, sig)
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=10)

    def stop_all(self) -> None:
        for name in list(self.processes):
            self.stop(name)

    def manage(self, *args: str, timeout: float = 600) -> str:
        result = subprocess.run(
            [PY, "manage.py", *args], cwd=ROOT, env=self.env, capture_output=True, text=True,
            timeout=timeout, check=False,
        )  # fmt: skip
        if result.returncode:
            raise RuntimeError(f"manage.py {' '.join(args)}:\n{result.stderr[-3000:]}")
        return result.stdout

    def shell(self, code: str) -> str:
        """Arrange and look up what a test needs, as an operator would on the server."""
        lines = self.manage("shell", "-v", "0", "-c", code).strip().splitlines()
        return lines[-1] if lines else ""

    # services ----------------------------------------------------------------------------

    def create_database(self) -> None:
        import psycopg

        with psycopg.connect(f"host={HOST} user=postgres dbname=postgres", autocommit=True) as c:
            c.execute(f'DROP DATABASE IF EXISTS "{self.database}" WITH (FORCE)')
            c.execute(f'CREATE DATABASE "{self.database}"')

    def start_redis(self) -> None:
        self.start(
            "redis",
            ["redis-server", "--port", str(self.redis_port), "--bind", HOST, "--save", "",
             "--appendonly", "no"],
        )  # fmt: skip
        wait_for_port(self.redis_port)

    def start_s3(self) -> None:
        self.start("s3", [PY, "-m", "moto.server", "-H", HOST, "-p", str(self.s3_port)])
        wait_for_port(self.s3_port)
        import boto3

        client = boto3.client(
            "s3",
            endpoint_url=self.env["S3_ENDPOINT_URL"],
            aws_access_key_id=self.env["S3_ACCESS_KEY_ID"],
            aws_secret_access_key=self.env["S3_SECRET_ACCESS_KEY"],
            region_name="us-east-1",
        )
        for bucket in (self.env["S3_MEDIA_BUCKET"], self.env["S3_PRIVATE_BUCKET"]):
            client.create_bucket(Bucket=bucket)

    def release(self) -> None:
        """The release order of README: migrate, collectstatic, compilemessages (committed)."""
        self.manage("migrate", "--noinput")
        self.manage("collectstatic", "--noinput", "-v", "0")
        self.manage("load_demo")

    def start_app(self, index: int) -> None:
        port = self.app_ports[index]
        self.start(
            f"app{index}",
            [PY, "-m", "gunicorn", "cms.wsgi", "--bind", f"{HOST}:{port}",
             "--workers", str(self.workers_per_server), "--timeout", "120",
             "--graceful-timeout", "5"],
        )  # fmt: skip

    def start_worker(self, name: str = "worker") -> subprocess.Popen:
        return self.start(
            name,
            [PY, "manage.py", "db_worker", "--interval", "0.2", "--no-startup-delay",
             "--worker-id", name],
        )  # fmt: skip

    def url(self, index: int, path: str) -> str:
        return f"http://{HOST}:{self.app_ports[index]}{path}"

    def wait_healthy(self, timeout: float = 90) -> None:
        deadline = time.monotonic() + timeout
        for index in range(self.app_count):
            while True:
                with contextlib.suppress(requests.RequestException):
                    response = requests.get(
                        self.url(index, "/health/?format=json"),
                        headers=PROXY_HEADERS,
                        timeout=5,
                    )
                    if response.status_code == 200:
                        break
                if time.monotonic() > deadline:
                    raise RuntimeError(f"app server {index} not healthy after {timeout} s")
                time.sleep(0.3)

    def __enter__(self) -> Cluster:
        return self

    def __exit__(self, *exc) -> None:
        self.stop_all()


# HTTP as the proxy in front would send it: TLS ends at nginx, which says so.
PROXY_HEADERS = {"X-Forwarded-Proto": "https"}


class Browser(requests.Session):
    """One person's browser: cookies (Secure ones too, since the proxy speaks TLS for us),
    CSRF tokens read from the forms, Origin set as a browser would."""

    def __init__(self) -> None:
        super().__init__()
        self.headers.update(PROXY_HEADERS)

    def request(self, method, url, **kwargs):
        kwargs.setdefault("timeout", TIMEOUT)
        kwargs.setdefault("allow_redirects", False)
        origin = re.match(r"https?://[^/]+", url).group(0).replace("http://", "https://")
        # requests keeps Secure cookies off http://; every server here is one host behind TLS.
        cookie = "; ".join(f"{c.name}={c.value}" for c in self.cookies if not c.is_expired())
        headers = {"Origin": origin, **({"Cookie": cookie} if cookie else {})}
        headers.update(kwargs.pop("headers", None) or {})
        return super().request(method, url, headers=headers, **kwargs)

    def token(self, url: str) -> str:
        page = self.get(url)
        match = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text)
        if not match:
            raise RuntimeError(f"no CSRF token on {url} ({page.status_code})")
        return match.group(1)

    def site_login(self, base: str, email: str, password: str) -> requests.Response:
        token = self.token(base + "/konto/login/")
        return self.post(
            base + "/konto/login/",
            data={"csrfmiddlewaretoken": token, "login": email, "password": password},
        )

    def admin_login(self, base: str, username: str, password: str) -> requests.Response:
        token = self.token(base + "/admin/login/")
        return self.post(
            base + "/admin/login/",
            data={"csrfmiddlewaretoken": token, "username": username, "password": password},
        )
