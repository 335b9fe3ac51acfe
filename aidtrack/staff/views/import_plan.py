"""The column plan of a checked file: every column with sample values and what it becomes, editable, then checked
again; the refused rows as a file to fix; saved mappings as files.

The plan is what ``aidtrack.imports.plan`` reads: columns, ignored columns, values for every row, recodings,
rules, date orders and what to do with refused rows.
"""

import csv
import io
import json

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from aidtrack.api.renderers import escape_formula
from aidtrack.imports.kinds import table_kinds
from aidtrack.imports.mappings import column_mapping_from_file, mapping_file
from aidtrack.imports.models import ColumnMapping, ImportRun
from aidtrack.imports.plan import REFUSE, SKIP, ImportPlan, parse_rules, rules_text
from aidtrack.imports.report import ImportFailed
from aidtrack.imports.sources import human_size
from aidtrack.imports.table_runs import refused_rows
from aidtrack.imports.uploads import recheck_stored
from aidtrack.imports.values import parse_date
from aidtrack.incidents.models import Category
from aidtrack.orgs.models import Organization, Visibility

IGNORE = "__ignore__"
# Values for every row that the form offers one by one, per kind; any other field goes in the free list.
CONSTANT_FIELDS = {
    "incidents": ["category", "visibility", "source_name", "source_reference", "source_licence"],
}
CONSTANT_LABELS = {
    "category": gettext_lazy("Category of every row"),
    "visibility": gettext_lazy("Visibility of every row"),
    "source_name": gettext_lazy("Source (the dataset's name)"),
    "source_reference": gettext_lazy("Source URL"),
    "source_licence": gettext_lazy("Licence and attribution it requires"),
}
CONSTANT_CHOICES = {"category": Category.choices, "visibility": Visibility.choices}


