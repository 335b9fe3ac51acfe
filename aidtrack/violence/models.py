"""Conflict events in the ACLED format: a violence layer kept apart from the access incidents.

Agreements can count them when they measure "reduced violence"; they are
never mixed into the incident lists, the review queue or the access figures.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _

from aidtrack.geo.geometry import latitude_validators, longitude_validators


class ConflictEvent(models.Model):
    event_id = models.CharField(
        max_length=60,
        unique=True,
        help_text=_("The source's identifier (ACLED event_id_cnty), used to match re-imports."),
    )
    event_date = models.DateField(db_index=True)
    event_type = models.CharField(max_length=100, help_text=_("e.g. Battles, Explosions/Remote violence."))
    sub_event_type = models.CharField(max_length=100, blank=True)
    actor1 = models.CharField(max_length=300, blank=True)
    actor2 = models.CharField(max_length=300, blank=True)
    admin1_name = models.CharField(_("admin1 (as given)"), max_length=200, blank=True)
    admin2_name = models.CharField(_("admin2 (as given)"), max_length=200, blank=True)
    admin3_name = models.CharField(_("admin3 (as given)"), max_length=200, blank=True)
    location = models.CharField(max_length=200, blank=True)
    latitude = models.FloatField(validators=latitude_validators)
    longitude = models.FloatField(validators=longitude_validators)
    geo_precision = models.PositiveSmallIntegerField(default=1, help_text=_("ACLED: 1 exact, 2 near, 3 admin area."))
    fatalities = models.PositiveIntegerField(default=0)
    notes = models.TextField(blank=True)
    source = models.CharField(max_length=500, blank=True)
    admin1 = models.ForeignKey(
        "geo.AdminArea",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("governorate"),
    )
    admin2 = models.ForeignKey(
        "geo.AdminArea", on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("district")
    )
    admin3 = models.ForeignKey(
        "geo.AdminArea",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("sub-district"),
    )
    imported_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-event_date", "event_id"]
        indexes = [models.Index(fields=["event_type", "event_date"], name="conflict_type_date_idx")]

    def __str__(self):
        return f"{self.event_id}: {self.event_type} at {self.location or 'unknown place'} on {self.event_date}"
