"""Pol.is's openData CSV files: a session out, a Pol.is conversation in, and back again.

The fixture ``data/polis-night-bus/`` is a small conversation written in the exact layout of
compdemocracy/openData's 2022 exports (``london.youth.policing``): comment rows newest first,
``datetime`` in the server's zone (WIB), the ``xid`` column, a seed question moderated out
before any vote, a spam comment moderated out after 3 votes, a comment never moderated but
voted on, a voter who changed a vote (both rows in ``votes.csv``), the owner (0) who wrote
comments and never voted, light voters left out of the groups (empty ``group-id``), numbers
missing (21, 24 took no part), ``views`` above the voters. Two camps: 1..14 for transit, and
15..26 for cars.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from session_engine import read_log, replay
from session_engine.codec import Envelope
from session_engine.events import (
    Event,
    ParticipantJoined,
    PositionTaken,
    StatementHidden,
    StatementPublished,
    StatementsMerged,
)
from session_engine.logfile import LogHeader
from session_engine.opendata import FILES, OpenDataError, export_polis, load_polis
from session_engine.opinions import opinion_groups
from session_engine.report import build_report, render
from session_engine.state import StatementStatus

from .harness import a_session, a_statement, joined

ROOT = Path(__file__).resolve().parents[2]
FIXTURE = Path(__file__).resolve().parent / "data" / "polis-night-bus"
GOLDEN = ("demo-metrokawa-120", "golden-v1-voeux")


def fixture_files() -> dict[str, str]:
    return {name: (FIXTURE / name).read_text(encoding="utf-8") for name in FILES}


def sealed(events: list[Event], *, start: int = 1_800_000_000_000) -> list[Envelope]:
    """One envelope per event, a second apart, the actor being whoever the event names."""
    return [
        Envelope(seq=n, at=start + 1000 * n, actor=_actor(e), cmd=None, event=e)
        for n, e in enumerate(events, start=1)
    ]


def _actor(event: Event) -> str:
    return str(getattr(event, "participant", None) or getattr(event, "author", "facilitator"))


HEADER = LogHeader(session="petit", title="Petit Métrokawa", created_at=1_800_000_000_000)


# --- export: the layout, cell by cell -----------------------------------------------------------


def tiny_log() -> list[Envelope]:
    """p1 +2 then −1 on s1; p2 passes on s1, 0 on s2; s2 merged into s1; s3 never published."""
    events: list[Event] = [
        *a_session(),
        joined("p1"),
        joined("p2", consent=True, pseudonym="Awa"),
        *a_statement("s1", author="p2", text="Des bancs, à l'ombre"),
        *a_statement("s2", author="p2", text='Le « bus » "de nuit"'),
        *a_statement("s3", author="p1", text="En attente", published=False),
        PositionTaken(participant="p1", statement="s1", value=2, round=1),
        PositionTaken(participant="p2", statement="s1", value=None, round=1),
        PositionTaken(participant="p2", statement="s2", value=0, round=1),
        PositionTaken(participant="p1", statement="s1", value=-1, round=1),
        StatementsMerged(statement="s2", into="s1"),
    ]
    return sealed(events)


def test_export_writes_pol_is_columns_and_folds_positions_to_their_sign() -> None:
    files = export_polis(HEADER, tiny_log())
    assert sorted(files) == sorted(FILES)
    # s1 proposed at seq 4 (+4 s), s2 at 6, s3 at 8; both of p1's votes counted in agrees.
    assert files["comments.csv"] == (
        "timestamp,datetime,comment-id,author-id,agrees,disagrees,moderated,comment-body\n"
        '1800000004000,Fri Jan 15 08:00:04 UTC 2027,0,1,1,1,1,"Des bancs, à l\'ombre"\n'
        '1800000006000,Fri Jan 15 08:00:06 UTC 2027,1,1,0,0,-1,"Le « bus » ""de nuit"""\n'
        "1800000008000,Fri Jan 15 08:00:08 UTC 2027,2,0,0,0,0,En attente\n"
    )
    # Every position, a changed one too, by statement, voter, time; +2 -> 1, pass and 0 -> 0.
    assert files["votes.csv"] == (
        "timestamp,datetime,comment-id,voter-id,vote\n"
        "1800000009000,Fri Jan 15 08:00:09 UTC 2027,0,0,1\n"
        "1800000012000,Fri Jan 15 08:00:12 UTC 2027,0,0,-1\n"
        "1800000010000,Fri Jan 15 08:00:10 UTC 2027,0,1,0\n"
        "1800000011000,Fri Jan 15 08:00:11 UTC 2027,1,1,0\n"
    )
    # Latest votes; too few people for opinion groups: empty group-id.
    assert files["participants-votes.csv"] == (
        "participant,xid,group-id,n-comments,n-votes,n-agree,n-disagree,0,1\n"
        "0,,,1,1,0,1,-1,\n"
        "1,,,2,2,0,0,0,0\n"
    )
    assert files["summary.csv"] == (
        "topic,Métrokawa de Plaine Commune\n"
        "url,\n"
        "views,2\n"
        "voters,2\n"
        "voters-in-conv,2\n"
        "commenters,2\n"
        "comments,2\n"
        "groups,0\n"
        "conversation-description,Manche 1 : quels problèmes ?\n"
    )
    assert "Awa" not in "".join(files.values())


