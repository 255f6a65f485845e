"""Who reaches the reports: the activity report needs figures of a service (case roles, the funder
viewer, directors), the CSV lists the right to export them (heads of service, directors). Those
without any such service (administrators, the data protection officer) get a 403.

The PDF and the workbook asked without a scope answer the chooser with its errors (400); with a
scope, their access is tested in `tests/reports/test_activity_views.py`.
"""

from tests.matrix import CASE, Row

# A report file is its requester's alone (tests/reports/test_report_files.py); an unknown one is
# not found, for everyone.
UNKNOWN_FILE = {"pk": "00000000-0000-4000-8000-000000000000"}


def unknown_file(world):
    return UNKNOWN_FILE


FIGURE_VIEWERS = CASE | {"funder_viewer", "director", "other_service_coach", "other_org_coach"}
EXPORTERS = frozenset({"head_of_service", "director"})

ROWS = [
    Row("reports:index", "GET", FIGURE_VIEWERS, denied=403),
    Row("reports:activity", "GET", FIGURE_VIEWERS, denied=403),
    Row("reports:activity_pdf", "GET", FIGURE_VIEWERS, ok=400, denied=403),
    Row("reports:activity_xlsx", "GET", FIGURE_VIEWERS, ok=400, denied=403),
    Row("reports:report_files", "GET", FIGURE_VIEWERS, denied=403),
    Row("reports:report_file", "GET", kwargs=unknown_file),
    Row("reports:report_file_download", "GET", kwargs=unknown_file),
    Row("reports:report_file_retry", "POST", kwargs=unknown_file),
    Row("reports:export_people", "GET", EXPORTERS, denied=403),
    Row("reports:export_placements", "GET", EXPORTERS, denied=403),
    Row("reports:export_employer_contacts", "GET", EXPORTERS, denied=403),
    # The transfer exports; the people's asks a recent re-authentication first (302), after the
    # right to export.
    Row("reports:export_people_transfer", "GET", EXPORTERS, ok=302, denied=403),
    Row("reports:export_companies", "GET", EXPORTERS, denied=403),
    Row("reports:export_placements_transfer", "GET", EXPORTERS, denied=403),
]
