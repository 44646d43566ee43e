"""Real-browser tests: Debian's Chromium driven by Playwright against pytest-django's live server.

One browser per session, a fresh context (cookies, storage, language) per test, and a screenshot
of every open page in ``test-artifacts/`` when a test fails. Every test here is marked ``browser``.
"""

import os
import re
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from django.conf import settings

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
]
AXE_SCRIPT = settings.BASE_DIR / "node_modules" / "axe-core" / "axe.min.js"
ARTIFACTS = settings.BASE_DIR / "test-artifacts"

DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}


def missing_tool(reason: str) -> None:
    """Skip with a visible reason on a developer's machine; fail in CI, where it must be there."""
    if os.environ.get("CI", "").strip().lower() not in {"", "0", "false", "no"}:
        pytest.fail(f"{reason} (CI is set, so browser tests may not be skipped)", pytrace=False)
    pytest.skip(reason)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    here = Path(__file__).parent
    for item in items:
        if here in Path(item.path).parents:
            item.add_marker(pytest.mark.browser)


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo):
    """Keep each phase's report on the test item, so fixtures can tell that the test failed."""
    report = yield
    setattr(item, f"report_{report.when}", report)
    return report


@pytest.fixture(scope="session")
def browser() -> Iterator:
    if not CHROMIUM.exists():
        missing_tool(f"{CHROMIUM} is not installed (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    # Playwright's sync API runs an event loop in this thread, and Django refuses ORM calls
    # from a thread with a running loop. The test code's ORM calls are synchronous, so the
    # check is lifted for browser tests only.
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(
                executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True
            )
            yield browser
            browser.close()


@pytest.fixture(scope="session")
def axe_source() -> str:
    if not AXE_SCRIPT.exists():
        missing_tool(f"{AXE_SCRIPT} is missing (run `npm ci`, or `make install-test`)")
    return AXE_SCRIPT.read_text(encoding="utf-8")


@pytest.fixture
def new_page(request: pytest.FixtureRequest, browser, live_server) -> Iterator[Callable]:
    """Open a page in a fresh browser context; ``new_page(viewport=PHONE, locale="es-ES")``.

    The database is transactional, so that the live server's thread sees what the test writes;
    it is emptied after each test and starts with the role groups.
    """
    contexts = []

    def open_page(**context_options):
        options = {"viewport": DESKTOP, "locale": "en-GB", "base_url": live_server.url}
        options.update(context_options)
        context = browser.new_context(**options)
        context.set_default_timeout(10_000)
        contexts.append(context)
        return context.new_page()

    yield open_page

    call_report = getattr(request.node, "report_call", None)
    if call_report is not None and call_report.failed:
        save_screenshots(request.node.nodeid, contexts)
    for context in contexts:
        context.close()


def save_screenshots(nodeid: str, contexts: list) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    name = re.sub(r"[^A-Za-z0-9_.-]+", "_", nodeid).strip("_")
    pages = [page for context in contexts for page in context.pages]
    for number, page in enumerate(pages, start=1):
        suffix = f"-{number}" if len(pages) > 1 else ""
        path = ARTIFACTS / f"{name}{suffix}.png"
        try:
            page.screenshot(path=str(path), full_page=True)
        except Exception as error:  # noqa: BLE001 - a failed screenshot must not hide the failure
            print(f"Could not save a screenshot of {page.url}: {error}")
        else:
            print(f"Screenshot of {page.url} saved to {path}")


@pytest.fixture
def page(new_page):
    """A desktop-sized page whose browser prefers English."""
    return new_page()


@pytest.fixture
def phone_page(new_page):
    """A phone-sized page (390×844, touch) whose browser prefers English."""
    return new_page(viewport=PHONE, is_mobile=True, has_touch=True)


@pytest.fixture
def demo_users(transactional_db):
    """The contributor, reviewer and admin of the README, with their development passwords."""
    from tests.factories import make_user

    return {
        role: make_user(role, username=role, password=f"{role}-demo-2026")
        for role in ("contributor", "reviewer", "admin")
    }


@pytest.fixture
def log_in_as(live_server) -> Callable:
    """Give a page's browser context the session of ``user``, without the log-in form.

    The log-in form has its own tests; the other staff tests start logged in, with both steps.
    """
    from tests.clients import TwoFactorClient

    def log_in(page, user) -> None:
        client = TwoFactorClient()
        client.force_login(user)
        session = client.cookies[settings.SESSION_COOKIE_NAME]
        page.context.add_cookies(
            [{"name": session.key, "value": session.value, "url": live_server.url}]
        )

    return log_in
