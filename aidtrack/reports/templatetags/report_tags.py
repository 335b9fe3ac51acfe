"""Reading a report table's rows in templates."""

from django import template

register = template.Library()


@register.filter
def get_item(row: dict, key: str):
    return row.get(key)


@register.filter
def is_number(value) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)
