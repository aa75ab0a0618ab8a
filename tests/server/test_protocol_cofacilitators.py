"""The wire protocol over real sockets: co-facilitator links.

The facilitator gives a link from the console (``AddCoFacilitator``): the ``ack`` alone carries
its token, the log never does. Its holder steers as the facilitator does, under its own actor id,
and downloads the log and the cahier; it gives out and revokes no link. Revoked, the link is
refused at once: its open sockets get the error ``revoked`` and the close 4403, a new hello with
it the same, and the HTTP exports answer 401.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import sqlite3

import httpx
import pytest

from server.client import ProtocolClient

from .live import LiveServer
from .scenario import RawSocket, Room, acked, event_of, refused, run

pytestmark = pytest.mark.usefixtures("one_minute_round", "silent_socket")  # see conftest


async def give_link(facilitator: ProtocolClient, label: str) -> tuple[str, str, int]:
    """The co-facilitator id, its token and the seq of its event."""
    answer = await facilitator.command("AddCoFacilitator", {"label": label})
    seq = acked(answer)
    return answer["cofacilitator"], answer["token"], seq


def export(room: Room, token: str, path: str = "log") -> httpx.Response:
    return httpx.get(
        f"{room.url}/api/sessions/{room.id}/{path}",
        headers={"Authorization": f"Bearer {token}"},
        timeout=30,
    )


async def hello_refused(room: Room, token: str) -> tuple[list[dict[str, object]], int | None]:
    raw = await RawSocket.open(room.ws_url)
    await raw.send({"k": "hello", "token": token})
    frames = await raw.until_closed()
    return frames, raw.close_code


def stored_rows(server: LiveServer, session_id: str) -> tuple[bytes, list[str]]:
    """Every stored event record of the session, end to end, and its stored token hashes, read
    from the SQLite file as an operator holding the database would."""
    with contextlib.closing(sqlite3.connect(server.db_path)) as db:
        records = db.execute("SELECT record FROM events WHERE session_id = ?", (session_id,))
        hashes = db.execute("SELECT token_hash FROM tokens WHERE session_id = ?", (session_id,))
        return b"".join(bytes(r[0]) for r in records), [str(h[0]) for h in hashes]


def test_a_link_given_is_in_the_ack_only_and_its_holder_steers(server: LiveServer) -> None:
    room = Room.create(server)

    async def scenario() -> str:
        facilitator = await room.facilitator()
        member, _ = await room.join_many(2)
        cofacilitator, token, seq = await give_link(facilitator, "Amina, accueil")
        assert cofacilitator == "cf1"
        assert len(token) >= 43  # 256 bits, as every token
        given = await event_of(facilitator, seq)
        assert (given["type"], given["data"]) == (
            "CoFacilitatorAdded",
            {"cofacilitator": "cf1", "label": "Amina, accueil"},
        )
        public = await event_of(member.client, seq)
        assert public["data"] == {"cofacilitator": "cf1"}  # not whom it was given to

        steering = await room.connect(None, token=token)
        assert (steering.welcome["you"], steering.welcome["role"]) == ("cf1", "facilitator")
        assert steering.welcome["state"]["cofacilitators"]["cf1"]["label"] == "Amina, accueil"
        seated = acked(await steering.command("SeatTables"))
        assert (await event_of(facilitator, seated))["actor"] == "cf1"
        assert (await event_of(member.client, seated))["actor"] == "cf1"
        refused(await steering.command("AddCoFacilitator", {"label": "Moi"}), "not_allowed")
        refused(
            await steering.command("RevokeCoFacilitator", {"cofacilitator": "cf1"}), "not_allowed"
        )
        assert export(room, token).status_code == 200
        assert export(room, token, "report?format=md").status_code == 200
        return token

    token = run(scenario())
    records, hashes = stored_rows(server, room.id)
    assert b"Amina, accueil" in records  # the label is in the log…
    assert token.encode() not in records  # …the token never
    assert hashlib.sha256(token.encode()).hexdigest() in hashes  # only its hash is kept
    assert token not in hashes


def test_a_revoked_link_is_cut_off_at_once_and_refused_after(server: LiveServer) -> None:
    room = Room.create(server)

    async def scenario() -> None:
        facilitator = await room.facilitator()
        await room.join_many(2)
        _, token, _ = await give_link(facilitator, "Bruno")
        kept_id, kept, _ = await give_link(facilitator, "Chloé")
        steering = await room.connect(None, token=token)
        other = await room.connect(None, token=kept)
        assert steering.closed is not None

        revoked = acked(await facilitator.command("RevokeCoFacilitator", {"cofacilitator": "cf1"}))
        assert await asyncio.wait_for(steering.closed, 10) == 4403
        assert {"k": "error", "id": None, "code": "revoked"}.items() <= steering.others[-1].items()
        assert all(e["seq"] <= revoked for e in steering.events)

        frames, code = await hello_refused(room, token)
        assert code == 4403
        assert [f["code"] for f in frames] == ["revoked"]
        assert export(room, token).status_code == 401
        assert export(room, token, "report").status_code == 401

        # The other link and the facilitator go on.
        await event_of(other, revoked)
        assert acked(await other.command("SeatTables")) > revoked
        assert kept_id == "cf2"
        assert export(room, kept).status_code == 200
        refused(
            await facilitator.command("RevokeCoFacilitator", {"cofacilitator": "cf1"}),
            "already_revoked",
        )

    run(scenario())


def test_a_command_sent_on_a_revoked_socket_is_never_applied(server: LiveServer) -> None:
    """Sent once the revocation is committed, whether it reaches the server before the close or
    not, the link's command is refused (the engine refuses a revoked link) or never answered."""
    room = Room.create(server)

    async def scenario() -> None:
        facilitator = await room.facilitator()
        await room.join_many(2)
        _, token, _ = await give_link(facilitator, "Djibril")
        steering = await room.connect(None, token=token)
        revoked = acked(await facilitator.command("RevokeCoFacilitator", {"cofacilitator": "cf1"}))
        try:
            answer: dict[str, object] | None = await steering.command("SeatTables")
        except ConnectionError:
            answer = None  # the socket closed first
        assert answer is None or answer["code"] == "not_allowed", answer
        assert steering.closed is not None
        assert await asyncio.wait_for(steering.closed, 10) == 4403
        facilitator_seq = acked(await facilitator.command("SeatTables"))  # the session goes on
        assert [e.actor for e in room.stored() if e.seq > revoked] == ["facilitator"]
        assert facilitator_seq == revoked + 1

    run(scenario())


