"""``replace`` for the model's frozen, slotted state classes, several times as fast as
``dataclasses.replace``.

The model replaces a device's state (22 fields) about once per event, and ``dataclasses.replace`` was
the largest single cost of a check: it checks every field, then calls the frozen ``__init__``, which
sets each field through ``object.__setattr__``. Here each class and set of changed names gets one
function, written once, that fills a *draft*: an instance of a plain twin class with the same slots,
whose fields are set by ordinary (fast) attribute stores, then turned into the frozen class by
assigning ``__class__`` (the layouts are the same, so Python allows it). Nobody sees the draft before
it is frozen. Names that are not fields still raise ``TypeError``. For type checking this *is*
``dataclasses.replace``, so mypy still checks the field names and types.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

__all__ = ["replace"]

_Copier = Callable[..., Any]
_COPIERS: dict[tuple[Any, ...], _Copier] = {}

if TYPE_CHECKING:
    from dataclasses import replace
else:
    def replace(obj: Any, /, **changes: Any) -> Any:
        """``dataclasses.replace(obj, **changes)``, the same result."""
        key = (type(obj), *changes)
        copier = _COPIERS.get(key)
        if copier is None:
            copier = _COPIERS[key] = _copier(type(obj), tuple(changes))
        return copier(obj, *changes.values())


def _copier(cls: type, changed: tuple[str, ...]) -> _Copier:
    fields = dataclasses.fields(cls)
    names = [f.name for f in fields]
    unknown = sorted(set(changed) - set(names))
    if unknown:
        raise TypeError(f"{cls.__name__} has no field {unknown[0]!r}")
    draft = _draft_class(cls, fields)
    if draft is None:  # anything unusual: the library's own replace
        return lambda obj, *values: dataclasses.replace(obj, **dict(zip(changed, values, strict=True)))
    arguments = [f"v{i}" for i in range(len(changed))]
    given = dict(zip(changed, arguments, strict=True))
    body = "".join(f"    new.{name} = {given.get(name, 'obj.' + name)}\n" for name in names)
    source = (f"def copy(obj, {', '.join(['/', *arguments])}):\n"
              "    new = new_(draft)\n"
              f"{body}"
              "    new.__class__ = cls\n"
              "    return new\n")
    scope: dict[str, Any] = {"cls": cls, "draft": draft, "new_": object.__new__}
    exec(source, scope)  # our own field names only, as dataclasses itself writes __init__
    return scope["copy"]  # type: ignore[no-any-return]


def _draft_class(cls: type, fields: tuple[dataclasses.Field[Any], ...]) -> type | None:
    """A plain class laid out as ``cls`` (its slots, in order), or None when ``cls`` is not a plain
    slotted dataclass whose instances a twin can become."""
    names = tuple(f.name for f in fields)
    plain = (cls.__bases__ == (object,) and getattr(cls, "__slots__", None) == names
             and not hasattr(cls, "__post_init__")
             and all(f.init and f._field_type is dataclasses._FIELD for f in fields))  # type: ignore[attr-defined]
    if not plain:
        return None
    draft = type(f"_{cls.__name__}Draft", (), {"__slots__": names})
    try:  # Python checks the layouts match; a class it refuses keeps the slow path
        setattr(object.__new__(draft), "__class__", cls)  # noqa: B010 (mypy refuses the plain form)
    except TypeError:
        return None
    return draft
