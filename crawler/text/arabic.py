"""Arabic text normalisation: a faithful *display* form and a *folded* form.

``display()`` is what we store and show: the page's own letters, cleaned only of
invisible noise (bidi controls, zero-width marks, odd spaces) and NFC-composed.

``fold()`` is never shown to anyone. It maps every spelling variant that Arabic
writers, keyboards and fonts produce onto one form, so that hashing, deduplication,
boilerplate phrase matching and search agree on what "the same text" is.

Why our own module: pyarabic is GPL and folds ى into ا and أ into ء (losing the
distinction we want to keep in search); camel-tools pulls in torch. The rules
below are small and explicit, and each one is tested.

Speed: both functions run on every stored article (and ``fold`` on every
near-duplicate candidate), so they avoid ``str.translate`` with a dict, which costs
about 60 ns per character on non-ASCII text. ``display`` removes with one regex
substitution; ``fold`` maps the text's code points through a table with numpy
(:func:`fold_reference` is the same mapping with regexes and ``str.replace``).
"""

from __future__ import annotations

import functools
import re
import unicodedata

import numpy as np

__all__ = [
    "ARABIC_LETTERS_RE",
    "arabic_ratio",
    "display",
    "fold",
    "fold_digits",
    "fold_reference",
    "strip_tashkeel",
]

# Bidi controls (LRM, RLM, embeddings, overrides, isolates, ALM), zero-width
# space/joiners, word joiner, invisible operators, BOM, soft hyphen.
_INVISIBLE_CHARS = (
    "\u200b\u200c\u200d\u200e\u200f\u202a\u202b\u202c\u202d\u202e"
    "\u2060\u2061\u2062\u2063\u2064\u2066\u2067\u2068\u2069\u061c\ufeff\u00ad"
)
# The zero-width non-joiner (U+200C) is part of Persian spelling (می‌شود); display()
# keeps it, fold() drops it.
_DISPLAY_INVISIBLE_RE = re.compile("[" + _INVISIBLE_CHARS.replace("\u200c", "") + "]")

# Tashkeel (harakat, tanween, shadda, sukun, combining hamza above/below), Quranic
# annotation marks, superscript alef, extended-Arabic Quranic marks, and tatweel
# (U+0640, a purely typographic stretch).
_TASHKEEL_CLASS = (
    "\u0610-\u061a\u064b-\u065f\u0670\u06d6-\u06dc\u06df-\u06e8\u06ea-\u06ed\u08d3-\u08e1\u08e3-\u08ff\u0640"
)
_TASHKEEL_RE = re.compile(f"[{_TASHKEEL_CLASS}]")
# What fold() deletes: invisible marks, tashkeel, tatweel, and the "high hamza"
# U+0674 that NFKC leaves after the letter in ٵ ٶ ٸ (so ٵ folds like أ).
_FOLD_REMOVE_RE = re.compile(f"[{_INVISIBLE_CHARS}{_TASHKEEL_CLASS}\u0674]")

