"""Tree panels' models, made from one ``Snapshot``: sessions, user properties, identity graph.

A tree of a long capture holds tens of thousands of rows (every session and pageview of every
device), and the panels show a new snapshot several times a second. So a tree is built only as far
as the view looks into it: each model's builder makes the top rows and leaves each row's children
to a function run the first time the view asks for them (``Item.later``); items are plain Python
objects read through ``QAbstractItemModel``. Every cell keeps the sequence number of its evidence
in ``SEQ_ROLE`` (and device in ``DEVICE_ROLE``) so a double-click can jump to the timeline.
"""

from __future__ import annotations

import weakref
from collections.abc import Callable, Mapping, Sequence
from functools import partial
from typing import Any

from pydantic import JsonValue
from PySide6.QtCore import QAbstractItemModel, QModelIndex, QObject, QPersistentModelIndex, Qt
from PySide6.QtGui import QColor, QFont

from inspector.gui.models.masking import masked_url
from inspector.gui.models.rows import short_id
from inspector.model.privacy import show
from inspector.model.state import DeviceState, GraphLink, Pageview, PropertyChange, Reset, Snapshot
from inspector.report.timefmt import time_of_day

SEQ_ROLE = Qt.ItemDataRole.UserRole + 1
DEVICE_ROLE = Qt.ItemDataRole.UserRole + 2
# Made once: or-ing two flags builds a new enum member each time (thousands of calls per refresh).
ITEM_FLAGS = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
RESET_COLOR = "#c0392b"
# A tree shows at most this many pageviews per session and changes per key (the newest): the
# timeline already lists everything.
MAX_CHILDREN = 200

AnyIndex = QModelIndex | QPersistentModelIndex


def _earlier(count: int, what: str) -> str:
    return f"… {count} earlier {what} (see the timeline)"


class Item:
    """One cell of a tree panel; the first cell of a row also holds the row's other cells and its
    child rows, which may be left to a function (``later``) until the view first looks at them."""

    # No reference cycles (the parent is weak, a row's own cell is not among ``others``): a tree
    # replaced several times a second is freed at once, without the cyclic collector.
    __slots__ = ("__weakref__", "_later", "_parent", "_rows", "bold", "color", "device", "others", "row",
                 "seq", "text", "tooltip")

    def __init__(self, text: str, seq: int | None = None, device: str | None = None, bold: bool = False,
                 color: str | None = None, tooltip: str = "") -> None:
        self.text, self.seq, self.device = text, seq, device
        self.bold, self.color, self.tooltip = bold, color, tooltip
        self.others: tuple[Item, ...] = ()  # the row's cells after this one
        self._parent: weakref.ref[Item] | None = None
        self.row = 0
        self._rows: list[Item] = []
        self._later: Callable[[Item], None] | None = None

    def append_row(self, row: Item) -> None:
        row._parent, row.row = weakref.ref(self), len(self._rows)
        self._rows.append(row)

    @property
    def parent(self) -> Item | None:
        return self._parent() if self._parent is not None else None

    def cell(self, column: int) -> Item | None:
        if column == 0:
            return self
        return self.others[column - 1] if 0 < column <= len(self.others) else None

    def later(self, fill: Callable[[Item], None]) -> None:
        """Make this row's children with ``fill(self)`` when they are first needed (there are some)."""
        self._later = fill

    def rows(self) -> list[Item]:
        if self._later is not None:
            fill, self._later = self._later, None
            fill(self)
        return self._rows

    def has_rows(self) -> bool:
        return self._later is not None or bool(self._rows)


def _item(text: str, seq: int | None = None, device: str | None = None, bold: bool = False,
          color: str | None = None, tooltip: str = "") -> Item:
    return Item(text, seq, device, bold, color, tooltip)


def _row(*items: Item) -> Item:
    """A row made of these cells: the first one stands for the row."""
    items[0].others = items[1:]
    return items[0]


