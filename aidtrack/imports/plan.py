"""What a user tells an import about a file, beyond what recognition finds: the column plan.

A plan is kept with a saved column mapping and outranks recognition, so the
same file with the same mapping gives the same import:

- ``columns``: field -> the file's column (recognition is used only for the
  fields the plan does not name);
- ``ignored``: columns left unused on purpose (never recognised as a field);
- ``constants``: field -> a value for every row that gives none (a category,
  a source with its URL and licence, a visibility);
- ``recodings``: field -> {the file's value: ours} ("(2) 25 km Precision" -> 2);
- ``rules``: ordered, derived fields: ``category = 5 when Aid workers killed > 0``
  (the first rule that matches a row gives the value), ``people_killed = sum(A, B)``;
- ``date_order``: field -> "dmy" or "mdy", when a date column reads both ways;
- ``refused_rows``: "refuse" the file when a row has an error (the default), or
  "skip" the refused rows, which are then offered as a file to fix.

``ImportPlan.from_data`` checks a plan against the kind's fields and, once the
file is open, ``check_columns`` against its columns; every refusal names the
field, column or rule and says what to do.
"""

import re
from dataclasses import asdict, dataclass, field

from django.utils.translation import gettext as _

from aidtrack.imports.report import ImportFailed
from aidtrack.imports.values import choice_key, clean

REFUSE, SKIP = "refuse", "skip"
DATE_ORDERS = {"dmy", "mdy"}
YES = {"yes", "y", "true", "1", "x", "نعم"}


@dataclass
class Rule:
    """One derived field: ``value`` when ``column`` passes ``test``, or the ``total`` of ``columns``.

    ``test`` is "nonzero" (a count above 0), "yes" (yes/true/1/x), or "equals" (the cell is ``text``).
    """

    field: str
    value: str = ""
    column: str = ""
    test: str = ""
    text: str = ""
    columns: list = field(default_factory=list)

    @property
    def is_sum(self) -> bool:
        return bool(self.columns)

    def describe(self) -> str:
        if self.is_sum:
            return f"{self.field} = sum({', '.join(self.columns)})"
        condition = {"nonzero": "> 0", "yes": "is yes"}.get(self.test, f"is {self.text}")
        return f"{self.field} = {self.value} when {self.column} {condition}"

    def matches(self, raw: dict) -> bool:
        cell = clean(raw.get(self.column, ""))
        if self.test == "nonzero":
            try:
                return float(cell.replace(",", "")) > 0
            except ValueError:
                return False
        if self.test == "yes":
            return cell.lower() in YES
        return choice_key(cell) == choice_key(self.text)

    def total(self, raw: dict):
        """The sum of the rule's columns in a row: None when none has a number."""
        numbers = []
        for column in self.columns:
            cell = clean(raw.get(column, "")).replace(",", "")
            try:
                numbers.append(float(cell))
            except ValueError:
                continue
        if not numbers:
            return None
        total = sum(numbers)
        return str(int(total)) if total == int(total) else str(total)


SUM_RULE = re.compile(r"^\s*(\w+)\s*=\s*sum\s*\((.+)\)\s*$", re.IGNORECASE)
WHEN_RULE = re.compile(r"^\s*(\w+)\s*=\s*(.+?)\s+when\s+(.+?)\s*(?:(>\s*0)|is\s+(.+?))\s*$", re.IGNORECASE)


def parse_rules(text: str) -> list[Rule]:
    """Rules typed one a line: ``category = 5 when Killed > 0``, ``category = 7 when Airstrike is yes``,
    ``category = 3 when Event is Checkpoint``, ``aid_workers_killed = sum(Nationals killed, Internationals killed)``.
    """
    rules = []
    for number, line in enumerate((text or "").splitlines(), start=1):
        if not line.strip():
            continue
        found = SUM_RULE.match(line)
        if found:
            columns = [column.strip() for column in found.group(2).split(",") if column.strip()]
            rules.append(Rule(field=found.group(1), columns=columns))
            continue
        found = WHEN_RULE.match(line)
        if not found:
            raise ImportFailed(
                _(
                    "Rule line %(number)s (%(line)s) is not understood: write FIELD = VALUE when COLUMN > 0, "
                    "FIELD = VALUE when COLUMN is yes, FIELD = VALUE when COLUMN is TEXT, "
                    "or FIELD = sum(COLUMN, COLUMN)."
                )
                % {"number": number, "line": line.strip()}
            )
        field_name, value, column, nonzero, text = found.groups()
        if nonzero:
            test, text = "nonzero", ""
        elif text.strip().lower() == "yes":
            test, text = "yes", ""
        else:
            test = "equals"
        rules.append(Rule(field=field_name, value=value.strip(), column=column.strip(), test=test, text=text or ""))
    return rules


