"""The identity graph holds every identity the page passed, linked to the user the tag gave it, even
when late evidence moves a user from one call of a block to another (issue 14 item 6)."""

from __future__ import annotations

import json
import random
from pathlib import Path

import pytest

from inspector.cli.main import main
from inspector.model.reference import ReferenceModel
from inspector.wire.envelope import dump_envelope
from tests.model.tag_sim import FAULTS, SimulatedTag, one_block
from tests.model.test_late_evidence import U0, U1, Item, block, interleavings, judged
from tests.support.script import Script

# A logout the tag gets wrong (it keeps the user), then a login that renews it: the renewal pageview
# first goes to the logout (the earliest call waiting for a user), then the snapshot taken right after
# identify(B) moves the user to B, and the logout is judged as keeping the user.
LOGOUT_KEEPS_USER = [("identify", "C"), ("resetIdentity",), ("identify", "C"), ("identify", "B")]
LOGIN_EVIDENCE: list[Item] = [("hit", U1), ("cookies", U1, "command:identify")]


def graph(script: Script) -> set[tuple[str, str | None]]:
    model = ReferenceModel()
    model.apply_many(script.envelopes)
    model.finish()
    return {(link.identity, link.user_id) for link in model.snapshot().graph}


@pytest.mark.parametrize("evidence", list(interleavings([("hit", U1)], [("cookies", U1, "command:identify")])))
def test_a_user_moved_to_another_call_carries_that_call_s_identity(evidence: list[Item]) -> None:
    script = block(LOGOUT_KEEPS_USER, evidence)
    assert judged(script) == ["reset-identity-no-new-user"]
    assert graph(script) == {("C", U0), ("B", U1)}


def test_a_user_moved_away_from_a_call_takes_its_identity_link_with_it() -> None:
    # The renewal is first credited to identify(B); the snapshot after the logout then shows the
    # logout renewed it, so B's link to that user was never a fact: B kept no user of its own.
    script = block([("identify", "A"), ("identify", "B"), ("resetIdentity",)],
                   [("hit", U1), ("cookies", U1, "command:resetIdentity")], identified="A")
    assert ("B", U1) not in graph(script)
    assert "identity-change-reset-missing" in judged(script)


@pytest.mark.parametrize("evidence", list(interleavings([("hit", U1)], [("cookies", U1, "command:resetIdentity")])))
def test_an_account_switch_links_the_new_identity_to_the_new_user_only(evidence: list[Item]) -> None:
    # Logout and login in one block: the login runs on the user the logout started, which the tag's
    # evidence shows only after both calls; linking it to the device's user at the time of the call
    # would merge the two people's users in the graph.
    script = block([("resetIdentity",), ("identify", "C")], evidence, identified="A")
    assert judged(script) == []
    assert graph(script) == {("A", U0), ("C", U1)}


def truth(calls: list[tuple[str, ...]], fault: str | None = None) -> set[tuple[str, str | None]]:
    """Each identity with the user the simulated tag had right after the call that set it."""
    tag, out = SimulatedTag(fault=fault), set()
    for name, *args in calls:
        tag.run(name, *args)
        if name == "identify":
            out.add((str(args[0]), tag.user))
    return out


def test_with_a_correct_tag_the_graph_is_exactly_who_the_tag_gave_each_identity() -> None:
    rng = random.Random(1414)
    for _ in range(600):
        calls = [("identify", rng.choice("ABC")) if rng.random() < 0.75 else ("resetIdentity",)
                 for _ in range(rng.randint(1, 6))]
        script, _ = one_block(calls, None, rng, rng.randint(0, 6))
        assert graph(script) == truth(calls), calls


def test_every_identity_of_a_block_is_in_the_graph_whatever_the_tag_and_the_lag() -> None:
    """A seeded sweep over blocks of a correct and of each faulty tag with lagging evidence."""
    rng = random.Random(14)
    for _ in range(600):
        calls = [("identify", rng.choice("ABC")) if rng.random() < 0.75 else ("resetIdentity",)
                 for _ in range(rng.randint(1, 6))]
        fault = rng.choice([None, *FAULTS])
        script, _ = one_block(calls, fault, rng, rng.randint(0, 6))
        identities = {args[0] for _, *args in calls if args}
        assert identities <= {identity for identity, _ in graph(script)}, (calls, fault)


def test_check_json_lists_the_identity_in_the_graph_and_the_device(tmp_path: Path,
                                                                   capsys: pytest.CaptureFixture[str]) -> None:
    recording = tmp_path / "logout.jsonl"
    script = block(LOGOUT_KEEPS_USER, LOGIN_EVIDENCE)
    recording.write_text("".join(dump_envelope(env) + "\n" for env in script.envelopes))
    assert main(["check", str(recording), "--format", "json", "--reveal"]) == 1
    doc = json.loads(capsys.readouterr().out)
    groups = {g["identity"]: g["user_ids"] for g in doc["identity_graph"]}
    assert groups == {"C": [U0], "B": [U1]}
    assert doc["devices"][0]["identities"] == ["C", "B"]
    main(["check", str(recording), "--format", "json"])
    assert "\"B\"" not in capsys.readouterr().out  # masked by default


def test_the_simulated_tag_agrees_on_who_got_b() -> None:
    assert ("B", U1) in truth(LOGOUT_KEEPS_USER, "no-reset-on-logout")
