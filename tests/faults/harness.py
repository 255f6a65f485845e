"""A real gunicorn on the test database, a small HTTP client, and a thread that kills workers.

Everything stays on 127.0.0.1. The server runs the suite's settings (`server_settings.py`) plus
what the test shares with it; its log goes to a file that the test shows when it fails. Workers
and connections are found in /proc (Linux).
"""

import http.client
import json
import os
import secrets
import signal
import socket
import subprocess
import sys
import threading
import time
import uuid
from contextlib import suppress
from dataclasses import dataclass, field
from html.parser import HTMLParser
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import urlencode

from django.conf import settings

# How long a request may take before the client gives up on it.
REQUEST_TIMEOUT = 30
# How long the server has to start (every worker up, /healthz answering), or to respawn a worker.
START_TIMEOUT = 30
# The idempotency token that the pages' script adds to every POST form (`core.idempotency`): this
# client plays that script. Sending the same form again sends the same token, as a browser does.
SUBMISSION_FIELD = "_submission"
ACCESS_LOG_FORMAT = (
    '%(h)s "%(m)s %(U)s" %(s)s %(b)s %(M)sms %({x-request-id}i)s'  # `filrouge serve`'s: no query string
)


class Interrupted(Exception):
    """The connection broke before a whole answer came back (its worker died, say)."""


@dataclass
class Response:
    status: int
    headers: dict[str, str]
    body: bytes

    @property
    def text(self) -> str:
        return self.body.decode("utf-8", "replace")

    @property
    def location(self) -> str:
        return self.headers.get("location", "")


# --- Processes and connections, from /proc ------------------------------------------------------


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def children_of(pid: int) -> list[int]:
    """The processes `pid` started (gunicorn's master forks its workers from its main thread)."""
    try:
        return sorted(int(child) for child in Path(f"/proc/{pid}/task/{pid}/children").read_text().split())
    except OSError:
        return []


def connection_inode(server_port: int, client_port: int) -> int | None:
    """The socket inode of the server's end of a loopback connection."""
    try:
        lines = Path("/proc/net/tcp").read_text().splitlines()[1:]
    except OSError:
        return None
    for line in lines:
        columns = line.split()
        local, remote, inode = columns[1], columns[2], int(columns[9])
        if int(local.split(":")[1], 16) == server_port and int(remote.split(":")[1], 16) == client_port:
            return inode or None
    return None


def socket_inodes(pid: int) -> set[int]:
    found = set()
    try:
        descriptors = list(Path(f"/proc/{pid}/fd").iterdir())
    except OSError:
        return found  # the process is gone
    for descriptor in descriptors:
        try:
            target = os.readlink(descriptor)
        except OSError:
            continue
        if target.startswith("socket:["):
            found.add(int(target[len("socket:[") : -1]))
    return found


# --- The server ----------------------------------------------------------------------------------


def database_url(settings_dict: dict) -> str:
    """The address of a database Django is connected to, for another process."""
    if settings_dict["ENGINE"] == "django.db.backends.postgresql":
        user, password = settings_dict.get("USER") or "", settings_dict.get("PASSWORD") or ""
        credentials = f"{user}:{password}@" if password else f"{user}@" if user else ""
        host = settings_dict.get("HOST") or "127.0.0.1"
        port = settings_dict.get("PORT") or 5432
        return f"postgres://{credentials}{host}:{port}/{settings_dict['NAME']}"
    return f"sqlite:///{settings_dict['NAME']}"


