"""A report's figures, kept in the shared cache under the data version: computed once per state of the records.

The key names the data version (``aidtrack.ops.versions``: any change to the records makes a new one, so kept
figures are never stale), the reader class (readers with the same ``Audience.cache_key`` see the same records),
the language (labels are translated when the figures are built), today's date (a report opened without a period,
or an agreement still in force, ends today) and what was asked. The selector stays the one home of each figure:
this only spares computing it again for the next reader, of the page or of its CSV downloads.
"""

import hashlib
import logging

from django.conf import settings
from django.core.cache import cache
from django.db import DatabaseError
from django.utils import timezone
from django.utils.translation import get_language

from aidtrack.ops.versions import data_version

logger = logging.getLogger("aidtrack.reports")

MISSING = object()


def cached_figures(name: str, audience, asked, compute):
    """``compute()``, or the figures it gave for the same question on the same data, reader class and language."""
    try:
        version = data_version()
    except DatabaseError:
        return compute()  # no version known: compute, and let the page say what the database says
    raw = "|".join(
        [name, version, audience.cache_key, get_language() or "", timezone.localdate().isoformat(), repr(asked)]
    )
    key = "reports:" + hashlib.sha256(raw.encode()).hexdigest()
    figures = cache.get(key, MISSING)
    if figures is MISSING:
        figures = compute()
        try:
            cache.set(key, figures, timeout=settings.AIDTRACK_REPORT_CACHE_SECONDS)
        except Exception:  # a figure that cannot be pickled is served, not kept
            logger.warning("Could not keep the figures of %s", name, exc_info=True)
    return figures
