"""The cahier's charts as inline SVG: a merit profile, a share bar, a legend swatch.

A grade is never told by its colour alone (RGAA 3.1): each has a colour, a pattern of strokes drawn
over it (hatching, stripes, dots, or plain — the same as the clients', ``ui/chartStyle.ts``) and
its letter (the Markdown text bars' ``RIPABTE``) written in every segment wide enough. The strokes
are plain paths (no ``url()`` pattern, so the page stays free of any reference), and the classes
let the page's CSS redraw everything in the reader's own colours in forced-colours mode. An SVG
scales with the page (``viewBox``; the width is the CSS's), so a phone never scrolls sideways.
"""

from __future__ import annotations

import html
from collections.abc import Sequence
from typing import Final

GRADE_LETTERS: Final = "RIPABTE"  # À rejeter … Excellent: the Markdown text bars' letters too

_COLOURS: Final = ("#a50026", "#e34a33", "#fc8d59", "#fee08b", "#a6d96a", "#4daf4a", "#1a7837")
# The letter's colour on each grade's colour: contrast ≥ 5:1 on every one.
_INKS: Final = ("#fff", "#000", "#000", "#000", "#000", "#000", "#fff")
_PATTERNS: Final = ("cross", "back", "horiz", "dots", "vert", "diag", "plain")


def _e(text: str) -> str:
    return html.escape(text, quote=True)


def _n(value: float) -> str:
    """A coordinate, short: ``12``, ``12.5``."""
    return f"{value:.2f}".rstrip("0").rstrip(".")


def _diagonals(x: float, w: float, h: float, pitch: float, *, rising: bool) -> list[str]:
    """45° strokes across the box x..x+w × 0..h, clipped to it (``rising``: like « / »)."""
    strokes = []
    c = x - h
    while c < x + w:
        start, end = max(0.0, x - c), min(h, x + w - c)  # along the stroke, inside the box
        if end > start:
            y0, y1 = (h - start, h - end) if rising else (start, end)
            strokes.append(f"M{_n(c + start)} {_n(y0)}L{_n(c + end)} {_n(y1)}")
        c += pitch
    return strokes


def _strokes(pattern: str, x: float, w: float, h: float, pitch: float) -> list[str]:
    """The pattern's strokes over one segment, as path commands."""
    slant = pitch * 1.4  # the same gap between diagonal strokes as between straight ones
    if pattern == "cross":
        return _diagonals(x, w, h, slant, rising=True) + _diagonals(x, w, h, slant, rising=False)
    if pattern in ("diag", "back"):
        return _diagonals(x, w, h, slant, rising=pattern == "diag")
    if pattern == "vert":
        count = int(w // pitch)
        return [f"M{_n(x + pitch * (i + 0.5))} 0V{_n(h)}" for i in range(count)]
    if pattern == "horiz":
        count = int(h // pitch)
        return [f"M{_n(x)} {_n(pitch * (i + 0.5))}H{_n(x + w)}" for i in range(count)]
    if pattern == "dots":
        return [
            f"M{_n(x + pitch * (i + 0.5))} {_n(pitch * (j + 0.5))}h0"
            for i in range(int(w // pitch))
            for j in range(int(h // pitch))
        ]
    return []


def _segment(grade: int, x: float, w: float, h: float, *, pitch: float, font: float) -> str:
    colour, ink = _COLOURS[grade], _INKS[grade]
    area = f'x="{_n(x)}" y="0" width="{_n(w)}" height="{_n(h)}"'
    parts = [f'<rect class="seg" {area} fill="{colour}"/>']
    strokes = _strokes(_PATTERNS[grade], x, w, h, pitch)
    if strokes:
        width = "1.6" if _PATTERNS[grade] == "dots" else "1"
        parts.append(
            f'<path class="hatch" d="{"".join(strokes)}" stroke="{ink}" stroke-opacity=".45" '
            f'stroke-width="{width}" stroke-linecap="round" fill="none"/>'
        )
    if w >= font * 1.3:
        box = font * 1.1
        parts.append(
            f'<rect class="letter-bg" x="{_n(x + (w - box) / 2)}" y="{_n((h - box) / 2)}" '
            f'width="{_n(box)}" height="{_n(box)}" fill="{colour}"/>'
            f'<text x="{_n(x + w / 2)}" y="{_n(h / 2)}" dy=".35em" text-anchor="middle" '
            f'font-size="{_n(font)}" font-weight="700" fill="{ink}">{GRADE_LETTERS[grade]}</text>'
        )
    return "".join(parts)


def svg_profile(profile: Sequence[int], title: str, ident: str, *, large: bool) -> str:
    """A merit profile, worst grade on the left, the median dashed; ``title`` says its figures."""
    width, height = (480, 30) if large else (160, 14)
    pitch, font = (6.0, 15.0) if large else (3.5, 9.0)
    total = sum(profile) or 1
    segments = []
    x = 0.0
    for grade, count in enumerate(profile):
        w = width * count / total
        if count:
            segments.append(_segment(grade, x, w, height, pitch=pitch, font=font))
        x += w
    middle = width / 2
    size = "large" if large else "small"
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" class="profile {size}" role="img" '
        f'aria-labelledby="{ident}" width="{width}" height="{height + 4}" '
        f'viewBox="0 0 {width} {height + 4}">'
        f'<title id="{ident}">{_e(title)}</title>'
        + "".join(segments)
        + f'<line class="median" x1="{_n(middle)}" y1="0" x2="{_n(middle)}" y2="{height + 4}" '
        'stroke="#111" stroke-width="1.5" stroke-dasharray="3 2"/></svg>'
    )


def svg_share(share: float, title: str, ident: str) -> str:
    """A share 0..1 as a small bar (its figure is written beside it)."""
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" class="share" role="img" '
        f'aria-labelledby="{ident}" width="60" height="10" viewBox="0 0 60 10">'
        f'<title id="{ident}">{_e(title)}</title>'
        '<rect class="track" x="0" y="0" width="60" height="10" fill="#e4e4e4"/>'
        f'<rect class="fill" x="0" y="0" width="{60 * share:.2f}" height="10" fill="#1a5e8a"/>'
        "</svg>"
    )


def svg_swatch(grade: int) -> str:
    """A grade's colour, pattern and letter, for the legend (its word is written beside it)."""
    return (
        '<svg class="profile swatch" aria-hidden="true" width="18" height="18" viewBox="0 0 18 18">'
        + _segment(grade, 0, 18, 18, pitch=4.5, font=12)
        + "</svg>"
    )