class PlanForm(forms.Form):
    """One select per column of the file, one box per value not understood, and the plan's other parts."""

    refused_rows = forms.ChoiceField(
        label=gettext_lazy("Rows with a problem"),
        choices=[
            (REFUSE, gettext_lazy("Refuse the whole file (nothing is written until every row is right)")),
            (SKIP, gettext_lazy("Import the rows without problems; give me the others as a file to fix")),
        ],
        widget=forms.RadioSelect,
        initial=REFUSE,
    )
    other_constants = forms.CharField(
        required=False,
        label=gettext_lazy("Other values for every row"),
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=gettext_lazy("One FIELD=VALUE a line, e.g. kind=obstruction."),
    )
    rules = forms.CharField(
        required=False,
        label=gettext_lazy("Rules (derived fields, first match wins)"),
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=gettext_lazy(
            "One a line, e.g. <code>category = 5 when Aid workers killed &gt; 0</code> · <code>category = 7 when "
            "Airstrike is yes</code> · <code>category = 3 when Event is Checkpoint</code> · <code>people_killed = "
            "sum(Killed men, Killed women)</code>."
        ),
    )
    save_mapping = forms.CharField(
        required=False,
        max_length=100,
        label=gettext_lazy("Save this plan as the mapping"),
        help_text=gettext_lazy("A name, e.g. the partner and the file, to reuse it for their next file."),
    )

    def __init__(self, *args, run: ImportRun, kind, **kwargs):
        super().__init__(*args, **kwargs)
        self.run, self.kind = run, kind
        # The plan the run used: a saved mapping or preset with this run's changes over it.
        plan = (run.options or {}).get("effective_plan") or (run.options or {}).get("plan") or {}
        fields = [
            (spec.field, f"{spec.field} ({spec.label})" if spec.label != spec.field else spec.field)
            for spec in kind.columns
        ]
        self.columns = run.column_plan or []
        self.rows = []
        for index, entry in enumerate(self.columns):
            name = f"column_{index}"
            self.fields[name] = forms.ChoiceField(
                label=entry["column"],
                required=False,
                choices=[(IGNORE, _("ignored")), *fields],
                initial=entry["field"] or IGNORE,
            )
            boxes = []
            recoded = (plan.get("recodings") or {}).get(entry["field"], {})
            for position, unknown in enumerate(entry.get("unknown", [])):
                box = f"recode_{index}_{position}"
                self.fields[box] = forms.CharField(
                    required=False,
                    label=unknown["value"],
                    initial=recoded.get(unknown["value"], unknown["suggestion"]),
                    max_length=300,
                )
                boxes.append((unknown, self[box]))
            self.rows.append((entry, self[name], boxes))
        constants = dict(plan.get("constants") or {})
        self.constant_names = [name for name in CONSTANT_FIELDS.get(kind.name, []) if name in kind.fields]
        for name in self.constant_names:
            if name in CONSTANT_CHOICES:
                field = forms.ChoiceField(choices=[("", "—"), *CONSTANT_CHOICES[name]], required=False)
            else:
                field = forms.CharField(required=False, max_length=500)
            field.label = CONSTANT_LABELS.get(name, name)
            field.initial = constants.pop(name, "")
            self.fields[f"constant_{name}"] = field
        self.fields["other_constants"].initial = "\n".join(f"{k}={v}" for k, v in constants.items())
        self.fields["rules"].initial = rules_text(ImportPlan.from_data(plan, fields=kind.fields).rules) if plan else ""
        self.fields["refused_rows"].initial = plan.get("refused_rows") or REFUSE
        self.date_fields = [spec.field for spec in kind.columns if spec.parse is parse_date]
        for name in self.date_fields:
            self.fields[f"date_order_{name}"] = forms.ChoiceField(
                label=_("Day and month in %(field)s") % {"field": name},
                required=False,
                choices=[
                    ("", _("settled by the file's dates")),
                    ("dmy", _("day first: 05/09/2016 is 5 September")),
                    ("mdy", _("month first: 05/09/2016 is May 9")),
                ],
                initial=(plan.get("date_order") or {}).get(name, ""),
            )

    @property
    def constant_fields(self):
        return [self[f"constant_{name}"] for name in self.constant_names]

    @property
    def date_order_fields(self):
        return [self[f"date_order_{name}"] for name in self.date_fields]

    def plan(self) -> dict:
        """The plan the form describes; raises ImportFailed with what to fix."""
        data = self.cleaned_data
        columns, ignored, recodings = {}, [], {}
        for index, entry in enumerate(self.columns):
            chosen = data.get(f"column_{index}") or IGNORE
            if chosen == IGNORE:
                ignored.append(entry["column"])
                continue
            if chosen in columns:
                raise ImportFailed(
                    _("Both %(first)r and %(second)r are to become %(field)s: choose one, and ignore the other.")
                    % {"first": columns[chosen], "second": entry["column"], "field": chosen}
                )
            columns[chosen] = entry["column"]
            for position, unknown in enumerate(entry.get("unknown", [])):
                value = (data.get(f"recode_{index}_{position}") or "").strip()
                if value and entry["field"] == chosen:
                    recodings.setdefault(chosen, {})[unknown["value"]] = value
        constants = {}
        for line in (data.get("other_constants") or "").splitlines():
            if line.strip():
                name, sep, value = line.partition("=")
                if not sep:
                    raise ImportFailed(_("Write each value for every row as FIELD=VALUE, e.g. kind=obstruction."))
                constants[name.strip()] = value.strip()
        for name in self.constant_names:
            if data.get(f"constant_{name}"):
                constants[name] = data[f"constant_{name}"]
        plan = {
            "columns": columns,
            "ignored": ignored,
            "constants": constants,
            "recodings": recodings,
            "rules": [rule.__dict__ for rule in parse_rules(data.get("rules") or "")],
            "date_order": {
                name: data[f"date_order_{name}"] for name in self.date_fields if data.get(f"date_order_{name}")
            },
            "refused_rows": data.get("refused_rows") or REFUSE,
        }
        ImportPlan.from_data(plan, fields=self.kind.fields)  # refuses unknown fields and empty values now
        return plan


def _field_label(spec) -> str:
    readable = spec.field.replace("_", " ")
    return spec.field if spec.label in (spec.field, readable) else f"{spec.field} ({spec.label})"


def plan_form(run: ImportRun, data=None) -> PlanForm | None:
    kind = table_kinds().get(run.kind)
    if kind is None or not run.column_plan:
        return None
    return PlanForm(data, run=run, kind=kind)


