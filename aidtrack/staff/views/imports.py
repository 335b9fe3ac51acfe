"""Importing a spreadsheet of incidents, besieged areas or convoy requests: upload, check, read row by row, commit.

The checked file is kept on the server between the dry run and the commit,
so what is written is exactly what was checked. A large file runs in the
background: its page shows the progress and, when it ends, the result, which
stays listed with every other run.
"""

import datetime

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from aidtrack.imports.files import file_kinds, may_import_file
from aidtrack.imports.kinds import table_kinds
from aidtrack.imports.mappings import PRESET, column_mapping_delete, column_mapping_edit
from aidtrack.imports.models import ColumnMapping, ImportKind, ImportRun, ImportStatus
from aidtrack.imports.plan import SKIP
from aidtrack.imports.report import ImportFailed
from aidtrack.imports.runs import live_progress
from aidtrack.imports.tabular import PREVIEW_ROWS, row_of
from aidtrack.imports.uploads import commit_stored, import_upload, parse_mapping_text, stored_upload
from aidtrack.orgs.models import Organization
from aidtrack.staff.selectors import writable_organizations
from aidtrack.staff.views.geo_imports import geo_commit, geo_import_page, geo_kinds_for
from aidtrack.staff.views.import_plan import plan_form

# Which rows of the preview a filter shows.
SHOWN = {
    "all": None,
    "error": {"error"},
    "create": {"create"},
    "update": {"update"},
    "skipped": {"unchanged", "duplicate"},
    "warning": None,
}
FILTERS = [
    ("all", gettext_lazy("All rows")),
    ("error", gettext_lazy("Errors")),
    ("warning", gettext_lazy("Warnings")),
    ("create", gettext_lazy("To create")),
    ("update", gettext_lazy("To update")),
    ("skipped", gettext_lazy("Skipped")),
]


class ImportForm(forms.Form):
    organization = forms.ModelChoiceField(
        queryset=Organization.objects.none(),
        label=gettext_lazy("Organization"),
        help_text=gettext_lazy("Who recorded these."),
    )
    file = forms.FileField(
        label=gettext_lazy("File"),
        help_text=gettext_lazy("CSV (UTF-8 or Windows-1256, comma or semicolon), HXL CSV or XLSX."),
    )
    mapping_name = forms.ChoiceField(required=False, label=gettext_lazy("Saved column mapping or preset"))
    mapping = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        label=gettext_lazy("Columns (optional)"),
        help_text=gettext_lazy(
            "One FIELD=COLUMN per line, for columns that are not recognised by name or HXL hashtag; you can also "
            "choose them on the column plan after the check."
        ),
    )
    save_mapping = forms.CharField(required=False, max_length=100, label=gettext_lazy("Save these columns as"))

    def __init__(self, *args, user, kind, **kwargs):
        super().__init__(*args, **kwargs)
        writable = _writable(user)
        self.fields["organization"].queryset = Organization.objects.filter(pk__in=writable)
        if len(writable) == 1:
            self.fields["organization"].initial = writable[0]
        names = (
            ColumnMapping.objects.filter(organization_id__in=writable, kind=kind.name)
            .values_list("name", flat=True)
            .distinct()
        )
        presets = [(f"{PRESET}{key}", _("Preset: %(name)s") % {"name": p["label"]}) for key, p in kind.presets.items()]
        self.fields["mapping_name"].choices = [("", _("— none —"))] + presets + [(n, n) for n in names]
        self.fields["mapping"].widget.attrs["placeholder"] = kind.example_mapping


def _runs_of(user):
    """The runs a user follows here: their own imports, tables and geodata; a site administrator's, every run
    (boundaries, communities and population started on the server's command line included)."""
    kinds = [*table_kinds(), *file_kinds()]
    if user.is_superuser:
        return ImportRun.objects.filter(kind__in=kinds)
    return ImportRun.objects.filter(kind__in=kinds, started_by=user)


def _kind_name(request) -> str:
    name = request.POST.get("kind") or request.GET.get("kind") or "incidents"
    if name not in table_kinds() and name not in file_kinds():
        raise Http404(_("No import of “%(name)s”.") % {"name": name})
    return name


def _tabs(request) -> dict:
    """What the page's tabs and its list of recent imports show, whichever kind is open."""
    return {
        "kinds": table_kinds().values(),
        "geo_kinds": [(kind.name, ImportKind(kind.name).label) for kind in geo_kinds_for(request.user)],
        "recent": _runs_of(request.user).select_related("started_by")[:20],
    }


