"""Times the benchmark preset of the seed on a fresh database.

    .venv/bin/python benchmarks/seed.py --people 100000
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/filrouge_bench .venv/bin/python benchmarks/seed.py

Without DATABASE_URL a temporary SQLite file is used. With PostgreSQL the database named in
the URL is dropped and recreated first: give it a name of its own.
"""

import argparse
import os
import tempfile

from database import recreate_postgres, seed_preset


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--people", type=int, default=100_000)
    args = parser.parse_args()

    env = dict(os.environ, DJANGO_SETTINGS_MODULE="filrouge.settings")
    with tempfile.TemporaryDirectory() as tmp:
        env.setdefault("FILROUGE_VAR_DIR", tmp)
        if not env.get("DATABASE_URL"):
            env["DATABASE_URL"] = f"sqlite:///{tmp}/bench.sqlite3"
        else:
            recreate_postgres(env["DATABASE_URL"])
        elapsed = seed_preset(env, args.people)
    print(
        f"seed --preset benchmark --people {args.people}: {elapsed:.1f} s on {env['DATABASE_URL'].split(':')[0]}"
    )


if __name__ == "__main__":
    main()