def _reset_label(reset: Reset) -> str:
    return f"↺ reset: {reset.reason.value} ({short_id(reset.old_user_id)} → {short_id(reset.new_user_id)})"


class SnapshotTreeModel(QAbstractItemModel):
    """A tree made from one snapshot; subclasses set ``HEADERS`` and implement ``fill``."""

    HEADERS: tuple[str, ...] = ()

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._root = Item("")
        self._bold = QFont()
        self._bold.setBold(True)
        self._colors: dict[str, QColor] = {}

    def rebuild(self, snapshot: Snapshot | None, reveal: bool = False) -> None:
        self.beginResetModel()
        self._root = Item("")
        if snapshot is not None:
            self.fill(self._root, snapshot, reveal)
        self.endResetModel()

    def fill(self, root: Item, snapshot: Snapshot, reveal: bool) -> None:
        raise NotImplementedError

    def to_expand(self, depth: int, budget: int) -> list[QModelIndex]:
        """The rows to expand, level by level from the top (``depth`` levels, -1: any), for as long as
        no more than ``budget`` rows become visible: a view never lays out a whole long capture."""
        out: list[QModelIndex] = []
        visible = len(self._root.rows())
        level = [(item, self.createIndex(item.row, 0, item)) for item in self._root.rows()]
        remaining = depth
        while level and remaining != 0:
            below: list[tuple[Item, QModelIndex]] = []
            for item, index in level:
                if not item.has_rows():
                    continue
                children = item.rows()
                if visible + len(children) > budget:
                    return out
                visible += len(children)
                out.append(index)
                below.extend((child, self.createIndex(child.row, 0, child)) for child in children)
            level = below
            remaining -= 1
        return out

    # ------------------------------------------------------------------ QAbstractItemModel

    def _item_of(self, index: AnyIndex) -> Item:
        item: Item = index.internalPointer() if index.isValid() else self._root
        return item

    def index(self, row: int, column: int, parent: AnyIndex = QModelIndex()) -> QModelIndex:  # noqa: B008
        if column < 0 or column >= len(self.HEADERS) or (parent.isValid() and parent.column() != 0):
            return QModelIndex()
        rows = self._item_of(parent).rows()
        return self.createIndex(row, column, rows[row]) if 0 <= row < len(rows) else QModelIndex()

    def parent(self, index: AnyIndex | None = None) -> Any:
        if index is None:  # QObject.parent(), which this override hides
            return QObject.parent(self)
        if not index.isValid():
            return QModelIndex()
        up = self._item_of(index).parent
        if up is None or up is self._root:
            return QModelIndex()
        return self.createIndex(up.row, 0, up)

    def rowCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008, N802 - Qt's signature
        if parent.isValid() and parent.column() != 0:
            return 0
        return len(self._item_of(parent).rows())

    def hasChildren(self, parent: AnyIndex = QModelIndex()) -> bool:  # noqa: B008, N802
        if parent.isValid() and parent.column() != 0:
            return False
        return self._item_of(parent).has_rows()

    def columnCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008, N802
        return len(self.HEADERS)

    def headerData(self, section: int, orientation: Qt.Orientation,  # noqa: N802 - Qt override
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return self.HEADERS[section] if 0 <= section < len(self.HEADERS) else None
        return None

    def flags(self, index: AnyIndex) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return ITEM_FLAGS

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        cell = self._item_of(index).cell(index.column())
        if cell is None:
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return cell.text
        if role == SEQ_ROLE:
            return cell.seq
        if role == DEVICE_ROLE:
            return cell.device
        if role == Qt.ItemDataRole.FontRole and cell.bold:
            return self._bold
        if role == Qt.ItemDataRole.ForegroundRole and cell.color:
            color = self._colors.get(cell.color)
            if color is None:
                color = self._colors[cell.color] = QColor(cell.color)
            return color
        if role == Qt.ItemDataRole.ToolTipRole and cell.tooltip:
            return cell.tooltip
        return None


class SessionsModel(SnapshotTreeModel):
    """device → user IDs → sessions → pageviews; resets shown where they happened."""

    HEADERS = ("Device / user / session / page", "When", "#")

    def fill(self, root: Item, snapshot: Snapshot, reveal: bool) -> None:
        for name, dev in snapshot.devices.items():
            dev_item = _item(f"{name}  ({len(dev.user_ids)} user IDs, {len(dev.resets)} resets)",
                             device=name, bold=True)
            root.append_row(_row(dev_item, _item(""), _item("")))
            if dev.sessions:
                dev_item.later(partial(self._fill_device, name=name, dev=dev, reveal=reveal))

    def _fill_device(self, dev_item: Item, name: str, dev: DeviceState, reveal: bool) -> None:
        user_items: dict[str | None, Item] = {}
        for session in dev.sessions:
            if session.reset_before is not None:
                r = session.reset_before
                dev_item.append_row(_row(_item(_reset_label(r), r.seq, name, color=RESET_COLOR),
                                        _item(time_of_day(r.time)), _item(f"#{r.seq}")))
            user_item = user_items.get(session.user_id)
            if user_item is None:
                current = "  (current)" if session.user_id == dev.user_id else ""
                user_item = _item(f"user {short_id(session.user_id, 13)}{current}", session.first_seq, name,
                                  tooltip=session.user_id or "")
                user_items[session.user_id] = user_item
                dev_item.append_row(_row(user_item, _item(time_of_day(session.started)),
                                        _item(f"#{session.first_seq}")))
            number = "?" if session.number is None else str(session.number)
            s_item = _item(f"session {number}  ({len(session.pageviews)} pageviews)", session.first_seq, name)
            user_item.append_row(_row(s_item, _item(time_of_day(session.started)),
                                     _item(f"#{session.first_seq}")))
            if session.pageviews:
                s_item.later(partial(_fill_pageviews, name=name, pageviews=session.pageviews, reveal=reveal))


def _fill_pageviews(s_item: Item, name: str, pageviews: Sequence[Pageview], reveal: bool) -> None:
    shown = pageviews[-MAX_CHILDREN:]
    if len(shown) < len(pageviews):
        s_item.append_row(_row(_item(_earlier(len(pageviews) - len(shown), "pageviews"), color="#7f8c8d"),
                               _item(""), _item("")))
    for pv in shown:
        pvt = f" pvt={pv.pvt}" if pv.pvt else ""
        page = "?" if pv.page_number is None else str(pv.page_number)
        url = masked_url(pv.url or "", reveal)
        s_item.append_row(_row(_item(f"page {page}{pvt}  {url}", pv.seq, name),
                               _item(time_of_day(pv.time)), _item(f"#{pv.seq}")))


class PropertiesModel(SnapshotTreeModel):
    """Per device: each key's current value and its history (old → new, when, which page)."""

    HEADERS = ("Device / key / change", "Value", "When", "Page")

    def fill(self, root: Item, snapshot: Snapshot, reveal: bool) -> None:
        for name, dev in snapshot.devices.items():
            if not dev.property_history and not dev.detached:
                continue
            dev_item = _item(f"{name}  (user {short_id(dev.user_id)})", device=name, bold=True)
            root.append_row(_row(dev_item, _item(""), _item(""), _item("")))
            dev_item.later(partial(self._fill_device, name=name, dev=dev, reveal=reveal))

    def _fill_device(self, dev_item: Item, name: str, dev: DeviceState, reveal: bool) -> None:
        current = [c for c in dev.property_history if c.user_id in (None, dev.user_id)]
        self._fill_keys(dev_item, name, dev.properties, current, reveal, detached=False)
        for user_id, changes in dev.detached:
            det = _item(f"detached from user {short_id(user_id)}", device=name, color="#7f8c8d",
                        tooltip="These properties belonged to the previous user; an identity change "
                                "or resetIdentity detached them.")
            dev_item.append_row(_row(det, _item(""), _item(""), _item("")))
            finals: dict[str, JsonValue] = {}
            for c in changes:
                finals[c.key] = c.new
            self._fill_keys(det, name, finals, list(changes), reveal, detached=True)

    def _fill_keys(self, parent: Item, device: str, values: Mapping[str, JsonValue],
                   history: list[PropertyChange], reveal: bool, detached: bool) -> None:
        by_key: dict[str, list[PropertyChange]] = {}
        for change in history:
            by_key.setdefault(change.key, []).append(change)
        for key in sorted(set(values) | set(by_key)):
            changes = by_key.get(key, [])
            value = show(values[key], reveal) if key in values else "—"
            # Writing the value a key already had changes nothing: not an overwrite.
            overwrites = sum(1 for c in changes if c.had_old and c.old != c.new)
            label = f"{key}" + (f"  ({overwrites} overwrite{'s' * (overwrites != 1)})" if overwrites else "")
            last = changes[-1] if changes else None
            key_item = _item(label, last.seq if last else None, device, color="#7f8c8d" if detached else None)
            parent.append_row(_row(key_item, _item(value), _item(time_of_day(last.time) if last else ""),
                                  _item(masked_url(last.page_url, reveal) if last else "")))
            if changes:
                key_item.later(partial(_fill_changes, device=device, changes=changes, reveal=reveal))


def _fill_changes(key_item: Item, device: str, changes: list[PropertyChange], reveal: bool) -> None:
    if len(changes) > MAX_CHILDREN:
        earlier = _item(_earlier(len(changes) - MAX_CHILDREN, "changes"), color="#7f8c8d")
        key_item.append_row(_row(earlier, _item(""), _item(""), _item("")))
    for c in changes[-MAX_CHILDREN:]:
        old = show(c.old, reveal) if c.had_old else "(unset)"
        text = f"{old} → {show(c.new, reveal)}"
        key_item.append_row(_row(_item(f"#{c.seq}", c.seq, device), _item(text),
                                 _item(time_of_day(c.time)), _item(masked_url(c.page_url, reveal))))


class GraphModel(SnapshotTreeModel):
    """Identities → user IDs → devices: the cross-device identity graph."""

    HEADERS = ("Identity / user ID / device", "First seen", "#")

    def fill(self, root: Item, snapshot: Snapshot, reveal: bool) -> None:
        # identity -> user ID -> its links, in the order first seen
        grouped: dict[str, dict[str | None, list[GraphLink]]] = {}
        for link in snapshot.graph:
            grouped.setdefault(link.identity, {}).setdefault(link.user_id, []).append(link)
        for identity, users in grouped.items():
            first = next(iter(users.values()))[0]
            devices = {link.device for links in users.values() for link in links}
            # An identity whose user ID has not shown yet has a link without one: not a user.
            user_count = sum(1 for user_id in users if user_id)
            ident = _item(f"{show(identity, reveal)}  → {user_count} user IDs on "
                          f"{len(devices)} device{'s' * (len(devices) != 1)}",
                          first.first_seq, first.device, bold=True)
            root.append_row(_row(ident, _item(time_of_day(first.first_time)), _item(f"#{first.first_seq}")))
            ident.later(partial(_fill_users, users=users))


def _fill_users(ident: Item, users: dict[str | None, list[GraphLink]]) -> None:
    for user_id, links in users.items():
        first = links[0]
        user = _item(f"user {short_id(user_id, 13)}", first.first_seq, first.device, tooltip=user_id or "")
        ident.append_row(_row(user, _item(time_of_day(first.first_time)), _item(f"#{first.first_seq}")))
        for link in links:
            user.append_row(_row(_item(f"device {link.device}", link.first_seq, link.device),
                                 _item(time_of_day(link.first_time)), _item(f"#{link.first_seq}")))
