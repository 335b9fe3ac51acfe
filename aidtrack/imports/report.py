"""What an import found and did: counts and problems, each located in the file."""

from collections import Counter
from dataclasses import dataclass, field

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
        counts = ", ".join(f"{value} {key}" for key, value in self.counts.items()) or "nothing"
        text = f"{self.source}: {counts}"
        if self.problems:
            text += f"; {len(self.errors)} error(s), {len(self.warnings)} warning(s)"
        return text + "."


class ImportFailed(Exception):
    """The input cannot be imported; nothing was written. ``report`` holds every problem found."""

    def __init__(self, message: str, report: ImportReport | None = None):
        super().__init__(message)
        self.report = report
