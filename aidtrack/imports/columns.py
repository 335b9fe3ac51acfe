"""Recognising columns by the names real OCHA files use (and by HXL hashtag).

Real files vary: ADM1_PCODE, admin1Pcode, Admin1_Pcode and Admin1Pcode all
mean the same thing. Names are compared after lower-casing and dropping
everything but letters and digits, of any script (Arabic headers such as
"خط العرض" keep their letters, less short vowels and tatweel); HXL hashtags
are compared as written, without attributes order mattering.
"""

import re

from django.utils.translation import gettext as _

from aidtrack.imports.report import ImportFailed


def normalise(name: str) -> str:
    return re.sub(r"[\W_\u0640]", "", str(name).lower())


def pcode_names(level: int) -> set[str]:
    return {f"adm{level}pcode", f"admin{level}pcode", f"adm{level}code", f"admin{level}code", f"adm{level}pcod"}


def name_en_names(level: int) -> set[str]:
    return {
        f"adm{level}en",
        f"adm{level}nameen",
        f"admin{level}nameen",
        f"admin{level}en",
        f"adm{level}name",
        f"admin{level}name",
        f"admin{level}nameeng",
    }


def name_ar_names(level: int) -> set[str]:
    return {f"adm{level}ar", f"adm{level}namear", f"admin{level}namear", f"admin{level}ar", f"admin{level}namearabic"}


def hxl_tag(text: str) -> tuple[str, frozenset[str]] | None:
    """('#adm1', {'code'}) for '#adm1 +code', or None when the text is no hashtag."""
    text = str(text).strip().lower().replace(" ", "")
    if not re.fullmatch(r"#[a-z][a-z0-9_]*(\+[a-z][a-z0-9_]*)*", text):
        return None
    tag, *attributes = text.split("+")
    return tag, frozenset(attributes)


def find_column(columns, names, *, hashtags=(), explicit: str | None = None, what: str = "") -> str | None:
    """The column matching ``explicit``, else one of ``names`` (the first found, when they are in order), else one
    of the HXL ``hashtags``.

    ``columns`` maps each column to its HXL hashtag (or None). A hashtag
    pattern is (tag, required attributes, forbidden attributes).
    """
    if explicit:
        if explicit in columns:
            return explicit
        raise ImportFailed(
            _("--map %(field)s=%(column)s: the file has no column %(column)r; its columns are: %(columns)s.")
            % {"field": what, "column": explicit, "columns": ", ".join(str(c) for c in columns)}
        )
    by_normal = {normalise(column): column for column in columns}
    for name in names:
        if name in by_normal:
            return by_normal[name]
    for tag, required, forbidden in hashtags:
        for column, hashtag in columns.items():
            if hashtag and hashtag[0] == tag and required <= hashtag[1] and not (forbidden & hashtag[1]):
                return column
    return None


def parse_mapping(pairs: list[str] | None, allowed: set[str]) -> dict[str, str]:
    """Turn ``["pcode=CODE", "name_en=NAME"]`` into a dict, refusing unknown fields."""
    mapping = {}
    for pair in pairs or ():
        field, sep, column = pair.partition("=")
        field = field.strip()
        if not sep or not column.strip():
            raise ImportFailed(
                _("--map %(pair)r: write it as FIELD=COLUMN, e.g. --map pcode=ADM3_PCODE.") % {"pair": pair}
            )
        if field not in allowed:
            raise ImportFailed(
                _("--map %(pair)r: %(field)r is not a field; use one of %(fields)s.")
                % {"pair": pair, "field": field, "fields": ", ".join(sorted(allowed))}
            )
        mapping[field] = column.strip()
    return mapping
