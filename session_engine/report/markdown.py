"""The cahier in Markdown: the document drawn as text, a merit profile as a bar of grade letters."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Final

from .blocks import Bar, Block, Bullets, Cell, Heading, Legend, Para, Profile, Quote
from .french import grade_label, percent, profile_words
from .model import Report
from .wording import document

_GRADE_LETTERS: Final = "RIPABTE"  # À rejeter … Excellent, for the text bars


def _text_bar(profile: Sequence[int], width: int = 30) -> str:
    """A merit profile as ``width`` letters (R, I, P, A, B, T, E), largest remainders rounded."""
    total = sum(profile)
    if not total:
        return "·" * width
    exact = [width * n / total for n in profile]
    sizes = [int(x) for x in exact]
    order = sorted(range(len(profile)), key=lambda g: (-(exact[g] - sizes[g]), g))
    for g in order[: width - sum(sizes)]:
        sizes[g] += 1
    return "".join(_GRADE_LETTERS[g] * n for g, n in enumerate(sizes))


def _md_escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace("|", "\\|").replace("\n", " ")


def _md_cell(cell: Cell) -> str:
    if isinstance(cell, Profile):
        return f"`{_text_bar(cell.profile, 21)}`"
    if isinstance(cell, Bar):
        return percent(cell.share)
    return _md_escape(cell)


def _md_legend() -> str:
    return (
        "Légende des barres : "
        + ", ".join(f"`{_GRADE_LETTERS[g]}` {grade_label(g)}" for g in range(7))
        + "."
    )


def _md_block(block: Block) -> str:
    if isinstance(block, Heading):
        return f"### {block.text}"
    if isinstance(block, Para):
        return f"_{block.text}_" if block.note else block.text
    if isinstance(block, Quote):
        return f"> {block.text}\n>\n> — {block.cite}"
    if isinstance(block, Bullets):
        return "\n".join(f"- {item}" for item in block.items)
    if isinstance(block, Profile):
        shares = profile_words(block.profile, str)
        return f"`{_text_bar(block.profile)}`  \n{shares}"
    if isinstance(block, Legend):
        return _md_legend()
    lines = [
        f"**{_md_escape(block.caption)}**",
        "",
        "| " + " | ".join(_md_escape(h) for h in block.head) + " |",
        "|" + "|".join("---" for _ in block.head) + "|",
    ]
    lines.extend("| " + " | ".join(_md_cell(c) for c in row) + " |" for row in block.rows)
    return "\n".join(lines)


def render_markdown(report: Report) -> str:
    doc = document(report)
    parts = [f"# {doc.title}", *doc.lead]
    parts.append(
        "## Sommaire\n\n" + "\n".join(f"{i}. {s.title}" for i, s in enumerate(doc.sections, 1))
    )
    for section in doc.sections:
        parts.append(f"## {section.title}")
        parts.extend(_md_block(b) for b in section.blocks)
    return "\n\n".join(parts) + "\n"
