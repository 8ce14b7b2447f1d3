"""The URL path rule of ``gui/models/masking.py`` (issue 14): route words stay readable; a segment is
masked for its shape, for following a word that introduces a person, or for being a value the
capture has shown as an identity or a user property value."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from inspector.gui.models.masking import PERSONAL, clear_value, masked, masked_header, masked_url
from tests.support.script import Script


@pytest.fixture(autouse=True)
def _fresh() -> Iterator[None]:
    PERSONAL.clear()
    yield
    PERSONAL.clear()


@pytest.mark.parametrize(("url", "shown"), [
    ("https://shop.test/users/alice/orders", "https://shop.test/users/•••/orders"),
    ("https://shop.test/u/john.smith", "https://shop.test/u/•••"),
    ("https://shop.test/profile/jdoe/settings", "https://shop.test/profile/•••/settings"),
    ("https://shop.test/catalogue/shoes/index.html", "https://shop.test/catalogue/shoes/index.html"),
    ("https://shop.test/orders/6f1c2a3b-9d8e/invoice.pdf", "https://shop.test/orders/•••/invoice.pdf"),
    ("https://shop.test/account/Jane.Doe@example.com", "https://shop.test/account/•••"),
])
def test_shapes_and_person_words(url: str, shown: str) -> None:
    assert masked_url(url, reveal=False) == shown
    assert masked_url(url, reveal=True) == url


def test_values_the_capture_showed_are_masked_wherever_a_route_word_could_hold_them() -> None:
    page = "https://shop.test/team/martin/alice-martin/jdoe/hi-martin/martinique/news?pid=12&r=martin"
    assert masked_url(page, False) == page  # route words and a safe parameter (r), until…
    script = (Script().push("identify", "martin").push("addUserProperties", {"name": "Alice Martin"})
              .push("identify", "JDoe@example.com"))
    assert PERSONAL.learn(script.envelopes) and not PERSONAL.learn(script.envelopes)
    # As a whole segment, its slug, an e-mail's local part, whole words; not inside another word.
    assert masked_url(page, False) == "https://shop.test/team/•••/•••/•••/•••/martinique/news?pid=12&r=•••"
    assert masked_header("User-Agent", "Bot for martin", False) != "Bot for martin"
    assert masked_header("Accept", "*/*", False) == "*/*"
    assert clear_value("Hello Alice Martin", False) != "Hello Alice Martin"
    assert clear_value("Hello Alice Martin", True) == "Hello Alice Martin"
    assert masked({"name": "martin-login", "uu": "martin00-0000"}, False) == {
        "name": "m•••n (12 chars)", "uu": "martin00-0000"}
    PERSONAL.clear()
    assert masked_url(page, False).startswith("https://shop.test/team/martin/")
