"""Rules every template and script of the project keeps, checked on the source so that a new file cannot slip by.

Text from records reaches the DOM as text: no script parses a string as HTML and no template switches off
escaping. Nothing needs the Content-Security-Policy loosened: no inline script or handler, no style attribute
or <style> block. The browser tests show the same on every page (tests/browser/test_hostile_names.py and
test_content_security_policy.py).
"""

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2] / "aidtrack"
SCRIPTS = sorted(ROOT.glob("*/static/**/*.js"))
TEMPLATES = sorted([*ROOT.glob("*/templates/**/*.html"), *ROOT.glob("templates/**/*.html")])
PYTHON = sorted(path for path in ROOT.rglob("*.py") if "migrations" not in path.parts)


def relative(path: Path) -> str:
    return str(path.relative_to(ROOT.parent))


def offending_lines(path: Path, pattern: re.Pattern) -> list[str]:
    lines = path.read_text(encoding="utf-8").splitlines()
    return [
        f"{relative(path)}:{number}: {line.strip()}" for number, line in enumerate(lines, 1) if pattern.search(line)
    ]


# Ways a script turns a string into markup: the DOM's own, and Leaflet's (a divIcon's html, a string given to a
# tooltip or popup, which Leaflet assigns to innerHTML).
HTML_SINKS = re.compile(
    r"innerHTML\s*=|outerHTML\s*=|insertAdjacentHTML|document\.write|createContextualFragment|DOMParser"
    r"|\bhtml\s*:\s*[`'\"]|\.(bindTooltip|bindPopup|setContent|setTooltipContent|setPopupContent)\(\s*[`'\"]"
)


def test_there_are_scripts_and_templates_to_check():
    assert len(SCRIPTS) > 15 and len(TEMPLATES) > 25


@pytest.mark.parametrize("path", SCRIPTS, ids=relative)
def test_no_script_parses_a_string_as_html(path):
    assert offending_lines(path, HTML_SINKS) == []


@pytest.mark.parametrize("path", SCRIPTS, ids=relative)
def test_leaflet_tooltips_and_popups_get_nodes_not_strings(path):
    """A tooltip or popup is given a node, or a function that builds one; a variable could hold a string."""
    text = path.read_text(encoding="utf-8")
    for call in re.finditer(r"\.(bindTooltip|bindPopup|setPopupContent)\(\s*(.{0,40})", text):
        argument = call.group(2)
        assert re.match(r"el\(|document\.createTextNode\(|popup\(|\(\)\s*=>|content\b", argument), (
            f"{relative(path)}: {call.group(0)!r} may give Leaflet a string, which it reads as HTML"
        )


# An inline script (a <script> without src; JSON data blocks from json_script are written by the filter, not here),
# an on…= handler attribute, a style attribute, a <style> block.
TEMPLATE_INLINE = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>|\son[a-z]+\s*=|\sstyle\s*=|<style\b", re.IGNORECASE)


@pytest.mark.parametrize("path", TEMPLATES, ids=relative)
def test_no_template_needs_inline_script_or_style(path):
    assert offending_lines(path, TEMPLATE_INLINE) == []


# A style given as text (a style attribute, or el()'s style option as a string) is refused by the policy: scripts set
# styles through the CSSOM (element.style, el(…, { style: { … } })).
SCRIPT_STYLE_TEXT = re.compile(
    r"setAttribute\(\s*[\"']style|\bstyle\s*:\s*[`'\"]|\.style\.cssText|\beval\(|new Function\("
)


@pytest.mark.parametrize("path", SCRIPTS, ids=relative)
def test_no_script_sets_styles_as_text_or_evaluates_strings(path):
    assert offending_lines(path, SCRIPT_STYLE_TEXT) == []


TEMPLATE_UNESCAPED = re.compile(r"\|\s*safe\b|autoescape\s+off|\|\s*safeseq\b")


@pytest.mark.parametrize("path", TEMPLATES, ids=relative)
def test_no_template_switches_off_escaping(path):
    assert offending_lines(path, TEMPLATE_UNESCAPED) == []


def test_python_marks_only_literal_text_safe():
    """mark_safe and SafeString only ever wrap a constant string, never a value built from data."""
    pattern = re.compile(r"\b(mark_safe|SafeString)\((?!\s*[\"'])")
    assert [line for path in PYTHON for line in offending_lines(path, pattern)] == []
