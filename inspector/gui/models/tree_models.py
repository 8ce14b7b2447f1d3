"""Tree panels' models, rebuilt from one ``Snapshot``: sessions, user properties, identity graph.

Each is a ``QStandardItemModel`` filled by a small builder; the panels rebuild at most once per
batch (the snapshot is immutable, so an unchanged snapshot is skipped). Every item keeps the
sequence number of its evidence in ``SEQ_ROLE`` (and device in ``DEVICE_ROLE``) so a double-click
can jump to the timeline.
"""

from __future__ import annotations

from collections.abc import Mapping

from pydantic import JsonValue
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QFont, QStandardItem, QStandardItemModel

from inspector.gui.models.masking import masked_url
from inspector.gui.models.rows import short_id
from inspector.model.privacy import show
from inspector.model.state import DeviceState, PropertyChange, Reset, Snapshot
from inspector.report.timefmt import time_of_day

SEQ_ROLE = Qt.ItemDataRole.UserRole + 1
DEVICE_ROLE = Qt.ItemDataRole.UserRole + 2
RESET_COLOR = "#c0392b"
# A tree shows at most this many pageviews per session and changes per key (the newest): trees are
# rebuilt whole, and the timeline already lists everything.
MAX_CHILDREN = 200


def _earlier(count: int, what: str) -> str:
    return f"… {count} earlier {what} (see the timeline)"


def _item(text: str, seq: int | None = None, device: str | None = None, bold: bool = False,
          color: str | None = None, tooltip: str = "") -> QStandardItem:
    item = QStandardItem(text)
    item.setEditable(False)
    if seq is not None:
        item.setData(seq, SEQ_ROLE)
    if device is not None:
        item.setData(device, DEVICE_ROLE)
    if bold:
        font = QFont()
        font.setBold(True)
        item.setFont(font)
    if color:
        item.setForeground(QColor(color))
    if tooltip:
        item.setToolTip(tooltip)
    return item


def _row(*items: QStandardItem) -> list[QStandardItem]:
    return list(items)


def _reset_label(reset: Reset) -> str:
    return f"↺ reset: {reset.reason.value} ({short_id(reset.old_user_id)} → {short_id(reset.new_user_id)})"


class SnapshotTreeModel(QStandardItemModel):
    """A tree rebuilt whole from one snapshot; subclasses set ``HEADERS`` and implement ``fill``."""

    HEADERS: tuple[str, ...] = ()

    def __init__(self) -> None:
        super().__init__()
        self.setHorizontalHeaderLabels(list(self.HEADERS))

    def rebuild(self, snapshot: Snapshot | None, reveal: bool = False) -> None:
        self.clear()
        self.setHorizontalHeaderLabels(list(self.HEADERS))
        if snapshot is not None:
            self.fill(self.invisibleRootItem(), snapshot, reveal)

    def fill(self, root: QStandardItem, snapshot: Snapshot, reveal: bool) -> None:
        raise NotImplementedError


class SessionsModel(SnapshotTreeModel):
    """device → user IDs → sessions → pageviews; resets shown where they happened."""

    HEADERS = ("Device / user / session / page", "When", "#")

    def fill(self, root: QStandardItem, snapshot: Snapshot, reveal: bool) -> None:
        for name, dev in snapshot.devices.items():
            dev_item = _item(f"{name}  ({len(dev.user_ids)} user IDs, {len(dev.resets)} resets)",
                             device=name, bold=True)
            root.appendRow(_row(dev_item, _item(""), _item("")))
            self._fill_device(dev_item, name, dev, reveal)

    def _fill_device(self, dev_item: QStandardItem, name: str, dev: DeviceState, reveal: bool) -> None:
        user_items: dict[str | None, QStandardItem] = {}
        for session in dev.sessions:
            if session.reset_before is not None:
                r = session.reset_before
                dev_item.appendRow(_row(_item(_reset_label(r), r.seq, name, color=RESET_COLOR),
                                        _item(time_of_day(r.time)), _item(f"#{r.seq}")))
            user_item = user_items.get(session.user_id)
            if user_item is None:
                current = "  (current)" if session.user_id == dev.user_id else ""
                user_item = _item(f"user {short_id(session.user_id, 13)}{current}", session.first_seq, name,
                                  tooltip=session.user_id or "")
                user_items[session.user_id] = user_item
                dev_item.appendRow(_row(user_item, _item(time_of_day(session.started)),
                                        _item(f"#{session.first_seq}")))
            number = "?" if session.number is None else str(session.number)
            s_item = _item(f"session {number}  ({len(session.pageviews)} pageviews)", session.first_seq, name)
            user_item.appendRow(_row(s_item, _item(time_of_day(session.started)),
                                     _item(f"#{session.first_seq}")))
            shown = session.pageviews[-MAX_CHILDREN:]
            if len(shown) < len(session.pageviews):
                s_item.appendRow(_row(_item(_earlier(len(session.pageviews) - len(shown), "pageviews"),
                                            color="#7f8c8d"), _item(""), _item("")))
            for pv in shown:
                pvt = f" pvt={pv.pvt}" if pv.pvt else ""
                page = "?" if pv.page_number is None else str(pv.page_number)
                url = masked_url(pv.url or "", reveal)
                s_item.appendRow(_row(_item(f"page {page}{pvt}  {url}", pv.seq, name),
                                      _item(time_of_day(pv.time)), _item(f"#{pv.seq}")))


