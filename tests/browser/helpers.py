"""What browser tests do again and again: log in, check accessibility, check the layout."""

import json

BLOCKING_IMPACTS = ("serious", "critical")


SECOND_STEP_PATH = "/accounts/two-factor/verify/"


def login(page, username: str, password: str, *, language: str = "en") -> None:
    """Log in through the staff log-in form, as a person would, with both steps.

    When the second step follows, the code is the one the user's authenticator app would show,
    computed from the device's key (``tests.factories.totp_code``).
    """
    page.goto(f"/{language}/accounts/login/")
    page.locator("#id_username").fill(username)
    page.locator("#id_password").fill(password)
    page.locator("main form button[type=submit]").click()
    page.wait_for_load_state()
    if SECOND_STEP_PATH in page.url:
        enter_second_factor(page, username)


def enter_second_factor(page, username: str) -> None:
    """Type the current code of the user's authenticator app into the second step."""
    from django.contrib.auth import get_user_model

    from tests.factories import totp_code

    user = get_user_model().objects.get(username=username)
    page.locator("#id_code").fill(totp_code(user))
    page.locator("main form button[type=submit]").click()
    page.wait_for_load_state()


def axe_violations(page, axe_source: str) -> list[dict]:
    """Run axe-core on the page as it is now and return its violations.

    The script is evaluated in the page rather than added as a <script> element, so a strict
    Content-Security-Policy on the page cannot block it. A click that follows a link may still
    be loading the next page: axe runs on that page once it has loaded, not on the one leaving.
    """
    page.wait_for_load_state("load")
    if not page.evaluate("() => typeof window.axe === 'object'"):
        page.evaluate(axe_source)
    return page.evaluate("async () => (await window.axe.run(document)).violations")


def format_violations(violations: list[dict]) -> str:
    lines = []
    for violation in violations:
        lines.append(
            f"[{violation['impact']}] {violation['id']}: {violation['help']} "
            f"({violation['helpUrl']})"
        )
        for node in violation["nodes"]:
            lines.append(f"    at {json.dumps(node['target'])}: {node['html'][:160]}")
            lines.extend(f"        {line}" for line in node.get("failureSummary", "").splitlines())
    return "\n".join(lines)


def assert_accessible(page, axe_source: str) -> None:
    """Fail with a readable list when axe-core finds a serious or critical violation."""
    blocking = [
        violation
        for violation in axe_violations(page, axe_source)
        if violation["impact"] in BLOCKING_IMPACTS
    ]
    assert not blocking, f"axe-core on {page.url}:\n{format_violations(blocking)}"


def horizontal_overflow(page) -> int:
    """How many CSS pixels the document is wider than the screen (0 when it fits).

    Compared with the configured viewport, not ``window.innerWidth``: a mobile browser widens
    its layout viewport to fit content that overflows, which would hide the overflow.
    """
    width = page.evaluate("() => document.documentElement.scrollWidth")
    return max(0, width - page.viewport_size["width"])


# The page's cumulative layout shift so far (what Lighthouse's CLS measures), in the browser.
LAYOUT_SHIFT = """() => new Promise(resolve => {
  new PerformanceObserver(list => {
    resolve(list.getEntries().filter(e => !e.hadRecentInput).reduce((sum, e) => sum + e.value, 0));
  }).observe({type: "layout-shift", buffered: true});
  setTimeout(() => resolve(0), 1000);
})"""
