"""The over-the-wire simulator playing a session it did not create: ``metrokawa simulate
--console LINK [--voeux N]``; and ``--voeux N`` of the offline simulator.

A session is created by ``POST /api/sessions`` (as a programme page or a console would), a
co-facilitator link is given through the facilitator's WebSocket (``AddCoFacilitator``), and the
simulator runs ``main([...])`` in-process against a real ``metrokawa serve`` with that link. The
log the server exports is the judge: the session's own territories and agenda, closed, with its
vœux adopted by the co-facilitator.
"""

from __future__ import annotations

import asyncio
import json
from pathlib import Path
from typing import Any

import httpx
import pytest

from server.cli import main
from server.client import ProtocolClient
from server.simulation.offline import run_offline
from session_engine import read_log, replay
from session_engine.decide import PERMISSIONS, Role
from session_engine.decide_votes import ADOPTION_GRADE
from session_engine.events import ConsentOpened, VoeuAdopted
from session_engine.majority import median_grade, rank, tally_vote
from session_engine.state import RoundStatus

from .live import LiveServer

# The session a programme page would create: two territories, one the simulator's population does
# not know by name (it borrows a known one's places under the session's name), one table round
# and the vote. Seed 7 gives adopted proposals with 12 people (checked below, not assumed).
TERRITORIES = [
    {"name": "La Goutte d'Or", "commune": "Paris 18e", "qpv": True},
    {"name": "Le Bas-Montreuil", "commune": "Montreuil", "qpv": False},
]
AGENDA = [
    {"kind": "table", "prompt": "Quels problèmes vivez-vous ici\u202f?", "duration_ms": 1_200_000},
    {"kind": "vote", "prompt": "Vote\u00a0: nos préconisations", "duration_ms": 1_200_000},
]
SEED = "7"


