"""The cahier in HTML: one self-contained page (inline CSS, no script, no external resource) that
prints to A4, a page break before each major section. A merit profile or a share is an inline SVG
(``charts.py``) whose ``<title>`` says its figures, so a screen reader reads what the eye sees; its
grades are told by colour, pattern and letter, and « Voir en tableau » (a ``<details>``, no script)
opens the same figures as a table. At 320 px nothing scrolls sideways but a wide table, inside its
own box; forced colours redraw the charts in the reader's colours.
"""

from __future__ import annotations

import html
from collections.abc import Sequence
from typing import Final

from .blocks import (
    Bar,
    Block,
    Bullets,
    Cell,
    Document,
    Heading,
    Legend,
    Para,
    Profile,
    Quote,
    Table,
)
from .charts import GRADE_LETTERS, svg_profile, svg_share, svg_swatch
from .french import grade_label, number, percent, profile_words
from .model import Report
from .wording import document

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
.table-wrap { overflow-x: auto; max-width: 100%; }
.table-wrap:focus-visible, summary:focus-visible { outline: 3px solid #0b4f7c;
  outline-offset: 2px; }
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
svg.profile.large { width: 100%; max-width: 30rem; height: auto; }
svg.profile.small { width: 10rem; height: auto; }
details { margin: .3rem 0 1rem; }
summary { cursor: pointer; display: inline-block; padding: .35rem .7rem; border: 2px solid #0b4f7c;
  border-radius: .4rem; color: #0b4f7c; font-weight: 600; }
details table { width: auto; }
@media (max-width: 30rem) {
  body { padding: .75rem; }
  nav ol { columns: 1; }
}
@media (forced-colors: active) {
  svg.profile, svg.share { forced-color-adjust: none; }
  svg.profile .seg, svg.share .track { fill: Canvas; stroke: CanvasText; stroke-width: 1; }
  svg.profile .hatch { stroke: CanvasText; stroke-opacity: 1; }
  svg.profile .letter-bg { fill: Canvas; }
  svg.profile text { fill: CanvasText; }
  svg.profile .median { stroke: Highlight; }
  svg.share .fill { fill: CanvasText; }
}
@page { size: A4; margin: 16mm 14mm; }
@media print {
  body { max-width: none; padding: 0; font-size: 10.5pt; }
  details { display: none; }
  .table-wrap { overflow: visible; }
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
    """Unique ids for the SVGs' titles and the tables' captions (``aria-labelledby``), numbered
    in document order."""

    def __init__(self) -> None:
        self.count = 0
        self.tables = 0

    def next(self) -> str:
        self.count += 1
        return f"fig{self.count}"

    def table(self) -> str:
        self.tables += 1
        return f"tab{self.tables}"


def _shares(profile: Sequence[int], *, skip_empty: bool = False) -> str:
    """Each grade's share of the judgments, best first (a profile's ``<title>`` or caption)."""
    total = sum(profile) or 1
    return profile_words(profile, lambda n: percent(n / total), skip_empty=skip_empty)


def _svg_profile(profile: Sequence[int], label: str, ids: _Ids, *, large: bool) -> str:
    return svg_profile(profile, f"{label}\u00a0: {_shares(profile)}", ids.next(), large=large)


def _svg_bar(share: float, label: str, ids: _Ids) -> str:
    return svg_share(share, f"{label}\u00a0: {percent(share)}", ids.next())


def _table(caption: str, head: Sequence[str], rows: Sequence[str], ids: _Ids) -> str:
    """A table in a box of its own that scrolls sideways when the page is narrower (reachable
    with the keyboard: a named region in the tab order)."""
    ident = ids.table()
    cols = "".join(f'<th scope="col">{_e(h)}</th>' for h in head)
    return (
        f'<div class="table-wrap" role="region" aria-labelledby="{ident}" tabindex="0">'
        f'<table><caption id="{ident}">{_e(caption)}</caption><thead><tr>{cols}</tr></thead>'
        f"<tbody>{''.join(rows)}</tbody></table></div>"
    )


def _figures(caption: str, profiles: Sequence[tuple[str, Sequence[int]]], ids: _Ids) -> str:
    """« Voir en tableau »: the judgments of each profile at each grade, best grade first."""
    head = ["Profil", *(f"{grade_label(g)} ({GRADE_LETTERS[g]})" for g in range(6, -1, -1))]
    rows = []
    for label, profile in profiles:
        total = sum(profile) or 1
        cells = "".join(
            f'<td class="num">{_e(number(profile[g]))} ({_e(percent(profile[g] / total))})</td>'
            for g in range(6, -1, -1)
        )
        rows.append(f'<tr><th scope="row">{_e(label)}</th>{cells}</tr>')
    table = _table(caption, head, rows, ids)
    return f"<details><summary>Voir en tableau</summary>{table}</details>"


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
    items = "".join(f"<li>{svg_swatch(g)} {_e(grade_label(g))}</li>" for g in range(6, -1, -1))
    return (
        '<ul class="legend" aria-label="Légende des profils de mérite">'
        f"{items}<li>pointillés\u00a0: la médiane</li></ul>"
    )


def _html_block(block: Block, ids: _Ids) -> str:
    if isinstance(block, Heading):
        return f"<h3>{_e(block.text)}</h3>"
    if isinstance(block, Para):
        text = _e(block.text) + _html_link(block.link)
        return f'<p class="note">{text}</p>' if block.note else f"<p>{text}</p>"
    if isinstance(block, Quote):
        return f"<blockquote><p>{_e(block.text)}</p><footer>{_e(block.cite)}</footer></blockquote>"
    if isinstance(block, Bullets):
        return "<ul>" + "".join(f"<li>{_e(item)}</li>" for item in block.items) + "</ul>"
    if isinstance(block, Profile):
        svg = _svg_profile(block.profile, block.label, ids, large=True)
        shares = _shares(block.profile, skip_empty=True)
        figures = _figures(block.label, [(block.label, block.profile)], ids)
        return f"<figure>{svg}<figcaption>{_e(shares)}</figcaption></figure>{figures}"
    if isinstance(block, Legend):
        return _html_legend()
    return _html_table(block, ids)


def _html_link(link: str) -> str:
    """An address after a paragraph's text: a link when it is http(s), its own text shown (a
    printed page keeps the address), plain text otherwise."""
    if not link:
        return ""
    if not link.startswith(("https://", "http://")):
        return f" {_e(link)}"
    return f' <a href="{_e(link)}">{_e(link)}</a>'


def _html_table(block: Table, ids: _Ids) -> str:
    rows = ["<tr>" + "".join(_html_cell(c, ids) for c in row) + "</tr>" for row in block.rows]
    table = _table(block.caption, block.head, rows, ids)
    profiles = [(c.label, c.profile) for row in block.rows for c in row if isinstance(c, Profile)]
    if not profiles:
        return table
    return table + _figures(f"{block.caption}\u00a0: les profils en chiffres", profiles, ids)


def render_html(report: Report) -> str:
    return render_document_html(document(report))


def render_document_html(doc: Document) -> str:
    """Any cahier's document (a session's, a programme's) as one self-contained page."""
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
