"""Template helpers for the staff screens."""

from django import template

from aidtrack.orgs import selectors as orgs_selectors
from aidtrack.staff.selectors import reviewable_organization_ids

register = template.Library()

PEOPLE_PAGES = {"people", "sign_in_log", "download_log", "people_changes"}


@register.filter
def reviews_anything(user) -> bool:
    """Whether to offer the verification queue: site admins and reviewers of any organization."""
    organizations = reviewable_organization_ids(user)
    return organizations is None or bool(organizations)


@register.filter
def manages_anyone(user) -> bool:
    """Whether to offer the People pages: organization admins and site admins."""
    return orgs_selectors.manages_anyone(user)


@register.filter
def is_people_page(url_name) -> bool:
    return bool(url_name) and (url_name in PEOPLE_PAGES or url_name.startswith("member_"))