@login_required
def import_plan(request, pk: int):
    """Check the same file again with the column plan as edited on its run's page."""
    from aidtrack.staff.views.imports import _runs_of

    run = get_object_or_404(_runs_of(request.user), pk=pk, options__dry_run=True)
    form = plan_form(run, request.POST)
    if form is None or request.method != "POST" or not form.is_valid():
        messages.error(request, _("The column plan could not be read; check the file again."))
        return redirect("staff:import_run", pk=run.pk)
    try:
        plan = form.plan()
    except ImportFailed as error:
        messages.error(request, str(error))
        return redirect("staff:import_run", pk=run.pk)
    outcome = recheck_stored(run, by=request.user, plan=plan, save_mapping=form.cleaned_data["save_mapping"].strip())
    if outcome.run is None:
        messages.error(request, outcome.failure)
        return redirect("staff:import_run", pk=run.pk)
    if not outcome.ok:
        messages.error(request, outcome.failure)
    return redirect("staff:import_run", pk=outcome.run.pk)


@login_required
def import_refused(request, pk: int):
    """The rows a run left out, in the file's own columns plus a "problem" column: fix them and import them again."""
    from aidtrack.staff.views.imports import _runs_of

    run = get_object_or_404(_runs_of(request.user), pk=pk)
    rows = refused_rows(run)
    columns = list(rows[0]["cells"]) if rows else []
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow([escape_formula(column) for column in [*columns, _("problem")]])
    for row in rows:
        writer.writerow(
            [escape_formula(row["cells"].get(column, "")) for column in columns] + [escape_formula(row["problem"])]
        )
    response = HttpResponse("\ufeff" + buffer.getvalue(), content_type="text/csv; charset=utf-8")
    stem = run.source.rsplit(".", 1)[0].replace('"', "")[:80] or "import"
    response["Content-Disposition"] = f'attachment; filename="{stem}-refused-rows.csv"'
    return response


@login_required
def mapping_export(request, pk: int):
    from aidtrack.staff.views.imports import _writable

    mapping = get_object_or_404(ColumnMapping, pk=pk, organization_id__in=_writable(request.user))
    response = HttpResponse(
        json.dumps(mapping_file(mapping), ensure_ascii=False, indent=2), content_type="application/json; charset=utf-8"
    )
    name = "".join(ch if ch.isalnum() or ch in "-_" else "-" for ch in mapping.name)[:80]
    response["Content-Disposition"] = f'attachment; filename="{name}.aidtrack-mapping.json"'
    return response


class MappingFileForm(forms.Form):
    organization = forms.ModelChoiceField(queryset=Organization.objects.none(), label=gettext_lazy("Organization"))
    file = forms.FileField(label=gettext_lazy("Mapping file"), help_text=gettext_lazy("A .json file exported here."))
    name = forms.CharField(required=False, max_length=100, label=gettext_lazy("Save as (optional)"))

    def __init__(self, *args, user, **kwargs):
        from aidtrack.staff.views.imports import _writable

        super().__init__(*args, **kwargs)
        self.fields["organization"].queryset = Organization.objects.filter(pk__in=_writable(user))


MAPPING_FILE_MAX_BYTES = 256 * 1024


@login_required
def mapping_import(request):
    form = MappingFileForm(request.POST or None, request.FILES or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            if upload.size > MAPPING_FILE_MAX_BYTES:
                raise ImportFailed(
                    _("A mapping file is small (under %(limit)s); this is not one.")
                    % {"limit": human_size(MAPPING_FILE_MAX_BYTES)}
                )
            try:
                data = json.loads(upload.read().decode("utf-8-sig"))
            except (UnicodeDecodeError, ValueError) as error:
                raise ImportFailed(_("The file is not JSON (%(error)s).") % {"error": error}) from error
            mapping = column_mapping_from_file(
                data, organization=form.cleaned_data["organization"], by=request.user, name=form.cleaned_data["name"]
            )
        except ImportFailed as error:
            form.add_error("file", str(error))
        else:
            messages.success(request, _("Column mapping %(name)r saved.") % {"name": mapping.name})
            return redirect("staff:import_mappings")
    from django.shortcuts import render

    return render(request, "staff/imports/mapping_import.html", {"form": form})
