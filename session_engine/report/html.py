"""The cahier in HTML: one self-contained page (inline CSS, no script, no external resource) that
prints to A4, a page break before each major section. A merit profile or a share is an inline SVG
whose ``<title>`` says its figures, so a screen reader reads what the eye sees.
"""

from __future__ import annotations

import html
from collections.abc import Sequence
from typing import Final

from .blocks import Bar, Block, Bullets, Cell, Heading, Legend, Para, Profile, Quote
from .french import grade_label, percent, profile_words
from .model import Report
from .wording import document

_GRADE_COLOURS: Final = (
    "#a50026",
    "#e34a33",
    "#fc8d59",
    "#fee08b",
    "#a6d96a",
    "#4daf4a",
    "#1a7837",
)

_CSS: Final = """
:root { color: #1b1b1b; background: #fff; }
body { font: 1rem/1.5 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial,
  sans-serif; max-width: 62rem; margin: 0 auto; padding: 1.5rem; }
h1 { font-size: 1.9rem; line-height: 1.2; margin: 0 0 .5rem; }
h2 { font-size: 1.45rem; border-bottom: 2px solid #1a5e8a; padding-bottom: .2rem;
  margin-top: 2.5rem; }
h3 { font-size: 1.1rem; margin: 1.6rem 0 .4rem; }
header p { margin: .2rem 0; color: #333; }
nav ol { columns: 2; }
a { color: #0b4f7c; }
table { border-collapse: collapse; width: 100%; margin: .6rem 0 1.2rem; font-size: .92rem; }
caption { text-align: left; font-weight: 600; padding: .3rem 0; }
th, td { border: 1px solid #bbb; padding: .3rem .45rem; vertical-align: top; text-align: left; }
th { background: #eef3f7; }
td.num { text-align: right; white-space: nowrap; }
.note { font-style: italic; color: #444; border-left: 3px solid #999; padding-left: .6rem; }
blockquote { margin: .8rem 0; padding: .5rem .9rem; border-left: 4px solid #1a5e8a;
  background: #f5f8fa; }
blockquote p { margin: 0 0 .3rem; }
blockquote footer { font-size: .88rem; color: #444; }
figure { margin: .6rem 0; }
figcaption { font-size: .88rem; color: #333; }
.legend { list-style: none; padding: 0; display: flex; flex-wrap: wrap; gap: .3rem 1rem;
  font-size: .88rem; }
.legend svg, .bar svg { vertical-align: middle; }
.bar { white-space: nowrap; }
svg { print-color-adjust: exact; -webkit-print-color-adjust: exact; }
@page { size: A4; margin: 16mm 14mm; }
@media print {
  body { max-width: none; padding: 0; font-size: 10.5pt; }
  nav { break-after: page; }
  section { break-before: page; }
  h2, h3 { break-after: avoid; }
  table, figure, blockquote, tr { break-inside: avoid; }
  thead { display: table-header-group; }
  a { color: inherit; text-decoration: none; }
}
""".strip()


def _e(text: str) -> str:
    return html.escape(text, quote=True)


class _Ids:
    """Unique ids for the SVGs' titles (``aria-labelledby``), numbered in document order."""

    def __init__(self) -> None:
        self.count = 0

    def next(self) -> str:
        self.count += 1
        return f"fig{self.count}"


def _shares(profile: Sequence[int], *, skip_empty: bool = False) -> str:
    """Each grade's share of the judgments, best first (a profile's ``<title>`` or caption)."""
    total = sum(profile) or 1
    return profile_words(profile, lambda n: percent(n / total), skip_empty=skip_empty)


def _svg_profile(profile: Sequence[int], label: str, ids: _Ids, *, large: bool) -> str:
    width, height = (480, 30) if large else (160, 14)
    total = sum(profile) or 1
    shares = _shares(profile)
    ident = ids.next()
    rects = []
    x = 0.0
    for g, n in enumerate(profile):
        w = width * n / total
        if n:
            rects.append(
                f'<rect x="{x:.2f}" y="0" width="{w:.2f}" height="{height}" '
                f'fill="{_GRADE_COLOURS[g]}"/>'
            )
        x += w
    middle = width / 2
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" role="img" aria-labelledby="{ident}" '
        f'width="{width}" height="{height + 4}" viewBox="0 0 {width} {height + 4}">'
        f'<title id="{ident}">{_e(label)}\u00a0: {_e(shares)}</title>'
        + "".join(rects)
        + f'<line x1="{middle}" y1="0" x2="{middle}" y2="{height + 4}" stroke="#111" '
        'stroke-width="1.5" stroke-dasharray="3 2"/></svg>'
    )