@login_required
def import_page(request):
    name = _kind_name(request)
    if name in file_kinds():
        return geo_import_page(request, file_kinds()[name], tabs=_tabs(request))
    kind = table_kinds()[name]
    form = ImportForm(request.POST or None, request.FILES or None, user=request.user, kind=kind)
    if request.method == "POST" and form.is_valid():
        try:
            mapping = parse_mapping_text(form.cleaned_data["mapping"])
        except ImportFailed as error:
            form.add_error("mapping", str(error))
        else:
            outcome = import_upload(
                form.cleaned_data["file"],
                kind=kind.name,
                organization=form.cleaned_data["organization"],
                by=request.user,
                dry_run=True,
                mapping=mapping,
                mapping_name=form.cleaned_data["mapping_name"],
                save_mapping=form.cleaned_data["save_mapping"],
                keep=True,
            )
            if outcome.run is not None:
                if not outcome.ok:
                    messages.error(request, outcome.failure)
                return redirect("staff:import_run", pk=outcome.run.pk)
            form.add_error("file", outcome.failure)
    return render(request, "staff/imports/upload.html", {"form": form, "kind": kind, **_tabs(request)})


def _preview(run: ImportRun, show: str) -> list[dict]:
    wanted = SHOWN.get(show)
    rows = run.preview or []
    if show == "warning":
        return [row for row in rows if any(p["severity"] == "warning" for p in row.get("problems", []))]
    return rows if wanted is None else [row for row in rows if row["action"] in wanted]


def progress_unit(run: ImportRun) -> str:
    """What a run counts as it goes: the features of a map layer, or the rows of a table."""
    return "features" if run.kind in (ImportKind.BOUNDARIES, ImportKind.ROADS) else "rows"


@login_required
def import_run(request, pk: int):
    run = live_progress(get_object_or_404(_runs_of(request.user), pk=pk))
    kind = table_kinds().get(run.kind)
    geo_kind = file_kinds().get(run.kind)
    errors = [p for p in run.problems if p.get("severity") == "error"]
    warnings = [p for p in run.problems if p.get("severity") != "error"]
    stored = stored_upload(run) is not None
    used = (run.options or {}).get("effective_plan") or (run.options or {}).get("plan") or {}
    skipping = used.get("refused_rows") == SKIP
    blocking = [p for p in errors if row_of(p.get("where", "")) is None] if skipping else errors
    can_commit = run.status == ImportStatus.DRY_RUN and stored and not blocking
    if geo_kind is not None:
        can_commit = can_commit and may_import_file(request.user, geo_kind)
    committed = ImportRun.objects.filter(kind=run.kind, options__checked_by_run=run.pk).first()
    show = request.GET.get("show", "all")
    if show not in SHOWN:
        show = "all"
    preview = _preview(run, show)
    # Problems not tied to a row of the preview (the file as a whole, or rows past the preview).
    shown_rows = {row["row"] for row in run.preview or []}
    other_errors = [p for p in errors if row_of(p.get("where", "")) not in shown_rows]
    other_warnings = [p for p in warnings if row_of(p.get("where", "")) not in shown_rows]
    return render(
        request,
        "staff/imports/run.html",
        {
            "run": run,
            "kind": kind,
            "geo_kind": geo_kind,
            "unit": progress_unit(run),
            "errors": errors,
            "warnings": warnings,
            "other_errors": other_errors,
            "other_warnings": other_warnings,
            "can_commit": can_commit and committed is None,
            "committed": committed,
            "preview": preview,
            "show": show,
            "filters": FILTERS,
            "working": run.status in (ImportStatus.QUEUED, ImportStatus.RUNNING),
            "preview_cut": len(run.preview or []) >= PREVIEW_ROWS,
            "plan_form": plan_form(run) if stored and run.options.get("dry_run") else None,
            "column_plan": run.column_plan or [],
            "refused_count": (run.counts or {}).get("rows refused (left out)", 0),
            "skipping": skipping,
        },
    )


@login_required
def import_progress(request, pk: int):
    """The run's progress as JSON, polled by its page while it works."""
    run = live_progress(get_object_or_404(_runs_of(request.user), pk=pk))
    return JsonResponse(
        {
            "status": run.status,
            "status_label": run.get_status_display(),
            "stage": run.stage,
            "rows_done": run.rows_done,
            "rows_total": run.rows_total,
            "unit": progress_unit(run),
            "finished": run.status not in (ImportStatus.QUEUED, ImportStatus.RUNNING),
            "url": reverse("staff:import_run", args=[run.pk]),
            # The column plan is kept once the file's first rows are read, while the rest is still checked.
            "column_plan": bool(run.column_plan),
        }
    )


