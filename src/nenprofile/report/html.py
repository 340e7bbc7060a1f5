"""Render the sample report as one self-contained HTML page (inline CSS and SVG).

Autoescaping is on for every template: sample names, HGVS strings and free text from
input files are always shown as text. Only the SVG plots (built with escaped text in
plots.py) and the bundled CSS are marked safe.
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import cache
from pathlib import Path
from typing import Any

import jinja2
from markupsafe import Markup

from nenprofile.report import plots

TEMPLATE_DIR = Path(__file__).resolve().parents[1] / "templates"


def fmt_number(value: Any, digits: int = 1) -> str:
    """Numbers for display: fixed digits, trailing zeros kept short; None -> 'n/a'."""
    if value is None:
        return "n/a"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, int):
        return str(value)
    try:
        number = float(value)
    except (TypeError, ValueError):
        return str(value)
    if number.is_integer():
        return str(int(number))
    return f"{number:.{digits}f}"


def fmt_percent(fraction: Any) -> str:
    """A VAF fraction (0.43) as '43.0%'."""
    if fraction is None:
        return "n/a"
    return f"{float(fraction) * 100:.1f}%"


def fmt_label(value: Any) -> str:
    """Vocabulary words for display: 'small_intestine' -> 'small intestine'."""
    if value is None:
        return "n/a"
    return str(value).replace("_", " ")


def fmt_yes_no(value: Any) -> str:
    if value is None:
        return "unknown"
    return "yes" if value else "no"


def fmt_value(value: Any) -> str:
    """Biomarker values that may be lists (HRR genes), numbers or words."""
    if value is None:
        return "n/a"
    if isinstance(value, list | tuple):
        return ", ".join(str(v) for v in value) if value else "none"
    if isinstance(value, float | int) and not isinstance(value, bool):
        return fmt_number(value)
    return str(value)


CSS_STRING_PLAIN = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789 ._-")


def css_string(value: Any) -> Markup:
    """Text as a quoted CSS string for a <style> element (the printout's running header).
    Every character but letters, digits, space, '.', '_' and '-' is a six-digit hex escape,
    so no input can end the string or the style element. The space after each escape ends
    it and is not shown (CSS always consumes one whitespace after a hex escape)."""
    body = "".join(c if c in CSS_STRING_PLAIN else f"\\{ord(c):06X} " for c in str(value))
    return Markup(f'"{body}"')


@cache
def _environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(TEMPLATE_DIR)),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters.update(
        num=fmt_number,
        pct=fmt_percent,
        label=fmt_label,
        yesno=fmt_yes_no,
        value=fmt_value,
        css_string=css_string,
    )
    env.globals.update(
        tmb_histogram_svg=plots.tmb_histogram_svg,
        percentile_bars_svg=plots.percentile_bars_svg,
        count_bars_svg=plots.count_bars_svg,
    )
    return env


def stylesheet(*names: str) -> Markup:
    """Bundled CSS files, inlined into the page (our own files, not user input)."""
    return Markup("\n".join((TEMPLATE_DIR / name).read_text(encoding="utf-8") for name in names))


def bundled_script(name: str) -> Markup:
    """A bundled JavaScript file, inlined (no CDN, works offline). It must not contain
    "</script": the page would end the script there."""
    text = (TEMPLATE_DIR / name).read_text(encoding="utf-8")
    if "</script" in text.lower():
        raise ValueError(f"{name} contains '</script'")
    return Markup(text)


def load_template(name: str) -> None:
    """Compile a template ahead of its first use (Jinja keeps it)."""
    _environment().get_template(name)


def render_template(name: str, css_files: tuple[str, ...] = ("report.css",), **context: Any) -> str:
    return _environment().get_template(name).render(css=stylesheet(*css_files), **context)


def render_sample_html(data: Mapping[str, Any], *, printout: bool = False) -> str:
    """The tumor board page for one sample, from build_report_data's dict. `printout`: the
    page the PDF is printed from, whose long tables stop at report.pdf_rows_per_table rows
    and say so (the HTML report lists every row)."""
    return render_template("sample_report.html.j2", r=data, printout=printout)
