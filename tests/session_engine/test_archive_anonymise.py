"""The published log of an archive (``session_engine.archive.anonymise``) and its results.

The session: territories t1 (Franc-Moisin) and t2 (Cosmonautes). Six people join: p1 « Awa »
(consents to show her pseudonym), p2 « Bruno » (does not), p3, p4, p5 (habitants of t1, no
consent) and p6 « Claire », the one élue of t2 (consents). The facilitator gives a co-facilitator
link to « Amina, accueil ». In the round: s1 (by p1) is published, s2 (by p2) published then
hidden, s3 (by p3) never leaves the moderation queue; s4 and s5 are imported from the forum
(keys e3, e4) and s5 is hidden; Awa and Bruno each write a note on s1; everyone takes a position
on s1.

The votes (``unlinked``, for ``unlink``): territories t1 and t2; seven people join, p1 « Awa »
(consents) then p2…p5 in t1 and p6, p7 in t2. Two statements s1 (by p1) and s2 (by p2) are
published; positions are taken in an order that is not the order of joining, one of them
recorded for p5 by the tablet of p5's table; p7 is erased at the end, and p6 was a second entry
merged into p4. Vote v1 (pr1, pr2) gets 5 ballots (p1 casts twice); vote v2 (pr1) gets 2 ballots
and a stack of 1 paper ballot with a note: 3 < k.
"""

from __future__ import annotations

from pathlib import Path

import msgspec

from session_engine import LogHeader, read_log, replay
from session_engine.archive import anonymise, results, unlink
from session_engine.codec import Envelope
from session_engine.commands import (
    AddCoFacilitator,
    Annotate,
    CastBallot,
    CloseVote,
    Command,
    CreateSession,
    EnterPaperBallots,
    HideStatement,
    ImportStatement,
    IssueTableTablet,
    JoinSession,
    MergeParticipants,
    NewTerritory,
    OpenVote,
    PromoteProposal,
    ProposeStatement,
    PublishStatement,
    RecordPosition,
    RemoveParticipant,
    SeatTables,
    StartRound,
    TakePosition,
)
from session_engine.decide import Context, Role
from session_engine.events import (
    AnnotationAdded,
    BallotCast,
    CoFacilitatorAdded,
    PaperBallotsEntered,
    ParticipantJoined,
    ParticipantsMerged,
    PositionTaken,
    StatementImported,
    StatementProposed,
)
from session_engine.model import Grade, ParticipantRole, Provenance
from session_engine.opendata import export_polis
from session_engine.session import Session
from session_engine.tallies import tallies

from .harness import T0, agenda

HIDDEN = "Bruno habite au 12 rue des Lilas."
NEVER_PUBLISHED = "Texte resté dans la file de modération."
IMPORTED = "Les bus de nuit sont trop rares."
IMPORTED_HIDDEN = "Un énoncé importé puis masqué."
FORUM = Provenance(key="e3", source="Forum numérique", territories=("Franc-Moisin",))
BRUNO_NOTE = "Mon voisin me l’a dit."
HEADER = LogHeader(session="sess-live-id", title="Métrokawa de Saint-Denis", created_at=T0)

# (pseudonym, territory, role, consent), in order of joining: p1…p6
PEOPLE = (
    ("Awa", "t1", ParticipantRole.HABITANT, True),
    ("Bruno", "t1", ParticipantRole.HABITANT, False),
    ("Chérif", "t1", ParticipantRole.HABITANT, False),
    ("Dalia", "t1", ParticipantRole.HABITANT, False),
    ("Émile", "t1", ParticipantRole.HABITANT, False),
    ("Claire", "t2", ParticipantRole.ELU, True),
)


