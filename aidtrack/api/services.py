"""Creating and revoking API tokens."""

import secrets

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from aidtrack.api.models import ApiToken, hash_key

MAX_TOKENS_PER_USER = 20


@transaction.atomic
def token_create(*, user, name: str) -> tuple[ApiToken, str]:
    """Make a token for ``user``; returns it with the key, which is never stored and cannot be shown again."""
    name = (name or "").strip()
    if not name:
        raise ValidationError({"name": "Say what the token is for, e.g. 'HDX export script'."})
    if ApiToken.objects.filter(user=user).count() >= MAX_TOKENS_PER_USER:
        raise ValidationError(
            {"name": f"You already have {MAX_TOKENS_PER_USER} tokens: revoke one you no longer use first."}
        )
    key = secrets.token_urlsafe(32)
    token = ApiToken(user=user, name=name, prefix=key[:8], key_hash=hash_key(key))
    token.full_clean()
    token.save()
    return token, key


@transaction.atomic
def token_revoke(*, token: ApiToken, by) -> None:
    if token.user_id != by.pk:
        raise PermissionDenied("You can revoke only your own tokens.")
    token.delete()