def test_a_repeated_link_command_gives_a_fresh_token_for_the_same_link(server: LiveServer) -> None:
    room = Room.create(server)

    async def scenario() -> None:
        facilitator = await room.facilitator()
        first = await facilitator.command("AddCoFacilitator", {"label": "Élodie"}, id="link-1")
        again = await facilitator.command("AddCoFacilitator", {"label": "Élodie"}, id="link-1")
        assert (first["seq"], first["cofacilitator"]) == (again["seq"], again["cofacilitator"])
        assert first["token"] != again["token"]
        for token in (first["token"], again["token"]):
            client = await room.connect(None, token=token)
            assert client.welcome["you"] == "cf1"
        assert len(room.stored()) == acked(first)  # applied once

    run(scenario())


def test_who_may_give_and_revoke_links(server: LiveServer) -> None:
    room = Room.create(server)

    async def scenario() -> None:
        facilitator = await room.facilitator()
        member = await room.join("Fatou")
        projector = await room.projector()
        guest = await room.guest()
        for client in (member.client, projector, guest):
            refused(await client.command("AddCoFacilitator", {"label": "Moi"}), "not_allowed")
            refused(
                await client.command("RevokeCoFacilitator", {"cofacilitator": "cf1"}),
                "not_allowed",
            )
        refused(
            await facilitator.command("RevokeCoFacilitator", {"cofacilitator": "cf9"}),
            "unknown_cofacilitator",
        )
        refused(await facilitator.command("AddCoFacilitator", {"label": " "}), "bad_request")
        refused(await facilitator.command("AddCoFacilitator", {"label": "x" * 41}), "text_too_long")

    run(scenario())
