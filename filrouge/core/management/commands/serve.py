import os
import sys

from django.core.management import call_command
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Serves filrouge with gunicorn (production server); static files come through WhiteNoise."

    def add_arguments(self, parser):
        parser.add_argument("--bind", default=os.environ.get("FILROUGE_BIND", "127.0.0.1:8000"))
        parser.add_argument("--workers", type=int, default=int(os.environ.get("WEB_CONCURRENCY", "2")))

    def handle(self, *args, bind, workers, **options):
        # WhiteNoise serves what collectstatic gathered (hashed names, compressed copies).
        call_command("collectstatic", verbosity=0, interactive=False)
        command = [
            sys.executable, "-m", "gunicorn", "filrouge.wsgi:application",
            "--bind", bind, "--workers", str(workers), "--access-logfile", "-",
            # The access log shows method, path and status: never a query string, which may hold a name.
            "--access-logformat", '%(h)s "%(m)s %(U)s" %(s)s %(b)s %(M)sms',
        ]  # fmt: skip
        self.stdout.write(f"filrouge: http://{bind}/  (Ctrl-C to stop)")
        sys.stdout.flush()
        os.execv(sys.executable, command)  # noqa: S606  (replaces this process: Ctrl-C reaches gunicorn)
