"""Managing an organization's people: invitations, roles, removal, deactivation.

The rules, for every caller (staff screens, admin, scripts):
- an organization admin acts on the organizations they administer; a site admin on all of them;
- roles are those of ``Role`` (reporter, reviewer, organization admin): site admin is never given here;
- an organization keeps at least one active organization admin once it has one;
- what reaches beyond one organization (deactivating an account) needs the right over every organization the
  person belongs to.
Every change is saved with its author in the history (django-simple-history).
"""

import dataclasses
import re

from django.contrib.auth import get_user_model
from django.contrib.auth.validators import UnicodeUsernameValidator
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils.translation import gettext as _

from aidtrack.orgs.models import Membership, Organization, Party, Role
from aidtrack.orgs.permissions import (
    MANAGE_ROLES,
    can_manage_members_of,
    is_site_admin,
    manages_account,
    organization_ids_of,
)

User = get_user_model()


@dataclasses.dataclass
class Invitation:
    membership: Membership
    new_account: bool

    @property
    def user(self):
        return self.membership.user


def _check_manager(by, organization: Organization) -> None:
    if not can_manage_members_of(by, organization):
        raise PermissionDenied(_("You do not manage the members of %(org)s.") % {"org": organization.short_name})


def _check_role(role: str) -> str:
    if role not in Role.values:
        raise ValidationError(
            {"role": _("Choose reporter, reviewer or organization admin. Site admins are named by a site admin.")}
        )
    return role


def _lock_admins(organization: Organization) -> list[int]:
    """The ids of the organization's active admins, locked so that two admins cannot demote each other at once."""
    rows = Membership.objects.select_for_update().filter(
        organization=organization, role__in=MANAGE_ROLES, user__is_active=True
    )
    return list(rows.values_list("pk", flat=True))


def _check_not_last_admin(membership: Membership) -> None:
    if membership.role not in MANAGE_ROLES or not membership.user.is_active:
        return
    admins = _lock_admins(membership.organization)
    if admins == [membership.pk]:
        raise ValidationError(
            _("%(user)s is the last organization admin of %(org)s: make another member organization admin first.")
            % {"user": membership.user.get_username(), "org": membership.organization.short_name}
        )


def _username_from(email: str) -> str:
    base = re.sub(r"[^\w.@+-]", "", email.split("@")[0]).strip(".")[:140] or "member"
    candidate, n = base, 1
    while User._default_manager.filter(username__iexact=candidate).exists():
        n += 1
        candidate = f"{base}{n}"
    return candidate


@transaction.atomic
def member_invite(
    *,
    by,
    organization: Organization,
    email: str,
    role: str,
    first_name: str = "",
    last_name: str = "",
    username: str = "",
) -> Invitation:
    """Add the person with this e-mail address to the organization, making their account if they have none.

    A new account has no usable password: the invitation mail carries a link to choose one (Django's
    password-reset token, valid ``PASSWORD_RESET_TIMEOUT``). An existing account is added with the role.
    """
    _check_manager(by, organization)
    _check_role(role)
    if not organization.is_active:
        raise ValidationError(_("%(org)s is not active.") % {"org": organization.short_name})
    email = User.objects.normalize_email((email or "").strip())
    try:
        validate_email(email)
    except ValidationError as error:
        raise ValidationError({"email": _("Type an e-mail address such as name@example.org.")}) from error
    accounts = list(User._default_manager.filter(email__iexact=email)[:2])
    if len(accounts) > 1:
        raise ValidationError({"email": _("Several accounts use this address: ask a site admin to add the person.")})
    if accounts:
        user, new_account = accounts[0], False
        if not user.is_active:
            raise ValidationError({"email": _("This address belongs to a deactivated account: reactivate it first.")})
        if Membership.objects.filter(user=user, organization=organization).exists():
            raise ValidationError(
                {
                    "email": _("%(user)s is already a member of %(org)s.")
                    % {"user": user.get_username(), "org": organization.short_name}
                }
            )
    else:
        username = (username or "").strip() or _username_from(email)
        if User._default_manager.filter(username__iexact=username).exists():
            raise ValidationError({"username": _("This username is taken: choose another.")})
        try:
            UnicodeUsernameValidator()(username)
        except ValidationError as error:
            raise ValidationError({"username": error.messages}) from error
        user = User(username=username, email=email, first_name=first_name.strip(), last_name=last_name.strip())
        user.set_unusable_password()
        user.full_clean()
        user._history_user = by
        user.save()
        new_account = True
    membership = Membership(user=user, organization=organization, role=role)
    membership.full_clean()
    membership._history_user = by
    membership.save()
    return Invitation(membership=membership, new_account=new_account)


@transaction.atomic
def member_set_role(*, by, membership: Membership, role: str) -> Membership:
    """Give a member another role in the organization."""
    _check_manager(by, membership.organization)
    _check_role(role)
    membership = Membership.objects.select_for_update().select_related("user", "organization").get(pk=membership.pk)
    if membership.role == role:
        return membership
    if role not in MANAGE_ROLES:
        _check_not_last_admin(membership)
    membership.role = role
    membership.full_clean()
    membership._history_user = by
    membership.save()
    return membership


@transaction.atomic
def member_remove(*, by, membership: Membership) -> bool:
    """Take a member out of the organization. An account left in no organization is deactivated (a site admin's
    is kept). Returns whether the account was deactivated."""
    _check_manager(by, membership.organization)
    membership = Membership.objects.select_for_update().select_related("user", "organization").get(pk=membership.pk)
    _check_not_last_admin(membership)
    user = membership.user
    membership._history_user = by
    membership.delete()
    if user.is_superuser or not user.is_active or Membership.objects.filter(user=user).exists():
        return False
    _set_active(user, False, by)
    return True


def _check_account_manager(by, user) -> None:
    if not manages_account(by, user, every_organization=True):
        raise PermissionDenied(
            _("Only a site admin, or an admin of every organization %(user)s belongs to, may do this.")
            % {"user": user.get_username()}
        )


def _set_active(user, active: bool, by) -> None:
    user.is_active = active
    user._history_user = by
    user.save(update_fields=["is_active"])


@transaction.atomic
def account_deactivate(*, by, user) -> None:
    """Stop an account from signing in (its sessions end and its API tokens are revoked); its memberships stay,
    so reactivating it gives back its roles."""
    _check_account_manager(by, user)
    user = User._default_manager.select_for_update().get(pk=user.pk)
    if not user.is_active:
        return
    for membership in Membership.objects.filter(user=user).select_related("user", "organization"):
        _check_not_last_admin(membership)
    _set_active(user, False, by)


@transaction.atomic
def account_reactivate(*, by, user) -> None:
    _check_account_manager(by, user)
    user = User._default_manager.select_for_update().get(pk=user.pk)
    if not user.is_active:
        _set_active(user, True, by)


@transaction.atomic
def party_add_aliases(*, party, aliases: list[str], by) -> Party:
    """Add names a source uses for ``party`` (a recoding learned on an import), so the next file is recognised."""
    from aidtrack.orgs.selectors import party_key

    if by is None or not by.is_authenticated or not (organization_ids_of(by) or is_site_admin(by)):
        raise PermissionDenied(_("Only members of an organization may name parties."))
    party = Party.objects.select_for_update().get(pk=party.pk)
    known = {party_key(name) for name in (party.name, party.short_name, *party.aliases)}
    added = [alias.strip()[:200] for alias in aliases if alias.strip() and party_key(alias) not in known]
    if added:
        party.aliases = [*party.aliases, *dict.fromkeys(added)]
        party.full_clean()
        party.save(update_fields=["aliases"])
    return party
