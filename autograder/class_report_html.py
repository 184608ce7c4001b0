"""The class report as one self-contained HTML page, for a projector: large type, the score histogram
and the most frequent mistakes as inline SVG charts (matplotlib), then the ranked tables.

    Path("report.html").write_text(render_html(summarise(...)))

Self-contained on purpose: no scripts, no external CSS or fonts, charts as SVG paths (text included),
so it opens from a USB stick in a lecture hall without network.
"""
from __future__ import annotations

import html
import io
import statistics

from .class_report import ClassReport, CheckCount

FONT = 16                 # chart text in points; the SVG scales to the page width
STUB, OUTCOME, GOOD = "#cf222e", "#8250df", "#1a7f37"
MAX_BARS = 10

CSS = """
body { font-family: "DejaVu Sans", "Liberation Sans", Arial, sans-serif; font-size: 24px; line-height: 1.35;
       margin: 1.2em 2em; color: #111; background: #fff; }
h1 { font-size: 1.9em; margin: 0 0 .3em; }
h2 { font-size: 1.4em; margin: 1.4em 0 .4em; }
.summary { font-size: 1.15em; }
.charts { display: flex; flex-wrap: wrap; gap: 1.5em; }
figure { flex: 1 1 640px; margin: 0; }
figure svg { width: 100%; height: auto; }
figcaption { font-weight: bold; }
table { border-collapse: collapse; width: 100%; }
th, td { padding: .35em .6em; border-bottom: 2px solid #ddd; text-align: left; vertical-align: top; }
th { background: #f2f2f2; }
td.num { text-align: right; white-space: nowrap; }
td.check code { font-size: 1em; white-space: nowrap; }
.share { display: inline-block; height: .55em; background: #cf222e; vertical-align: middle; margin-left: .3em; }
.muted { color: #555; }
"""


def _svg(fig) -> str:
    """The figure as an inline <svg> element (no XML prolog, no timestamp)."""
    buf = io.StringIO()
    fig.savefig(buf, format="svg", bbox_inches="tight", metadata={"Date": None})
    text = buf.getvalue()
    return text[text.index("<svg"):]


def _figure(width: float, height: float):
    from matplotlib.figure import Figure     # no pyplot: no global state, no GUI backend
    fig = Figure(figsize=(width, height))
    return fig, fig.add_subplot()


def histogram_svg(r: ClassReport) -> str:
    import matplotlib
    from matplotlib.ticker import MaxNLocator
    with matplotlib.rc_context({"font.size": FONT, "svg.fonttype": "path", "svg.hashsalt": "histogram"}):
        fig, ax = _figure(8, 4.8)
        labels = [b.label for b in r.histogram]
        counts = [b.count for b in r.histogram]
        colours = [GOOD if b.low == b.high else "#0969da" for b in r.histogram]
        bars = ax.bar(range(len(labels)), counts, color=colours)
        ax.bar_label(bars, labels=[str(c) if c else "" for c in counts], padding=2)
        ax.set_xticks(range(len(labels)), labels, rotation=40, ha="right")
        ax.set_xlabel(f"score (out of {r.max_score:g}; green: full marks)")
        ax.set_ylabel("submissions")
        ax.set_ylim(0, max(counts + [1]) * 1.15)
        ax.yaxis.set_major_locator(MaxNLocator(integer=True))
        ax.spines[["top", "right"]].set_visible(False)
        return _svg(fig)


def mistakes_svg(checks: list[CheckCount]) -> str:
    """Horizontal bars: the share of graded submissions failing each of the most failed checks."""
    import matplotlib
    shown = checks[:MAX_BARS][::-1]            # barh draws bottom-up: most failed on top
    with matplotlib.rc_context({"font.size": FONT, "svg.fonttype": "path", "svg.hashsalt": "mistakes"}):
        # At least the histogram's height: both charts then scale alike on the page, and type stays large.
        fig, ax = _figure(8, max(4.8, 1.2 + 0.55 * len(shown)))
        shares = [100 * c.share for c in shown]
        bars = ax.barh(range(len(shown)), shares, height=0.45,
                       color=[STUB if c.function is not None else OUTCOME for c in shown])
        ax.bar_label(bars, labels=[f"{len(c.failed)} ({100 * c.share:.0f}%)" for c in shown], padding=4)
        # Names above their bars, not as tick labels: long names would widen the figure and shrink its type.
        for y, c in enumerate(shown):
            ax.text(0, y + 0.28, c.short_id, va="bottom", ha="left")
        ax.set_yticks([])
        ax.set_ylim(-0.5, len(shown) - 0.1)
        ax.set_xlim(0, 118)
        ax.set_xlabel("% of graded submissions failing (purple: outcome checks)")
        ax.spines[["top", "right", "left"]].set_visible(False)
        return _svg(fig)


