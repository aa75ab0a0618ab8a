"""Draw the PNG icons and favicon.ico from public/favicon.svg (run it after changing the SVG).

    .venv/bin/python clients/tablet/scripts/icons.py

The SVG is the one drawing; Chromium (Debian's, as the browser tests use) rasterises it at each
size with a transparent background. favicon.ico holds the 16 and 32 px PNGs (an ICO may carry
PNG images since Windows Vista; every current browser reads them).
"""

from __future__ import annotations

import base64
import os
import struct
from pathlib import Path

from playwright.sync_api import Page, sync_playwright

PUBLIC = Path(__file__).resolve().parent.parent / "public"
CHROMIUM = os.environ.get("METROKAWA_CHROMIUM", "/usr/bin/chromium")
PNGS = {"icon-192.png": 192, "icon-512.png": 512}
ICO_SIZES = (16, 32)


def rasterise(page: Page, svg: str, size: int) -> bytes:
    data = base64.b64encode(svg.encode("utf-8")).decode("ascii")
    html = (
        "<!doctype html><style>html,body{margin:0;background:transparent}"
        f"img{{display:block;width:{size}px;height:{size}px}}</style>"
        f"<img src='data:image/svg+xml;base64,{data}'>"
    )
    page.set_viewport_size({"width": size, "height": size})
    page.set_content(html)
    page.wait_for_function("document.images[0].complete && document.images[0].naturalWidth > 0")
    return page.screenshot(omit_background=True)


def ico(images: list[tuple[int, bytes]]) -> bytes:
    """An ICO file of PNG images: a 6-byte header, a 16-byte entry per image, the images."""
    header = struct.pack("<HHH", 0, 1, len(images))
    offset = len(header) + 16 * len(images)
    entries, blobs = b"", b""
    for size, png in images:
        entries += struct.pack("<BBBBHHII", size % 256, size % 256, 0, 0, 1, 32, len(png), offset)
        blobs += png
        offset += len(png)
    return header + entries + blobs


def main() -> None:
    svg = (PUBLIC / "favicon.svg").read_text(encoding="utf-8")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        page = browser.new_page()
        for name, size in PNGS.items():
            (PUBLIC / name).write_bytes(rasterise(page, svg, size))
        small = [(size, rasterise(page, svg, size)) for size in ICO_SIZES]
        (PUBLIC / "favicon.ico").write_bytes(ico(small))
        browser.close()
    for path in sorted(PUBLIC.iterdir()):
        print(f"{path.name:24} {path.stat().st_size:7} bytes")


if __name__ == "__main__":
    main()
