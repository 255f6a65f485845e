"""`filrouge serve` runs the task worker beside gunicorn, so queued emails leave; Ctrl-C (or a
service manager's stop) stops both, and one that dies takes the other down."""

import os
import signal
import subprocess
import sys
import textwrap
import threading
import time
from pathlib import Path

import pytest

from tests.core.test_serve import ROOT, free_port, get

CHILD = textwrap.dedent(
    """
    import pathlib, signal, sys, time
    record, exit_code = pathlib.Path(sys.argv[1]), int(sys.argv[2])
    received = []
    def note(signum, frame):
        received.append(signum)
        record.write_text(",".join(str(number) for number in received))
    for signum in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signum, note)
    record.with_suffix(".ready").touch()
    deadline = time.monotonic() + (0.5 if exit_code else 60)
    while not received and time.monotonic() < deadline:
        time.sleep(0.05)
    time.sleep(0.5)  # long enough to notice a second signal
    sys.exit(exit_code)
    """
)
PARENT = textwrap.dedent(
    """
    import sys
    from filrouge.core.management.commands.serve import run_together
    child, first, second, first_code = sys.argv[1:]
    sys.exit(run_together([[sys.executable, child, first, first_code], [sys.executable, child, second, "0"]]))
    """
)


def start_pair(tmp_path, first_code=0):
    (tmp_path / "child.py").write_text(CHILD)
    (tmp_path / "parent.py").write_text(PARENT)
    records = [tmp_path / "first", tmp_path / "second"]
    parent = subprocess.Popen(  # noqa: S603
        [
            sys.executable,
            str(tmp_path / "parent.py"),
            str(tmp_path / "child.py"),
            *map(str, records),
            str(first_code),
        ],
        cwd=ROOT,
        env=os.environ | {"PYTHONPATH": str(ROOT)},  # this checkout's filrouge
        start_new_session=True,  # our signal goes to the parent alone, as a terminal's would to serve
    )
    deadline = time.monotonic() + 30
    while not all(record.with_suffix(".ready").exists() for record in records):
        assert time.monotonic() < deadline, "the children did not start"
        time.sleep(0.05)
    return parent, records


def test_ctrl_c_reaches_each_child_once_and_the_pair_stops(tmp_path):
    parent, records = start_pair(tmp_path)
    parent.send_signal(signal.SIGINT)
    assert parent.wait(timeout=30) == 0
    assert [record.read_text() for record in records] == [str(int(signal.SIGINT))] * 2  # once, not twice


def test_a_service_managers_stop_is_passed_on_too(tmp_path):
    parent, records = start_pair(tmp_path)
    parent.terminate()
    assert parent.wait(timeout=30) == 0
    assert [record.read_text() for record in records] == [str(int(signal.SIGTERM))] * 2


def test_when_one_child_dies_the_other_is_stopped_and_its_status_returned(tmp_path):
    parent, records = start_pair(tmp_path, first_code=3)
    assert parent.wait(timeout=30) == 3
    assert records[1].read_text() == str(int(signal.SIGTERM))


def test_serve_starts_gunicorn_and_the_task_worker(monkeypatch):
    from django.core.management import call_command

    from filrouge.core.management.commands import serve

    started = []
    monkeypatch.setattr(serve, "call_command", lambda *args, **kwargs: None)  # no collectstatic
    monkeypatch.setattr(serve, "run_together", lambda commands: started.extend(commands) or 0)
    call_command("serve", bind="127.0.0.1:9", workers=1)
    web, worker = started
    assert web[1:4] == ["-m", "gunicorn", "filrouge.wsgi:application"]
    assert worker[1:4] == ["-m", "filrouge", "worker"]


def processes_of(var_dir: Path) -> list[int]:
    """The processes started for this test's installation (they inherit its FILROUGE_VAR_DIR)."""
    mark = f"FILROUGE_VAR_DIR={var_dir}".encode()
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if mark in (entry / "environ").read_bytes().split(b"\0"):
                    found.append(int(entry.name))
            except OSError:
                continue
    return found


@pytest.mark.skipif(not Path("/proc/self/environ").exists(), reason="reads /proc")
def test_a_queued_email_leaves_while_filrouge_serve_runs_and_ctrl_c_stops_everything(tmp_path):
    port = free_port()
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"DJANGO_SETTINGS_MODULE", "DATABASE_URL"}
    }
    env |= {
        "FILROUGE_VAR_DIR": str(tmp_path),
        "DJANGO_SETTINGS_MODULE": "filrouge.settings",
        "PYTHONUNBUFFERED": "1",
    }
    manage = [sys.executable, str(ROOT / "manage.py")]
    subprocess.run([*manage, "migrate", "--verbosity", "0"], env=env, check=True, cwd=ROOT, timeout=300)  # noqa: S603
    server = subprocess.Popen(  # noqa: S603
        [*manage, "serve", "--bind", f"127.0.0.1:{port}", "--workers", "1"],
        env=env,
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    output = []
    reader = threading.Thread(
        target=lambda: output.extend(line.decode() for line in server.stdout), daemon=True
    )
    reader.start()
    try:
        deadline = time.monotonic() + 240
        while True:
            try:
                get(f"http://127.0.0.1:{port}/healthz")
                break
            except OSError:
                assert time.monotonic() < deadline and server.poll() is None, "".join(output)
                time.sleep(0.5)
        queue_one = (
            "from filrouge.accounts.models import User; from filrouge.accounts import emails; "
            "u = User.objects.create_user(email='camille@exemple.example', full_name='Camille', password='x-Y-z-123456789'); "
            "emails.send_later(emails.PASSWORD_RESET, u.pk, 'http://127.0.0.1/')"
        )
        subprocess.run([*manage, "shell", "-c", queue_one], env=env, check=True, cwd=ROOT, timeout=120)  # noqa: S603
        # Without EMAIL_HOST, emails are files of the installation's var directory.
        deadline = time.monotonic() + 60
        while not any(
            "To: camille@exemple.example" in f.read_text() for f in (tmp_path / "emails").glob("*.eml")
        ):
            assert time.monotonic() < deadline, "".join(output)
            time.sleep(0.2)
    finally:
        server.send_signal(signal.SIGINT)
        status = server.wait(timeout=60)
    reader.join(timeout=5)
    assert status == 0, "".join(output)
    assert processes_of(tmp_path) == []
