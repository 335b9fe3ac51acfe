"""What an import found and did: counts and problems, each located in the file."""

from collections import Counter
from dataclasses import dataclass, field

from django.utils.translation import gettext

ERROR = "error"
WARNING = "warning"


@dataclass(frozen=True)
class Problem:
    """One thing wrong with the input. ``where`` names the row, feature or layer."""

    where: str
    message: str
    severity: str = ERROR
    pcode: str = ""

    def as_dict(self) -> dict:
        return {"where": self.where, "pcode": self.pcode, "severity": self.severity, "message": self.message}

    def __str__(self):
        code = f" [{self.pcode}]" if self.pcode else ""
        return f"{self.severity.upper()} {self.where}{code}: {self.message}"


@dataclass
class ImportReport:
    source: str
    dry_run: bool = False
    counts: Counter = field(default_factory=Counter)
    problems: list[Problem] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def error(self, where: str, message: str, pcode: str = "") -> None:
        self.problems.append(Problem(where, message, ERROR, pcode))

    def warning(self, where: str, message: str, pcode: str = "") -> None:
        self.problems.append(Problem(where, message, WARNING, pcode))

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == ERROR]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == WARNING]

    def summary(self) -> str:
        # The counts' keys are English codes; their words are in the catalogue (aidtrack/staff/import_words.py).
        counts = ", ".join(f"{value} {gettext(key)}" for key, value in self.counts.items()) or gettext("nothing")
        if self.problems:
            return gettext("%(source)s: %(counts)s; %(errors)s error(s), %(warnings)s warning(s).") % {
                "source": self.source,
                "counts": counts,
                "errors": len(self.errors),
                "warnings": len(self.warnings),
            }
        return gettext("%(source)s: %(counts)s.") % {"source": self.source, "counts": counts}


def found_message(found: str, message: str) -> str:
    """A row problem's message, led by the value found in its cell when there is one."""
    if found:
        return gettext("found %(value)r: %(message)s.") % {"value": found, "message": message}
    return f"{message}."


class ImportFailed(Exception):
    """The input cannot be imported; nothing was written. ``report`` holds every problem found."""

    def __init__(self, message: str, report: ImportReport | None = None):
        super().__init__(message)
        self.report = report
