// Words in the page's language. Django's JavaScript catalogue (/jsi18n/, loaded by the page before the modules)
// defines django.gettext for the language of <html lang>; without it (a page that does not load it) the English
// text stands. `makemessages -d djangojs` extracts every gettext("...") and ngettext("...", "...", n) call.

const catalogue = globalThis.django;

export function gettext(text) {
  return catalogue && catalogue.gettext ? catalogue.gettext(text) : text;
}

export function ngettext(singular, plural, count) {
  if (catalogue && catalogue.ngettext) return catalogue.ngettext(singular, plural, count);
  return count === 1 ? singular : plural;
}

// "%(name)s" placeholders, as in Django's own strings: translators may move them within the sentence.
export function format(text, values) {
  return text.replace(/%\((\w+)\)s/g, (match, key) => (key in values ? String(values[key]) : match));
}

export const pageLanguage = () => document.documentElement.lang || "en";
export const isRightToLeft = () => document.documentElement.dir === "rtl";

// Western digits in both languages (README, "Arabic and translations"); Syrian month names in Arabic.
export const intlLocale = () => (pageLanguage() === "ar" ? "ar-SY-u-nu-latn" : "en-GB");

export function pgettext(context, text) {
  return catalogue && catalogue.pgettext ? catalogue.pgettext(context, text) : text;
}

// A name in the page's language: the Arabic one in Arabic when it is known, else the English one.
export const localName = (english, arabic) => (pageLanguage() === "ar" && arabic ? arabic : english || arabic || "");
