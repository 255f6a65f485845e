"""PDF documents rendered from Django templates by WeasyPrint, with nothing fetched from outside.

Styles, fonts and images come from the app's static directory only: these documents hold
personal data and are made on machines that may have no Internet access.
"""

from pathlib import Path

from django.template.loader import render_to_string
from weasyprint import HTML
from weasyprint.urls import FatalURLFetchingError, URLFetcher

STATIC_DIR = (Path(__file__).resolve().parent.parent / "static").resolve()


class LocalFetcher(URLFetcher):
    """Serves files under the static directory; refuses every other address, network ones included."""

    def fetch(self, url, headers=None):
        if not url.startswith("file://"):
            raise FatalURLFetchingError(f"Refused outside resource: {url}")
        path = Path(url.removeprefix("file://").split("?")[0]).resolve()
        if not path.is_relative_to(STATIC_DIR):
            raise FatalURLFetchingError(f"Refused file outside the static directory: {url}")
        return super().fetch(url, headers)


def render_pdf(template_name: str, context: dict, request=None) -> bytes:
    html = render_to_string(template_name, context, request=request)
    return HTML(string=html, base_url=STATIC_DIR.as_uri() + "/", url_fetcher=LocalFetcher()).write_pdf()
