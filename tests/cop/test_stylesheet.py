"""The site stylesheet stays well-formed (a lost brace silently drops every rule after it)."""

from __future__ import annotations

from pathlib import Path

STYLESHEET = Path(__file__).resolve().parents[2] / "static" / "css" / "cop.css"


def test_every_block_of_the_stylesheet_is_closed():
    depth = 0
    misplaced = []
    for number, line in enumerate(
        STYLESHEET.read_text(encoding="utf-8").splitlines(), 1
    ):
        starts_rule = bool(line) and not line[0].isspace() and line[0] not in "}/"
        if starts_rule and depth:
            misplaced.append(f"line {number}: {line!r} starts inside an open block")
        depth += line.count("{") - line.count("}")
        assert depth >= 0, f"line {number} closes a block that was never opened"

    assert misplaced == []
    assert depth == 0
