"""Exit 0 when the PostgreSQL server of the URL given answers, 1 otherwise."""

import sys

import dj_database_url
import psycopg

config = dj_database_url.parse(sys.argv[1])
try:
    # The test database itself may not exist yet: the maintenance database is enough.
    psycopg.connect(
        dbname="postgres",
        user=config["USER"] or None,
        password=config["PASSWORD"] or None,
        host=config["HOST"] or None,
        port=config["PORT"] or None,
        connect_timeout=3,
    ).close()
except psycopg.Error:
    sys.exit(1)
