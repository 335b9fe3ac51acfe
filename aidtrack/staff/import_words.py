"""The words an import counts by, for the catalogue.

An import run keeps its counts under English keys ("to create", "rows with errors"), since the pages and the
API read them as codes; the run's page and its summary translate a key when they show it. Listing the keys here
with ``gettext_noop`` puts them in locale/ar/LC_MESSAGES/django.po. Nothing reads them from this module.
"""

from django.utils.translation import gettext_noop

COUNTS = (
    gettext_noop("to create"),
    gettext_noop("to update"),
    gettext_noop("unchanged (skipped)"),
    gettext_noop("duplicates (skipped)"),
    gettext_noop("created"),
    gettext_noop("updated"),
    gettext_noop("rows refused (left out)"),
    gettext_noop("in another country (left out)"),
    gettext_noop("rows with errors"),
    gettext_noop("areas to create"),
    gettext_noop("areas created"),
    gettext_noop("status periods to record"),
    gettext_noop("status periods recorded"),
    gettext_noop("register areas added"),
    gettext_noop("register areas unchanged"),
    gettext_noop("register periods closed"),
    gettext_noop("register status changes"),
    gettext_noop("rows left to hand-made register areas"),
    gettext_noop("communities added"),
    gettext_noop("communities updated"),
    gettext_noop("communities unchanged"),
    gettext_noop("codes matching no area"),
    gettext_noop("points outside their stated area"),
    gettext_noop("added"),
    gettext_noop("lines read"),
    gettext_noop("lines kept"),
    gettext_noop("unchanged"),
    gettext_noop("areas kept though not in this file"),
)
