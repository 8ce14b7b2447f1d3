"""Where the project's shipped files live (the observer script, the demo site, icons)."""

from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
RESOURCES = PROJECT_ROOT / "resources"
