"""User settings, persisted per user with ``QSettings`` in an INI file at ``locations.settings_file()``.

One frozen dataclass so the rest of the app reads plain attributes; ``load``/``save`` are the only
places that know the keys.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, fields, replace
from pathlib import Path

from PySide6.QtCore import QSettings

from inspector.launch import locations
from inspector.model.reference import ModelConfig

ORGANIZATION = "UXA Inspector"
APPLICATION = "uxa-inspector"


@dataclass(frozen=True, slots=True)
class Settings:
    proxy_port: int = 8080
    sink: bool = True  # answer the vendor's hosts locally: nothing leaves the machine
    deadline_s: float = 10.0
    mask_personal_data: bool = True
    browser_path: str = ""
    browser_profile: str = "default"
    color_scheme: str = "system"  # system | light | dark
    relative_time: bool = False
    guide_seen: bool = False  # the first-run guide was dismissed

    def model_config(self) -> ModelConfig:
        return ModelConfig(deadline_s=self.deadline_s)

    def with_(self, **changes: object) -> Settings:
        return replace(self, **changes)  # type: ignore[arg-type]


def qsettings() -> QSettings:
    path = locations.settings_file()
    locations.private_dir(path.parent)
    _adopt_old_settings(path)
    return QSettings(str(path), QSettings.Format.IniFormat)


def _adopt_old_settings(path: Path) -> None:
    """Versions before 0.2 kept settings where Qt puts them by default; take them over once."""
    if path.exists():
        return
    old = QSettings(QSettings.Format.IniFormat, QSettings.Scope.UserScope, ORGANIZATION, APPLICATION)
    old_path = Path(old.fileName())
    if old_path.is_file():
        path.write_bytes(old_path.read_bytes())
        path.chmod(0o600)


def load(store: QSettings | None = None) -> Settings:
    store = store or qsettings()
    defaults = Settings()
    values: dict[str, object] = {}
    for f in fields(Settings):
        default = getattr(defaults, f.name)
        raw = store.value(f"settings/{f.name}", default)
        values[f.name] = _coerce(raw, default)
    return Settings(**values)  # type: ignore[arg-type]


def save(settings: Settings, store: QSettings | None = None) -> None:
    store = store or qsettings()
    for key, value in asdict(settings).items():
        store.setValue(f"settings/{key}", value)
    store.sync()


def _coerce(raw: object, default: object) -> object:
    """INI files give strings back; a bad stored value falls back to the default, never crashes."""
    try:
        if isinstance(default, bool):
            return raw if isinstance(raw, bool) else str(raw).lower() in ("true", "1", "yes")
        if isinstance(default, int):
            return int(str(raw))
        if isinstance(default, float):
            return float(str(raw))
        return str(raw)
    except (TypeError, ValueError):
        return default