_ALEF = "\u0627"
_YA = "\u064a"
_HA = "\u0647"
_LETTER_FOLD: dict[str, str] = {
    # alef with hamza above/below, madda, wasla, wavy hamza -> bare alef
    "\u0623": _ALEF,  # أ
    "\u0625": _ALEF,  # إ
    "\u0622": _ALEF,  # آ
    "\u0671": _ALEF,  # ٱ
    "\u0672": _ALEF,
    "\u0673": _ALEF,
    # alef maqsura and Persian/Urdu/Kurdish yeh forms -> Arabic ya
    "\u0649": _YA,  # ى
    "\u06cc": _YA,  # ی Persian yeh
    "\u06d0": _YA,  # ې
    "\u06d2": _YA,  # ے Urdu yeh barree
    "\u06d3": _YA,  # ۓ
    "\u063d": _YA,
    "\u063e": _YA,
    "\u063f": _YA,
    # ta marbuta and Persian/Urdu heh forms -> Arabic ha
    "\u0629": _HA,  # ة
    "\u06c0": _HA,  # ۀ
    "\u06c1": _HA,  # ہ heh goal
    "\u06c2": _HA,
    "\u06c3": _HA,
    "\u06d5": _HA,  # ە
    "\u06be": _HA,  # ھ heh doachashmee
    # hamza seats -> the bare seat letter, consistently: ؤ -> و, ئ -> ي (a hamza
    # written above its seat and the combining U+0654 after the seat agree)
    "\u0624": "\u0648",  # ؤ
    "\u0626": _YA,  # ئ
    # Persian kaf / keheh, and gaf, -> Arabic kaf
    "\u06a9": "\u0643",  # ک
    "\u06aa": "\u0643",  # ڪ
    "\u06af": "\u0643",  # گ
    # Letters for sounds Arabic lacks, used in loanwords and names: writers alternate
    # with the nearest Arabic letter (ڤيروس / فيروس), so match them as that letter.
    "\u067e": "\u0628",  # پ -> ب
    "\u0686": "\u062c",  # چ -> ج
    "\u0698": "\u0632",  # ژ -> ز
    "\u06a4": "\u0641",  # ڤ -> ف
    # Arabic punctuation -> ASCII, so phrase matching ignores the script
    "\u060c": ",",  # ،
    "\u061b": ";",  # ؛
    "\u061f": "?",  # ؟
    "\u066a": "%",  # ٪
    "\u066b": ".",  # ٫ decimal separator
    "\u066c": ",",  # ٬ thousands separator
    "\u06d4": ".",  # ۔ Urdu full stop
}
_DIGIT_FOLD: dict[str, str] = {
    **{chr(0x0660 + i): str(i) for i in range(10)},  # Eastern Arabic ٠-٩
    **{chr(0x06F0 + i): str(i) for i in range(10)},  # Persian/Urdu ۰-۹
}
_FOLD_REPLACE = {**_LETTER_FOLD, **_DIGIT_FOLD}
_FOLD_REPLACE_RE = re.compile("[" + "".join(_FOLD_REPLACE) + "]")
_DIGIT_RE = re.compile("[" + "".join(_DIGIT_FOLD) + "]")

# Whitespace runs other than a lone space (a lone space needs no change, and most
# spaces are lone, so matching only the others keeps display() fast).
_SPACES_RE = re.compile(r" [^\S\n]+|[^\S\n ][^\S\n]*")
_BLANK_LINES_RE = re.compile(r"\n\s*\n+")
_LINE_EDGE_SPACES_RE = re.compile(r" \n ?|\n ")

_SURROGATE_RE = re.compile("[\ud800-\udfff]")

ARABIC_LETTERS_RE = re.compile("[\u0621-\u064a\u066e-\u06d3\u06fa-\u06ff]")


def display(text: str) -> str:
    """Return the faithful display form: NFC, invisible marks removed, spaces tidied.

    Letters, tashkeel and digits are kept exactly as the page wrote them.
    Paragraph breaks (blank lines) survive; runs of other whitespace become one space.
    """
    if not text:
        return ""
    # Marks first: removing one from between two combining marks can un-normalise them.
    text = _DISPLAY_INVISIBLE_RE.sub("", text)
    if not unicodedata.is_normalized("NFC", text):
        text = unicodedata.normalize("NFC", text)
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = _SPACES_RE.sub(" ", text)
    text = _LINE_EDGE_SPACES_RE.sub("\n", text).strip()
    return _BLANK_LINES_RE.sub("\n\n", text)


def strip_tashkeel(text: str) -> str:
    """Remove harakat, tanween, shadda, sukun, Quranic marks and tatweel."""
    return _TASHKEEL_RE.sub("", text)


def fold_digits(text: str) -> str:
    """Map Eastern Arabic (٠-٩) and Persian (۰-۹) digits to ASCII 0-9."""
    return _replace_found(text, _DIGIT_RE, _DIGIT_FOLD)