def play() -> list[Envelope]:
    session = Session()

    def send(command: Command, actor: str = "facilitator", role: Role | None = None) -> None:
        if role is None:
            role = Role.FACILITATOR if actor == "facilitator" else Role.PARTICIPANT
        result = session.handle(command, Context(actor=actor, role=role, now=T0 + 1, seed=1))
        assert isinstance(result, list), result

    send(
        CreateSession(
            title="Métrokawa de Saint-Denis",
            territories=(
                NewTerritory(name="Franc-Moisin", commune="Saint-Denis", qpv=True),
                NewTerritory(name="Cosmonautes", commune="Saint-Denis", qpv=True),
            ),
            agenda=agenda(1),
            table_size=3,
        )
    )
    for pseudonym, territory, role, consent in PEOPLE:
        join = JoinSession(pseudonym=pseudonym, territory=territory, role=role, consent=consent)
        send(join, "guest", Role.GUEST)
    send(AddCoFacilitator(label="Amina, accueil"))
    send(SeatTables())
    send(StartRound())
    send(ProposeStatement(text="Le square ferme trop tôt en été."), "p1")
    send(ProposeStatement(text=HIDDEN), "p2")
    send(ProposeStatement(text=NEVER_PUBLISHED), "p3")
    send(PublishStatement(statement="s1"))
    send(PublishStatement(statement="s2"))
    send(HideStatement(statement="s2"))
    send(ImportStatement(text=IMPORTED, provenance=FORUM))
    send(ImportStatement(text=IMPORTED_HIDDEN, provenance=Provenance(key="e4", source="Forum")))
    send(HideStatement(statement="s5"))
    send(
        Annotate(text="Surtout le dimanche.", statement="s1", place="Square", tags=("horaires",)),
        "p1",
    )
    send(Annotate(text=BRUNO_NOTE, statement="s1", place="Chez moi"), "p2")
    for n, value in enumerate((2, 1, 1, -1, 0, 2), start=1):
        send(TakePosition(statement="s1", value=value), f"p{n}")
    return session.log


def published() -> tuple[LogHeader, list[Envelope]]:
    return anonymise(HEADER, play(), archive="aXYZarchive")


def test_the_header_names_the_archive_not_the_session() -> None:
    header, _ = published()
    assert (header.session, header.title, header.created_at) == (
        "aXYZarchive",
        "Métrokawa de Saint-Denis",
        T0,
    )


def test_pseudonyms_only_with_consent_and_roles_generalised_under_k() -> None:
    _, envelopes = published()
    joined = [
        (e.event.participant, e.event.pseudonym, e.event.territory, e.event.role.value)
        for e in envelopes
        if isinstance(e.event, ParticipantJoined)
    ]
    assert joined == [
        ("p1", "Awa", "t1", "habitant"),  # consented
        ("p2", "Participant·e 2", "t1", "habitant"),  # t1's five habitants: a group of k
        ("p3", "Participant·e 3", "t1", "habitant"),
        ("p4", "Participant·e 4", "t1", "habitant"),
        ("p5", "Participant·e 5", "t1", "habitant"),
        ("p6", "Claire", "t2", "autre"),  # the one élue of t2: her role is not published
    ]


def test_the_room_saw_s1_and_s4_only_and_notes_keep_their_text_with_consent_only() -> None:
    _, envelopes = published()
    texts = {
        e.event.statement: e.event.text for e in envelopes if isinstance(e.event, StatementProposed)
    }
    assert texts == {"s1": "Le square ferme trop tôt en été.", "s2": "", "s3": ""}
    imported = [
        (e.event.statement, e.event.text, e.event.provenance.key)
        for e in envelopes
        if isinstance(e.event, StatementImported)
    ]
    assert imported == [("s4", IMPORTED, "e3"), ("s5", "", "e4")]
    notes = [
        (e.event.annotation, e.event.author, e.event.text, e.event.tags, e.event.place)
        for e in envelopes
        if isinstance(e.event, AnnotationAdded)
    ]
    assert notes == [
        ("a1", "p1", "Surtout le dimanche.", ("horaires",), "Square"),
        ("a2", "p2", "", (), None),
    ]
    (cofacilitator,) = [e.event for e in envelopes if isinstance(e.event, CoFacilitatorAdded)]
    assert (cofacilitator.cofacilitator, cofacilitator.label) == ("cf1", "")


