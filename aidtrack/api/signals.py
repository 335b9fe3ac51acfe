"""A user's API tokens are revoked when their password changes or their account is deactivated, whichever screen,
command or script did it."""

from django.contrib.auth import get_user_model
from django.db.models.signals import post_save, pre_save
from django.dispatch import receiver

from aidtrack.api.services import tokens_revoke_all

User = get_user_model()


@receiver(pre_save, sender=User, dispatch_uid="aidtrack.api.tokens_note_account_change")
def note_account_change(sender, instance, raw=False, update_fields=None, **kwargs):
    if raw or instance.pk is None:
        return
    if update_fields is not None and not {"password", "is_active"} & set(update_fields):
        return
    before = User._default_manager.filter(pk=instance.pk).values("password", "is_active").first()
    instance._revoke_api_tokens = before is not None and (
        before["password"] != instance.password or (before["is_active"] and not instance.is_active)
    )


@receiver(post_save, sender=User, dispatch_uid="aidtrack.api.tokens_revoke_on_account_change")
def revoke_on_account_change(sender, instance, raw=False, **kwargs):
    if getattr(instance, "_revoke_api_tokens", False):
        instance._revoke_api_tokens = False
        tokens_revoke_all(user=instance)