def fold(text: str) -> str:
    """Return the folded form used only for hashing, matching and search.

    NFKC (which also folds Arabic presentation forms and ligatures to letters),
    invisible marks and tashkeel/tatweel removed, alef/hamza/ya/ta-marbuta and
    Persian/Urdu letter forms unified, digits to ASCII, Latin lower-cased, and all
    whitespace collapsed to single spaces. ``fold(fold(x)) == fold(x)``.

    Runs as one table look-up over the text's code points (about 3x faster than the
    regex-and-replace :func:`fold_reference`, which gives the same result and handles
    the rare texts the table cannot: characters outside the Basic Multilingual Plane,
    or whose lower case is several characters).
    """
    if not text:
        return ""
    if not unicodedata.is_normalized("NFKC", text):
        text = unicodedata.normalize("NFKC", text)
    table, slow = _fold_table()
    try:
        encoded = text.encode("utf-32-le")
    except UnicodeEncodeError:  # lone surrogates (a JSON-LD "\ud800" escape): not text
        text = _SURROGATE_RE.sub("", text)
        if not text:
            return ""
        encoded = text.encode("utf-32-le")
    cp = np.frombuffer(encoded, dtype=np.uint32)
    if int(cp.max()) >= _BMP or slow[cp].any():
        return fold_reference(text)
    out = table[cp]
    out = out[out != _DROP]
    space = out == _SPACE
    keep = ~space
    keep[1:] |= space[1:] & ~space[:-1]  # the first space of each run
    out = out[keep]
    start, stop = int(len(out) > 0 and out[0] == _SPACE), len(out) - int(len(out) > 0 and out[-1] == _SPACE)
    folded = out[start:stop].tobytes().decode("utf-32-le")
    if not unicodedata.is_normalized("NFKC", folded):
        return fold_reference(folded)  # a removed mark sat between two characters that now compose
    return folded


def fold_reference(text: str) -> str:
    """:func:`fold` written with regexes and ``str`` methods: the definition the fast path
    is tested against, and its fallback."""
    if not text:
        return ""
    # NFKC turns presentation forms (U+FB50-U+FDFF, U+FE70-U+FEFF) into base letters,
    # the lam-alef ligature into two letters, and composes alef/waw/ya + combining hamza.
    if not unicodedata.is_normalized("NFKC", text):
        text = unicodedata.normalize("NFKC", text)
    text = _FOLD_REMOVE_RE.sub("", text)
    text = _replace_found(text, _FOLD_REPLACE_RE, _FOLD_REPLACE).lower()
    text = " ".join(text.split())
    if not unicodedata.is_normalized("NFKC", text):
        # Rare: a removed mark sat between two characters that now compose (or
        # lower() produced a compatibility character). Fold again to a fixed point.
        return fold_reference(text)
    return text


_BMP = 0x10000
_DROP = np.uint32(0xFFFFFFFF)
_SPACE = np.uint32(0x20)


@functools.cache
def _fold_table() -> tuple[np.ndarray, np.ndarray]:
    """(code point -> folded code point, _DROP for removed, 0x20 for whitespace) over the
    BMP, and the code points whose lower case is not one character (slow path)."""
    table = np.arange(_BMP, dtype=np.uint32)
    slow = np.zeros(_BMP, dtype=bool)
    for c in range(_BMP):
        ch = chr(c)
        if _FOLD_REMOVE_RE.match(ch):
            table[c] = _DROP
            continue
        ch = _FOLD_REPLACE.get(ch, ch)
        lower = ch.lower()
        if ch.isspace():
            table[c] = _SPACE
        elif len(lower) == 1:
            table[c] = ord(lower)
        else:
            slow[c] = True
    return table, slow


def _replace_found(text: str, pattern: re.Pattern[str], table: dict[str, str]) -> str:
    for char in set(pattern.findall(text)):
        text = text.replace(char, table[char])
    return text


def arabic_ratio(text: str) -> float:
    """Share of letters in *text* that are Arabic-script letters (0.0 when no letters)."""
    letters = [c for c in text if c.isalpha()]
    if not letters:
        return 0.0
    return sum(1 for c in letters if ARABIC_LETTERS_RE.match(c)) / len(letters)
