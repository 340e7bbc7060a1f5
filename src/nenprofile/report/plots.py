"""Small inline SVG plots (no JavaScript, no external resources).

Every text that goes into an SVG passes through markupsafe.escape; the functions return
Markup so that the autoescaping templates embed them unchanged.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from markupsafe import Markup, escape

CALL_COLOURS = {
    "high": "#b2182b",
    "intermediate": "#ef8a62",
    "low": "#4393c3",
}
NEUTRAL = "#8c8c8c"


def _fmt(number: float) -> str:
    """Coordinates with two decimals at most, so output is stable and compact."""
    return f"{number:.2f}".rstrip("0").rstrip(".")


def _svg_open(css_class: str, width: float, height: float, title: str) -> str:
    size = f'width="{_fmt(width)}" height="{_fmt(height)}"'
    box = f'viewBox="0 0 {_fmt(width)} {_fmt(height)}"'
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" class="plot {css_class}" role="img" '
        f"{size} {box}><title>{escape(title)}</title>"
    )


def _num(value: Any) -> str:
    return f"{float(value):g}"


def _bin_position(value: float, edges: Sequence[float], width: float) -> float:
    """x of `value` on an axis of equal-width bins (log-like); linear within a bin."""
    slots = len(edges)
    for i, low in enumerate(edges):
        high = edges[i + 1] if i + 1 < slots else None
        if high is None or value < high:
            top = high if high is not None else low * 2 if low > 0 else 1.0
            fraction = min(max((value - low) / (top - low), 0.0), 1.0)
            return (i + fraction) / slots * width
    return width


def tmb_histogram_svg(
    bins: Sequence[dict[str, Any]],
    threshold: float | None,
    *,
    own_value: float | None = None,
    label: str = "TMB (mut/Mb)",
) -> Markup:
    """Cohort TMB as a histogram over fixed bins (0, 1, 2, 5, 10, ... mut/Mb), this sample
    marked; the SVG has the same number of elements whatever the cohort size."""
    width, height, left, right = 560.0, 110.0, 16.0, 16.0
    plot_width = width - left - right
    edges = [float(b["low"]) for b in bins] or [0.0, 1.0, 2.0, 5.0, 10.0, 20.0]
    slot = plot_width / len(edges)
    axis_y, bar_top = 76.0, 22.0
    tallest = max([*(int(b["n"]) for b in bins), 1])
    parts = [
        _svg_open("tmb-plot", width, height, f"{label}: cohort histogram"),
        f'<line x1="{_fmt(left)}" y1="{_fmt(axis_y)}" x2="{_fmt(left + plot_width)}" '
        f'y2="{_fmt(axis_y)}" stroke="#444" stroke-width="1"/>',
    ]
    for i, item in enumerate(bins):
        n = int(item["n"])
        x = left + i * slot
        bar = (axis_y - bar_top) * n / tallest
        if n:
            parts.append(
                f'<rect class="cohort-bin" x="{_fmt(x + 2)}" y="{_fmt(axis_y - bar)}" '
                f'width="{_fmt(slot - 4)}" height="{_fmt(bar)}" fill="{NEUTRAL}" '
                f'fill-opacity="0.55"><title>{escape(_num(item["low"]))}'
                f"{'–' + escape(_num(item['high'])) if item.get('high') is not None else '+'}"
                f" mut/Mb: {n} samples</title></rect>"
            )
    for i, low in enumerate(edges):
        x = left + i * slot
        parts.append(
            f'<line x1="{_fmt(x)}" y1="{_fmt(axis_y)}" x2="{_fmt(x)}" y2="{_fmt(axis_y + 4)}" '
            f'stroke="#444"/><text x="{_fmt(x)}" y="{_fmt(axis_y + 15)}" font-size="10" '
            f'text-anchor="middle" fill="#333">{escape(_num(low))}</text>'
        )
    parts.append(
        f'<text x="{_fmt(width - right)}" y="{_fmt(height - 2)}" font-size="10" '
        f'text-anchor="end" fill="#333">{escape(label)}</text>'
    )
    if threshold is not None:
        x = left + _bin_position(float(threshold), edges, plot_width)
        parts.append(
            f'<line class="threshold" x1="{_fmt(x)}" y1="8" x2="{_fmt(x)}" y2="{_fmt(axis_y)}" '
            f'stroke="#b2182b" stroke-dasharray="4 3" stroke-width="1.5"/>'
            f'<text x="{_fmt(x + 4)}" y="16" font-size="10" fill="#b2182b">'
            f"TMB-high ≥ {_num(threshold)}</text>"
        )
    if own_value is not None:
        x = left + _bin_position(float(own_value), edges, plot_width)
        anchor = "start" if x < left + 30 else "end" if x > left + plot_width - 30 else "middle"
        parts.append(
            f'<circle class="own-point" cx="{_fmt(x)}" cy="{_fmt(axis_y)}" r="6" '
            f'fill="#1a1a1a" stroke="#fff" stroke-width="1.5"><title>this sample: '
            f"{_num(own_value)}</title></circle>"
            f'<text x="{_fmt(x)}" y="{_fmt(axis_y - 10)}" font-size="10" '
            f'text-anchor="{anchor}" font-weight="bold" fill="#1a1a1a">this sample</text>'
        )
    parts.append("</svg>")
    return Markup("".join(parts))


def percentile_bars_svg(markers: Sequence[dict[str, Any]]) -> Markup:
    """One row per expression marker: percentile bar, cohort density strip, call text.

    Markers without a percentile (not_available, categorical scores) get a text row.
    """
    row_height, label_width, bar_width, call_width = 22.0, 150.0, 300.0, 150.0
    width = label_width + bar_width + call_width
    height = row_height * max(len(markers), 1) + 24.0
    parts = [
        _svg_open(
            "expression-plot", width, height, "Expression markers: percentile within the reference"
        ),
    ]
    for tick in (0, 25, 50, 75, 100):
        x = label_width + bar_width * tick / 100
        parts.append(
            f'<line x1="{_fmt(x)}" y1="0" x2="{_fmt(x)}" y2="{_fmt(height - 18)}" '
            f'stroke="#ddd"/><text x="{_fmt(x)}" y="{_fmt(height - 6)}" font-size="10" '
            f'text-anchor="middle" fill="#333">{tick}</text>'
        )
    for index, marker in enumerate(markers):
        y = index * row_height
        name = escape(marker["marker"])
        parts.append(
            f'<text x="{_fmt(label_width - 8)}" y="{_fmt(y + 15)}" font-size="11" '
            f'text-anchor="end" fill="#1a1a1a">{name}</text>'
        )
        percentile = marker.get("percentile")
        call = str(marker.get("call") or "not_available")
        if percentile is None or not marker.get("available", True):
            text = "not available" if call == "not_available" else call
            parts.append(
                f'<text x="{_fmt(label_width + 4)}" y="{_fmt(y + 15)}" font-size="11" '
                f'font-style="italic" fill="#555">{escape(text)}</text>'
            )
            continue
        parts.append(
            f'<rect x="{_fmt(label_width)}" y="{_fmt(y + 5)}" width="{_fmt(bar_width)}" '
            f'height="12" fill="#f0f0f0"/>'
        )
        filled = bar_width * min(max(float(percentile), 0.0), 100.0) / 100
        colour = CALL_COLOURS.get(call, NEUTRAL)
        parts.append(
            f'<rect class="marker-bar" x="{_fmt(label_width)}" y="{_fmt(y + 5)}" '
            f'width="{_fmt(filled)}" height="12" fill="{colour}"><title>{name}: percentile '
            f"{_num(percentile)}</title></rect>"
        )
        cohort_bins = [int(n) for n in marker.get("cohort_bins") or []]
        densest = max([*cohort_bins, 1])
        for index_bin, n in enumerate(cohort_bins):
            if not n:
                continue
            cell = bar_width / len(cohort_bins)
            parts.append(
                f'<rect class="cohort-bin" x="{_fmt(label_width + index_bin * cell)}" '
                f'y="{_fmt(y + 17)}" width="{_fmt(cell)}" height="3" fill="#1a1a1a" '
                f'fill-opacity="{_fmt(0.15 + 0.7 * n / densest)}"/>'
            )
        parts.append(
            f'<text x="{_fmt(label_width + bar_width + 8)}" y="{_fmt(y + 15)}" font-size="11" '
            f'fill="#1a1a1a">P{escape(f"{float(percentile):.0f}")} · {escape(call)}</text>'
        )
    parts.append("</svg>")
    return Markup("".join(parts))


def count_bars_svg(counts: Sequence[tuple[str, float]], *, unit: str = "%") -> Markup:
    """Horizontal bars of labelled values from 0 to 100 (pathway frequencies)."""
    row_height, label_width, bar_width = 22.0, 170.0, 280.0
    width = label_width + bar_width + 70.0
    height = row_height * max(len(counts), 1) + 4.0
    parts = [
        _svg_open(
            "frequency-plot", width, height, "Percent of samples with an oncogenic alteration"
        ),
    ]
    for index, (label, value) in enumerate(counts):
        y = index * row_height
        filled = bar_width * min(max(value, 0.0), 100.0) / 100
        parts.append(
            f'<text x="{_fmt(label_width - 8)}" y="{_fmt(y + 15)}" font-size="11" '
            f'text-anchor="end" fill="#1a1a1a">{escape(label)}</text>'
            f'<rect x="{_fmt(label_width)}" y="{_fmt(y + 5)}" width="{_fmt(bar_width)}" '
            f'height="12" fill="#f0f0f0"/>'
            f'<rect x="{_fmt(label_width)}" y="{_fmt(y + 5)}" width="{_fmt(filled)}" '
            f'height="12" fill="#2c7fb8"/>'
            f'<text x="{_fmt(label_width + bar_width + 6)}" y="{_fmt(y + 15)}" font-size="11" '
            f'fill="#1a1a1a">{escape(f"{value:.0f}")}{escape(unit)}</text>'
        )
    parts.append("</svg>")
    return Markup("".join(parts))
