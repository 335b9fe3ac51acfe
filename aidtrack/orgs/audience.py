"""Who is asking: the one description of a reader that every "visible to" selector uses."""

from dataclasses import dataclass

from django.db.models import Q

from aidtrack.orgs.permissions import is_site_admin, organization_ids_of

# Conditions that always / never hold, usable inside Case(When(...)) where an empty Q() is refused.
ALWAYS = Q(pk__isnull=False)
NEVER = Q(pk__isnull=True)


@dataclass(frozen=True)
class Audience:
    """A reader: a site admin, a member of some organizations, or the public."""

    is_site_admin: bool = False
    organization_ids: frozenset[int] = frozenset()

    @property
    def is_public(self) -> bool:
        return not self.is_site_admin and not self.organization_ids

    @property
    def cache_key(self) -> str:
        """Readers with the same key see exactly the same data."""
        if self.is_site_admin:
            return "admin"
        if self.is_public:
            return "public"
        return "orgs-" + "-".join(str(pk) for pk in sorted(self.organization_ids))

    def member_of(self, organization_id: int | None) -> bool:
        return self.is_site_admin or (organization_id is not None and organization_id in self.organization_ids)


PUBLIC = Audience()


def audience_of(user) -> Audience:
    if user is None or not user.is_authenticated or not user.is_active:
        return PUBLIC
    if is_site_admin(user):
        return Audience(is_site_admin=True)
    return Audience(organization_ids=frozenset(organization_ids_of(user)))
