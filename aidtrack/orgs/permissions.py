"""Who may do what for which organization: the one place role rules are read from."""

from aidtrack.orgs.models import Membership, Organization, Role

WRITE_ROLES = (Role.REPORTER, Role.REVIEWER)
REVIEW_ROLES = (Role.REVIEWER,)
MANAGE_ROLES = (Role.ORGANIZATION_ADMIN,)


def is_site_admin(user) -> bool:
    return bool(user and user.is_active and user.is_superuser)


def has_role(user, organization: Organization | int | None, roles) -> bool:
    """True if the user holds one of ``roles`` in the organization, or is a site admin."""
    if user is None or not user.is_authenticated or not user.is_active:
        return False
    if is_site_admin(user):
        return True
    if organization is None:
        return False
    organization_id = organization if isinstance(organization, int) else organization.pk
    return Membership.objects.filter(user=user, organization_id=organization_id, role__in=roles).exists()


def can_write_for(user, organization) -> bool:
    """Reporters and reviewers enter and edit records for their own organizations."""
    return has_role(user, organization, WRITE_ROLES)


def can_review_for(user, organization) -> bool:
    return has_role(user, organization, REVIEW_ROLES)


def can_manage_members_of(user, organization) -> bool:
    return has_role(user, organization, MANAGE_ROLES)


def organization_ids_of(user, roles=None) -> set[int]:
    """The organizations a user belongs to (optionally with one of ``roles``)."""
    if user is None or not user.is_authenticated:
        return set()
    memberships = Membership.objects.filter(user=user)
    if roles is not None:
        memberships = memberships.filter(role__in=roles)
    return set(memberships.values_list("organization_id", flat=True))


def manages_account(by, user, *, every_organization: bool) -> bool:
    """Whether ``by`` may act on ``user``'s account as an organization admin.

    ``every_organization``: for what reaches beyond one organization (deactivating the account, removing its
    second factor), ``by`` must administer every organization the user belongs to; otherwise one is enough
    (unlocking a sign-in). Only a site admin acts on a site admin's account, or on an account with no organization.
    """
    if is_site_admin(by):
        return True
    if user.is_superuser or (every_organization and user.pk == getattr(by, "pk", None)):
        return False
    theirs = organization_ids_of(user)
    mine = organization_ids_of(by, MANAGE_ROLES)
    if not theirs:
        return False
    return theirs <= mine if every_organization else bool(theirs & mine)
