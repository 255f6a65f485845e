"""What the benchmark scripts share: a fresh PostgreSQL database to load."""


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
