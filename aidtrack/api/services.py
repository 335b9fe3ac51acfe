"""Creating and revoking API tokens."""

import datetime
import secrets

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from aidtrack.api.models import ApiToken, hash_key, password_fingerprint

MAX_TOKENS_PER_USER = 20


@transaction.atomic
def token_create(*, user, name: str, days: int | None = None) -> tuple[ApiToken, str]:
    """Make a token for ``user`` valid for ``days`` (``AIDTRACK_API_TOKEN_DAYS`` by default); returns it with the
    key, which is never stored and cannot be shown again."""
    name = (name or "").strip()
    if not name:
        raise ValidationError({"name": _("Say what the token is for, e.g. 'HDX export script'.")})
    days = settings.AIDTRACK_API_TOKEN_DAYS if days is None else days
    if not 1 <= days <= settings.AIDTRACK_API_TOKEN_MAX_DAYS:
        raise ValidationError(
            {"days": _("A token lasts from 1 to %(max)d days.") % {"max": settings.AIDTRACK_API_TOKEN_MAX_DAYS}}
        )
    now = timezone.now()
    if ApiToken.objects.filter(user=user, expires_at__gt=now).count() >= MAX_TOKENS_PER_USER:
        raise ValidationError(
            {
                "name": _("You already have %(max)d tokens: revoke one you no longer use first.")
                % {"max": MAX_TOKENS_PER_USER}
            }
        )
    key = secrets.token_urlsafe(32)
    token = ApiToken(
        user=user,
        name=name,
        prefix=key[:8],
        key_hash=hash_key(key),
        password_fingerprint=password_fingerprint(user),
        expires_at=now + datetime.timedelta(days=days),
    )
    token.full_clean()
    token.save()
    return token, key


@transaction.atomic
def token_revoke(*, token: ApiToken, by) -> None:
    if token.user_id != by.pk:
        raise PermissionDenied(_("You can revoke only your own tokens."))
    token.delete()


@transaction.atomic
def tokens_revoke_all(*, user) -> int:
    """Revoke every token of the user (their password changed, or the account was deactivated)."""
    return ApiToken.objects.filter(user=user).delete()[0]


def token_is_current(token: ApiToken) -> bool:
    """Not expired, and made under the password its owner has now."""
    return not token.expired and token.password_fingerprint == password_fingerprint(token.user)
