"""Agreements such as cessations of hostilities, and the conditions they set."""

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from aidtrack.incidents.models import Category
from aidtrack.names import in_language


class Agreement(models.Model):
    name = models.CharField(_("name (English)"), max_length=200, unique=True)
    name_ar = models.CharField(_("name (Arabic)"), max_length=200, blank=True)
    starts_at = models.DateTimeField(help_text=_("When it took effect (e.g. sundown, 12 September 2016)."))
    ends_at = models.DateTimeField(null=True, blank=True, help_text=_("Blank while it is in force."))
    announced_on = models.DateField(null=True, blank=True)
    brokers = models.CharField(_("brokers"), max_length=300, blank=True, help_text=_("e.g. United States and Russia."))
    brokers_ar = models.CharField(_("brokers (Arabic)"), max_length=300, blank=True)
    areas = models.ManyToManyField(
        "areas.Area", related_name="agreements", blank=True, help_text=_("Register areas it names.")
    )
    governorates = models.ManyToManyField(
        "geo.AdminArea",
        related_name="agreements",
        blank=True,
        limit_choices_to={"level__lte": 1},
        help_text=_("The country or governorates it covers."),
    )
    excluded_parties = models.ManyToManyField(
        "orgs.Party", related_name="+", blank=True, help_text=_("Parties it does not apply to.")
    )
    summary = models.TextField(_("summary"), blank=True)
    summary_ar = models.TextField(
        _("summary (Arabic)"), blank=True, help_text=_("Shown to readers of the Arabic pages; blank: the English one.")
    )
    source = models.CharField(max_length=500, blank=True)

    history = HistoricalRecords(m2m_fields=[areas, excluded_parties])

    class Meta:
        ordering = ["-starts_at"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_at__isnull=True) | models.Q(ends_at__gt=models.F("starts_at")),
                name="agreement_end_after_start",
            ),
        ]

    def __str__(self):
        return self.display_name

    def clean(self):
        if self.ends_at and self.starts_at and self.ends_at <= self.starts_at:
            raise ValidationError({"ends_at": _("The end must be after the start.")})

    @property
    def display_name(self) -> str:
        """The name in the reader's language (the English one where no Arabic name is known)."""
        return in_language(self.name, self.name_ar)

    @property
    def display_brokers(self) -> str:
        return in_language(self.brokers, self.brokers_ar)

    @property
    def display_summary(self) -> str:
        return in_language(self.summary, self.summary_ar)


class ConditionKind(models.TextChoices):
    REDUCED_VIOLENCE = "reduced_violence", _("Reduced violence")
    SUSTAINED_ACCESS = "sustained_access", _("Sustained humanitarian access")


class AgreementCondition(models.Model):
    """A condition that holds or not on each day; the agreement needs a run of days met.

    Reduced violence holds on a day when the incidents of the counted
    categories in the covered governorates, not caused by an excluded party,
    number no more than ``max_incidents_per_day`` (with the conflict events of
    ``counted_conflict_event_types`` added, when the condition lists any). Sustained access holds on a
    day when every listed area has had an access incident (a delivery) within
    the last ``max_days_without_access`` days.
    """

    agreement = models.ForeignKey(Agreement, on_delete=models.CASCADE, related_name="conditions")
    kind = models.CharField(max_length=30, choices=ConditionKind.choices)
    description = models.TextField(_("description"), help_text=_("The condition in the agreement's words."))
    description_ar = models.TextField(
        _("description (Arabic)"), blank=True, help_text=_("The condition in Arabic; blank: the English one.")
    )
    required_consecutive_days = models.PositiveSmallIntegerField(default=7)
    max_incidents_per_day = models.PositiveIntegerField(
        null=True, blank=True, help_text=_("Reduced violence: most incidents a day that still count as reduced.")
    )
    counted_categories = models.JSONField(
        default=list,
        blank=True,
        help_text=format_lazy(
            _("Reduced violence: incident categories counted (default: {hostilities}, {violence_against_aid})."),
            hostilities=Category.HOSTILITIES.label,
            violence_against_aid=Category.VIOLENCE_AGAINST_AID.label,
        ),
    )
    counted_conflict_event_types = models.JSONField(
        default=list,
        blank=True,
        help_text=_(
            "Reduced violence: also count conflict events (the ACLED violence layer) of these event types, "
            'e.g. ["Battles", "Explosions/Remote violence"]; empty: conflict events are not counted.'
        ),
    )
    areas = models.ManyToManyField(
        "areas.Area", related_name="+", blank=True, help_text=_("Sustained access: areas that must be reached.")
    )
    max_days_without_access = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text=_("Sustained access: longest gap between deliveries, in days.")
    )

    history = HistoricalRecords(m2m_fields=[areas])

    class Meta:
        ordering = ["agreement", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(required_consecutive_days__gte=1), name="condition_needs_at_least_one_day"
            ),
        ]

    def __str__(self):
        return f"{self.agreement}: {self.get_kind_display()}"

    @property
    def display_description(self) -> str:
        """The condition's words in the reader's language (the English ones where no Arabic is known)."""
        return in_language(self.description, self.description_ar)

    def clean(self):
        unknown = set(self.counted_categories or []) - set(Category.values)
        if unknown:
            raise ValidationError(
                {
                    "counted_categories": _("Unknown categories %(unknown)s: use %(known)s.")
                    % {"unknown": ", ".join(sorted(unknown)), "known": ", ".join(Category.values)}
                }
            )
        if self.kind == ConditionKind.REDUCED_VIOLENCE and self.max_incidents_per_day is None:
            raise ValidationError({"max_incidents_per_day": _("Reduced violence needs a daily threshold.")})
        if self.kind == ConditionKind.SUSTAINED_ACCESS and self.max_days_without_access is None:
            raise ValidationError({"max_days_without_access": _("Sustained access needs a longest gap in days.")})