def test_group_id_is_the_cahier_s_opinion_group() -> None:
    _, envelopes = read_log((ROOT / "replays" / "demo-metrokawa-120.mkawa").read_bytes())
    rows = export_polis(HEADER, envelopes)["participants-votes.csv"].splitlines()[1:]
    groups = opinion_groups(replay(envelopes))
    expected = {int(m[1:]) - 1: str(n) for n, g in enumerate(groups.groups) for m in g.members}
    assert {int(r.split(",")[0]): r.split(",")[2] for r in rows} == {
        int(r.split(",")[0]): expected.get(int(r.split(",")[0]), "") for r in rows
    }
    assert sorted(set(expected.values())) == ["0", "1", "2"]


# --- round trips ---------------------------------------------------------------------------------


@pytest.mark.parametrize("name", GOLDEN)
def test_export_then_import_then_export_gives_the_same_files(name: str) -> None:
    header, envelopes = read_log((ROOT / "replays" / f"{name}.mkawa").read_bytes())
    first = export_polis(header, envelopes)
    again = export_polis(*load_polis(first))
    assert again == first


def test_the_tiny_log_survives_the_round_trip_too() -> None:
    first = export_polis(HEADER, tiny_log())
    assert export_polis(*load_polis(first)) == first


# --- import: a Pol.is conversation -----------------------------------------------------------


def test_an_imported_conversation_replays_with_everyone_and_every_vote() -> None:
    header, envelopes = load_polis(fixture_files())
    assert (header.session, header.title) == ("polis-4mkwtnqrzb", "Getting around at night")
    assert [e.seq for e in envelopes] == list(range(1, len(envelopes) + 1))
    state = replay(envelopes)
    assert state.closed
    assert list(state.territories) == ["t1"]
    # 27 voters and the owner (0), then free numbers up to the 31 views: 21, 24, 28.
    assert len(state.participants) == 31
    assert {"p1", "p22", "p25", "p29"} <= set(state.participants)
    statuses = {s: state.statements[s].status for s in ("s1", "s11", "s13", "s2")}
    assert statuses == {
        "s1": StatementStatus.HIDDEN,  # the seed question, moderated out, no vote
        "s11": StatementStatus.HIDDEN,  # spam: published for its 3 votes, hidden at the end
        "s13": StatementStatus.PUBLISHED,  # never moderated, but voted on
        "s2": StatementStatus.PUBLISHED,
    }
    assert state.statements["s12"].author == "p24"
    assert sum(1 for e in envelopes if isinstance(e.event, PositionTaken)) == 268
    # p5 (number 5 -> p6) changed its vote on comment 4 (s5): the later one holds.
    changes = [
        e.event.value
        for e in envelopes
        if isinstance(e.event, PositionTaken) and _on(e.event, "p6", "s5")
    ]
    assert len(changes) == 2
    assert state.positions[("p6", "s5")] == changes[-1]
    assert state.positions[("p41", "s2")] is None  # Pol.is's 0 (pass) is a pass


def _on(e: PositionTaken, participant: str, statement: str) -> bool:
    return (e.participant, e.statement) == (participant, statement)


