"""API tokens: a user's named keys for scripts, stored only as hashes, each with an end date."""

import hashlib

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext_lazy as _


def hash_key(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def password_fingerprint(user) -> str:
    """Changes whenever the user's password does, without revealing it (Django signs sessions the same way)."""
    return salted_hmac("aidtrack.api.token", user.password, algorithm="sha256").hexdigest()


class ApiToken(models.Model):
    """One key a user made for a script; shown once at creation, revocable at any time, valid until it expires.

    Changing the password or deactivating the account revokes every token of the user.
    """

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(max_length=100, help_text=_("What the token is for, e.g. 'HDX export script'."))
    prefix = models.CharField(max_length=8, editable=False, help_text=_("The key's first characters, to recognise it."))
    key_hash = models.CharField(max_length=64, unique=True, editable=False)
    password_fingerprint = models.CharField(
        max_length=64, blank=True, editable=False, help_text=_("Of the password the user had when making the token.")
    )
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField(help_text=_("After this, the token no longer works."))
    last_used_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("API token")

    def __str__(self):
        return f"{self.name} ({self.prefix}…) of {self.user}"

    @property
    def expired(self) -> bool:
        return self.expires_at <= timezone.now()