def _create(url: str, agenda: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    body = {"title": "Métrokawa local", "territories": TERRITORIES, "agenda": agenda or AGENDA}
    response = httpx.post(f"{url}/api/sessions", json=body, timeout=10)
    assert response.status_code == 201, response.text
    created: dict[str, Any] = response.json()
    return created


def _cofacilitator_link(url: str, created: dict[str, Any]) -> str:
    """The facilitator gives a co-facilitator link, as the console's « co-animation » does."""

    async def give() -> str:
        client = ProtocolClient(url, created["id"])
        await client.connect(token=created["facilitator_token"])
        try:
            answer = await client.command("AddCoFacilitator", {"label": "Amina, accueil"})
        finally:
            await client.close()
        assert answer["k"] == "ack", answer
        return f"{url}/f/{created['id']}#token={answer['token']}"

    return asyncio.run(give())


def _log(url: str, created: dict[str, Any]) -> Any:
    response = httpx.get(
        f"{url}/api/sessions/{created['id']}/log",
        headers={"Authorization": f"Bearer {created['facilitator_token']}"},
        timeout=10,
    )
    assert response.status_code == 200
    return read_log(response.content)[1]


def test_a_cofacilitator_may_send_everything_the_simulator_sends() -> None:
    """The simulator steers with whatever console link it is given: each command it sends as the
    console is one the facilitator role may send, and a co-facilitator holds that role (its actor
    is ``cf1``…, checked for being in service, not for a narrower right)."""
    steering = [
        "SeatTables", "RotateTables", "StartRound", "PauseRound", "ResumeRound", "ExtendRound",
        "EndRound", "PublishStatement", "HideStatement", "MergeStatements", "PromoteProposal",
        "OpenVote", "CloseVote", "OpenConsent", "AdoptVoeu", "CloseSession",
    ]  # fmt: skip
    allowed = {kind.__name__ for kind, roles in PERMISSIONS.items() if Role.FACILITATOR in roles}
    assert set(steering) <= allowed
    # Only giving links out is the facilitator's alone, and the simulator gives none.
    assert "AddCoFacilitator" not in steering


def test_a_cofacilitator_link_plays_the_session_to_its_close_with_a_voeu(
    live_server: LiveServer, capsys: pytest.CaptureFixture[str]
) -> None:
    created = _create(live_server.url)
    link = _cofacilitator_link(live_server.url, created)

    code = main(["simulate", "--console", link, "--participants", "12", "--speed", "2000",
                 "--seed", SEED, "--voeux", "1", "--timeout", "60", "--json"])  # fmt: skip
    captured = capsys.readouterr()

    assert code == 0, captured.err
    summary = json.loads(captured.out)
    assert (summary["completed"], summary["closed"], summary["failure"]) == (True, True, None)
    assert summary["session"] == created["id"]
    assert summary["code"] == created["code"]
    assert summary["console"] == link
    assert (summary["participants"], summary["territories"], summary["rounds"]) == (12, 2, 2)
    assert summary["voeux"] == 1
    assert "Session reprise" in captured.err
    assert "1 vœu adopté par consentement" in captured.err

    log = _log(live_server.url, created)
    state = replay(log)
    assert state.closed
    assert len(state.participants) == 12
    # The territories are the ones created, no other: everyone joined one of them.
    assert [(t.name, t.commune, t.qpv) for t in state.territories.values()] == [
        (t["name"], t["commune"], t["qpv"]) for t in TERRITORIES
    ]
    assert {p.territory for p in state.participants.values()} == set(state.territories)
    # The session's own agenda, played to its end.
    assert [(r.spec.kind.value, r.spec.prompt) for r in state.rounds] == [
        (r["kind"], r["prompt"]) for r in AGENDA
    ]
    assert all(r.status is RoundStatus.ENDED for r in state.rounds)
    # The co-facilitator steered: every event of the console's commands is cf1's.
    steering = {"TablesSeated", "RoundStarted", "VoteClosed", "VoeuAdopted", "SessionClosed"}
    steered = [e for e in log if e.type in steering]
    assert {e.type for e in steered} == steering
    assert {e.actor for e in steered} == {"cf1"}
    # One vœu, on the best proposal the vote adopted.
    (vote,) = state.votes.values()
    profiles = tally_vote(vote)
    adopted = [p for p, tally in profiles.items() if median_grade(tally) >= ADOPTION_GRADE]
    assert adopted  # the seed gives some: the vœu is not vacuous
    (voeu,) = state.voeux.values()
    assert voeu.proposal in adopted
    assert max(median_grade(profiles[p]) for p in adopted) == median_grade(profiles[voeu.proposal])
    opened = [e.event for e in log if isinstance(e.event, ConsentOpened)]
    assert [c.proposal for c in opened] == [voeu.proposal]
    assert sum(isinstance(e.event, VoeuAdopted) for e in log) == 1


def test_asking_more_voeux_than_adopted_proposals_gives_fewer_and_says_so(
    live_server: LiveServer, capsys: pytest.CaptureFixture[str]
) -> None:
    created = _create(live_server.url)
    link = f"{live_server.url}/f/{created['id']}#token={created['facilitator_token']}"

    code = main(["simulate", "--console", link, "--participants", "12", "--speed", "2000",
                 "--seed", SEED, "--voeux", "20", "--timeout", "60"])  # fmt: skip
    out = capsys.readouterr().out

    assert code == 0
    state = replay(_log(live_server.url, created))
    (vote,) = state.votes.values()
    adopted = [p for p, t in tally_vote(vote).items() if median_grade(t) >= ADOPTION_GRADE]
    assert 0 < len(state.voeux) == len(adopted) < 20
    assert {v.proposal for v in state.voeux.values()} == set(adopted)
    assert f"(20 demandés, {len(adopted)} proposition" in out
    assert f"vœux {len(adopted)}" in out


@pytest.mark.parametrize(
    ("link", "words"),
    [
        ("{url}/f/{id}", "n'a pas de jeton"),
        ("{url}/f/{id}#token=", "n'a pas de jeton"),
        ("{url}/j/{id}#token=abc", "n'est pas un lien de console d'animation"),
        ("{url}/f/{id}#token=pas-le-bon-jeton", "Le serveur refuse ce lien de console"),
        ("{url}/f/inconnue#token=abc", "ne connaît pas la session inconnue"),
    ],
)
def test_a_bad_console_link_exits_2_with_a_french_sentence_and_changes_nothing(
    link: str, words: str, live_server: LiveServer, capsys: pytest.CaptureFixture[str]
) -> None:
    created = _create(live_server.url)
    before = httpx.get(f"{live_server.url}/api/sessions/{created['id']}", timeout=10).json()

    code = main(["simulate", "--console", link.format(url=live_server.url, id=created["id"])])
    captured = capsys.readouterr()

    assert code == 2
    assert captured.err.startswith("metrokawa\u00a0: ")
    assert words in captured.err
    assert "Traceback" not in captured.err + captured.out
    after = httpx.get(f"{live_server.url}/api/sessions/{created['id']}", timeout=10).json()
    assert (after["seq"], after["participants"]) == (before["seq"], before["participants"])


def test_a_revoked_cofacilitator_link_is_refused(
    live_server: LiveServer, capsys: pytest.CaptureFixture[str]
) -> None:
    created = _create(live_server.url)
    link = _cofacilitator_link(live_server.url, created)

    async def revoke() -> None:
        client = ProtocolClient(live_server.url, created["id"])
        await client.connect(token=created["facilitator_token"])
        try:
            answer = await client.command("RevokeCoFacilitator", {"cofacilitator": "cf1"})
        finally:
            await client.close()
        assert answer["k"] == "ack", answer

    asyncio.run(revoke())
    assert main(["simulate", "--console", link]) == 2
    assert "Ce lien de co-animation a été retiré" in capsys.readouterr().err
    after = httpx.get(f"{live_server.url}/api/sessions/{created['id']}", timeout=10).json()
    assert after["participants"] == 0


def test_a_closed_session_or_one_with_a_round_under_way_is_refused(
    live_server: LiveServer, capsys: pytest.CaptureFixture[str]
) -> None:
    closed, running = _create(live_server.url), _create(live_server.url)

    steps: list[tuple[dict[str, Any], list[str]]] = [
        (closed, ["CloseSession"]),
        (running, ["SeatTables", "StartRound"]),
    ]

    async def steer() -> None:
        for created, commands in steps:
            client = ProtocolClient(live_server.url, created["id"])
            await client.connect(token=created["facilitator_token"])
            try:
                if created is running:  # two people, so that the tables can be seated
                    for name in ("Awa", "Bruno"):
                        guest = ProtocolClient(live_server.url, created["id"])
                        await guest.connect(code=created["code"])
                        data = {"pseudonym": name, "territory": "t1", "role": "habitant"}
                        assert (await guest.command("JoinSession", data))["k"] == "ack"
                        await guest.close()
                for kind in commands:
                    assert (await client.command(kind, {}))["k"] == "ack"
            finally:
                await client.close()

    asyncio.run(steer())
    for created, words in (
        (closed, "est déjà close"),
        (running, "Une manche de la session"),
    ):
        link = f"{live_server.url}/f/{created['id']}#token={created['facilitator_token']}"
        assert main(["simulate", "--console", link]) == 2
        assert words in capsys.readouterr().err


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (["--console", "http://127.0.0.1:8000/f/x#token=y", "--url", "http://127.0.0.1:8000"],
         "--console désigne déjà"),
        (["--console", "http://127.0.0.1:8000/f/x#token=y", "--offline"], "--console désigne déjà"),
    ],
)  # fmt: skip
def test_console_with_url_or_offline_exits_2(
    args: list[str], words: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["simulate", *args]) == 2
    assert words in capsys.readouterr().err