def _svg_bar(share: float, label: str, ids: _Ids) -> str:
    ident = ids.next()
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" role="img" aria-labelledby="{ident}" '
        f'width="60" height="10" viewBox="0 0 60 10"><title id="{ident}">{_e(label)}\u00a0: '
        f'{_e(percent(share))}</title><rect x="0" y="0" width="60" height="10" fill="#e4e4e4"/>'
        f'<rect x="0" y="0" width="{60 * share:.2f}" height="10" fill="#1a5e8a"/></svg>'
    )


def _html_cell(cell: Cell, ids: _Ids) -> str:
    if isinstance(cell, Profile):
        return f"<td>{_svg_profile(cell.profile, cell.label, ids, large=False)}</td>"
    if isinstance(cell, Bar):
        if cell.share is None:
            return '<td class="num">—</td>'
        return (
            f'<td class="num bar">{_e(percent(cell.share))} '
            f"{_svg_bar(cell.share, cell.label, ids)}</td>"
        )
    return f"<td>{_e(cell)}</td>"


def _html_legend() -> str:
    items = "".join(
        f'<li><svg aria-hidden="true" width="12" height="12" viewBox="0 0 12 12">'
        f'<rect width="12" height="12" fill="{_GRADE_COLOURS[g]}"/></svg> '
        f"{_e(grade_label(g))}</li>"
        for g in range(6, -1, -1)
    )
    return (
        '<ul class="legend" aria-label="Légende des profils de mérite">'
        f"{items}<li>pointillés\u00a0: la médiane</li></ul>"
    )


def _html_block(block: Block, ids: _Ids) -> str:
    if isinstance(block, Heading):
        return f"<h3>{_e(block.text)}</h3>"
    if isinstance(block, Para):
        return f'<p class="note">{_e(block.text)}</p>' if block.note else f"<p>{_e(block.text)}</p>"
    if isinstance(block, Quote):
        return f"<blockquote><p>{_e(block.text)}</p><footer>{_e(block.cite)}</footer></blockquote>"
    if isinstance(block, Bullets):
        return "<ul>" + "".join(f"<li>{_e(item)}</li>" for item in block.items) + "</ul>"
    if isinstance(block, Profile):
        svg = _svg_profile(block.profile, block.label, ids, large=True)
        shares = _shares(block.profile, skip_empty=True)
        return f"<figure>{svg}<figcaption>{_e(shares)}</figcaption></figure>"
    if isinstance(block, Legend):
        return _html_legend()
    head = "".join(f'<th scope="col">{_e(h)}</th>' for h in block.head)
    rows = "".join(
        "<tr>" + "".join(_html_cell(c, ids) for c in row) + "</tr>" for row in block.rows
    )
    return (
        f"<table><caption>{_e(block.caption)}</caption><thead><tr>{head}</tr></thead>"
        f"<tbody>{rows}</tbody></table>"
    )


def render_html(report: Report) -> str:
    doc = document(report)
    ids = _Ids()
    nav = "".join(f'<li><a href="#{s.anchor}">{_e(s.title)}</a></li>' for s in doc.sections)
    sections = []
    for s in doc.sections:
        body = "\n".join(_html_block(b, ids) for b in s.blocks)
        sections.append(
            f'<section id="{s.anchor}" aria-labelledby="{s.anchor}-titre">\n'
            f'<h2 id="{s.anchor}-titre">{_e(s.title)}</h2>\n{body}\n</section>'
        )
    lead = "".join(f"<p>{_e(line)}</p>" for line in doc.lead)
    return (
        '<!DOCTYPE html>\n<html lang="fr">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{_e(doc.title)}</title>\n<style>\n{_CSS}\n</style>\n</head>\n<body>\n"
        f"<header>\n<h1>{_e(doc.title)}</h1>\n{lead}\n</header>\n"
        f'<nav aria-labelledby="sommaire"><h2 id="sommaire">Sommaire</h2><ol>{nav}</ol></nav>\n'
        "<main>\n" + "\n".join(sections) + "\n</main>\n</body>\n</html>\n"
    )
