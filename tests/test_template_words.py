"""No template shows English words that the catalogue cannot translate.

The catalogue test (test_translations.py) proves that every string marked for translation has its Arabic; this one
proves that the templates mark what they show. It reads each template with Django's own lexer, keeps the literal
text outside ``{% blocktranslate %}`` and comments, and looks, as a browser would, at the text and at the
attributes a reader meets (title, alt, placeholder, aria-label). A word of two or more Latin letters there is an
English word that an Arabic page would show as it is. The product's name is the one word allowed.
"""

import re
from html.parser import HTMLParser
from pathlib import Path

from django.conf import settings
from django.template.base import Lexer, TokenType

TEMPLATES = Path(settings.BASE_DIR) / "aidtrack"
READ_ATTRIBUTES = {"title", "alt", "placeholder", "aria-label", "label"}
UNREAD_ELEMENTS = {"script", "style", "code", "pre"}
ALLOWED = {"aidtrack"}
WORD = re.compile(r"[A-Za-z]{2,}")


class _Reader(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.words: list[str] = []
        self._unread = 0

    def handle_starttag(self, tag, attrs):
        if tag in UNREAD_ELEMENTS:
            self._unread += 1
        self.words += [f"{name}={value!r}" for name, value in attrs if name in READ_ATTRIBUTES and _english(value)]

    def handle_endtag(self, tag):
        if tag in UNREAD_ELEMENTS:
            self._unread = max(0, self._unread - 1)

    def handle_data(self, data):
        if not self._unread and _english(data):
            self.words.append(data.strip())


def _english(text: str | None) -> bool:
    return bool(text) and any(word not in ALLOWED for word in WORD.findall(text))


def literal_text(source: str) -> str:
    """The template as a reader sees it before translation: tags and variables blanked, translated blocks dropped."""
    kept, inside = [], 0
    for token in Lexer(source).tokenize():
        if token.token_type == TokenType.TEXT and not inside:
            kept.append(token.contents)
            continue
        if token.token_type == TokenType.BLOCK:
            name = token.contents.split()[0] if token.contents else ""
            if name in ("blocktranslate", "blocktrans", "comment", "verbatim"):
                inside += 1
            elif name in ("endblocktranslate", "endblocktrans", "endcomment", "endverbatim"):
                inside -= 1
        kept.append(" ")
    return "".join(kept)


def english_words(source: str) -> list[str]:
    reader = _Reader()
    reader.feed(literal_text(source))
    return reader.words


def test_the_check_finds_a_literal_word_and_passes_a_translated_one():
    assert english_words('<option value="">all</option>') == ["all"]
    assert english_words('<img alt="Map">') == ["alt='Map'"]
    assert english_words('{% load i18n %}<option value="">{% translate "all" %}</option>') == []
    assert english_words("{% blocktranslate %}by {{ user }}{% endblocktranslate %} — aidtrack") == []
    assert english_words("<script>const a = 1;</script><p>{{ value }} 5</p>") == []


def test_no_template_shows_an_untranslated_english_word():
    found = {}
    for path in sorted(TEMPLATES.rglob("templates/**/*")):
        if path.suffix in (".html", ".svg", ".txt") and path.is_file():
            words = english_words(path.read_text(encoding="utf-8"))
            if words:
                found[str(path.relative_to(settings.BASE_DIR))] = words
    assert found == {}, "mark these with {% translate %} or {% blocktranslate %} and give them their Arabic"
