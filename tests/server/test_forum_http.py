"""A forum's HTTP face (docs/protocol.md § The API): its public face says it is a forum and
names its themes (the join form leaves out what a forum has no use for), and the join QR code of
one territory, for the flyers, preselects it.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import httpx

from server.app import Settings

from .live import new_session_body
from .test_tiles import fake_build, in_process


def forum_body() -> dict[str, Any]:
    return {**new_session_body(), "agenda": [], "forum": True, "themes": ["Logement", "Transports"]}


def test_the_public_face_says_a_forum_is_one_and_names_its_themes(tmp_path: Path) -> None:
    async def scenario(client: httpx.AsyncClient) -> None:
        forum = (await client.post("/api/sessions", json=forum_body())).json()
        evening = (await client.post("/api/sessions", json=new_session_body())).json()
        face = (await client.get(f"/api/codes/{forum['code']}")).json()
        assert (face["forum"], face["themes"], face["rounds"]) == (
            True,
            ["Logement", "Transports"],
            [],
        )
        face = (await client.get(f"/api/sessions/{evening['id']}")).json()
        assert (face["forum"], face["themes"]) == (False, [])

    in_process(Settings(db="memory://", ui_dir=fake_build(tmp_path)), scenario)


def test_the_qr_code_of_a_territory_preselects_it_and_an_unknown_one_is_refused(
    tmp_path: Path,
) -> None:
    async def scenario(client: httpx.AsyncClient) -> None:
        created = (await client.post("/api/sessions", json=forum_body())).json()
        qr = f"/api/sessions/{created['id']}/qr.svg"
        flyer = await client.get(qr, params={"territoire": "t2"})
        assert flyer.status_code == 200
        assert ET.fromstring(flyer.content).tag.endswith("svg")
        plain = await client.get(qr)
        assert flyer.content != plain.content  # another link, another code
        alias = await client.get(qr.removesuffix(".svg"), params={"territoire": "t2"})
        assert alias.content == flyer.content  # the programme's pages link it so
        refused = await client.get(qr, params={"territoire": "t99"})
        assert refused.status_code == 400
        assert refused.json()["code"] == "unknown_territory"

    in_process(Settings(db="memory://", ui_dir=fake_build(tmp_path)), scenario)