def test_nothing_private_is_left_anywhere_in_the_published_log() -> None:
    header, envelopes = published()
    everything = repr(header) + "".join(repr(e) for e in envelopes)
    for private in (
        "sess-live-id",
        "Bruno",
        "Chérif",
        "Dalia",
        "Émile",
        "Amina",
        HIDDEN,
        NEVER_PUBLISHED,
        IMPORTED_HIDDEN,
        BRUNO_NOTE,
        "Chez moi",
        "elu",
    ):
        assert private not in everything, private
    assert all(e.cmd is None for e in envelopes)


def test_the_published_log_replays_with_the_same_seqs_and_positions() -> None:
    live = play()
    _, envelopes = published()
    assert [(e.seq, e.at, e.actor, type(e.event)) for e in envelopes] == [
        (e.seq, e.at, e.actor, type(e.event)) for e in live
    ]
    state = replay(envelopes)
    assert state.positions == replay(live).positions
    assert [s.status.value for s in state.statements.values()] == [
        "published",
        "hidden",
        "proposed",
        "published",
        "hidden",
    ]
    assert state.participants["p6"].role is ParticipantRole.AUTRE


def test_results_count_under_k_and_name_nobody() -> None:
    header, envelopes = published()
    found = results(header, envelopes)
    assert msgspec.json.decode(msgspec.json.encode(found)) == found  # JSON-able as it is
    s1, s4 = found["statements"]
    assert "provenance" not in s1
    assert (s4["id"], s4["text"], s4["overall"]) == (
        "s4",
        IMPORTED,
        {"group": "all", "hidden": True, "voters": None, "counts": None, "passes": None},
    )  # nobody took a position on it: no figure
    assert s4["provenance"] == {
        "key": "e3",
        "source": "Forum numérique",
        "territories": ["Franc-Moisin"],
        "statement": None,
        "ratings": [],
    }
    assert (s1["id"], s1["text"]) == ("s1", "Le square ferme trop tôt en été.")
    # Six voters: −2, −1, 0, +1, +2 counts; no pass.
    assert s1["overall"] == {
        "group": "all",
        "hidden": False,
        "voters": 6,
        "counts": [0, 1, 1, 2, 2],
        "passes": 0,
    }
    # t2 has one voter: hidden, and t1 hidden with it (its figures would give t2's by subtraction).
    assert [(g["group"], g["hidden"]) for g in s1["territories"]] == [("t1", True), ("t2", True)]
    # Likewise the one « autre » (Claire) hides the five habitants; no élu is counted at all.
    assert [(g["group"], g["hidden"]) for g in s1["roles"]] == [
        ("habitant", True),
        ("elu", True),
        ("technicien", True),
        ("autre", True),
    ]
    assert found["archive"] == "aXYZarchive"
    assert found["votes"] == []
    assert found["voeux"] == []
    assert "Awa" not in repr(found)
    assert "Claire" not in repr(found)


def test_results_of_the_golden_vote_give_its_profiles_majority_grades_and_voeu() -> None:
    data = (Path(__file__).resolve().parents[2] / "replays" / "golden-v1-voeux.mkawa").read_bytes()
    header, envelopes = anonymise(*read_log(data), archive="aGolden")
    found = results(header, envelopes)
    (vote,) = found["votes"]
    assert (vote["id"], vote["open"], vote["ballots"]) == ("v1", False, 20)
    assert [(p["id"], p["profile"], p["majority_grade_label"]) for p in vote["proposals"]] == [
        ("pr1", [0, 0, 0, 0, 5, 11, 4], "Très bien"),
        ("pr2", [0, 0, 0, 1, 13, 6, 0], "Bien"),
        ("pr3", [1, 5, 9, 3, 2, 0, 0], "Passable"),
    ]
    assert [(v["id"], v["proposal"]) for v in found["voeux"]] == [("vx1", "pr1")]
    assert found["voeux"][0]["text"].startswith("Créer une ligne de bus de nuit")


