"""JSON Schemas of the machine-readable outputs, shipped with the package (``uxa-inspector schema NAME``).

Each output document names its schema (``"schema": "uxa-inspector/check/1"``); within a version keys
are only ever added, so the schemas allow keys they do not list.
"""

from __future__ import annotations

import json
from importlib import resources

from pydantic import JsonValue

# Output name -> the schema file of its current version.
SCHEMA_FILES = {"check": "check-1.schema.json", "diff": "diff-1.schema.json"}


def schema_text(name: str) -> str:
    """The schema of output ``name`` as shipped (``KeyError`` for an unknown name)."""
    return resources.files(__package__).joinpath(SCHEMA_FILES[name]).read_text(encoding="utf-8")


def schema(name: str) -> dict[str, JsonValue]:
    loaded: dict[str, JsonValue] = json.loads(schema_text(name))
    return loaded
