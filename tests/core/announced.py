"""Reading the announced number of results (`results_status`) in a page or an htmx answer."""

import re


def status_region(html: str, status_id: str) -> tuple[str, str]:
    """The region's opening tag and its text; fails unless the page holds it exactly once."""
    assert html.count(f'id="{status_id}"') == 1, status_id
    found = re.search(rf'(<p id="{status_id}"[^>]*>)([^<]*)</p>', html)
    assert found, status_id
    return found[1], found[2]


def assert_page_region(html: str, status_id: str, results_id: str | None = None) -> str:
    """The full page writes the live region once, outside the part htmx replaces; its text."""
    tag, text = status_region(html, status_id)
    assert 'aria-live="polite"' in tag and 'role="status"' in tag and "hx-swap-oob" not in tag
    if results_id:
        results = html.index(f'id="{results_id}"')
        assert html.index(f'id="{status_id}"') < results
        assert f'id="{status_id}"' not in html[results:]
    return text


def assert_oob_region(html: str, status_id: str) -> str:
    """An htmx answer carries the region out of band (its text only); that text."""
    tag, text = status_region(html, status_id)
    assert 'hx-swap-oob="innerHTML"' in tag and "<html" not in html
    return text