def test_a_session_already_under_way_is_played_from_its_next_round(
    live_server: LiveServer, capsys: pytest.CaptureFixture[str]
) -> None:
    """A local session of one territory whose first round was run by hand (two people, one
    statement published that the simulator never wrote): the simulator plays rounds 2 and 3, rotates
    the tables already seated instead of seating them again, and its people take positions on the
    statement that was there before them."""
    agenda = [
        {"kind": "table", "prompt": "Manche faite à la main", "duration_ms": 1_200_000},
        *AGENDA,
    ]
    body = {"title": "Local", "territories": TERRITORIES[:1], "agenda": agenda}
    created = httpx.post(f"{live_server.url}/api/sessions", json=body, timeout=10).json()
    text = "Le local associatif ferme trop tôt le samedi."

    async def first_round() -> None:
        console = ProtocolClient(live_server.url, created["id"])
        await console.connect(token=created["facilitator_token"])
        guests = []
        for name in ("Awa", "Bruno"):
            guest = ProtocolClient(live_server.url, created["id"])
            await guest.connect(code=created["code"])
            data = {"pseudonym": name, "territory": "t1", "role": "habitant"}
            assert (await guest.command("JoinSession", data))["k"] == "ack"
            guests.append(guest)
        for kind in ("SeatTables", "StartRound"):
            assert (await console.command(kind, {}))["k"] == "ack"
        data = {"text": text, "kind": "problem"}
        assert (await guests[0].command("ProposeStatement", data))["k"] == "ack"
        for kind, data in (("PublishStatement", {"statement": "s1"}), ("EndRound", {})):
            assert (await console.command(kind, data))["k"] == "ack"
        for client in (console, *guests):
            await client.close()

    asyncio.run(first_round())
    link = f"{live_server.url}/f/{created['id']}#token={created['facilitator_token']}"
    code = main(["simulate", "--console", link, "--participants", "12", "--speed", "2000",
                 "--seed", SEED, "--timeout", "60"])  # fmt: skip
    out = capsys.readouterr().out

    assert code == 0, out
    assert "2 manches à jouer à partir de la 2e" in out
    assert "manche 2/3" in out
    assert "manche 3/3" in out
    assert "Participant·e·s\u00a0: 14 (1 territoire, 3 manches," in out
    log = _log(live_server.url, created)
    state = replay(log)
    assert state.closed
    assert all(r.status is RoundStatus.ENDED for r in state.rounds)
    assert len(state.participants) == 14
    assert {p.territory for p in state.participants.values()} == {"t1"}
    kinds = [e.type for e in log]
    assert kinds.count("TablesSeated") == 1  # seated once, by hand; rotated since
    assert kinds.count("TablesRotated") >= 2
    assert state.statements["s1"].text == text
    newcomers = {p for p in state.participants if p not in ("p1", "p2")}
    on_s1 = {who for (who, sid) in state.positions if sid == "s1"}
    assert on_s1 & newcomers
    assert state.voeux == {}  # --voeux 0: none asked, none adopted