# --- unlink: nobody's ballot or positions as theirs -----------------------------------------------

PAPER_NOTE = "Urne papier, table de Dalia"
G = Grade


def play_votes() -> list[Envelope]:
    session = Session()

    def send(command: Command, actor: str = "facilitator", role: Role | None = None) -> None:
        if role is None:
            roles = {"facilitator": Role.FACILITATOR, "tb1": Role.TABLET}
            role = roles.get(actor, Role.PARTICIPANT)
        result = session.handle(command, Context(actor=actor, role=role, now=T0 + 1, seed=1))
        assert isinstance(result, list), result

    send(
        CreateSession(
            title="Métrokawa de Saint-Denis",
            territories=(
                NewTerritory(name="Franc-Moisin", commune="Saint-Denis", qpv=True),
                NewTerritory(name="Cosmonautes", commune="Saint-Denis", qpv=True),
            ),
            agenda=agenda(1),
            table_size=3,
        )
    )
    for n in range(1, 8):
        join = JoinSession(
            pseudonym=f"Personne {n}",
            territory="t1" if n <= 5 else "t2",
            role=ParticipantRole.HABITANT,
            consent=n == 1,
        )
        send(join, "guest", Role.GUEST)
    send(SeatTables())
    table = session.state.participants["p5"].table
    assert table is not None
    send(IssueTableTablet(table=table))
    send(StartRound())
    send(ProposeStatement(text="Le square ferme trop tôt en été."), "p1")
    send(ProposeStatement(text="Il manque des bancs."), "p2")
    send(PublishStatement(statement="s1"))
    send(PublishStatement(statement="s2"))
    send(TakePosition(statement="s1", value=2), "p4")
    send(TakePosition(statement="s1", value=-1), "p2")
    send(TakePosition(statement="s2", value=1), "p4")
    send(RecordPosition(participant="p5", statement="s1", value=0), "tb1")
    send(TakePosition(statement="s1", value=1), "p1")
    send(TakePosition(statement="s2", value=None), "p2")
    send(TakePosition(statement="s1", value=-2), "p6")  # dropped by the merge: p4 has s1
    send(TakePosition(statement="s2", value=2), "p6")  # moved to p4 by the merge? no: p4 has s2
    send(TakePosition(statement="s1", value=1), "p7")
    send(TakePosition(statement="s1", value=2), "p2")  # p2 changes her mind: same alias
    send(PromoteProposal(statement="s1"))
    send(PromoteProposal(statement="s2"))
    send(OpenVote(proposals=("pr1", "pr2")))
    for who, grades in (
        ("p3", {"pr1": G.BIEN, "pr2": G.PASSABLE}),
        ("p1", {"pr1": G.TRES_BIEN}),
        ("p2", {"pr1": G.EXCELLENT, "pr2": G.BIEN}),
        ("p1", {"pr2": G.ASSEZ_BIEN}),  # p1 again, the proposal she left: the same ballot
        ("p4", {"pr1": G.BIEN, "pr2": G.BIEN}),
        ("p7", {"pr1": G.A_REJETER, "pr2": G.A_REJETER}),
    ):
        send(CastBallot(vote="v1", grades=grades), who)
    send(CloseVote(vote="v1"))
    send(OpenVote(proposals=("pr1",)))
    send(CastBallot(vote="v2", grades={"pr1": G.BIEN}), "p2")
    send(CastBallot(vote="v2", grades={"pr1": G.EXCELLENT}), "p1")
    send(EnterPaperBallots(vote="v2", ballots=({"pr1": G.PASSABLE},), note=PAPER_NOTE))
    send(CloseVote(vote="v2"))
    send(MergeParticipants(participant="p6", into="p4"))
    send(RemoveParticipant(participant="p7", erase=True))
    return session.log


