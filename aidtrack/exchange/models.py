"""Saved column mappings: how a partner's spreadsheet columns map to aidtrack's fields, kept for the next file."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class TableKind(models.TextChoices):
    INCIDENTS = "incidents", _("Incidents")
    AREAS = "areas", _("Besieged areas")
    CONVOYS = "convoys", _("Convoy requests")


class ColumnMapping(models.Model):
    """A named mapping from aidtrack fields to the column headers of one partner's files."""

    organization = models.ForeignKey("orgs.Organization", on_delete=models.CASCADE, related_name="column_mappings")
    kind = models.CharField(max_length=20, choices=TableKind.choices, default=TableKind.INCIDENTS)
    name = models.CharField(max_length=100, help_text='e.g. "SARC weekly log".')
    columns = models.JSONField(default=dict, help_text=_("Field name -> the column header in the partner's file."))
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["organization", "kind", "name"]
        constraints = [
            models.UniqueConstraint(fields=["organization", "kind", "name"], name="column_mapping_unique_name")
        ]

    def __str__(self):
        return f"{self.name} ({self.get_kind_display().lower()}, {self.organization})"
