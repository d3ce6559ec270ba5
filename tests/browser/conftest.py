"""Real-browser harness: Debian's Chromium driven by Playwright, pages checked by axe-core.

Journeys use `signed_in_page` or `page` with pytest-django's `live_server`, and call
`check_accessibility(page)` on every page they visit.
"""

from functools import cache
from pathlib import Path

import pytest
from playwright.sync_api import Error as PlaywrightError

from ..conftest import AXE_JS, CHROMIUM, ROOT

ARTIFACTS = ROOT / "test-artifacts"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
SERIOUS = {"serious", "critical"}


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    # Playwright's sync API keeps an event loop running in the test thread for the whole
    # session; the ORM calls the tests make around it (factories, assertions, database
    # flushes) are still synchronous and safe there.
    with pytest.MonkeyPatch.context() as patch, sync_playwright() as playwright:
        patch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        new_context = browser.new_context

        def watched_context(**options):
            context = new_context(**options)
            context.on("page", watch_csp)
            return context

        patch.setattr(browser, "new_context", watched_context)
        yield browser
        browser.close()


def watch_csp(page) -> None:
    """Anything the Content-Security-Policy blocks (an inline script or style, an asset
    from elsewhere) fails the journey: the browser reports it on the console."""
    if hasattr(page, "csp_violations"):
        return
    page.csp_violations = []
    page.on(
        "console",
        lambda message: (
            page.csp_violations.append(message.text)
            if "Content Security Policy" in message.text
            else None
        ),
    )


@pytest.fixture
def page(browser, request):
    context = browser.new_context(locale="en-GB", viewport={"width": 390, "height": 844})
    page = context.new_page()
    page.set_default_timeout(15_000)
    watch_csp(page)
    yield page
    if getattr(request.node, "rep_call", None) and request.node.rep_call.failed:
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / f"{request.node.name}.png"), full_page=True)
    context.close()
    assert page.csp_violations == [], (
        f"Blocked by the Content-Security-Policy: {page.csp_violations}"
    )


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    setattr(item, f"rep_{report.when}", report)


def check_accessibility(page) -> None:
    """Fail on any serious or critical axe-core violation of the page as it stands (and
    on anything the Content-Security-Policy blocked so far)."""
    watch_csp(page)
    assert page.csp_violations == [], (
        f"Blocked by the Content-Security-Policy: {page.csp_violations}"
    )
    # Evaluated through the DevTools protocol, which the page's CSP does not restrict (a
    # <script> tag added to the page would be an inline script, refused).
    violations = _axe_violations(page)
    serious = [v for v in violations if v["impact"] in SERIOUS]
    details = "\n".join(
        f"- {v['id']} ({v['impact']}): {v['help']} at "
        + ", ".join(str(node["target"]) for node in v["nodes"][:3])
        for v in serious
    )
    assert not serious, f"Accessibility violations on {page.url}:\n{details}"


def _axe_violations(page) -> list[dict]:
    """Run axe-core on the loaded document. A run that a navigation cut short (the
    document it walked was replaced) is run again on the new page, once it has loaded."""
    for attempt in range(3):
        page.wait_for_load_state("load")
        try:
            page.evaluate(_axe_source())
            return page.evaluate(
                "async () => (await axe.run(document, {resultTypes: ['violations']})).violations"
            )
        except PlaywrightError as error:
            replaced = "Execution context was destroyed" in str(error) or (
                "reading 'documentElement'" in str(error)
            )
            if not replaced or attempt == 2:
                raise
    raise AssertionError("unreachable")


@cache
def _axe_source() -> str:
    return Path(AXE_JS).read_text()


def sign_in(page, live_server, email: str, password: str) -> None:
    page.goto(f"{live_server.url}/accounts/login/")
    check_accessibility(page)
    page.get_by_label("E-mail").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign In").click()
    page.wait_for_url(f"{live_server.url}/")
