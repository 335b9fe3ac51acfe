"""Template helpers for the staff screens."""

from django import template

from aidtrack.staff.selectors import reviewable_organization_ids

register = template.Library()


@register.filter
def reviews_anything(user) -> bool:
    """Whether to offer the verification queue: site admins and reviewers of any organization."""
    organizations = reviewable_organization_ids(user)
    return organizations is None or bool(organizations)