def _table(checks: list[CheckCount], table_id: str) -> str:
    rows = []
    for rank, c in enumerate(checks, 1):
        top = c.top
        others = len(c.mistakes) - 1
        more = f"<div class='muted'>+{others} other message{'s' if others > 1 else ''}</div>" if others else ""
        points = "advisory" if c.max_score == 0 else f"{c.max_score:g}"
        rows.append(
            f"<tr><td class='num'>{rank}</td><td class='check'><code>{html.escape(c.short_id)}</code></td>"
            f"<td class='num'>{points}</td>"
            f"<td class='num'>{len(c.failed)}/{c.graded} ({100 * c.share:.0f}%)"
            f"<span class='share' style='width:{3 * c.share:.2f}em'></span></td>"
            f"<td>{len(top.students)}&times; {html.escape(top.example)}{more}</td>"
            f"<td>{html.escape(', '.join(top.students[:2]))}</td></tr>")
    return (f"<table id='{table_id}' class='ranked'><thead><tr><th>#</th><th>check</th><th>points</th>"
            "<th>failed</th><th>most frequent mistake</th><th>e.g.</th></tr></thead><tbody>"
            + "".join(rows) + "</tbody></table>")


def _section(title: str, checks: list[CheckCount], table_id: str) -> str:
    failed = [c for c in checks if c.failed]
    clean = [c.short_id for c in checks if not c.failed]
    parts = [f"<h2>{html.escape(title)}</h2>"]
    parts.append(_table(failed, table_id) if failed else "<p>No failures.</p>")
    if clean:
        parts.append(f"<p class='muted'>Passed by every graded submission: {html.escape(', '.join(clean))}</p>")
    return "".join(parts)


def render_html(r: ClassReport) -> str:
    title = f"{r.assignment}: what the class got wrong"
    total = len(r.graded) + len(r.not_graded)
    body = [f"<h1>{html.escape(title)}</h1>",
            f"<p class='summary'><b>{total}</b> submissions: <b>{len(r.graded)}</b> graded, "
            f"<b>{len(r.not_graded)}</b> not graded"]
    if r.graded:
        body.append(f" &middot; mean {statistics.mean(r.scores):.2f}, median {statistics.median(r.scores):g} "
                    f"(out of {r.max_score:g})")
    body.append("</p>")
    if r.graded:
        failed = [c for c in r.checks if c.failed and c.max_score > 0]      # advisory notes are in the tables
        mistakes = (mistakes_svg(failed) if failed else "<p>No scored check failed.</p>")
        body.append("<section class='charts'>"
                    f"<figure id='histogram'><figcaption>Scores</figcaption>{histogram_svg(r)}</figure>"
                    f"<figure id='mistakes'><figcaption>Most failed checks</figcaption>{mistakes}</figure>"
                    "</section>")
        body.append(_section("Mistakes in the stubs, most failed first", r.function_checks, "stub-mistakes"))
        if r.outcome_checks:
            body.append(_section("Outcomes (the whole notebook)", r.outcome_checks, "outcome-mistakes"))
    if r.not_graded or r.stale:
        rows = "".join(f"<tr><td>{html.escape(n.student)}</td><td>{html.escape(n.reason)}</td></tr>"
                       for n in r.not_graded)
        rows += "".join(f"<tr><td>{html.escape(g.student)}</td><td>graded, but the file changed since: "
                        "grade-all regrades it</td></tr>" for g in r.stale)
        body.append(f"<h2>Not graded (or changed since graded)</h2><table id='not-graded'><thead><tr><th>student</th><th>why</th></tr>"
                    f"</thead><tbody>{rows}</tbody></table>")
    return (f"<!DOCTYPE html>\n<html lang='en'><head><meta charset='utf-8'><title>{html.escape(title)}</title>"
            f"<style>{CSS}</style></head><body>{''.join(body)}</body></html>\n")
