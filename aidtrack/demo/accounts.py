"""The demo accounts: printing them, and giving them fresh passwords.

Passwords are random, printed once when set, and stored only as hashes.
"""

import json
import secrets

from django.contrib.auth import get_user_model

from aidtrack.demo.loader import SCENARIO_FILE
from aidtrack.geo.data_officers import DATA_OFFICERS

DEMO_USERNAMES = tuple(row["username"] for row in json.loads(SCENARIO_FILE.read_text(encoding="utf-8"))["accounts"])


def reset_passwords() -> dict[str, str]:
    passwords = {}
    for user in get_user_model().objects.filter(username__in=DEMO_USERNAMES):
        password = secrets.token_urlsafe(12)
        user.set_password(password)
        user.save(update_fields=["password"])
        passwords[user.username] = password
    return passwords


def describe(user) -> str:
    if user.is_superuser:
        return "site admin"
    roles = [f"{m.get_role_display().lower()} at {m.organization.short_name}" for m in user.memberships.all()]
    if any(group.name == DATA_OFFICERS for group in user.groups.all()):
        roles.append(
            "data officer (loads boundaries, communities, population and roads at /staff/import/?kind=boundaries; "
            "sees no more records than an organization role allows)"
        )
    return ", ".join(roles) or "no role"


def print_accounts(out, passwords: dict[str, str]) -> None:
    users = (
        get_user_model()
        .objects.filter(username__in=DEMO_USERNAMES)
        .prefetch_related("memberships__organization", "groups")
    )
    if not users:
        return
    out.write("\nDemo accounts (staff sign in at /staff/; the site admin also has the Django admin at /admin/):")
    for user in sorted(users, key=lambda u: DEMO_USERNAMES.index(u.username)):
        password = passwords.get(user.username, "(unchanged — shown only when set)")
        out.write(f"  {user.username:<15} {password:<36} {describe(user)}")
    if not passwords:
        out.write("  Forgotten the passwords? `make demo-passwords` sets and prints new ones.")
    else:
        out.write("  These passwords are shown once and stored only as hashes; keep them now.")
    out.write("")
