"""Acting on someone's sign-in as their organization admin: unlocking it, removing a lost second factor."""

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.translation import gettext as _

from aidtrack.accounts.lockout import signin_unlock
from aidtrack.accounts.log import record_account_event
from aidtrack.accounts.models import AccountEventKind, Profile
from aidtrack.accounts.two_factor import two_factor_remove
from aidtrack.orgs.permissions import manages_account


@transaction.atomic
def account_unlock(*, by, user, request=None) -> int:
    """Forget the wrong passwords counted against the account (from every address), ending its lockout."""
    if not manages_account(by, user, every_organization=False):
        raise PermissionDenied(_("You may unlock only the members of organizations you administer."))
    count = signin_unlock(username=user.get_username())
    record_account_event(kind=AccountEventKind.UNLOCKED, request=request, user=user, by=by)
    return count


@transaction.atomic
def account_two_factor_reset(*, by, user, request=None) -> None:
    """Remove the account's authenticator and recovery codes (the person lost their phone and their codes); they set
    up a new one at their next sign-in if their role requires it."""
    if by.pk != user.pk and not manages_account(by, user, every_organization=True):
        raise PermissionDenied(
            _("Only a site admin, or an admin of every organization %(user)s belongs to, may do this.")
            % {"user": user.get_username()}
        )
    two_factor_remove(user=user, by=by)
    record_account_event(kind=AccountEventKind.TWO_FACTOR_DISABLED, request=request, user=user, by=by)


@transaction.atomic
def profile_set_language(*, user, language: str) -> Profile:
    """Remember the language the person chose for their screens, so that it follows them to any browser."""
    profile, _created = Profile.objects.get_or_create(user=user)
    if profile.language != language:
        profile.language = language
        profile.full_clean()
        profile.save(update_fields=["language"])
    return profile
