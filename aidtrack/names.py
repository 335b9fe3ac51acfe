"""Names that follow the reader's language: the Arabic name in Arabic, else the English one (never an empty cell).

Admin areas, register areas, organizations, parties and agreements keep both; their ``__str__`` and ``name``-like
properties read through :func:`in_language`, so every page, form choice and admin list follows the language
chosen with the switch (README, "Arabic and translations").
"""

from django.utils import translation


def arabic_requested() -> bool:
    return (translation.get_language() or "").split("-")[0] == "ar"


def in_language(english: str, arabic: str) -> str:
    """``arabic`` when the active language is Arabic and it is known, else ``english``."""
    if arabic and arabic_requested():
        return arabic
    return english