@login_required
@require_POST
def import_commit(request, pk: int):
    run = get_object_or_404(_runs_of(request.user), pk=pk, status=ImportStatus.DRY_RUN)
    if run.kind in file_kinds():
        return geo_commit(request, run)
    outcome = commit_stored(run, by=request.user)
    if outcome.run is None:
        messages.error(request, outcome.failure)
        return redirect("staff:import_run", pk=run.pk)
    if outcome.queued:
        messages.info(request, _("The import runs in the background; this page follows it."))
    elif outcome.ok:
        messages.success(request, _("Imported: %(summary)s") % {"summary": outcome.report.summary()})
    else:
        messages.error(request, outcome.failure)
    return redirect("staff:import_run", pk=outcome.run.pk)


class MappingForm(forms.Form):
    organization = forms.ModelChoiceField(label=gettext_lazy("Organization"), queryset=Organization.objects.none())
    kind = forms.ChoiceField(label=gettext_lazy("Kind of table"))
    name = forms.CharField(label=gettext_lazy("Name"), max_length=100, help_text='e.g. "SARC weekly log".')
    columns = forms.CharField(
        label=gettext_lazy("Columns"),
        widget=forms.Textarea(attrs={"rows": 10}),
        help_text=gettext_lazy("One FIELD=COLUMN per line: the aidtrack field, then the header in the partner's file."),
    )
    # The mapping's last change when the form was shown, to the microsecond (a date field would round it).
    loaded_at = forms.CharField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organization"].queryset = Organization.objects.filter(pk__in=_writable(user))
        self.fields["kind"].choices = [(kind.name, kind.noun.capitalize()) for kind in table_kinds().values()]

    def clean_columns(self):
        try:
            return parse_mapping_text(self.cleaned_data["columns"])
        except ImportFailed as error:
            raise forms.ValidationError(str(error)) from error


def _writable(user) -> list[int]:
    return list(writable_organizations(user).values_list("pk", flat=True))


def _moment(text: str):
    try:
        return datetime.datetime.fromisoformat(text)
    except ValueError:
        return datetime.datetime.min.replace(tzinfo=datetime.UTC)  # unknown: counts as changed meanwhile


def _mapping_text(columns: dict) -> str:
    return "\n".join(f"{field_name}={column}" for field_name, column in columns.items())


@login_required
def mapping_list(request):
    mappings = ColumnMapping.objects.filter(organization_id__in=_writable(request.user)).select_related(
        "organization", "updated_by"
    )
    return render(request, "staff/imports/mappings.html", {"mappings": mappings, "kinds": table_kinds()})


@login_required
def mapping_edit(request, pk: int | None = None):
    writable = _writable(request.user)
    mapping = get_object_or_404(ColumnMapping, pk=pk, organization_id__in=writable) if pk else None
    if mapping is not None:
        initial = {
            "organization": mapping.organization_id,
            "kind": mapping.kind,
            "name": mapping.name,
            "columns": _mapping_text(mapping.columns),
            "loaded_at": mapping.updated_at.isoformat(),
        }
    else:
        initial = {"kind": request.GET.get("kind", "incidents"), "organization": writable[0] if writable else None}
    form = MappingForm(request.POST or None, initial=initial, user=request.user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            column_mapping_edit(
                mapping=mapping,
                kind=data["kind"],
                organization=data["organization"],
                name=data["name"],
                columns=data["columns"],
                by=request.user,
                loaded_at=_moment(data["loaded_at"]) if mapping is not None else None,
            )
        except ValidationError as error:
            if hasattr(error, "error_dict"):
                for field_name, problems in error.message_dict.items():
                    form.add_error(field_name if field_name in form.fields else None, problems)
            else:
                form.add_error(None, error.messages)
                mapping.refresh_from_db()
                form.data = form.data.copy()
                form.data["columns"] = _mapping_text(mapping.columns)
                form.data["loaded_at"] = mapping.updated_at.isoformat()
        else:
            messages.success(request, _("Column mapping “%(name)s” saved.") % {"name": data["name"]})
            return redirect("staff:import_mappings")
    kind = table_kinds().get(form["kind"].value()) or table_kinds()["incidents"]
    return render(request, "staff/imports/mapping_form.html", {"form": form, "mapping": mapping, "kind": kind})


@login_required
@require_POST
def mapping_delete(request, pk: int):
    mapping = get_object_or_404(ColumnMapping, pk=pk, organization_id__in=_writable(request.user))
    column_mapping_delete(mapping=mapping, by=request.user)
    messages.success(request, _("Column mapping “%(name)s” deleted.") % {"name": mapping.name})
    return redirect("staff:import_mappings")
