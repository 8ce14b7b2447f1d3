"""Every Qt model passes pytest-qt's model tester, empty, filled and while growing."""

from __future__ import annotations

from pytestqt.modeltest import ModelTester

from inspector.gui.inspection import Inspection
from inspector.gui.models.timeline_filter import TimelineFilter
from inspector.gui.models.timeline_model import TimelineModel
from inspector.gui.models.tree_models import GraphModel, PropertiesModel, SessionsModel
from inspector.gui.models.verdicts_model import VerdictsModel
from inspector.model.state import Severity
from inspector.wire.envelope import Envelope


def test_timeline_model_while_growing(qtmodeltester: ModelTester, demo: list[Envelope]) -> None:
    inspection = Inspection()
    model = TimelineModel(inspection)
    qtmodeltester.check(model)  # empty
    for env in demo:
        inspection.enqueue(env)
        inspection.drain()  # one append per event: the tester watches each insert
    assert model.rowCount() == len(demo) + 3  # each event, plus the three verdict rows
    qtmodeltester.check(model)
    inspection.finish()
    inspection.clear()
    assert model.rowCount() == 0


def test_timeline_filter_model(qtmodeltester: ModelTester, fed: Inspection) -> None:
    source = TimelineModel(fed)
    fed.clear()
    filt = TimelineFilter(source)
    qtmodeltester.check(filt)


def test_filter_follows_appends(qtmodeltester: ModelTester, demo: list[Envelope]) -> None:
    inspection = Inspection()
    filt = TimelineFilter(TimelineModel(inspection))
    filt.set_filter(severities=frozenset({Severity.VIOLATION}))
    qtmodeltester.check(filt)
    for env in demo:
        inspection.enqueue(env)
    inspection.flush()
    # The violation verdict row and the event that caused it.
    assert filt.rowCount() == 2


def test_verdicts_model(qtmodeltester: ModelTester, fed: Inspection) -> None:
    model = VerdictsModel(fed)
    qtmodeltester.check(model)
    fed.clear()
    assert model.rowCount() == 0


def test_verdicts_model_appends(qtmodeltester: ModelTester, demo: list[Envelope]) -> None:
    inspection = Inspection()
    model = VerdictsModel(inspection)
    qtmodeltester.check(model)
    for env in demo:
        inspection.enqueue(env)
    inspection.flush()
    assert [model.index(r, 1).data() for r in range(model.rowCount())] == [
        "property-overwrite", "properties-detached", "unexpected-user-id-change"]


def test_tree_models(qtmodeltester: ModelTester, fed: Inspection) -> None:
    snapshot = fed.latest()
    sessions, properties, graph = SessionsModel(), PropertiesModel(), GraphModel()
    sessions.rebuild(snapshot)
    properties.rebuild(snapshot, reveal=False)
    graph.rebuild(snapshot, reveal=False)
    for model in (sessions, properties, graph):
        assert model.rowCount() > 0
        qtmodeltester.check(model)
