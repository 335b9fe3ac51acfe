"""A message a person reads when something is refused is translatable: no English-only f-string or literal.

Looks through the code for the places such messages are made: the exceptions the pages and the API show
(``ValidationError``, ``PermissionDenied``, ``ImportFailed``, ``ValueProblem``, DRF's ``NotFound``), and the
problems an import reports on a row (``report.error``/``warning``, ``self.problem``/``warning``). Their message
must come from ``gettext`` (``_("... %(name)s ...") % {...}``), never from an f-string or a bare literal, so a
new English-only message fails here before it reaches an Arabic reader. Every module is scanned, the command-line
importers too (``NOT_YET`` is empty).
"""

import ast
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1] / "aidtrack"
RAISED = {
    "ValidationError",
    "PermissionDenied",
    "ImportFailed",
    "ValueProblem",
    "NotFound",
    "BackupError",
    "WalkProblem",
    "PeriodError",
    "GovernorateError",
}
REPORTED = {"error", "warning", "problem"}
NOT_YET: set[str] = set()  # a module still English-only would be listed here, to be done next


def english_only(node) -> bool:
    """An f-string, or a literal sentence (two words or more), not passed through gettext."""
    if isinstance(node, ast.JoinedStr):
        # Gluing translated parts (f"{problem} {hint}") is fine; English words between the parts are not.
        return any(isinstance(part, ast.Constant) and re.search("[A-Za-z]{2}", part.value) for part in node.values)
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return " " in node.value.strip()
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
        return english_only(node.left) or english_only(node.right)
    if isinstance(node, ast.Dict):
        return any(english_only(value) for value in node.values)
    if isinstance(node, ast.List):
        return any(english_only(value) for value in node.elts)
    return False


def messages_of(call: ast.Call) -> list:
    func = call.func
    name = func.id if isinstance(func, ast.Name) else func.attr if isinstance(func, ast.Attribute) else ""
    if name in RAISED:
        return call.args[:1]
    receiver = ast.unparse(func.value) if isinstance(func, ast.Attribute) else ""
    if name in REPORTED and receiver and call.args and receiver not in {"logger", "log", "messages"}:
        # report.error(where, message, pcode); self.problem(row, field, value, message); self.warning(..., message)
        return call.args[1:2] if receiver.endswith("report") else call.args[-1:]
    if name in {"error", "warning", "success", "info"} and receiver == "messages":
        return call.args[1:2]
    if name == "add_error":
        # form.add_error(field, message): the refusal shown next to the field.
        return call.args[1:2] + [keyword.value for keyword in call.keywords if keyword.arg == "error"]
    return []


def offences(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            for message in messages_of(node):
                if english_only(message):
                    found.append(f"{path.relative_to(ROOT)}:{node.lineno}")
    return found


def test_messages_people_read_go_through_gettext():
    found = []
    for path in sorted(ROOT.rglob("*.py")):
        relative = str(path.relative_to(ROOT))
        if "migrations" in path.parts or "management" in path.parts or relative in NOT_YET:
            continue
        found += offences(path)
    assert not found, "English-only messages (use gettext with named placeholders):\n" + "\n".join(found)


TRANSLATING = {"_", "gettext", "gettext_lazy", "ngettext", "ngettext_lazy", "pgettext", "pgettext_lazy", "gettext_noop"}


def test_no_translated_text_is_written_inside_an_f_string():
    """``makemessages`` (xgettext) does not read a call inside an f-string: ``f"({_('shown at its %(level)s')})"``
    is translated by nobody, its msgid is dropped from the catalogue at the next extraction, and the page shows the
    English. Translate outside, then put the result in the f-string."""
    found = []
    for path in sorted(ROOT.rglob("*.py")):
        tree = ast.parse(path.read_text(), filename=str(path))
        for node in ast.walk(tree):
            if not isinstance(node, ast.JoinedStr):
                continue
            for inner in ast.walk(node):
                if (
                    isinstance(inner, ast.Call)
                    and isinstance(inner.func, ast.Name)
                    and inner.func.id in TRANSLATING
                    and inner.args
                    and isinstance(inner.args[0], ast.Constant)
                    and isinstance(inner.args[0].value, str)
                ):
                    found.append(f"{path.relative_to(ROOT.parent)}:{inner.lineno}: {inner.args[0].value!r}")
    assert not found, "translated text inside an f-string (xgettext cannot see it):\n" + "\n".join(found)
