"""Organizations, their members' roles, and the parties (armed actors) records name."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from aidtrack.names import in_language


class OrganizationType(models.TextChoices):
    UN_AGENCY = "un_agency", _("UN agency")
    INTERNATIONAL_NGO = "international_ngo", _("International NGO")
    NATIONAL_NGO = "national_ngo", _("National NGO")
    RED_CROSS_RED_CRESCENT = "red_cross_red_crescent", _("Red Cross / Red Crescent")
    GOVERNMENT = "government", _("Government")
    DONOR = "donor", _("Donor")
    OTHER = "other", _("Other")


class Organization(models.Model):
    name = models.CharField(_("name (English)"), max_length=200, unique=True)
    acronym = models.CharField(_("acronym (English)"), max_length=30, blank=True)
    name_ar = models.CharField(_("name (Arabic)"), max_length=200, blank=True)
    acronym_ar = models.CharField(
        _("acronym or short name (Arabic)"), max_length=60, blank=True, help_text=_("e.g. أوتشا for OCHA.")
    )
    kind = models.CharField(_("type"), max_length=30, choices=OrganizationType.choices)
    website = models.URLField(blank=True)
    is_active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    members = models.ManyToManyField(settings.AUTH_USER_MODEL, through="Membership", related_name="organizations")
    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]

    def __str__(self):
        name, short = self.display_name, self.short_name
        return f"{name} ({short})" if short != name else name

    @property
    def display_name(self) -> str:
        """The full name in the reader's language (the English one where no Arabic name is known)."""
        return in_language(self.name, self.name_ar)

    @property
    def short_name(self) -> str:
        """The acronym in the reader's language, else the name."""
        return in_language(self.acronym or self.name, self.acronym_ar or self.name_ar)


class Role(models.TextChoices):
    REPORTER = "reporter", _("Reporter")
    REVIEWER = "reviewer", _("Reviewer")
    ORGANIZATION_ADMIN = "org_admin", _("Organization admin")


class Membership(models.Model):
    """A user's role in one organization; a user may belong to several."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships")
    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(max_length=20, choices=Role.choices)
    created_at = models.DateTimeField(auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["organization__name", "user__username"]
        constraints = [
            models.UniqueConstraint(fields=["user", "organization"], name="membership_one_role_per_organization"),
        ]

    def __str__(self):
        return f"{self.user} — {self.get_role_display()} at {self.organization.short_name}"


class PartyType(models.TextChoices):
    STATE_FORCES = "state_forces", _("State forces")
    ALLIED_FORCES = "allied_forces", _("Allied forces")
    NON_STATE_ARMED_GROUP = "non_state_armed_group", _("Non-state armed group")
    LISTED_TERRORIST_GROUP = "listed_terrorist_group", _("Group listed as terrorist")
    OTHER = "other", _("Other")


class Party(models.Model):
    """An armed actor that records can name as besieging or as perpetrator."""

    name = models.CharField(_("name (English)"), max_length=200, unique=True)
    short_name = models.CharField(_("short name (English)"), max_length=60, blank=True)
    name_ar = models.CharField(_("name (Arabic)"), max_length=200, blank=True)
    short_name_ar = models.CharField(_("short name (Arabic)"), max_length=60, blank=True)
    kind = models.CharField(_("type"), max_length=30, choices=PartyType.choices)
    description = models.TextField(blank=True)
    aliases = models.JSONField(
        default=list,
        blank=True,
        help_text=_(
            "Other names of the party, in English or Arabic, as sources write them (e.g. Government of "
            "Syria, النظام السوري). Imports recognise them; a recoding made on an import adds to them."
        ),
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]
        verbose_name_plural = _("parties")

    def __str__(self):
        return self.display_name

    @property
    def display_name(self) -> str:
        """The name in the reader's language (the English one where no Arabic name is known)."""
        return in_language(self.name, self.name_ar)

    @property
    def display_short_name(self) -> str:
        return in_language(self.short_name or self.name, self.short_name_ar or self.name_ar)


class Visibility(models.TextChoices):
    """Who may see a record besides its own organization's members and site admins.

    Public: everyone (incidents once verified). Partners only: also the
    record's partner organizations (a convoy's partners). Restricted: no one else.
    """

    PUBLIC = "public", _("Public")
    PARTNERS = "partners", _("Partners only")
    RESTRICTED = "restricted", _("Restricted")
