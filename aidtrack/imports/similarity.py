"""Comparing names as people spell them: Syrian place and party names in Latin or Arabic script.

Names reach us transliterated in many ways (Madaya, Mudaya, Madaia; al-Zabadani, Az-Zabdani, Zabadani) and in
Arabic with or without the article and diacritics. ``normalise`` gives a comparable form; ``similarity`` ranks
two normalised names from 0 to 1: exact, prefix, consonant skeleton, then edit distance and shared trigrams.
The staff search, the place matcher of the importers and the recoding suggestions all use these.
"""

import re
import unicodedata

MIN_SCORE = 0.55
# Transliterated forms of the Arabic article, written before a hyphen or a space:
# al-, el-, as-, az-, ad-, ash- ... (the "sun letter" assimilation).
LATIN_ARTICLE = re.compile(r"\b(?:[ae]l|[ae][dnrstz]|[ae](?:sh|th|dh))[-‐‑–—\s'’]+")
# Ayn and hamza are written as apostrophes, or not at all: Wa'er and Waer are one name.
APOSTROPHES = re.compile(r"['’‘ʿʾ`]")
ARABIC_DIACRITICS = re.compile("[\u064b-\u065f\u0670\u0640]")
ARABIC_LETTERS = str.maketrans({"أ": "ا", "إ": "ا", "آ": "ا", "ٱ": "ا", "ى": "ي", "ة": "ه", "ؤ": "و", "ئ": "ي"})
PCODE = re.compile(r"^[A-Za-z]{1,3}[0-9A-Za-z]*\d[0-9A-Za-z]*$")


def _is_arabic(text: str) -> bool:
    return any("\u0600" <= ch <= "\u06ff" for ch in text)


def normalise(text: str) -> str:
    """A comparable form of a place name, in Latin or Arabic script."""
    text = unicodedata.normalize("NFKC", text or "").strip()
    if _is_arabic(text):
        text = ARABIC_DIACRITICS.sub("", text).translate(ARABIC_LETTERS)
        words = [w[2:] if w.startswith("ال") and len(w) > 3 else w for w in text.split()]
        return " ".join(words)
    text = unicodedata.normalize("NFKD", text.lower())
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    text = LATIN_ARTICLE.sub("", text)
    text = APOSTROPHES.sub("", text)
    text = re.sub(r"[^a-z0-9]+", " ", text)
    return " ".join(text.split())


def skeleton(text: str) -> str:
    """Consonants only, doubled letters collapsed: Madaya and Mudaya both become "mdy"."""
    text = text.replace("q", "k").replace("ou", "u").replace(" ", "")
    text = re.sub(r"[aeiou]", "", text)
    return re.sub(r"(.)\1+", r"\1", text)


def edit_distance(a: str, b: str) -> int:
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        current = [i]
        for j, cb in enumerate(b, 1):
            current.append(min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (ca != cb)))
        previous = current
    return previous[-1]


def _trigrams(text: str) -> set[str]:
    padded = f"  {text} "
    return {padded[i : i + 3] for i in range(len(padded) - 2)}


def similarity(query: str, name: str) -> float:
    """How well a normalised query matches a normalised name, from 0 to 1."""
    if not query or not name:
        return 0.0
    if query == name:
        return 1.0
    if name.startswith(query):
        return 0.92
    if f" {query}" in f" {name}":
        return 0.88
    if not _is_arabic(query) and len(query) >= 3 and skeleton(query) == skeleton(name):
        return 0.8
    best = 0.0
    for candidate in {name, *name.split()}:
        distance = edit_distance(query, candidate)
        by_edits = 1 - distance / max(len(query), len(candidate))
        a, b = _trigrams(query), _trigrams(candidate)
        by_trigrams = len(a & b) / len(a | b)
        best = max(best, 0.75 * by_edits + 0.25 * by_trigrams)
    return round(best, 3)
