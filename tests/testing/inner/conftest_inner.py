"""conftest.py of the inner test sessions: the demo shop, one headless Chromium per module (Playwright,
through the plugin's ``uxa_launch_args``), a context per test through its capture, and the journey's
steps as a user does them (a page load or a click between identity calls)."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from typing import Any

import pytest
from playwright.sync_api import Browser, Page, sync_playwright

from inspector.demo.site import DemoSite

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"


@pytest.fixture(scope="session")
def shop_url() -> Iterator[str]:
    with DemoSite() as site:
        yield site.url


@pytest.fixture(scope="module")
def browser(uxa_launch_args: dict[str, Any]) -> Iterator[Browser]:
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, **uxa_launch_args)
        yield browser
        browser.close()


@pytest.fixture
def page(browser: Browser, uxa_context_args: dict[str, Any]) -> Iterator[Page]:
    context = browser.new_context(**uxa_context_args)
    yield context.new_page()
    context.close()


class Shop:
    """The demo shop's account page, driven like a visitor: each step waits for the page it loads."""

    def __init__(self, page: Page, url: str) -> None:
        self.page, self.url = page, url

    def open(self, path: str = "account.html", fault: str | None = None) -> None:
        self.page.goto(self.url + path + (f"?fault={fault}" if fault else ""))

    def login(self, customer: str) -> None:
        self.page.fill("input[name=customer]", customer)
        with self.page.expect_navigation():
            self.page.click("#login button")

    def logout(self) -> None:
        with self.page.expect_navigation():
            self.page.click("#logout")

    def save_profile(self, plan: str) -> None:
        self.page.select_option("select[name=plan]", plan)
        self.page.click("#profile button")

    def get_identity(self) -> None:
        self.page.click("button:has-text('getIdentity')")

    def journey(self, fault: str | None = None) -> None:
        """Sign in, set a property, ask for the identity, browse, sign in as someone else, sign out."""
        self.open(fault=fault)
        self.login("C-1001")
        self.save_profile("gold")
        self.get_identity()
        self.open("index.html")
        self.open()
        self.login("C-2002")
        self.logout()


@pytest.fixture
def shop(page: Page, shop_url: str) -> Shop:
    return Shop(page, shop_url)
