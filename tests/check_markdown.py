#!/usr/bin/env python3
"""Checks generated checklists with an independent CommonMark + GFM parser (markdown-it-py).

Every Markdown file given (or found under a directory given) must parse into tables whose rows
all have as many cells as their header, must contain at least one table, and must not leave a
table row as stray paragraph text (a line starting with `|` outside a table). Exits 1 on any
failure, naming the file and the problem.
"""

import pathlib
import sys

from markdown_it import MarkdownIt


def check(path: pathlib.Path) -> list[str]:
    md = MarkdownIt("commonmark").enable("table")
    tokens = md.parse(path.read_text(encoding="utf-8"))
    problems = []
    tables = 0
    header_cells = row_cells = 0
    in_header = False
    for token in tokens:
        if token.type == "table_open":
            tables += 1
        elif token.type == "thead_open":
            in_header, header_cells = True, 0
        elif token.type == "thead_close":
            in_header = False
        elif token.type == "tr_open":
            row_cells = 0
        elif token.type in ("th_open", "td_open"):
            if in_header:
                header_cells += 1
            else:
                row_cells += 1
        elif token.type == "tr_close" and not in_header and row_cells != header_cells:
            line = token.map[0] + 1 if token.map else "?"
            problems.append(f"{path}:{line}: row has {row_cells} cells, header has {header_cells}")
        elif token.type == "inline" and token.content.lstrip().startswith("|"):
            line = token.map[0] + 1 if token.map else "?"
            problems.append(f"{path}:{line}: table row rendered as text: {token.content[:40]!r}")
    if tables == 0:
        problems.append(f"{path}: no table found")
    return problems


def main() -> int:
    files = []
    for arg in sys.argv[1:]:
        p = pathlib.Path(arg)
        files.extend(sorted(p.rglob("*.md")) if p.is_dir() else [p])
    if not files:
        print("usage: check_markdown.py FILE.md|DIR...", file=sys.stderr)
        return 2
    problems = [problem for f in files for problem in check(f)]
    for problem in problems:
        print(problem, file=sys.stderr)
    failed = len({problem.split(":")[0] for problem in problems})
    print(f"markdown: {len(files) - failed} passed, {failed} failed")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
