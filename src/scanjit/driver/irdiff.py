"""What a pass changed: a unified diff of two stages of IR that survives SSA
renumbering (`scanjit-opt --print-ir-diff`, `scanjit dump --diff`, the HTML
report).

xDSL numbers unnamed values (`%3`) and suffixes repeated names (`%x_2`) in
print order, so a pass that removes one op renumbers every later value. Lines
are compared with those numbers erased and shown as printed: a line differs
only if it differs in more than its value and block numbers.
"""

from __future__ import annotations

import difflib
import re

_NUMBERED = re.compile(r"([%^])(bb|[A-Za-z_$.-][\w$.-]*?_)?\d+\b")


def normalize(line: str) -> str:
    """`line` with SSA value and block numbers erased: `%12` -> `%`, `%x_3` -> `%x_`, `^bb2` -> `^bb`."""
    return _NUMBERED.sub(lambda m: m.group(1) + (m.group(2) or ""), line)


def unchanged(old: str, new: str) -> bool:
    """Whether two stages are the same IR up to value numbering."""
    return old == new or not any(tag != " " for tag, _ in _rows(old.splitlines(), new.splitlines()))


def unified_diff(old: str, new: str, old_name: str, new_name: str, context: int = 3) -> str:
    """A unified diff from `old` to `new` (empty when unchanged), comparing
    lines up to value numbering; unchanged lines are shown as in `new`."""
    rows = _rows(old.splitlines(), new.splitlines())
    changed = [k for k, (tag, _) in enumerate(rows) if tag != " "]
    if not changed:
        return ""
    hunks, start, end = [], changed[0], changed[0]
    for k in changed[1:]:
        if k - end > 2 * context:
            hunks.append((start, end))
            start = k
        end = k
    hunks.append((start, end))
    out = [f"--- {old_name}", f"+++ {new_name}"]
    for start, end in hunks:
        first, last = max(start - context, 0), min(end + context + 1, len(rows))
        before = sum(tag != "+" for tag, _ in rows[:first])
        after = sum(tag != "-" for tag, _ in rows[:first])
        hunk = rows[first:last]
        out.append(f"@@ -{_range(before, before + sum(t != '+' for t, _ in hunk))} "
                   f"+{_range(after, after + sum(t != '-' for t, _ in hunk))} @@")
        out += [tag + line for tag, line in hunk]
    return "".join(line + "\n" for line in out)


_VALUE = re.compile(r"[%^][\w$.-]+")


def _rows(a: list[str], b: list[str]) -> list[tuple[str, str]]:
    """The lines of a diff, tagged " ", "-" or "+": lines are aligned by
    their text without numbers; an aligned pair is the same line when its
    values are the same ones (a value is known by the line defining it)."""
    matcher = difflib.SequenceMatcher(None, [normalize(s) for s in a], [normalize(s) for s in b],
                                      autojunk=False)
    renamed: dict[str, str] = {}
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            for old, new in zip(a[i1:i2], b[j1:j2]):
                renamed.update(zip(_defined(old), _defined(new)))
    rows = []
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag != "equal":
            rows += [("-", line) for line in a[i1:i2]] + [("+", line) for line in b[j1:j2]]
            continue
        for old, new in zip(a[i1:i2], b[j1:j2]):
            if _VALUE.sub(lambda m: renamed.get(m.group(), _unknown(m.group())), old) == new:
                rows.append((" ", new))
            else:
                rows += [("-", old), ("+", new)]
    return _removals_first(rows)


def _unknown(name: str) -> str:
    """What an unmatched value is renamed to: itself if it has a name of its own, else nothing it could equal."""
    return "\0" if _NUMBERED.fullmatch(name) else name


def _removals_first(rows: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """Each run of changed lines as its removed lines, then its added lines."""
    out: list[tuple[str, str]] = []
    run: list[tuple[str, str]] = []
    for row in rows + [(" ", "")]:
        if row[0] != " ":
            run.append(row)
            continue
        out += sorted(run, key=lambda r: r[0] == "+") + [row]
        run = []
    return out[:-1]


_BOUND = re.compile(r"%[\w$.-]+(?=: | = )")


def _defined(line: str) -> list[str]:
    """The values and blocks `line` defines: a block label and its arguments,
    or its results and the arguments it binds (`%i = %lo to`, `(%a: f64)`)."""
    text = line.strip()
    if text.startswith("^"):
        return _VALUE.findall(text)
    results, equals, rest = text.partition(" = ")
    return (_VALUE.findall(results) if equals else []) + _BOUND.findall(rest if equals else text)


def _range(start: int, stop: int) -> str:
    """A hunk's range as `diff -u` writes it: first line (1-based) and count."""
    count = stop - start
    if count == 1:
        return str(start + 1)
    return f"{start + 1 if count else start},{count}"
