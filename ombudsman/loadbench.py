"""Pages under load, for ``manage.py benchmark_pages``: the product served by gunicorn as
in production (DEBUG off, hashed static files, the database the command runs on) and
driven by ``wrk`` (Debian's package) with a signed-in session cookie.

wrk counts a redirect as a success, so each page is first fetched once and must answer
200: a session the server does not accept would otherwise measure the sign-in redirect.
Its Lua ``done`` hook prints the figures as one JSON line: requests, duration, latency
percentiles, responses that were not 2xx or 3xx, and socket errors.
"""

import json
import os
import secrets
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

from django.conf import settings
from django.contrib.staticfiles import finders
from django.test import Client
from django.test.utils import override_settings

HOST = "127.0.0.1"

# wrk's report as one JSON line (latency in microseconds).
WRK_SCRIPT = """
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    '{"requests": %d, "duration_us": %d, "p50_us": %d, "p99_us": %d, "status_errors": %d, '
    .. '"socket_errors": %d}\\n',
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(99),
    e.status, e.connect + e.read + e.write + e.timeout))
end
"""


class LoadError(Exception):
    """The server did not start, or a page did not answer as a signed-in manager's."""


@dataclass
class LoadResult:
    requests: int
    seconds: float
    median_ms: float
    p99_ms: float
    errors: int  # responses other than 2xx/3xx, and connections that failed or timed out

    @property
    def per_second(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0


def parse_wrk(output: str) -> LoadResult:
    """The figures of the JSON line that WRK_SCRIPT prints at the end of wrk's output."""
    lines = [line for line in output.splitlines() if line.startswith("{")]
    if not lines:
        raise LoadError(f"wrk printed no figures:\n{output}")
    raw = json.loads(lines[-1])
    return LoadResult(
        requests=raw["requests"],
        seconds=raw["duration_us"] / 1e6,
        median_ms=raw["p50_us"] / 1000,
        p99_ms=raw["p99_us"] / 1000,
        errors=raw["status_errors"] + raw["socket_errors"],
    )


def database_url() -> str:
    """The URL of the database this process uses (the test database under pytest), for
    the server to use the same one."""
    db = settings.DATABASES["default"]
    user = quote(db.get("USER") or "", safe="")
    password = quote(str(db.get("PASSWORD") or ""), safe="")
    credentials = f"{user}:{password}@" if password else (f"{user}@" if user else "")
    host = db.get("HOST") or "localhost"
    port = f":{db['PORT']}" if db.get("PORT") else ""
    return f"postgres://{credentials}{host}{port}/{quote(db['NAME'], safe='')}"


def signed_in_cookie(user, secret_key: str) -> str:
    """A session for ``user`` in the database, signed with ``secret_key`` (the server's):
    the value of the session cookie."""
    with override_settings(SECRET_KEY=secret_key):
        client = Client()
        client.force_login(user)
        return client.cookies[settings.SESSION_COOKIE_NAME].value


def _static_is_current(manifest: Path) -> bool:
    if not manifest.exists():
        return False
    built = manifest.stat().st_mtime
    for finder in finders.get_finders():
        for path, storage in finder.list([]):
            if Path(storage.path(path)).stat().st_mtime > built:
                return False
    return True


def _free_port() -> int:
    with socket.socket() as s:
        s.bind((HOST, 0))
        return s.getsockname()[1]


class Server:
    """gunicorn serving the product with production settings on a local port."""

    def __init__(self, *, workers: int, log):
        self.workers = workers
        self.port = _free_port()
        self.secret_key = secrets.token_urlsafe(50)
        self.log = log
        self.env = {
            **os.environ,
            "DATABASE_URL": database_url(),
            "DEBUG": "false",
            "SECRET_KEY": self.secret_key,
            "ALLOWED_HOSTS": HOST,
            "SITE_URL": f"http://{HOST}:{self.port}",
            # Plain HTTP on the loopback: no redirect to HTTPS, cookies sent over HTTP.
            "SECURE_SSL_REDIRECT": "false",
            "SESSION_COOKIE_SECURE": "false",
            "CSRF_COOKIE_SECURE": "false",
        }
        self.process: subprocess.Popen | None = None

    @property
    def base(self) -> str:
        return f"http://{HOST}:{self.port}"

    def prepare_static(self) -> None:
        """With DEBUG off pages name hashed static files: collectstatic (as the image
        does) when the manifest is missing or older than a static file."""
        manifest = Path(settings.STATIC_ROOT) / "staticfiles.json"
        if _static_is_current(manifest):
            return
        self.log("Collecting static files (DEBUG off needs the hashed names)...")
        subprocess.run(
            [sys.executable, "manage.py", "collectstatic", "--no-input", "-v0"],
            cwd=settings.BASE_DIR, env=self.env, check=True,
            stdout=subprocess.DEVNULL,
        )  # fmt: skip

    @contextmanager
    def running(self):
        self.prepare_static()
        with tempfile.NamedTemporaryFile("w+", suffix=".log", prefix="bench-gunicorn-") as out:
            # As the image runs it (Dockerfile), with the given number of workers.
            self.process = subprocess.Popen(  # noqa: S603 - our own command line
                [sys.executable, "-m", "gunicorn", "ombudsman.wsgi", "--config",
                 "gunicorn.conf.py", "--bind", f"{HOST}:{self.port}", "--workers",
                 str(self.workers), "--access-logfile", "-"],
                cwd=settings.BASE_DIR, env=self.env, stdout=out, stderr=subprocess.STDOUT,
            )  # fmt: skip
            try:
                self._wait_until_up(out)
                yield self
            finally:
                self.process.terminate()
                try:
                    self.process.wait(timeout=30)
                except subprocess.TimeoutExpired:
                    self.process.kill()
                    self.process.wait()

    def _wait_until_up(self, out) -> None:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.process is not None and self.process.poll() is not None:
                out.seek(0)
                raise LoadError(f"gunicorn stopped at start:\n{out.read()[-3000:]}")
            try:
                if self.status("/healthz", cookie=None) == 200:
                    return
            except OSError:
                pass
            time.sleep(0.2)
        raise LoadError("gunicorn did not answer /healthz within 60 seconds.")

    def status(self, path: str, *, cookie: str | None) -> int:
        """The status of one GET, redirects not followed."""

        class NoRedirect(urllib.request.HTTPRedirectHandler):
            def redirect_request(self, *args, **kwargs):
                return None

        # An http:// address of our own server.
        request = urllib.request.Request(self.base + path, headers=self._headers(cookie))  # noqa: S310
        opener = urllib.request.build_opener(NoRedirect)
        try:
            with opener.open(request, timeout=120) as response:
                response.read()
                return response.status
        except urllib.error.HTTPError as exc:
            return exc.code

    @staticmethod
    def _headers(cookie: str | None) -> dict[str, str]:
        return {"Cookie": f"{settings.SESSION_COOKIE_NAME}={cookie}"} if cookie else {}

    def drive(self, path: str, *, cookie: str | None, connections: int, seconds: int):
        """wrk on ``path`` for ``seconds`` with ``connections`` open at once."""
        wrk = shutil.which("wrk")
        if wrk is None:
            raise LoadError("wrk is not installed (Debian: apt-get install wrk).")
        with tempfile.NamedTemporaryFile("w", suffix=".lua", prefix="bench-") as script:
            script.write(WRK_SCRIPT)
            script.flush()
            command = [
                wrk, f"-t{min(2, connections)}", f"-c{connections}", f"-d{seconds}s",
                "--timeout", "30s", "-s", script.name,
            ]  # fmt: skip
            for name, value in self._headers(cookie).items():
                command += ["-H", f"{name}: {value}"]
            done = subprocess.run(  # noqa: S603 - our own command line
                [*command, self.base + path], capture_output=True, text=True, check=False
            )
        if done.returncode != 0:
            raise LoadError(f"wrk failed:\n{done.stdout}\n{done.stderr}")
        return parse_wrk(done.stdout)
