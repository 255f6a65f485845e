"""Fixtures of the browser suite: one chromium per session, one fresh context per test.

Chromium is Debian's (`apt-get install chromium`): Playwright cannot download its own here.
Without it the browser tests are skipped, unless FILROUGE_REQUIRE_BROWSER=1 (CI), where its
absence is a failure.
"""

import os
import re
import shutil
from pathlib import Path

import pytest

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
VIEWPORT = {"width": 1280, "height": 900}
# A page of this app answers in milliseconds: waiting longer means something is wrong.
TIMEOUT_MS = 10_000


def chromium_path() -> str | None:
    if Path(CHROMIUM).exists():
        return CHROMIUM
    return shutil.which("chromium")


def pytest_collection_modifyitems(config, items):
    """Browser tests run last (in their own order). Once the browser is up, Playwright's event
    loop runs in this thread until the session ends, and DJANGO_ALLOW_ASYNC_UNSAFE is set (see
    `browser`): no other test should run, or start a subprocess, in that state."""
    items.sort(key=lambda item: item.get_closest_marker("browser") is not None)


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item, call):
    """Keeps each phase's report on the test item, so that fixtures know whether the test failed."""
    report = yield
    setattr(item, f"rep_{report.when}", report)
    return report


@pytest.fixture(scope="session")
def browser():
    executable = chromium_path()
    if executable is None:
        message = "chromium not found: browser tests skipped; apt-get install chromium"
        if os.environ.get("FILROUGE_REQUIRE_BROWSER") == "1":
            pytest.fail(f"{message} (FILROUGE_REQUIRE_BROWSER=1 requires it)", pytrace=False)
        pytest.skip(message)

    from playwright.sync_api import sync_playwright

    # Playwright's sync API keeps an asyncio loop running in this thread; Django's ORM, used by
    # the tests and the fixtures around them, would otherwise refuse to run beside it.
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    playwright = sync_playwright().start()
    try:
        chromium = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()
    finally:
        playwright.stop()
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture
def page(browser, request):
    """A page in a new context (no cookies shared between tests); screenshot kept on failure."""
    context = browser.new_context(viewport=VIEWPORT)
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()
    yield page
    failed = any(
        getattr(request.node, f"rep_{when}", None) is not None and getattr(request.node, f"rep_{when}").failed
        for when in ("setup", "call")
    )
    if failed:
        directory = request.config.rootpath / "test-results" / "screenshots"
        directory.mkdir(parents=True, exist_ok=True)
        name = re.sub(r"[^A-Za-z0-9_.-]+", "_", request.node.nodeid).strip("_")
        try:
            page.screenshot(path=str(directory / f"{name}.png"), full_page=True)
        except Exception as error:  # a missing screenshot must not hide the failure itself
            print(f"screenshot not saved: {error}")
    context.close()


_demo_copy: dict = {}


@pytest.fixture
def demo(live_server):
    """The demo data, in the live server's database; one row per role held, as `seed_demo` returns.

    Built once per session, then copied back before each test that asks for it (see snapshot.py).
    """
    from filrouge.seed.demo import seed_demo

    from . import snapshot

    if not _demo_copy:
        accounts = seed_demo()
        _demo_copy.update(accounts=accounts, rows=snapshot.take())
    else:
        snapshot.restore(_demo_copy["rows"])
    return _demo_copy["accounts"]
