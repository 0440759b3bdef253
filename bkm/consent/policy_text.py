"""The privacy statement's text format: a tiny Markdown subset, rendered without raw HTML.

"## " and "### " start headings, "- " starts a list item, a blank line ends a paragraph.
Managers write the text in /admin; nothing they type becomes markup, so the page stays safe.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class Block:
    kind: str  # "h2", "h3", "p" or "ul"
    text: str = ""
    items: list[str] = field(default_factory=list)
    anchor: str = ""


def _anchor(text: str) -> str:
    table = str.maketrans({"æ": "ae", "ø": "o", "å": "a"})
    words = "".join(c if c.isalnum() else " " for c in text.lower().translate(table)).split()
    return "-".join(words)[:60]


def parse(body: str) -> list[Block]:
    blocks: list[Block] = []
    paragraph: list[str] = []

    def end_paragraph() -> None:
        if paragraph:
            blocks.append(Block("p", " ".join(paragraph)))
            paragraph.clear()

    for raw in body.splitlines():
        line = raw.strip()
        if not line:
            end_paragraph()
        elif line.startswith(("## ", "### ")):
            end_paragraph()
            level, _, text = line.partition(" ")
            blocks.append(Block(f"h{len(level)}", text.strip(), anchor=_anchor(text)))
        elif line.startswith("- "):
            end_paragraph()
            if not blocks or blocks[-1].kind != "ul":
                blocks.append(Block("ul"))
            blocks[-1].items.append(line[2:].strip())
        elif blocks and blocks[-1].kind == "ul" and not paragraph and raw[:1].isspace():
            blocks[-1].items[-1] += " " + line  # an indented continuation of a list item
        else:
            paragraph.append(line)
    end_paragraph()
    return blocks
