"""Who reaches the import pages: whoever may import in a service (heads of service, directors:
`Action.IMPORT_CASES`); everyone else gets a 403. A run is its requester's alone
(tests/imports/test_pages.py): an unknown one is not found, for everyone.

The upload posted without a file answers the form with its errors (200, as every form page).
"""

from tests.matrix import Row

IMPORTERS = frozenset({"head_of_service", "director"})
UNKNOWN_RUN = {"pk": "00000000-0000-4000-8000-000000000000"}


def unknown_run(world):
    return UNKNOWN_RUN


def companies(world):
    return {"kind": "entreprises"}


ROWS = [
    Row("imports:start", "GET", IMPORTERS, denied=403),
    Row("imports:start", "POST", IMPORTERS, denied=403),
    Row("imports:template_csv", "GET", IMPORTERS, kwargs=companies, denied=403),
    Row("imports:template_xlsx", "GET", IMPORTERS, kwargs=companies, denied=403),
    Row("imports:template_all", "GET", IMPORTERS, denied=403),
    Row("imports:run", "GET", kwargs=unknown_run),
    Row("imports:columns", "GET", kwargs=unknown_run),
    Row("imports:columns", "POST", kwargs=unknown_run),
    Row("imports:confirm", "POST", kwargs=unknown_run),
]
