"""Comparing two revisions of a resource, line by line, as data a template escapes.

The texts compared are :func:`community.content.content_lines` — the fields as their authors
typed them. Nothing here builds HTML: rows and segments go to the template, whose autoescape
makes any markup in a resource harmless (difflib's own ``HtmlDiff`` writes HTML with inline
handlers and no table headers, which we do not want to review for escaping or accessibility).
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field

CONTEXT_LINES = 3
_WORDS = re.compile(r"(\s+)")


@dataclass(frozen=True)
class Segment:
    """A piece of a line; ``changed`` pieces are what differs from the other side."""

    text: str
    changed: bool = False


@dataclass
class Row:
    """One line of the side-by-side table; a side is None where the other has an extra line.

    ``kind`` is ``equal``, ``replace``, ``delete`` (only on the left) or ``insert`` (only on
    the right); ``gap`` rows stand for unchanged lines left out between two hunks.
    """

    kind: str
    left_number: int | None = None
    left: list[Segment] | None = None
    right_number: int | None = None
    right: list[Segment] | None = None
    skipped: int = 0


@dataclass
class Comparison:
    """A side-by-side comparison and the unified one, with what changed in figures."""

    rows: list[Row] = field(default_factory=list)
    unified: list[tuple[str, str]] = field(default_factory=list)
    added: int = 0
    removed: int = 0

    @property
    def identical(self) -> bool:
        return not self.added and not self.removed


def _segments(old: str, new: str) -> tuple[list[Segment], list[Segment]]:
    """The two versions of a changed line, split into words, the differing ones marked."""
    a, b = _WORDS.split(old), _WORDS.split(new)
    left: list[Segment] = []
    right: list[Segment] = []
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if i2 > i1:
            left.append(Segment("".join(a[i1:i2]), changed=tag != "equal"))
        if j2 > j1:
            right.append(Segment("".join(b[j1:j2]), changed=tag != "equal"))
    return left, right


def _side_by_side(old: list[str], new: list[str], context: int) -> list[Row]:
    rows: list[Row] = []
    matcher = difflib.SequenceMatcher(None, old, new, autojunk=False)
    previous_end = 0
    for group in matcher.get_grouped_opcodes(context):
        first_old = group[0][1]
        if first_old > previous_end:
            rows.append(Row("gap", skipped=first_old - previous_end))
        for tag, i1, i2, j1, j2 in group:
            if tag == "equal":
                rows.extend(
                    Row("equal", i + 1, [Segment(old[i])], j + 1, [Segment(new[j])])
                    for i, j in zip(range(i1, i2), range(j1, j2), strict=True)
                )
                continue
            if tag == "replace":
                pairs = min(i2 - i1, j2 - j1)
                for k in range(pairs):
                    left, right = _segments(old[i1 + k], new[j1 + k])
                    rows.append(Row("replace", i1 + k + 1, left, j1 + k + 1, right))
                i1, j1 = i1 + pairs, j1 + pairs
            rows.extend(
                Row("delete", left_number=i + 1, left=[Segment(old[i], changed=True)])
                for i in range(i1, i2)
            )
            rows.extend(
                Row("insert", right_number=j + 1, right=[Segment(new[j], changed=True)])
                for j in range(j1, j2)
            )
        previous_end = group[-1][2]
    if rows and previous_end < len(old):
        rows.append(Row("gap", skipped=len(old) - previous_end))
    return rows


def compare(
    old: list[str],
    new: list[str],
    *,
    old_label: str = "",
    new_label: str = "",
    context: int = CONTEXT_LINES,
) -> Comparison:
    """Compare two texts given as lines: the side-by-side rows and the unified diff lines.

    Unified lines are ``(kind, text)`` with kind ``header``, ``hunk``, ``add``, ``remove`` or
    ``context``; identical texts give no rows and no lines.
    """
    comparison = Comparison(rows=_side_by_side(old, new, context))
    lines = difflib.unified_diff(
        old, new, fromfile=old_label, tofile=new_label, n=context, lineterm=""
    )
    for position, line in enumerate(lines):
        if position < 2:  # "--- old" and "+++ new" (a removed "-- x" line looks alike).
            kind = "header"
        elif line.startswith("@@"):
            kind = "hunk"
        elif line.startswith("+"):
            kind = "add"
            comparison.added += 1
        elif line.startswith("-"):
            kind = "remove"
            comparison.removed += 1
        else:
            kind = "context"
        comparison.unified.append((kind, line))
    return comparison
