"""Language of a page from its letters and function words: ``ar``, ``fa``, ``ur`` or the page's own code.

``<html lang>`` is often wrong on Arabic-script sites (templates say ``ar`` on Persian
pages and the reverse), so Arabic-script text decides by letter forms and common words;
``<html lang>`` only names languages in other scripts.
"""

from __future__ import annotations

import re
from collections import Counter

__all__ = ["detect_lang"]

_ARABIC_SCRIPT = re.compile("[\u0600-\u06ff\u0750-\u077f\ufb50-\ufdff\ufe70-\ufeff]")
_LATIN_ETC = re.compile(r"[^\W\d_\u0600-\u06ff\u0750-\u077f\ufb50-\ufdff\ufe70-\ufeff]")
_URDU_LETTERS = "ٹڈڑںےۓ"  # retroflex letters, noon ghunna, yeh barree: Urdu only
_PERSIAN_LETTERS = "پچژگ"  # not Arabic; shared by Persian and Urdu
_ARABIC_LETTERS = "ةىيكإأؤ"  # Persian/Urdu write ی and ک, rarely ة
_WORD_RE = re.compile(r"[\u0600-\u06ff\u200c]+")
_FA_WORDS = frozenset(
    [
        "است",
        "این",
        "را",
        "که",
        "می\u200cشود",
        "های",
        "برای",
        "از",
        "با",
        "شد",
        "بود",
        "آن",
        "یک",
        "خود",
        "نیز",
        "کرد",
        "شده",
        "اند",
    ]
)
_UR_WORDS = frozenset(["کے", "کی", "ہے", "میں", "اور", "سے", "کا", "نے", "کو", "ہیں", "بھی", "گیا"])
_AR_WORDS = frozenset(
    [
        "في",
        "من",
        "على",
        "إلى",
        "الى",
        "التي",
        "الذي",
        "أن",
        "ان",
        "عن",
        "مع",
        "هذا",
        "هذه",
        "كان",
        "قد",
        "لا",
        "ما",
    ]
)


def _code(html_lang: str | None) -> str | None:
    if not html_lang:
        return None
    code = html_lang.strip().lower().replace("_", "-").split("-")[0]
    return code if re.fullmatch(r"[a-z]{2,3}", code) else None


def detect_lang(text: str, html_lang: str | None = None) -> str | None:
    """``ar`` / ``fa`` / ``ur`` for Arabic-script text, else the page's declared code (or None)."""
    sample = text[:20000]
    arabic = len(_ARABIC_SCRIPT.findall(sample))
    other = len(_LATIN_ETC.findall(sample))
    if arabic == 0 or arabic < other:
        code = _code(html_lang)
        return None if code in ("ar", "fa", "ur") else code
    letters = Counter(c for c in sample if c in _URDU_LETTERS + _PERSIAN_LETTERS + _ARABIC_LETTERS)
    words = Counter(_WORD_RE.findall(sample))
    ur = sum(letters[c] for c in _URDU_LETTERS) + 3 * sum(words[w] for w in _UR_WORDS)
    fa = sum(letters[c] for c in _PERSIAN_LETTERS) + 3 * sum(words[w] for w in _FA_WORDS)
    ar = sum(letters[c] for c in _ARABIC_LETTERS) + 3 * sum(words[w] for w in _AR_WORDS)
    if ur > max(fa, ar) * 0.5 and ur > 10:
        return "ur"
    if fa > ar:
        return "fa"
    return "ar"