class Server:
    """gunicorn with sync workers as `filrouge serve` runs it, on a free port of 127.0.0.1.

    The application is loaded once by the master (`tests/faults/wsgi.py`, --preload), so that a
    worker respawned after a blow serves at once rather than after seconds of imports.
    """

    def __init__(self, *, database: str, shared: dict, workdir: Path, workers: int = 3):
        self.workers_wanted, self.workdir = workers, workdir
        self.log_path = workdir / "server.log"
        self.port = free_port()
        self.process: subprocess.Popen | None = None
        self.env = os.environ | {
            "DJANGO_SETTINGS_MODULE": "tests.faults.server_settings",
            "FILROUGE_FAULTS_SETTINGS": json.dumps(
                {
                    name: {"path": str(value)} if isinstance(value, Path) else value
                    for name, value in shared.items()
                }
            ),
            "DATABASE_URL": database,
            "FILROUGE_VAR_DIR": str(workdir / "var"),
            "SECRET_KEY": secrets.token_urlsafe(50),
            "PYTHONPATH": str(settings.BASE_DIR),
        }

    def start(self) -> None:
        command = [
            sys.executable, "-m", "gunicorn", "tests.faults.wsgi:application", "--preload",
            "--bind", f"127.0.0.1:{self.port}", "--workers", str(self.workers_wanted),
            "--access-logfile", "-", "--access-logformat", ACCESS_LOG_FORMAT,
            "--graceful-timeout", "5", "--no-control-socket",
        ]  # fmt: skip
        with self.log_path.open("ab") as log:
            self.process = subprocess.Popen(  # noqa: S603 (this interpreter, fixed arguments)
                command, env=self.env, stdout=log, stderr=subprocess.STDOUT, cwd=settings.BASE_DIR
            )
        deadline = time.monotonic() + START_TIMEOUT
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"the server stopped as it started:\n{self.log()}")
            try:
                up = Browser(self.port, timeout=2).get("/healthz").status == 200
            except Interrupted:
                up = False
            if up and len(self.workers()) == self.workers_wanted:
                return
            time.sleep(0.1)
        raise RuntimeError(f"the server was not up within {START_TIMEOUT} s:\n{self.log()}")

    def command(self, *arguments: str) -> subprocess.CompletedProcess:
        """`filrouge <arguments>` on the server's database and settings (what cron would run)."""
        return subprocess.run(  # noqa: S603 (this interpreter, fixed arguments)
            [sys.executable, "-m", "filrouge", *arguments],
            env=self.env,
            cwd=settings.BASE_DIR,
            capture_output=True,
            text=True,
            timeout=120,
        )

    def workers(self) -> list[int]:
        if self.process is None or self.process.poll() is not None:
            return []
        return children_of(self.process.pid)

    def serving(self, client_port: int) -> int | None:
        """The worker holding the connection that comes from `client_port`, if one does."""
        inode = connection_inode(self.port, client_port)
        if inode is None:
            return None
        return next((pid for pid in self.workers() if inode in socket_inodes(pid)), None)

    def wait_respawned(self, victim: int) -> None:
        """Until the master has reaped `victim` and started its successor."""
        deadline = time.monotonic() + START_TIMEOUT
        while time.monotonic() < deadline:
            workers = self.workers()
            if victim not in workers and len(workers) >= self.workers_wanted:
                return
            time.sleep(0.02)

    def stop(self) -> None:
        """Stops the master, which stops its workers; then kills whatever of them is left."""
        if self.process is None:
            return
        workers = self.workers()
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)
        for pid in workers:
            with suppress(ProcessLookupError):  # gone with its master, as it should
                os.kill(pid, signal.SIGKILL)

    def log(self) -> str:
        try:
            return self.log_path.read_text(errors="replace")[-6000:]
        except OSError:
            return "(no log)"


# --- The client ----------------------------------------------------------------------------------


class InFlight:
    """The writes on their way, by the client's port of their connection, and how long they take."""

    def __init__(self):
        self.ports: dict[int, float] = {}  # port -> when the write left
        self.durations: list[float] = []  # of the writes answered
        self.changed = threading.Condition()

    def begin(self, port: int) -> None:
        with self.changed:
            self.ports[port] = time.monotonic()
            self.changed.notify_all()

    def end(self, port: int, answered: bool) -> None:
        with self.changed:
            began = self.ports.pop(port, None)
            if answered and began is not None:
                self.durations.append(time.monotonic() - began)
            self.changed.notify_all()

    def typical_duration(self) -> float:
        """The median time of the latest writes answered (a guess before the first one)."""
        with self.changed:
            recent = sorted(self.durations[-20:])
        return recent[len(recent) // 2] if recent else 0.2

    def wait_any(self, timeout: float) -> dict[int, float]:
        with self.changed:
            self.changed.wait_for(lambda: self.ports, timeout)
            return dict(self.ports)

    def wait_done(self, port: int) -> None:
        with self.changed:
            self.changed.wait_for(lambda: port not in self.ports, REQUEST_TIMEOUT)


class Browser:
    """A person's browser, reduced to what forms need: cookies, GET and POST, no redirection followed."""

    def __init__(self, port: int, timeout: float = REQUEST_TIMEOUT):
        self.port, self.timeout = port, timeout
        self.cookies: dict[str, str] = {}

    def request(self, method, path, body=None, content_type="", watch: InFlight | None = None) -> Response:
        headers = {"Host": f"127.0.0.1:{self.port}", "Connection": "close"}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{name}={value}" for name, value in self.cookies.items())
        if content_type:
            headers["Content-Type"] = content_type
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=self.timeout)
        port, answered = None, False
        try:
            connection.connect()
            if watch is not None:
                port = connection.sock.getsockname()[1]
                watch.begin(port)
            connection.request(method, path, body=body, headers=headers)
            answer = connection.getresponse()
            response = Response(answer.status, {k.lower(): v for k, v in answer.getheaders()}, answer.read())
            answered = True
        except (OSError, http.client.HTTPException) as error:  # reset, refused, timed out, cut short
            raise Interrupted(f"{method} {path}: {type(error).__name__}: {error}") from error
        finally:
            connection.close()
            if port is not None:
                watch.end(port, answered)
        self.keep_cookies(answer.msg.get_all("Set-Cookie") or [])
        return response

    def keep_cookies(self, lines: list[str]) -> None:
        for line in lines:
            for name, morsel in SimpleCookie(line).items():
                if morsel["max-age"] == "0" or not morsel.value:
                    self.cookies.pop(name, None)
                else:
                    self.cookies[name] = morsel.value

    def get(self, path: str) -> Response:
        return self.request("GET", path)

    def post(
        self, path: str, fields: dict, files: dict | None = None, watch: InFlight | None = None
    ) -> Response:
        if files:
            body, content_type = multipart(fields, files)
        else:
            body, content_type = urlencode(fields).encode(), "application/x-www-form-urlencoded"
        return self.request("POST", path, body, content_type, watch)