class PropertiesModel(SnapshotTreeModel):
    """Per device: each key's current value and its history (old → new, when, which page)."""

    HEADERS = ("Device / key / change", "Value", "When", "Page")

    def fill(self, root: QStandardItem, snapshot: Snapshot, reveal: bool) -> None:
        for name, dev in snapshot.devices.items():
            if not dev.property_history and not dev.detached:
                continue
            dev_item = _item(f"{name}  (user {short_id(dev.user_id)})", device=name, bold=True)
            root.appendRow(_row(dev_item, _item(""), _item(""), _item("")))
            current = [c for c in dev.property_history if c.user_id in (None, dev.user_id)]
            self._fill_keys(dev_item, name, dev.properties, current, reveal, detached=False)
            for user_id, changes in dev.detached:
                det = _item(f"detached from user {short_id(user_id)}", device=name, color="#7f8c8d",
                            tooltip="These properties belonged to the previous user; an identity change "
                                    "or resetIdentity detached them.")
                dev_item.appendRow(_row(det, _item(""), _item(""), _item("")))
                finals: dict[str, JsonValue] = {}
                for c in changes:
                    finals[c.key] = c.new
                self._fill_keys(det, name, finals, list(changes), reveal, detached=True)

    def _fill_keys(self, parent: QStandardItem, device: str, values: Mapping[str, JsonValue],
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
            parent.appendRow(_row(key_item, _item(value), _item(time_of_day(last.time) if last else ""),
                                  _item(masked_url(last.page_url, reveal) if last else "")))
            if len(changes) > MAX_CHILDREN:
                earlier = _item(_earlier(len(changes) - MAX_CHILDREN, "changes"), color="#7f8c8d")
                key_item.appendRow(_row(earlier, _item(""), _item(""), _item("")))
            for c in changes[-MAX_CHILDREN:]:
                old = show(c.old, reveal) if c.had_old else "(unset)"
                text = f"{old} → {show(c.new, reveal)}"
                key_item.appendRow(_row(_item(f"#{c.seq}", c.seq, device), _item(text),
                                        _item(time_of_day(c.time)), _item(masked_url(c.page_url, reveal))))


class GraphModel(SnapshotTreeModel):
    """Identities → user IDs → devices: the cross-device identity graph."""

    HEADERS = ("Identity / user ID / device", "First seen", "#")

    def fill(self, root: QStandardItem, snapshot: Snapshot, reveal: bool) -> None:
        identities: dict[str, QStandardItem] = {}
        users: dict[tuple[str, str | None], QStandardItem] = {}
        for link in snapshot.graph:
            ident = identities.get(link.identity)
            if ident is None:
                devices = {g.device for g in snapshot.graph if g.identity == link.identity}
                # An identity whose user ID has not shown yet has a link without one: not a user.
                user_ids = {g.user_id for g in snapshot.graph if g.identity == link.identity and g.user_id}
                ident = _item(f"{show(link.identity, reveal)}  → {len(user_ids)} user IDs on "
                              f"{len(devices)} device{'s' * (len(devices) != 1)}",
                              link.first_seq, link.device, bold=True)
                identities[link.identity] = ident
                root.appendRow(_row(ident, _item(time_of_day(link.first_time)), _item(f"#{link.first_seq}")))
            user = users.get((link.identity, link.user_id))
            if user is None:
                user = _item(f"user {short_id(link.user_id, 13)}", link.first_seq, link.device,
                             tooltip=link.user_id or "")
                users[(link.identity, link.user_id)] = user
                ident.appendRow(_row(user, _item(time_of_day(link.first_time)), _item(f"#{link.first_seq}")))
            user.appendRow(_row(_item(f"device {link.device}", link.first_seq, link.device),
                                _item(time_of_day(link.first_time)), _item(f"#{link.first_seq}")))
