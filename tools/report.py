"""`scanjit dump SCRIPT.py --html FILE`: one self-contained page (no scripts,
no external files) per run: for each function, its graph, then every stage
as a collapsible section with what its pass changed (a unified diff, value
numbering ignored), the pass's time and the IR's size."""

from __future__ import annotations

import html

from scanjit.driver import stages

STYLE = """
body { font-family: sans-serif; margin: 2em; }
details { margin: 0.3em 0; }
summary { cursor: pointer; }
pre { background: #f6f8fa; padding: 0.6em; overflow-x: auto; font-size: 12px; }
.add { background: #e6ffec; display: block; }
.del { background: #ffebe9; display: block; }
.hunk { color: #6f42c1; display: block; }
.unchanged { color: #888; }
"""


def html_report(functions: list, script: str) -> str:
    """The page for the `functions` that `script` compiled."""
    body = [f"<h1>scanjit: {html.escape(script)}</h1>"]
    for function in functions:
        body += _function(function)
    return ("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
            f"<title>scanjit: {html.escape(script)}</title>\n<style>{STYLE}</style>\n</head>\n"
            "<body>\n" + "\n".join(body) + "\n</body>\n</html>\n")


def _function(function) -> list[str]:
    texts = function.stage_texts
    times = function.pass_times
    out = [f"<section id=\"{html.escape(stages.folder_name(function))}\">",
           f"<h2>{html.escape(stages.folder_name(function))}</h2>",
           f"<p>Compiled in {1e3 * function.compile_time:.1f} ms"
           f"{' (from the compile cache)' if function.compiled.cache_hit else ''}; "
           f"the passes took {1e3 * sum(times.values()):.1f} ms when run again for this report.</p>",
           "<h3>Graph</h3>", f"<pre class=\"graph\">{html.escape(texts['graph'])}</pre>",
           "<h3>Stages</h3>"]
    for stage in stages.names()[1:]:
        lines = texts[stage].count("\n")
        label = f"{stages.file_name(stage)}: {lines} lines"
        diff = stages.diff(function, stage) if stage in times else None
        if stage in times:
            label += f", {1e3 * times[stage]:.2f} ms" + ("" if diff else ", unchanged")
        css = " class=\"unchanged\"" if diff == "" else ""
        out.append(f"<details class=\"stage\" data-stage=\"{html.escape(stage)}\">"
                   f"<summary{css}>{html.escape(label)}</summary>")
        if diff:
            out.append(f"<pre class=\"diff\">{_colored(diff)}</pre>")
        out.append(f"<details><summary>full text</summary><pre>{html.escape(texts[stage])}</pre></details>")
        out.append("</details>")
    out.append("</section>")
    return out


def _colored(diff: str) -> str:
    classes = {"+": "add", "-": "del", "@": "hunk"}
    lines = []
    for line in diff.splitlines():
        css = classes.get(line[:1]) if not line.startswith(("+++", "---")) else None
        text = html.escape(line)
        lines.append(f"<span class=\"{css}\">{text}</span>" if css else text + "\n")
    return "".join(lines)
