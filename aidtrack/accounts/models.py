"""The sign-in and download log, and the history of user accounts.

Entries name the account and the client (address, browser) and never hold a
password, a one-time code or a token key. They are kept for
``AIDTRACK_ACCOUNT_LOG_DAYS`` days (``manage.py prune_account_log``).
"""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history import register
from simple_history.models import HistoricalRecords


class AccountHistory(HistoricalRecords):
    """History of user accounts, without a row for each sign-in (Django saves ``last_login`` then)."""

    def post_save(self, instance, created, using=None, **kwargs):
        update_fields = kwargs.get("update_fields")
        if not created and update_fields and set(update_fields) <= {"last_login"}:
            return
        super().post_save(instance, created, using=using, **kwargs)


# Who changed an account (invited, deactivated, renamed), as for every other record. Password hashes and sign-in
# times stay out of the history: the first are secrets, the second change at every sign-in.
register(
    get_user_model(),
    app="aidtrack.accounts",
    records_class=AccountHistory,
    excluded_fields=["password", "last_login"],
)


class AccountEventKind(models.TextChoices):
    SIGNED_IN = "signed_in", _("Signed in")
    SIGN_IN_FAILED = "sign_in_failed", _("Sign-in failed")
    LOCKED_OUT = "locked_out", _("Locked out")
    SECOND_FACTOR_FAILED = "second_factor_failed", _("Wrong one-time code")
    SIGNED_OUT = "signed_out", _("Signed out")
    SESSION_EXPIRED = "session_expired", _("Session expired")
    PASSWORD_CHANGED = "password_changed", _("Password changed")
    TWO_FACTOR_ENABLED = "two_factor_enabled", _("Two-factor sign-in turned on")
    TWO_FACTOR_DISABLED = "two_factor_disabled", _("Two-factor sign-in turned off")
    RECOVERY_CODES_CREATED = "recovery_codes_created", _("New recovery codes")
    TOKEN_CREATED = "token_created", _("API token created")
    TOKEN_REVOKED = "token_revoked", _("API token revoked")
    UNLOCKED = "unlocked", _("Sign-in unlocked")


FAILURE_KINDS = (AccountEventKind.SIGN_IN_FAILED, AccountEventKind.LOCKED_OUT, AccountEventKind.SECOND_FACTOR_FAILED)


class ClientEntry(models.Model):
    """When, which account and from which client: what every log entry holds."""

    at = models.DateTimeField(_("when"), auto_now_add=True, db_index=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("account"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="%(class)ss",
    )
    username = models.CharField(
        _("username"),
        max_length=150,
        blank=True,
        help_text=_("The account's username at the time (empty for a username that matches no account)."),
    )
    ip_address = models.GenericIPAddressField(_("address"), null=True, blank=True)
    user_agent = models.CharField(_("browser or client"), max_length=300, blank=True)

    class Meta:
        abstract = True
        ordering = ["-at", "-pk"]


class AccountEvent(ClientEntry):
    """Something that happened to an account's access: a sign-in, a failure, a lockout, a second factor, a token."""

    kind = models.CharField(_("what"), max_length=30, choices=AccountEventKind.choices)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("done by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_("Who did it, when not the account itself (e.g. an administrator unlocking it)."),
    )
    detail = models.CharField(_("detail"), max_length=300, blank=True)

    class Meta(ClientEntry.Meta):
        verbose_name = _("sign-in log entry")
        verbose_name_plural = _("sign-in log")
        indexes = [models.Index(fields=["user", "-at"], name="account_event_user_at")]

    def __str__(self):
        return f"{self.at:%Y-%m-%d %H:%M} {self.get_kind_display()} {self.username}"

    @property
    def is_failure(self) -> bool:
        return self.kind in FAILURE_KINDS


class ExportEvent(ClientEntry):
    """One download of records by a signed-in user: what (path, format, filters), how many rows, from where."""

    path = models.CharField(_("what"), max_length=300, help_text=_("The address of the list downloaded."))
    format = models.CharField(_("format"), max_length=20)
    filters = models.JSONField(_("filters"), default=dict, blank=True)
    rows = models.PositiveIntegerField(_("rows"), null=True, blank=True)

    class Meta(ClientEntry.Meta):
        verbose_name = _("download log entry")
        verbose_name_plural = _("download log")
        indexes = [models.Index(fields=["user", "-at"], name="export_event_user_at")]

    def __str__(self):
        return f"{self.at:%Y-%m-%d %H:%M} {self.username} {self.path} ({self.format})"


class Profile(models.Model):
    """What an account keeps about its person beyond Django's user: for now, the language of its screens."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, verbose_name=_("account"), on_delete=models.CASCADE, related_name="profile"
    )
    language = models.CharField(
        _("language"),
        max_length=8,
        choices=settings.LANGUAGES,
        blank=True,
        help_text=_("The language of the screens, applied at each sign-in; empty follows the browser."),
    )

    class Meta:
        verbose_name = _("profile")
        verbose_name_plural = _("profiles")

    def __str__(self):
        return str(self.user)
