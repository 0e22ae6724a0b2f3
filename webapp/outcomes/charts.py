"""Charts of the partnership's figures, drawn on the server as SVG with pygal, without its JavaScript.

A hidden figure ("fewer than 5") is not drawn: its bar is left out, and the table beside the chart says why.
The SVG keeps pygal's own <style>, so it is served as its own document with a policy that allows that
style and nothing else (see the partner views), and shown with <img alt>.
"""

from __future__ import annotations

import re

import pygal
from pygal.style import Style

STYLE = Style(
    background="#ffffff",
    plot_background="#ffffff",
    foreground="#1f2933",
    foreground_strong="#1f2933",
    foreground_subtle="#52606d",
    colors=("#2f6f5e",),
    font_family="system-ui, sans-serif",
    label_font_size=22,
    major_label_font_size=22,
    value_font_size=22,
    title_font_size=24,
)
WIDTH, HEIGHT_FIXED, HEIGHT_PER_ROW = 700, 120, 56
# pygal names each chart with a random uuid; one fixed name keeps the output the same for the same figures.
_CHART_ID = re.compile(r"chart-[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
_GENERATED = re.compile(r"<!--Generated with pygal[^>]*-->")
# pygal writes its configuration into a <script> even with its JavaScript off; a chart needs none.
_SCRIPT = re.compile(r"<script\b.*?</script>", re.S)


def bar_chart(title: str, rows: list[tuple[str, int | None]], series: str) -> bytes:
    """One horizontal bar per row, the first at the top as in the table; None is not drawn."""
    chart = pygal.HorizontalBar(
        js=[],
        style=STYLE,
        title=title,
        show_legend=False,
        print_values=True,
        width=WIDTH,
        height=height(len(rows)),
        truncate_label=-1,
        disable_xml_declaration=True,
        no_data_text="",
        min_scale=1,
        max_scale=8,
    )
    rows = rows[::-1]  # pygal draws the first bar at the bottom
    chart.x_labels = [label for label, _ in rows]
    chart.add(series, [value for _, value in rows])
    svg = chart.render(is_unicode=True)
    return _SCRIPT.sub("", _GENERATED.sub("", _CHART_ID.sub("chart", svg))).encode()


def height(rows: int) -> int:
    return HEIGHT_FIXED + HEIGHT_PER_ROW * rows
