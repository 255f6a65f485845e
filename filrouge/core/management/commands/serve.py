import os
import signal
import subprocess
import sys
import time

from django.core.management import call_command
from django.core.management.base import BaseCommand

# The signals that stop the pair: Ctrl-C, a service manager's stop, a closed terminal.
STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)
# How long the children have to finish what they are doing once told to stop.
STOP_GRACE_SECONDS = 20


def run_together(commands: list[list[str]]) -> int:
    """Runs the commands as child processes until one of them ends or this process is told to
    stop; then stops the others. Returns the exit status of the first one that ended.

    Each child has a process group of its own, so a Ctrl-C in the terminal reaches this process
    only, which passes it on once: the task worker reads a second signal as "stop at once,
    abandon the task"."""
    children: list[subprocess.Popen] = []
    stopping = False

    def forward(signum, _frame):
        nonlocal stopping
        stopping = True
        for child in children:
            if child.poll() is None:
                child.send_signal(signum)

    # Listening before the children start: a stop that comes early is not lost.
    previous = {signum: signal.signal(signum, forward) for signum in STOP_SIGNALS}
    try:
        for command in commands:
            if stopping:
                break
            children.append(subprocess.Popen(command, process_group=0))  # noqa: S603
        while children and all(child.poll() is None for child in children):
            time.sleep(0.2)
        first = next((child for child in children if child.returncode is not None), None)
        for child in children:
            # A child already told to stop is not told twice: the task worker would abandon its task.
            if child.poll() is None and not stopping:
                child.terminate()
        deadline = time.monotonic() + STOP_GRACE_SECONDS
        for child in children:
            try:
                child.wait(timeout=max(0.0, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                child.kill()
                child.wait()
        return first.returncode if first is not None else 0
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)


class Command(BaseCommand):
    help = (
        "Serves filrouge with gunicorn (production server; static files through WhiteNoise) and "
        "runs the background worker (emails, reminders, periodic jobs) beside it. Ctrl-C stops both."
    )

    def add_arguments(self, parser):
        parser.add_argument("--bind", default=os.environ.get("FILROUGE_BIND", "127.0.0.1:8000"))
        parser.add_argument("--workers", type=int, default=int(os.environ.get("WEB_CONCURRENCY", "2")))

    def handle(self, *args, bind, workers, **options):
        # WhiteNoise serves what collectstatic gathered (hashed names, compressed copies).
        call_command("collectstatic", verbosity=0, interactive=False)
        web = [
            sys.executable, "-m", "gunicorn", "filrouge.wsgi:application",
            "--bind", bind, "--workers", str(workers), "--access-logfile", "-",
            # The access log shows method, path and status: never a query string, which may hold a name.
            # Last, the request id nginx sends ("-" without nginx): the same as in nginx's log line.
            "--access-logformat", '%(h)s "%(m)s %(U)s" %(s)s %(b)s %(M)sms %({x-request-id}i)s',
            # gunicorn's control socket sits at one path per account: two servers would share it.
            "--no-control-socket",
        ]  # fmt: skip
        # The queued emails, the reminders and digests leave through it; it runs the periodic jobs.
        worker = [sys.executable, "-m", "filrouge", "worker"]
        self.stdout.write(f"filrouge: http://{bind}/  (Ctrl-C to stop)")
        sys.stdout.flush()
        status = run_together([web, worker])
        if status:
            sys.exit(status if status > 0 else 128 - status)  # killed by a signal: the shell's way
