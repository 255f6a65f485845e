"""What the benchmark scripts share: a fresh PostgreSQL database to load, and the preset loaded."""

import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def recreate_postgres(url: str) -> None:
    """Drops and recreates the database named in `url`: give the benchmarks one of their own."""
    import dj_database_url
    import psycopg

    config = dj_database_url.parse(url)
    with psycopg.connect(
        dbname="postgres",
        user=config["USER"],
        host=config["HOST"],
        port=config["PORT"] or 5432,
        autocommit=True,
    ) as connection:
        name = psycopg.sql.Identifier(config["NAME"])
        connection.execute(psycopg.sql.SQL("DROP DATABASE IF EXISTS {}").format(name))
        connection.execute(psycopg.sql.SQL("CREATE DATABASE {}").format(name))


def seed_preset(env: dict, people: int) -> float:
    """Migrates the database of `env` and loads the benchmark preset; returns the seconds the seed took."""
    manage = [sys.executable, str(ROOT / "manage.py")]
    subprocess.run([*manage, "migrate", "--verbosity", "0"], env=env, check=True)  # noqa: S603
    started = time.perf_counter()
    subprocess.run(  # noqa: S603
        [*manage, "seed", "--preset", "benchmark", "--people", str(people)], env=env, check=True
    )
    return time.perf_counter() - started