def multipart(fields: dict, files: dict[str, tuple[str, bytes, str]]) -> tuple[bytes, str]:
    boundary = uuid.uuid4().hex
    parts = [
        f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode()
        for name, value in fields.items()
    ]
    for name, (filename, content, content_type) in files.items():
        head = (
            f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; filename="{filename}"\r\n'
            f"Content-Type: {content_type}\r\n\r\n"
        )
        parts.append(head.encode() + content + b"\r\n")
    parts.append(f"--{boundary}--\r\n".encode())
    return b"".join(parts), f"multipart/form-data; boundary={boundary}"


class FormFinder(HTMLParser):
    def __init__(self):
        super().__init__()
        self.forms: list[dict] = []
        self.current: dict | None = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self.current = {"method": (attrs.get("method") or "get").lower(), "action": attrs.get("action")}
            self.current["hidden"] = {}
            self.forms.append(self.current)
        elif (
            tag == "input"
            and self.current is not None
            and attrs.get("type") == "hidden"
            and attrs.get("name")
        ):
            self.current["hidden"][attrs["name"]] = attrs.get("value") or ""

    def handle_endtag(self, tag):
        if tag == "form":
            self.current = None


def hidden_fields(page: Response) -> dict[str, str]:
    """The hidden fields (the CSRF token...) of the page's own form: the POST form without an
    action (the layout's other forms, signing out, have one)."""
    finder = FormFinder()
    finder.feed(page.text)
    own = [form for form in finder.forms if form["method"] == "post" and not form["action"]]
    if not own:
        raise AssertionError(f"no form on the page (status {page.status})")
    return own[0]["hidden"]


# --- The blows -----------------------------------------------------------------------------------


@dataclass
class Killer:
    """SIGKILLs the worker serving a write at a random instant of the write's life (its form
    being read, checked, its file stored, its rows written, committed, its answer sent), for a
    random share of the writes, then lets the master respawn it before the next blow."""

    server: Server
    rng: object
    in_flight: InFlight
    share: float = 0.6
    kills: list = field(default_factory=list)
    stopping: threading.Event = field(default_factory=threading.Event)

    def run(self) -> None:
        while not self.stopping.is_set():
            ports = self.in_flight.wait_any(timeout=0.2)
            if not ports:
                continue
            port = self.rng.choice(sorted(ports))
            if self.rng.random() >= self.share:
                self.in_flight.wait_done(port)
                continue
            instant = ports[port] + self.rng.uniform(0.0, 1.1 * self.in_flight.typical_duration())
            if self.stopping.wait(max(0.0, instant - time.monotonic())):
                return
            victim = self.server.serving(port)
            if victim is None:  # answered already, or not taken by a worker yet
                continue
            try:
                os.kill(victim, signal.SIGKILL)
            except ProcessLookupError:
                continue
            self.kills.append(victim)
            self.server.wait_respawned(victim)
