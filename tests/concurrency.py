"""Real concurrent transactions for the PostgreSQL race tests: each work in its own thread and
database connection, all started together."""

import threading

from django.db import connections


def at_once(*works) -> list:
    """Runs the works (callables) together; returns what each returned, or the exception it
    raised (a refusal the test checks)."""
    start = threading.Barrier(len(works))
    results = [None] * len(works)

    def run(index):
        try:
            start.wait(timeout=10)
            results[index] = works[index]()
        except Exception as error:  # handed to the test, which checks it
            results[index] = error
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(works))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return results
