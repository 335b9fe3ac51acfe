"""Reading organizations' members for the people who manage them.

An organization admin sees the members of the organizations they administer;
a site admin sees every organization's. Nobody else sees member lists.
"""

import dataclasses

from django.contrib.auth import get_user_model
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils.translation import gettext as _
from django_otp.plugins.otp_totp.models import TOTPDevice

from aidtrack.orgs.models import Membership, Organization, Role
from aidtrack.orgs.permissions import MANAGE_ROLES, is_site_admin, organization_ids_of


def managed_organizations(user) -> QuerySet[Organization]:
    """The organizations whose members the user manages (every organization for a site admin)."""
    if is_site_admin(user):
        return Organization.objects.all()
    return Organization.objects.filter(pk__in=organization_ids_of(user, MANAGE_ROLES))


def manages_anyone(user) -> bool:
    return is_site_admin(user) or bool(organization_ids_of(user, MANAGE_ROLES))


def managed_user_ids(user) -> QuerySet | None:
    """The accounts whose sign-ins and downloads the user may read; ``None`` means every account (site admin)."""
    if is_site_admin(user):
        return None
    return Membership.objects.filter(organization__in=managed_organizations(user)).values("user_id").distinct()


def memberships_managed_by(user, *, organization: int | None = None, text: str = "") -> QuerySet[Membership]:
    """Members of the organizations the user manages, with whether each has two-factor sign-in."""
    memberships = Membership.objects.filter(organization__in=managed_organizations(user))
    if organization:
        memberships = memberships.filter(organization_id=organization)
    text = text.strip()
    if text:
        memberships = memberships.filter(
            Q(user__username__icontains=text)
            | Q(user__email__icontains=text)
            | Q(user__first_name__icontains=text)
            | Q(user__last_name__icontains=text)
        )
    has_authenticator = TOTPDevice.objects.filter(user=OuterRef("user_id"), confirmed=True)
    return (
        memberships.select_related("user", "organization")
        .annotate(two_factor=Exists(has_authenticator))
        .order_by("organization__name", "user__username")
    )


def membership_managed_by(user, pk: int) -> Membership | None:
    return memberships_managed_by(user).filter(pk=pk).first()


def other_memberships(membership: Membership) -> QuerySet[Membership]:
    return (
        Membership.objects.filter(user_id=membership.user_id).exclude(pk=membership.pk).select_related("organization")
    )


def organization_admin_count(organization: Organization) -> int:
    """Active organization admins of the organization."""
    return Membership.objects.filter(organization=organization, role__in=MANAGE_ROLES, user__is_active=True).count()


def membership_history(user, *, organization: int | None = None):
    """Every change to the memberships of the organizations the user manages, newest first (simple-history)."""
    rows = Membership.history.filter(organization_id__in=managed_organizations(user).values("pk"))
    if organization:
        rows = rows.filter(organization_id=organization)
    return rows.select_related("history_user").order_by("-history_date", "-history_id")


def account_history(user):
    """Changes to the accounts (activation, names, e-mail) of the members the user manages, newest first."""
    history = get_user_model().history.all()
    ids = managed_user_ids(user)
    if ids is not None:
        history = history.filter(id__in=ids)
    return history.select_related("history_user").order_by("-history_date", "-history_id")


@dataclasses.dataclass
class PeopleChange:
    when: object
    who: str
    member: str
    organization: str
    what: str