def unlinked() -> tuple[list[Envelope], list[Envelope]]:
    """The linked published log (``anonymise``) and the one the archive serves (``unlink``)."""
    _, linked = anonymise(HEADER, play_votes(), archive="aVotes")
    return linked, unlink(linked)


def test_positions_and_ballots_name_aliases_that_no_join_names() -> None:
    linked, envelopes = unlinked()
    joined = {e.event.participant for e in envelopes if isinstance(e.event, ParticipantJoined)}
    assert joined == {f"p{n}" for n in range(1, 8)}
    positions = [
        (e.event.participant, e.event.statement, e.event.value, e.event.recorded_by, e.actor)
        for e in envelopes
        if isinstance(e.event, PositionTaken)
    ]
    # Aliases in order of each person's first position (p4, p2, p5, p1), not of joining; the
    # tablet's recording names neither the tablet nor p5; p6's positions: merged into p4 (v1),
    # where p4 had its own, dropped (nobody); p7, erased, nobody and no value (departures).
    assert positions == [
        ("v1", "s1", 2, None, "participant"),  # p4
        ("v2", "s1", -1, None, "participant"),  # p2
        ("v1", "s2", 1, None, "participant"),  # p4
        ("v3", "s1", 0, None, "participant"),  # p5, recorded by tb1
        ("v4", "s1", 1, None, "participant"),  # p1
        ("v2", "s2", None, None, "participant"),  # p2 passes
        ("", "s1", -2, None, "participant"),  # p6: dropped by the merge
        ("", "s2", 2, None, "participant"),  # p6: dropped by the merge
        ("", "s1", None, None, "participant"),  # p7: erased
        ("v2", "s1", 2, None, "participant"),  # p2 again
    ]
    linked_recorded = [
        (e.event.participant, e.event.recorded_by, e.actor)
        for e in linked
        if isinstance(e.event, PositionTaken) and e.event.recorded_by
    ]
    assert linked_recorded == [("p5", "tb1", "tb1")]  # what unlink had to remove
    ballots = [
        (e.event.vote, e.event.participant, dict(e.event.grades), e.event.recorded_by, e.actor)
        for e in envelopes
        if isinstance(e.event, BallotCast)
    ]
    # A fresh numbering per vote: p1 is b2 in v1 and b2 in v2 only by the order of casting, p2
    # b3 then b1; v2 (2 cast + 1 paper < k) has its grades emptied.
    assert ballots == [
        ("v1", "b1", {"pr1": G.BIEN, "pr2": G.PASSABLE}, None, "participant"),  # p3
        ("v1", "b2", {"pr1": G.TRES_BIEN}, None, "participant"),  # p1
        ("v1", "b3", {"pr1": G.EXCELLENT, "pr2": G.BIEN}, None, "participant"),  # p2
        ("v1", "b2", {"pr2": G.ASSEZ_BIEN}, None, "participant"),  # p1 again
        ("v1", "b4", {"pr1": G.BIEN, "pr2": G.BIEN}, None, "participant"),  # p4
        ("v1", "b5", {"pr1": G.A_REJETER, "pr2": G.A_REJETER}, None, "participant"),  # p7
        ("v2", "b1", {}, None, "participant"),  # p2
        ("v2", "b2", {}, None, "participant"),  # p1
    ]
    voters = {p for p, *_ in positions} | {p for _, p, *_ in ballots}
    assert not voters & joined
    (paper,) = [e.event for e in envelopes if isinstance(e.event, PaperBallotsEntered)]
    assert (paper.vote, paper.ballots, paper.note) == ("v2", ({},), "")
    (merged,) = [e.event for e in envelopes if isinstance(e.event, ParticipantsMerged)]
    assert (merged.participant, merged.into) == ("p6", "p4")
    assert (merged.positions, merged.grades) == ((), ())  # which statements p6 answered: gone
    everything = "".join(repr(e) for e in envelopes)
    assert PAPER_NOTE not in everything
    assert "tb1'" not in everything.replace("tablet='tb1'", "")  # the tablet records nothing


