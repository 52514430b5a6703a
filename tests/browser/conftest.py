"""Browser tests drive Debian's chromium (never a downloaded build) through Playwright."""

import os
import shutil

import pytest

# Playwright's sync API runs an event loop in this thread; Django's ORM calls made by the
# test itself are still synchronous and safe.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    if not shutil.which(CHROMIUM):
        pytest.fail(f"{CHROMIUM} is missing: apt-get install -y chromium fonts-noto-cjk")
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "args": [
            "--no-sandbox", "--headless", "--disable-gpu", "--disable-quic", "--no-first-run",
            "--disable-background-networking", "--disable-component-update", "--disable-sync",
        ],
    }


@pytest.fixture
def csp_violations(page):
    """Console errors about the content security policy, collected while the test runs."""
    seen = []
    page.on("console", lambda message: seen.append(message.text)
            if "Content Security Policy" in message.text or "Refused to" in message.text else None)
    return seen


@pytest.fixture
def screenshot(page, request):
    """Save a PNG under screenshots/ when SCREENSHOTS=1 (for looking, not asserting).

    Of the test's `page` by default; a test that opens a page per persona passes that page.
    """
    def take(name: str, target=None):
        if os.environ.get("SCREENSHOTS"):
            os.makedirs("screenshots", exist_ok=True)
            (target or page).screenshot(path=f"screenshots/{name}.png", full_page=True)
    return take
