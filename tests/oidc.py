"""The OpenID Connect provider of the single sign-on tests: django-oauth-toolkit's, run as
a second local server (``tests/oidc_provider``), with people, groups and the tracker's
registration set through its own management commands."""

import json
import os
import signal
import socket
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import parse_qs, urljoin, urlsplit

import requests
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

ROOT = Path(__file__).resolve().parents[1]
CLIENT_ID = "ombudsman-tracker"
CLIENT_SECRET = "the tracker's client secret at the test provider"  # noqa: S105
PASSWORD = "the provider's test pass phrase"  # noqa: S105


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Provider:
    def __init__(self, folder: Path):
        self.folder = folder
        self.port = _free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.issuer = f"{self.url}/o"
        self.discovery_url = f"{self.issuer}/.well-known/openid-configuration"
        self.switches = folder / "switches.json"
        key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        key_file = folder / "provider.key"
        key_file.write_bytes(
            key.private_bytes(
                serialization.Encoding.PEM,
                serialization.PrivateFormat.PKCS8,
                serialization.NoEncryption(),
            )
        )
        self.env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "tests.oidc_provider.settings",
            "PYTHONPATH": str(ROOT),
            "PROVIDER_DB": str(folder / "provider.sqlite3"),
            "PROVIDER_KEY_FILE": str(key_file),
            "PROVIDER_SWITCHES": str(self.switches),
        }
        self.process: subprocess.Popen | None = None

    def manage(self, *args: str) -> None:
        subprocess.run(  # noqa: S603 - this interpreter, our own commands
            [sys.executable, "-m", "django", *args], env=self.env, cwd=ROOT, check=True,
            capture_output=True,
        )  # fmt: skip

    def start(self) -> None:
        self.manage("migrate", "--no-input")
        self.process = subprocess.Popen(  # noqa: S603
            [sys.executable, "-m", "django", "runserver", f"127.0.0.1:{self.port}", "--noreload"],
            env=self.env, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )  # fmt: skip
        for _ in range(300):
            try:
                if requests.get(self.discovery_url, timeout=1).ok:
                    return
            except requests.RequestException:
                time.sleep(0.1)
        raise RuntimeError("The test OpenID Connect provider did not start")

    def stop(self) -> None:
        if self.process is not None:
            self.process.send_signal(signal.SIGCONT)
            self.process.terminate()
            self.process.wait(10)

    def person(self, username: str, *, groups=(), email: str = "", name: str = "") -> None:
        """A person at the provider, in ``groups`` (group ids), as the directory has them."""
        self.manage(
            "provider_person", username, "--groups", ",".join(groups),
            "--email", email or f"{username}@council.example", "--name", name,
        )  # fmt: skip

    def register(self, *redirect_uris: str) -> None:
        self.manage("provider_client", CLIENT_ID, CLIENT_SECRET, *redirect_uris)

    def switch(self, **switches) -> None:
        """Make the provider's next ID tokens faulty (see its validators), or not."""
        self.switches.write_text(json.dumps(switches))

    @contextmanager
    def down(self):
        """The provider stops answering (its process paused) for the block."""
        assert self.process is not None
        self.process.send_signal(signal.SIGSTOP)
        try:
            yield
        finally:
            self.process.send_signal(signal.SIGCONT)


def sign_in_at_provider(authorize_url: str, username: str, password: str = PASSWORD) -> str:
    """A person's browser at the provider: from the authorisation request (the tracker's
    redirect), through the provider's own sign-in form, to the redirect back to the
    tracker, whose URL is returned (not followed)."""
    browser = requests.Session()
    response = browser.get(authorize_url, allow_redirects=True, timeout=10)
    assert "Council sign-in service" in response.text, response.text[:500]
    token = browser.cookies["provider_csrftoken"]
    response = browser.post(
        response.url,
        data={
            "csrfmiddlewaretoken": token,
            "username": username,
            "password": password,
            "next": parse_qs(urlsplit(response.url).query)["next"][0],
        },
        headers={"Referer": response.url},
        allow_redirects=False,
        timeout=10,
    )
    assert response.status_code == 302, response.text[:500]
    # The provider's authorisation endpoint, now signed in, sends the browser back.
    while True:
        location = urljoin(authorize_url, response.headers["Location"])
        if urlsplit(location).netloc != urlsplit(authorize_url).netloc:
            return location
        response = browser.get(location, allow_redirects=False, timeout=10)
        assert response.status_code == 302, response.text[:500]