def people_changes(user, *, organization: int | None = None, limit: int = 300) -> list[PeopleChange]:
    """The latest changes to members and roles (and to the accounts of members), newest first, in words."""
    memberships = list(membership_history(user, organization=organization)[:limit])
    accounts = [] if organization else list(account_history(user)[:limit])
    users = get_user_model()._default_manager.in_bulk(
        {row.user_id for row in memberships} | {row.history_user_id for row in memberships + accounts} - {None}
    )
    organizations = Organization.objects.in_bulk({row.organization_id for row in memberships})
    earlier = _earlier_roles([row for row in memberships if row.history_type == "~"])

    def name(user_id):
        account = users.get(user_id)
        return account.get_username() if account else f"#{user_id}"

    def role(value):
        return Role(value).label if value in Role.values else value

    changes = []
    for row in memberships:
        org = organizations.get(row.organization_id)
        if row.history_type == "+":
            what = _("added as %(role)s") % {"role": role(row.role)}
        elif row.history_type == "-":
            what = _("removed (was %(role)s)") % {"role": role(row.role)}
        else:
            what = _("role %(old)s → %(new)s") % {"old": role(earlier.get(row.history_id, "")), "new": role(row.role)}
        changes.append(
            PeopleChange(
                row.history_date,
                name(row.history_user_id) if row.history_user_id else _("system"),
                name(row.user_id),
                org.short_name if org else "",
                what,
            )
        )
    changes.extend(_account_changes(accounts, name))
    return sorted(changes, key=lambda change: change.when, reverse=True)


def _earlier_roles(rows) -> dict[int, str]:
    """For each role change, the role the member had before it (one query for the whole page)."""
    if not rows:
        return {}
    history = Membership.history.filter(id__in={row.id for row in rows}).order_by("id", "history_date", "history_id")
    previous: dict[int, str] = {}
    last_role: dict[int, str] = {}
    for row in history.values("id", "history_id", "role"):
        previous[row["history_id"]] = last_role.get(row["id"], "")
        last_role[row["id"]] = row["role"]
    return previous


ACCOUNT_FIELDS = ("is_active", "email", "first_name", "last_name", "username", "is_superuser", "is_staff")


def _account_changes(rows, name) -> list[PeopleChange]:
    """Account rows in words; saves that changed nothing shown here (a password change) are left out."""
    history = get_user_model().history
    previous_of: dict[int, dict] = {}
    changed = [row for row in rows if row.history_type == "~"]
    if changed:
        last: dict[int, dict] = {}
        everything = history.filter(id__in={row.id for row in changed}).order_by("id", "history_date", "history_id")
        for values in everything.values("id", "history_id", *ACCOUNT_FIELDS):
            previous_of[values["history_id"]] = last.get(values["id"])
            last[values["id"]] = values
    changes = []
    for row in rows:
        if row.history_type == "+":
            what = _("account created")
        elif row.history_type == "-":
            what = _("account deleted")
        else:
            before = previous_of.get(row.history_id)
            if before is None:
                continue
            if before["is_active"] != row.is_active:
                what = _("account reactivated") if row.is_active else _("account deactivated")
            elif any(before[field] != getattr(row, field) for field in ACCOUNT_FIELDS):
                what = _("account details changed")
            else:
                continue
        who = name(row.history_user_id) if row.history_user_id else _("system")
        changes.append(PeopleChange(row.history_date, who, row.username, "", what))
    return changes


def party_key(text) -> str:
    """A comparable form of a party's name: case, spacing, punctuation and Arabic letter variants folded."""
    import re
    import unicodedata

    value = " ".join(unicodedata.normalize("NFKC", str(text or "")).lower().split())
    value = value.translate(str.maketrans({"أ": "ا", "إ": "ا", "آ": "ا", "ة": "ه", "ى": "ي"}))
    return re.sub(r"[\s\-_.,;:()/'’]+", " ", value).strip()


def party_names() -> dict[str, tuple[int, str]]:
    """Every name a party is known by (names in English and Arabic, aliases) -> (party id, party type), for imports."""
    from aidtrack.orgs.models import Party

    names = {}
    rows = Party.objects.values_list("pk", "name", "short_name", "name_ar", "short_name_ar", "kind", "aliases")
    for pk, name, short_name, name_ar, short_name_ar, kind, aliases in rows:
        for spelling in (name, short_name, name_ar, short_name_ar, *(aliases or [])):
            if spelling and party_key(spelling):
                names.setdefault(party_key(spelling), (pk, kind))
    return names
