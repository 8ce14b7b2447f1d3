"""The README screenshots can be made on this machine and show the demo, not an empty window."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtGui import QImage

from tests.gui.screenshots import SIZE, take


def test_screenshots_show_the_demo_capture(tmp_path: Path) -> None:
    written = take(tmp_path)
    assert [p.name for p in written] == ["main-window.png", "verdicts.png", "main-window-dark.png"]
    light, _verdicts, dark = (QImage(str(p)) for p in written)
    assert (light.width(), light.height()) == SIZE
    # The violation row is tinted red in both schemes: the timeline really was filled.
    assert _has_color(light, lambda r, g, b: r > 240 and 200 < g < 235 and 200 < b < 235)
    assert _has_color(dark, lambda r, g, b: 60 < r < 90 and g < 50 and b < 50)
    # Dark really is dark.
    assert dark.pixelColor(SIZE[0] // 2, SIZE[1] - 5).lightness() < 80


def _has_color(image: QImage, wanted: object) -> bool:
    for y in range(0, image.height(), 3):
        for x in range(0, image.width(), 7):
            c = image.pixelColor(x, y)
            if wanted(c.red(), c.green(), c.blue()):  # type: ignore[operator]
                return True
    return False
