"""Importing a spreadsheet of incidents: upload, check (dry run), read the report row by row, then commit.

The checked file is kept on the server between the dry run and the commit,
so what is written is exactly what was checked. Every run stays listed with
its result.
"""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from aidtrack.exchange.incidents import COLUMNS
from aidtrack.exchange.models import ColumnMapping
from aidtrack.exchange.uploads import commit_stored, import_upload, parse_mapping_text, stored_upload
from aidtrack.geo.importers.report import ImportFailed
from aidtrack.geo.models import ImportKind, ImportRun, ImportStatus
from aidtrack.orgs.models import Organization
from aidtrack.orgs.permissions import can_write_for


class ImportForm(forms.Form):
    organization = forms.ModelChoiceField(queryset=Organization.objects.none(), help_text="Who reported these.")
    file = forms.FileField(help_text="CSV (UTF-8 or Windows-1256, comma or semicolon), HXL CSV or XLSX.")
    mapping_name = forms.ChoiceField(required=False, label="Saved column mapping")
    mapping = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 3, "placeholder": "occurred_on=Date of event\ncategory=Constraint"}),
        label="Columns (optional)",
        help_text="One FIELD=COLUMN per line, for columns that are not recognised by name or HXL hashtag.",
    )
    save_mapping = forms.CharField(required=False, max_length=100, label="Save these columns as")

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        writable = [org.pk for org in Organization.objects.all() if can_write_for(user, org)]
        self.fields["organization"].queryset = Organization.objects.filter(pk__in=writable)
        names = ColumnMapping.objects.filter(organization_id__in=writable).values_list("name", flat=True).distinct()
        self.fields["mapping_name"].choices = [("", "— none —")] + [(n, n) for n in names]


def _runs_of(user):
    runs = ImportRun.objects.filter(kind=ImportKind.INCIDENTS)
    return runs if user.is_superuser else runs.filter(started_by=user)


@login_required
def import_page(request):
    form = ImportForm(request.POST or None, request.FILES or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            mapping = parse_mapping_text(form.cleaned_data["mapping"])
        except ImportFailed as error:
            form.add_error("mapping", str(error))
        else:
            outcome = import_upload(
                form.cleaned_data["file"],
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
    recent = _runs_of(request.user).select_related("started_by")[:20]
    return render(
        request,
        "staff/imports/upload.html",
        {"form": form, "recent": recent, "columns": COLUMNS},
    )


@login_required
def import_run(request, pk: int):
    run = get_object_or_404(_runs_of(request.user), pk=pk)
    errors = [p for p in run.problems if p.get("severity") == "error"]
    warnings = [p for p in run.problems if p.get("severity") != "error"]
    can_commit = run.status == ImportStatus.DRY_RUN and stored_upload(run) is not None and not errors
    committed = ImportRun.objects.filter(kind=ImportKind.INCIDENTS, options__checked_by_run=run.pk).first()
    return render(
        request,
        "staff/imports/run.html",
        {
            "run": run,
            "errors": errors,
            "warnings": warnings,
            "can_commit": can_commit and committed is None,
            "committed": committed,
        },
    )


@login_required
@require_POST
def import_commit(request, pk: int):
    run = get_object_or_404(_runs_of(request.user), pk=pk, status=ImportStatus.DRY_RUN)
    outcome = commit_stored(run, by=request.user)
    if outcome.run is None:
        messages.error(request, outcome.failure)
        return redirect("staff:import_run", pk=run.pk)
    if outcome.ok:
        messages.success(request, f"Imported: {outcome.report.summary()}")
    else:
        messages.error(request, outcome.failure)
    return redirect("staff:import_run", pk=outcome.run.pk)