def rules_text(rules: list[Rule]) -> str:
    return "\n".join(rule.describe() for rule in rules)


@dataclass
class ImportPlan:
    columns: dict = field(default_factory=dict)
    ignored: list = field(default_factory=list)
    constants: dict = field(default_factory=dict)
    recodings: dict = field(default_factory=dict)
    rules: list = field(default_factory=list)
    date_order: dict = field(default_factory=dict)
    refused_rows: str = REFUSE

    def __bool__(self):
        return any((self.columns, self.ignored, self.constants, self.recodings, self.rules, self.date_order)) or (
            self.refused_rows != REFUSE
        )

    def as_data(self) -> dict:
        data = asdict(self)
        data["rules"] = [asdict(rule) for rule in self.rules]
        return data

    @property
    def rule_columns(self) -> set[str]:
        columns = set()
        for rule in self.rules:
            columns.update(rule.columns or [rule.column])
        return columns

    @classmethod
    def from_data(cls, data: dict | None, *, fields) -> "ImportPlan":
        """A plan from its saved (JSON) form; refuses what names no field, or gives an empty value."""
        data = data or {}
        if not isinstance(data, dict):
            raise ImportFailed(_("A column plan is an object with columns, ignored, constants, recodings and rules."))
        fields = set(fields)

        def known(name, where):
            if name not in fields:
                raise ImportFailed(
                    _("%(where)s names %(field)r, which is not a field of this table; use one of %(fields)s.")
                    % {"where": where, "field": name, "fields": ", ".join(sorted(fields))}
                )

        columns = {}
        for name, column in (data.get("columns") or {}).items():
            known(name, _("The column mapping"))
            if not isinstance(column, str) or not column.strip():
                raise ImportFailed(
                    _("The column mapping gives no column for %(field)s: write the column's header, or leave it out.")
                    % {"field": name}
                )
            columns[name] = column.strip()
        constants = {}
        for name, value in (data.get("constants") or {}).items():
            known(name, _("A value for every row"))
            if str(value).strip():
                constants[name] = str(value).strip()
        recodings = {}
        for name, table in (data.get("recodings") or {}).items():
            known(name, _("A recoding"))
            if not isinstance(table, dict):
                raise ImportFailed(_("The recoding of %(field)s must map the file's values to ours.") % {"field": name})
            recodings[name] = {clean(k): str(v).strip() for k, v in table.items() if str(v).strip()}
        rules = []
        for number, item in enumerate(data.get("rules") or [], start=1):
            rule = Rule(**item) if isinstance(item, dict) else None
            if rule is None:
                raise ImportFailed(_("Rule %(number)s is not a rule.") % {"number": number})
            known(rule.field, _("Rule %(number)s (%(rule)s)") % {"number": number, "rule": rule.describe()})
            if not rule.is_sum and (not rule.column or not str(rule.value).strip()):
                raise ImportFailed(
                    _("Rule %(number)s (%(rule)s) needs a column and a value.")
                    % {"number": number, "rule": rule.describe()}
                )
            rules.append(rule)
        date_order = {}
        for name, order in (data.get("date_order") or {}).items():
            if order not in DATE_ORDERS:
                raise ImportFailed(
                    _("The date order of %(field)s must be dmy (day/month) or mdy (month/day), not %(order)r.")
                    % {"field": name, "order": order}
                )
            date_order[name] = order
        refused = data.get("refused_rows") or REFUSE
        if refused not in (REFUSE, SKIP):
            raise ImportFailed(_("Refused rows are either refuse (the file) or skip (import the others)."))
        ignored = [str(column).strip() for column in data.get("ignored") or [] if str(column).strip()]
        return cls(columns, ignored, constants, recodings, rules, date_order, refused)

    def check_columns(self, headers) -> None:
        """Refuse a plan that names a column the file does not have, naming it and listing the file's columns."""
        headers = [str(header) for header in headers]
        listing = ", ".join(headers)
        for name, column in self.columns.items():
            if column not in headers:
                raise ImportFailed(
                    _(
                        "The mapping takes %(field)s from the column %(column)r, which this file does not have. "
                        "Its columns are: %(columns)s. Choose another column for %(field)s on the column plan."
                    )
                    % {"field": name, "column": column, "columns": listing}
                )
        for number, rule in enumerate(self.rules, start=1):
            for column in rule.columns or [rule.column]:
                if column not in headers:
                    raise ImportFailed(
                        _(
                            "Rule %(number)s (%(rule)s) reads the column %(column)r, which this file does not have. "
                            "Its columns are: %(columns)s. Correct or remove the rule."
                        )
                        % {"number": number, "rule": rule.describe(), "column": column, "columns": listing}
                    )