def test_the_unlinked_log_replays_to_the_same_counts() -> None:
    linked, envelopes = unlinked()
    assert [(e.seq, e.at, type(e.event)) for e in envelopes] == [
        (e.seq, e.at, type(e.event)) for e in linked
    ]
    live, state = replay(linked), replay(envelopes)
    assert state.participants == live.participants
    for statement in ("s1", "s2"):
        # The same multiset of values per statement, counted people only.
        counted = {p.id for p in live.people()}
        before = sorted(
            (repr(v) for (p, s), v in live.positions.items() if s == statement and p in counted)
        )
        after = sorted(
            (repr(v) for (p, s), v in state.positions.items() if s == statement and p != "")
        )
        assert after == before, statement
    assert [len(v.ballots) + v.paper_count for v in state.votes.values()] == [5, 3]
    assert [len(v.ballots) + v.paper_count for v in live.votes.values()] == [5, 3]
    assert state.votes["v1"].ballots == {
        "b1": {"pr1": G.BIEN, "pr2": G.PASSABLE},
        "b2": {"pr1": G.TRES_BIEN, "pr2": G.ASSEZ_BIEN},
        "b3": {"pr1": G.EXCELLENT, "pr2": G.BIEN},
        "b4": {"pr1": G.BIEN, "pr2": G.BIEN},
        "b5": {"pr1": G.A_REJETER, "pr2": G.A_REJETER},
    }
    assert sorted(live.votes["v1"].ballots.values(), key=repr) == sorted(
        state.votes["v1"].ballots.values(), key=repr
    )


def _polis_votes(text: str) -> list[tuple[str, str]]:
    rows = [line.split(",") for line in text.strip().splitlines()[1:]]
    return sorted((row[2], row[4]) for row in rows)  # (statement, vote): nobody's


def test_the_polis_files_of_an_unlinked_log_are_those_of_the_linked_one_but_for_voter_ids() -> None:
    _, linked = published()  # six people, one position each on s1: no merge, no erasure
    envelopes = unlink(linked)
    before, after = export_polis(HEADER, linked), export_polis(HEADER, envelopes)
    for name in ("comments.csv", "summary.csv"):
        assert after[name] == before[name], name
    assert _polis_votes(after["votes.csv"]) == _polis_votes(before["votes.csv"])
    voters = [int(line.split(",")[3]) for line in after["votes.csv"].strip().splitlines()[1:]]
    assert sorted(voters) == [6, 7, 8, 9, 10, 11]  # numbered after the six who joined


def test_the_polis_votes_of_the_unlinked_log_leave_out_what_a_merge_dropped() -> None:
    linked, envelopes = unlinked()
    before, after = export_polis(HEADER, linked), export_polis(HEADER, envelopes)
    # The linked export keeps p6's two positions as p4's history (they lose to p4's own in
    # the state); the unlinked log names nobody for them, as the state counts them: 7 rows
    # (p4, p2, p4, p5, p1, p2, p2), the erased p7's in neither.
    assert len(_polis_votes(after["votes.csv"])) == 7
    assert sorted([*_polis_votes(after["votes.csv"]), ("0", "-1"), ("1", "1")]) == (
        _polis_votes(before["votes.csv"])
    )


def test_the_tallies_of_the_unlinked_log_count_the_aliases_in_the_room_only() -> None:
    _, linked = published()  # six voters on s1: p1…p5 in t1, p6 in t2
    before = tallies(replay(linked)).statements[0]
    after = tallies(replay(unlink(linked))).statements[0]
    assert after.statement == before.statement == "s1"
    assert after.overall == before.overall
    assert (after.overall.voters, after.overall.counts) == (6, (0, 1, 1, 2, 2))
    # In no territory nor role: every group has no voter, so none shows a figure.
    assert [(g.group, g.hidden) for g in after.territories] == [("t1", True), ("t2", True)]
    assert all(g.hidden for g in after.roles)
