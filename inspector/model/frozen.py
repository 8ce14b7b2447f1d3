"""``replace`` for the model's frozen, slotted state classes, about three times as fast as
``dataclasses.replace``.

The model replaces a device's state (21 fields) once or twice per event, and ``dataclasses.replace``
was the largest single cost of a check (it checks every field, then calls ``__init__`` with all of
them as keywords). Here each class gets one function, written once from its fields, that copies the
fields straight into a new instance; names that are not fields still raise ``TypeError``. For type
checking this *is* ``dataclasses.replace``, so mypy still checks the field names and types.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

__all__ = ["replace"]

_Copier = Callable[[Any, dict[str, Any]], Any]
_COPIERS: dict[type, _Copier] = {}

if TYPE_CHECKING:
    from dataclasses import replace
else:
    def replace(obj: Any, /, **changes: Any) -> Any:
        """``dataclasses.replace(obj, **changes)``, the same result."""
        copier = _COPIERS.get(type(obj))
        if copier is None:
            copier = _COPIERS[type(obj)] = _copier(type(obj))
        return copier(obj, changes)


def _copier(cls: type) -> _Copier:
    fields = dataclasses.fields(cls)
    plain = (hasattr(cls, "__slots__") and not hasattr(cls, "__post_init__")
             and all(f.init and f._field_type is dataclasses._FIELD for f in fields))  # type: ignore[attr-defined]
    if not plain:  # anything unusual: the library's own replace
        return lambda obj, changes: dataclasses.replace(obj, **changes)
    names = [f.name for f in fields]
    body = "".join(f"    set_(new, {name!r}, get({name!r}, obj.{name}))\n" for name in names)
    source = ("def copy(obj, changes):\n"
              "    if not changes.keys() <= known:\n"
              "        raise TypeError(f'{cls.__name__} has no field {min(changes.keys() - known)!r}')\n"
              "    new = new_(cls)\n"
              "    get = changes.get\n"
              f"{body}"
              "    return new\n")
    scope: dict[str, Any] = {"cls": cls, "known": frozenset(names), "new_": object.__new__,
                             "set_": object.__setattr__}
    exec(source, scope)  # our own field names only, as dataclasses itself writes __init__
    return scope["copy"]  # type: ignore[no-any-return]
