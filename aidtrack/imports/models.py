"""The records every import keeps: each run (what was read, by whom, what changed and what was wrong) and the
column mappings saved for the next file of a partner.

They were born in ``geo`` and ``exchange``; their tables keep those names, so no row moved when they came here.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class ImportKind(models.TextChoices):
    BOUNDARIES = "boundaries", _("Administrative boundaries")
    COMMUNITIES = "communities", _("Communities")
    POPULATION = "population", _("Population table")
    ASSIGNMENT = "assignment", _("Admin-area assignment")
    INCIDENTS = "incidents", _("Incidents table")
    AREAS = "areas", _("Besieged areas table")
    CONVOYS = "convoys", _("Convoy requests table")
    CONFLICT_EVENTS = "conflict_events", _("Conflict events (ACLED)")
    ROADS = "roads", _("Roads (map context)")


class ImportStatus(models.TextChoices):
    QUEUED = "queued", _("Waiting to start")
    RUNNING = "running", _("Running")
    SUCCEEDED = "succeeded", _("Succeeded")
    DRY_RUN = "dry_run", _("Dry run (nothing written)")
    FAILED = "failed", _("Failed (nothing written)")
    INTERRUPTED = "interrupted", _("Interrupted (nothing written)")


class ImportRun(models.Model):
    """One run of an importer: what was read, by whom, what changed and what was wrong.

    A run is written outside the import's own transaction, so a failed import
    leaves its record (and its problems) while the data it tried to write is
    rolled back.
    """

    kind = models.CharField(max_length=20, choices=ImportKind.choices)
    source = models.CharField(max_length=1000, help_text=_("The file path or URL that was read."))
    source_sha256 = models.CharField("SHA-256 of the file", max_length=64, blank=True)
    source_bytes = models.PositiveBigIntegerField(null=True, blank=True)
    options = models.JSONField(default=dict, blank=True, help_text=_("The options the importer was given."))
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    started_by_name = models.CharField(
        max_length=150, blank=True, help_text=_("The account or operating-system user that started the run.")
    )
    started_at = models.DateTimeField()
    finished_at = models.DateTimeField(null=True, blank=True)
    status = models.CharField(max_length=20, choices=ImportStatus.choices, default=ImportStatus.RUNNING)
    counts = models.JSONField(default=dict, blank=True, help_text=_("e.g. added, updated, unchanged."))
    problems = models.JSONField(
        default=list, blank=True, help_text=_("Each problem: where (feature or row), P-code, severity and message.")
    )
    summary = models.TextField(blank=True)
    rows_done = models.PositiveIntegerField(
        default=0, help_text=_("Rows checked (or written) so far: a long import can be followed while it runs.")
    )
    rows_total = models.PositiveIntegerField(
        null=True, blank=True, help_text=_("About how many rows the file has, counted before the run.")
    )
    stage = models.CharField(max_length=20, blank=True, help_text=_("checking or writing, while the run works."))
    heartbeat_at = models.DateTimeField(
        null=True,
        blank=True,
        help_text=_("When the run last reported progress: a run silent for long was interrupted."),
    )
    preview = models.JSONField(
        default=list, blank=True, help_text=_("What the first rows will do (row, action, key, description).")
    )
    column_plan = models.JSONField(
        default=list,
        blank=True,
        help_text=_("Every column of the file: sample values and what it became (a field, ignored, not understood)."),
    )

    class Meta:
        db_table = "geo_importrun"  # kept from when runs lived in geo: the rows stay where they are
        ordering = ["-started_at"]
        indexes = [models.Index(fields=["kind", "-started_at"], name="importrun_kind_started_idx")]

    def __str__(self):
        return f"{self.get_kind_display()} from {self.source} ({self.get_status_display().lower()})"

    @property
    def error_count(self) -> int:
        return sum(1 for problem in self.problems if problem.get("severity") == "error")

    @property
    def warning_count(self) -> int:
        return sum(1 for problem in self.problems if problem.get("severity") == "warning")


class TableKind(models.TextChoices):
    INCIDENTS = "incidents", _("Incidents")
    AREAS = "areas", _("Besieged areas")
    CONVOYS = "convoys", _("Convoy requests")


class ColumnMapping(models.Model):
    """A named mapping from aidtrack fields to the column headers of one partner's files."""

    organization = models.ForeignKey("orgs.Organization", on_delete=models.CASCADE, related_name="column_mappings")
    kind = models.CharField(max_length=20, choices=TableKind.choices, default=TableKind.INCIDENTS)
    name = models.CharField(max_length=100, help_text=_('e.g. "SARC weekly log".'))
    columns = models.JSONField(default=dict, help_text=_("Field name -> the column header in the partner's file."))
    plan = models.JSONField(
        default=dict,
        blank=True,
        help_text=_(
            "The rest of the column plan: ignored columns, values for every row, recodings, rules, date "
            "orders and what to do with refused rows (see aidtrack.imports.plan)."
        ),
    )
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        db_table = "exchange_columnmapping"  # kept from when mappings lived in exchange
        ordering = ["organization", "kind", "name"]
        constraints = [
            models.UniqueConstraint(fields=["organization", "kind", "name"], name="column_mapping_unique_name")
        ]

    def __str__(self):
        return f"{self.name} ({self.get_kind_display().lower()}, {self.organization})"