def test_the_imported_log_keeps_pol_is_times_and_publishes_before_votes() -> None:
    _, envelopes = load_polis(fixture_files())
    published = {
        e.event.statement: e.seq for e in envelopes if isinstance(e.event, StatementPublished)
    }
    for e in envelopes:
        if isinstance(e.event, PositionTaken):
            assert published[e.event.statement] < e.seq
    hidden = [e.seq for e in envelopes if isinstance(e.event, StatementHidden)]
    assert min(hidden) > max(e.seq for e in envelopes if isinstance(e.event, PositionTaken))
    times = [e.at for e in envelopes if isinstance(e.event, PositionTaken)]
    rows = fixture_files()["votes.csv"].splitlines()[1:]
    assert sorted(times) == sorted(int(row.split(",")[0]) for row in rows)
    joins = [e.event for e in envelopes if isinstance(e.event, ParticipantJoined)]
    assert all(not joined.consent for joined in joins)
    assert joins[0].pseudonym == "Participant·e 1"


def test_the_groups_of_an_imported_conversation_are_its_two_camps_for_every_seed() -> None:
    state = replay(load_polis(fixture_files())[1])
    groups = opinion_groups(state)
    transit = {f"p{n + 1}" for n in range(1, 15)}
    cars = {f"p{n + 1}" for n in (15, 16, 17, 18, 19, 20, 22, 23, 25, 26)}
    assert [set(g.members) for g in groups.groups] == [transit, cars]
    for seed in range(1, 10):
        assert opinion_groups(state, seed=seed).groups == groups.groups
    # The export gives Pol.is's own group-id column back, row for row.
    exported = export_polis(*load_polis(fixture_files()))
    assert exported["participants-votes.csv"] == fixture_files()["participants-votes.csv"]


def test_an_imported_conversation_s_cahier_renders() -> None:
    header, envelopes = load_polis(fixture_files())
    text = render(build_report(header, envelopes), "md")
    assert text.startswith("# Cahier de préconisations — Getting around at night")
    assert "Ask the young people what they need, and pay them for their time." in text
    assert "Spam: buy cheap watches here" not in text  # moderated out
    assert "Groupe A\u00a0: 14 personnes" in text


def test_without_votes_csv_the_latest_votes_come_from_participants_votes() -> None:
    files = fixture_files()
    del files["votes.csv"]
    full = replay(load_polis(fixture_files())[1])
    assert replay(load_polis(files)[1]).positions == full.positions
    # Pol.is's exports before 2022 have no xid column: read all the same.
    lines = files["participants-votes.csv"].splitlines(keepends=True)
    files["participants-votes.csv"] = "".join(
        ",".join(x for i, x in enumerate(line.split(",")) if i != 1) for line in lines
    )
    assert files["participants-votes.csv"].startswith("participant,group-id,n-comments,")
    assert replay(load_polis(files)[1]).positions == full.positions


# --- import: what it refuses ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda f: f.pop("comments.csv"), "Il manque « comments.csv »."),
        (
            lambda f: (f.pop("votes.csv"), f.pop("participants-votes.csv")),
            "Il manque « votes.csv »",
        ),
        (
            lambda f: f.update({"votes.csv": f["votes.csv"] + "1,x,99,1,1\n"}),
            "Un vote porte sur le commentaire 99, absent de « comments.csv ».",
        ),
        (
            lambda f: f.update({"votes.csv": f["votes.csv"] + "1,x,1,1,2\n"}),
            "« votes.csv » : 2 est hors des bornes (vote).",
        ),
        (
            lambda f: f.update({"votes.csv": f["votes.csv"] + "1,x,1,deux,1\n"}),
            "« votes.csv » : « deux » n'est pas un nombre (voter-id).",
        ),
        (
            lambda f: f.update({"votes.csv": "timestamp,comment-id,vote\n"}),
            "« votes.csv » n'a pas la colonne « voter-id ».",
        ),
        (lambda f: f.update({"comments.csv": ""}), "« comments.csv » est vide."),
    ],
)
def test_files_that_are_not_a_pol_is_export_are_refused_in_a_sentence(
    change: object, message: str
) -> None:
    files = fixture_files()
    change(files)  # type: ignore[operator]
    with pytest.raises(OpenDataError) as refused:
        load_polis(files)
    assert str(refused.value).startswith(message)
