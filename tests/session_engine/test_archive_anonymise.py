"""The published log of an archive (``session_engine.archive.anonymise``) and its results.

The session: territories t1 (Franc-Moisin) and t2 (Cosmonautes). Six people join: p1 « Awa »
(consents to show her pseudonym), p2 « Bruno » (does not), p3, p4, p5 (habitants of t1, no
consent) and p6 « Claire », the one élue of t2 (consents). The facilitator gives a co-facilitator
link to « Amina, accueil ». In the round: s1 (by p1) is published, s2 (by p2) published then
hidden, s3 (by p3) never leaves the moderation queue; s4 and s5 are imported from the forum
(keys e3, e4) and s5 is hidden; Awa and Bruno each write a note on s1; everyone takes a position
on s1.
"""

from __future__ import annotations

from pathlib import Path

import msgspec

from session_engine import LogHeader, read_log, replay
from session_engine.archive import anonymise, results
from session_engine.codec import Envelope
from session_engine.commands import (
    AddCoFacilitator,
    Annotate,
    Command,
    CreateSession,
    HideStatement,
    ImportStatement,
    JoinSession,
    NewTerritory,
    ProposeStatement,
    PublishStatement,
    SeatTables,
    StartRound,
    TakePosition,
)
from session_engine.decide import Context, Role
from session_engine.events import (
    AnnotationAdded,
    CoFacilitatorAdded,
    ParticipantJoined,
    StatementImported,
    StatementProposed,
)
from session_engine.model import ParticipantRole, Provenance
from session_engine.session import Session

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
