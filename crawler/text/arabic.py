"""Arabic text normalisation: a faithful *display* form and a *folded* form.

``display()`` is what we store and show: the page's own letters, cleaned only of
invisible noise (bidi controls, zero-width marks, odd spaces) and NFC-composed.

``fold()`` is never shown to anyone. It maps every spelling variant that Arabic
writers, keyboards and fonts produce onto one form, so that hashing, deduplication,
boilerplate phrase matching and search agree on what "the same text" is.

Why our own module: pyarabic is GPL and folds ى into ا and أ into ء (losing the
distinction we want to keep in search); camel-tools pulls in torch. The rules
below are small and explicit, and each one is tested.
"""

from __future__ import annotations

import re
import unicodedata

__all__ = [
    "ARABIC_LETTERS_RE",
    "arabic_ratio",
    "display",
    "fold",
    "fold_digits",
    "strip_tashkeel",
]

# Bidi controls, zero-width characters, BOM, soft hyphen, Arabic letter mark.
_INVISIBLE = dict.fromkeys(
    map(
        ord,
        "\u200b\u200c\u200d\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u061c\ufeff\u00ad\u2060",
    ),
    None,
)
# The zero-width non-joiner (U+200C) is meaningful in Persian words; display()
# keeps it, fold() drops it.
_DISPLAY_INVISIBLE = {k: v for k, v in _INVISIBLE.items() if k != 0x200C}

_SPACES_RE = re.compile(r"[^\S\n]+")
_BLANK_LINES_RE = re.compile(r"\n\s*\n+")

# Tashkeel (harakat, tanween, shadda, sukun), Quranic annotation marks, superscript
# alef, and tatweel. U+0640 is tatweel (kashida), a purely typographic stretch.
_TASHKEEL_RE = re.compile("[\u0610-\u061a\u064b-\u065f\u0670\u06d6-\u06dc\u06df-\u06e8\u06ea-\u06ed\u0640]")

_LETTER_FOLD = str.maketrans(
    {
        # alef variants -> bare alef
        "\u0623": "\u0627",  # أ
        "\u0625": "\u0627",  # إ
        "\u0622": "\u0627",  # آ
        "\u0671": "\u0627",  # ٱ alef wasla
        "\u0672": "\u0627",
        "\u0673": "\u0627",
        # alef maqsura -> ya; Persian/Urdu yeh forms -> Arabic ya
        "\u0649": "\u064a",  # ى
        "\u06cc": "\u064a",  # ی Persian yeh
        "\u06d0": "\u064a",  # ې
        "\u06d2": "\u064a",  # ے Urdu yeh barree
        # ta marbuta -> ha; Persian/Urdu heh forms -> Arabic ha
        "\u0629": "\u0647",  # ة
        "\u06c0": "\u0647",  # ۀ
        "\u06c1": "\u0647",  # ہ heh goal
        "\u06c2": "\u0647",
        "\u06c3": "\u0647",
        "\u06d5": "\u0647",  # ە
        "\u06be": "\u0647",  # ھ heh doachashmee
        # hamza seats -> the bare seat letter (consistently: ؤ -> و, ئ -> ي)
        "\u0624": "\u0648",  # ؤ
        "\u0626": "\u064a",  # ئ
        # Persian kaf / keheh -> Arabic kaf
        "\u06a9": "\u0643",  # ک
        "\u06aa": "\u0643",
        "\u06af": "\u0643",  # گ gaf: folded for matching only
        # other Persian letters kept distinct would block matches of loanwords
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
)

_DIGITS = str.maketrans(
    {
        **{chr(0x0660 + i): str(i) for i in range(10)},  # Eastern Arabic ٠-٩
        **{chr(0x06F0 + i): str(i) for i in range(10)},  # Persian/Urdu ۰-۹
    }
)

ARABIC_LETTERS_RE = re.compile("[\u0621-\u064a\u066e-\u06d3\u06fa-\u06ff]")


def display(text: str) -> str:
    """Return the faithful display form: NFC, invisible marks removed, spaces tidied.

    Letters, tashkeel and digits are kept exactly as the page wrote them.
    Paragraph breaks (blank lines) survive; runs of other whitespace become one space.
    """
    if not text:
        return ""
    text = unicodedata.normalize("NFC", text).translate(_DISPLAY_INVISIBLE)
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    lines = [_SPACES_RE.sub(" ", line).strip() for line in text.split("\n")]
    text = "\n".join(lines).strip()
    return _BLANK_LINES_RE.sub("\n\n", text)


def strip_tashkeel(text: str) -> str:
    """Remove harakat, tanween, shadda, sukun, Quranic marks and tatweel."""
    return _TASHKEEL_RE.sub("", text)


def fold_digits(text: str) -> str:
    """Map Eastern Arabic (٠-٩) and Persian (۰-۹) digits to ASCII 0-9."""
    return text.translate(_DIGITS)


def fold(text: str) -> str:
    """Return the folded form used only for hashing, matching and search.

    NFKC (which also folds Arabic presentation forms and ligatures to letters),
    invisible marks and tashkeel/tatweel removed, alef/hamza/ya/ta-marbuta and
    Persian/Urdu letter forms unified, digits to ASCII, Latin lower-cased, and all
    whitespace collapsed to single spaces.
    """
    if not text:
        return ""
    # NFKC turns presentation forms (U+FB50-U+FDFF, U+FE70-U+FEFF) into base letters;
    # the lam-alef ligature becomes two letters.
    text = unicodedata.normalize("NFKC", text).translate(_INVISIBLE)
    text = strip_tashkeel(text)
    # Hamza-above/below combining marks left after NFKD-like sequences (U+0654/5)
    # are in the tashkeel range and already gone; NFKC recomposed the rest.
    text = text.translate(_LETTER_FOLD).translate(_DIGITS).lower()
    return " ".join(text.split())


def arabic_ratio(text: str) -> float:
    """Share of letters in *text* that are Arabic-script letters (0.0 when no letters)."""
    letters = [c for c in text if c.isalpha()]
    if not letters:
        return 0.0
    return sum(1 for c in letters if ARABIC_LETTERS_RE.match(c)) / len(letters)
