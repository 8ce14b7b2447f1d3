"""The README screenshots can be made on this machine, at both sizes, and show the demo session."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtGui import QImage

from tests.gui.screenshots import LARGE, SMALL, take


def test_screenshots_show_the_demo_capture_at_both_sizes(tmp_path: Path) -> None:
    written = {p.name: QImage(str(p)) for p in take(tmp_path)}
    assert sorted(written) == ["first-run-1280x720.png", "main-window-1280x720.png",
                               "main-window-1920x1080.png", "main-window-dark-1920x1080.png",
                               "verdicts-1280x720.png", "verdicts-1920x1080.png"]
    for name, image in written.items():
        size = SMALL if "1280x720" in name else LARGE
        assert (image.width(), image.height()) == size, name  # the window kept the size asked for
    light, dark = written["main-window-1280x720.png"], written["main-window-dark-1920x1080.png"]
    # The violation row is tinted red in both schemes: the timeline really was filled.
    assert _has_color(light, lambda r, g, b: r > 240 and 200 < g < 235 and 200 < b < 235)
    assert _has_color(dark, lambda r, g, b: 60 < r < 90 and g < 50 and b < 50)
    first_run = written["first-run-1280x720.png"]  # the guide over an empty timeline
    assert not _has_color(first_run, lambda r, g, b: r > 240 and 200 < g < 235 and 200 < b < 235)
    # Dark really is dark.
    assert dark.pixelColor(LARGE[0] // 2, LARGE[1] - 5).lightness() < 80


def _has_color(image: QImage, wanted: object) -> bool:
    for y in range(0, image.height(), 3):
        for x in range(0, image.width(), 7):
            c = image.pixelColor(x, y)
            if wanted(c.red(), c.green(), c.blue()):  # type: ignore[operator]
                return True
    return False
