"""`filrouge serve` really serves: gunicorn answers, and static files come through WhiteNoise."""

import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def get(url: str):
    with urllib.request.urlopen(url, timeout=5) as response:  # noqa: S310  (our own server on loopback)
        return response.status, response.headers, response.read()


@pytest.fixture
def server(tmp_path):
    port = free_port()
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"DJANGO_SETTINGS_MODULE", "DATABASE_URL"}
    }
    env |= {"FILROUGE_VAR_DIR": str(tmp_path), "DJANGO_SETTINGS_MODULE": "filrouge.settings"}
    manage = [sys.executable, str(ROOT / "manage.py")]
    subprocess.run([*manage, "migrate", "--verbosity", "0"], env=env, check=True, cwd=ROOT, timeout=120)  # noqa: S603
    process = subprocess.Popen(  # noqa: S603
        [*manage, "serve", "--bind", f"127.0.0.1:{port}", "--workers", "1"],
        env=env,
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 90  # a loaded CI machine starts gunicorn slowly
        while True:
            try:
                get(base + "/healthz")
                break
            except OSError:
                if time.monotonic() > deadline or process.poll() is not None:
                    raise AssertionError(
                        process.stdout.read().decode() if process.poll() is not None else "no answer"
                    ) from None
                time.sleep(0.2)
        yield base
    finally:
        process.terminate()
        process.wait(timeout=10)


def test_serve_answers_health_pages_and_static_files(server):
    status, _, body = get(server + "/healthz")
    assert status == 200 and b'"ok"' in body

    status, _, page = get(server + "/connexion/")
    assert status == 200
    css = next(
        part.split('"')[0] for part in page.decode().split('href="')[1:] if part.startswith("/static/")
    )
    assert css != "/static/filrouge/css/app.css"  # a hashed name, cacheable for ever
    status, headers, _ = get(server + css)
    assert status == 200
    assert "max-age" in headers["Cache-Control"]