@pytest.mark.parametrize(("asked", "expected"), [(0, 0), (1, 1), (3, 3), (20, None)])
def test_offline_voeux_are_the_best_adopted_proposals_in_the_vote_round(
    asked: int, expected: int | None
) -> None:
    """``None``: as many as the vote adopted (fewer than asked)."""
    run = run_offline(60, 3, 3, seed=3, voeux=asked)  # raises if the engine refused anything

    state = replay(read_log(run.data)[1])
    (vote,) = state.votes.values()
    ranked = rank(tally_vote(vote))
    adopted = [r.proposal for r in ranked if r.majority_grade >= ADOPTION_GRADE]
    assert len(adopted) > 3  # the seed is one where the vote adopts several
    wanted = len(adopted) if expected is None else expected
    assert wanted < 20
    assert run.stats.voeux == len(state.voeux) == wanted
    assert [v.proposal for v in state.voeux.values()] == adopted[:wanted]
    log = read_log(run.data)[1]
    end_of_vote = next(e for e in reversed(log) if e.type == "RoundEnded")
    assert all(e.seq < end_of_vote.seq for e in log if e.type == "VoeuAdopted")
    assert [e.at for e in log] == sorted(e.at for e in log)  # time never goes back


def test_offline_prints_its_voeux_only_when_asked(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    args = ["simulate", "--offline", "--participants", "12", "--territories", "2", "--rounds",
            "2", "--seed", "3", "-o"]  # fmt: skip
    assert main([*args, str(tmp_path / "a.mkawa")]) == 0
    assert "vœu" not in capsys.readouterr().out
    assert main([*args, str(tmp_path / "b.mkawa"), "--voeux", "1"]) == 0
    assert "12 bulletins, 1 vœu\u202f; " in capsys.readouterr().out
