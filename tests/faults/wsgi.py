"""The application of the fault test's server, loaded once by gunicorn's master (--preload) with
every view imported before the workers are forked: a worker respawned after a blow answers at
once instead of spending its first seconds importing the project, which is not what the test is
about and would make it slow. No database connection is opened here (a forked worker must not
share one)."""

from django.db import connections
from django.urls import get_resolver

from filrouge.wsgi import application

get_resolver().url_patterns  # noqa: B018 (imports every app's URLs and views)
if any(c.connection is not None for c in connections.all(initialized_only=True)):
    raise RuntimeError("the preloaded application opened a database connection: the workers would share it")

__all__ = ["application"]
