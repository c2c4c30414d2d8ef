"""A lexicon of Arabic (and some Persian / English / German) boilerplate phrases.

Phrases are folded once at import with :func:`crawler.text.arabic.fold` (hamza/alef
forms, ta marbuta, alef maqsura and Persian ی unified, tanween and tatweel dropped) and
compiled into patterns that accept every raw spelling folding to them; so «إقرأ أيضاً»,
«اقرا ايضا» and «اقـرأ أيضًا» all match «اقرأ أيضا» without folding each text node of a
page. A marker matches at the start of a text, followed by an optional colon, dash or
ellipsis; one-word phrases need that separator (or the end of the text).

Why our own: no maintained library knows Arabic news-page boilerplate; trafilatura
and friends keep these lines in the body (see ARCHITECTURE.md).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from crawler.text.arabic import fold

__all__ = [
    "BOILERPLATE_CLASS_RE",
    "EMBED_CLASS_RE",
    "KINDS",
    "Marker",
    "byline_rest",
    "is_boilerplate_line",
    "match_marker",
    "original_rest",
]

# kind -> phrases. Kinds with a field: read_also, related, tags, source.
# "drop" lines carry nothing worth keeping (share bars, prompts, forms, credits).
_PHRASES: dict[str, tuple[str, ...]] = {
    "read_also": (
        "اقرأ أيضا",
        "اقرأ ايضا",
        "اقرأ كذلك",
        "اقرأ المزيد",
        "اقرأ أيضا في",
        "اقرئي أيضا",
        "إقرأ",
        "اقرأ",
        "شاهد أيضا",
        "شاهد كذلك",
        "طالع أيضا",
        "طالع كذلك",
        "طالع",
        "تابع أيضا",
        "يمكنك أيضا قراءة",
        "للمزيد اقرأ",
        "لمزيد من التفاصيل اقرأ",
        "اقرأ/ي أيضا",
        "اقرأ ايضاً",
        "بیشتر بخوانید",
        "بخوانید",
        "read also",
        "read more",
        "see also",
        "also read",
        "lesen sie auch",
        "lesen sie mehr",
        "weiterlesen",
        "zum artikel",
        "lire aussi",
        "à lire aussi",
    ),
    "related": (
        "مقالات مشابهة",
        "مقالات ذات صلة",
        "أخبار ذات صلة",
        "اخبار ذات صله",
        "مواضيع ذات صلة",
        "موضوعات ذات صلة",
        "مواد ذات صلة",
        "قصص ذات صلة",
        "روابط ذات صلة",
        "ذات صلة",
        "أخبار متعلقة",
        "مواضيع متعلقة",
        "مقالات متعلقة",
        "أخبار مشابهة",
        "مواضيع مشابهة",
        "أخبار مقترحة",
        "مقالات مقترحة",
        "مقترحات",
        "الأكثر قراءة",
        "الأكثر قراءة اليوم",
        "الأكثر مشاهدة",
        "الأكثر تداولا",
        "الأكثر تعليقا",
        "الأكثر شعبية",
        "الأكثر انتشارا",
        "قد يعجبك أيضا",
        "قد يعجبك",
        "قد يهمك أيضا",
        "قد يهمك",
        "ننصحك بقراءة",
        "اخترنا لك",
        "المزيد من الأخبار",
        "مزيد من الأخبار",
        "المزيد حول هذه القصة",
        "آخر الأخبار",
        "أحدث الأخبار",
        "أخبار أخرى",
        "مقالات أخرى",
        "عناوين أخرى",
        "في نفس السياق",
        "مطالب مرتبط",
        "related",
        "related articles",
        "related stories",
        "more stories",
        "most read",
        "most popular",
        "recommended",
        "recommended videos",
        "ähnliche artikel",
        "mehr zum thema",
        "das könnte sie auch interessieren",
        "auch interessant",
        "sur le même sujet",
    ),
    "tags": (
        "كلمات دلالية",
        "الكلمات الدلالية",
        "الكلمات المفتاحية",
        "كلمات مفتاحية",
        "الكلمات الدليلية",
        "وسوم",
        "الوسوم",
        "وسم",
        "تاغ",
        "تاجات",
        "علامات",
        "الموضوعات المتعلقة",
        "برچسب ها",
        "برچسب‌ها",
        "برچسب",
        "tags",
        "keywords",
        "topics",
    ),
    "source": (
        "المصدر",
        "مصدر الخبر",
        "المصادر",
        "مصدر",
        "نقلا عن",
        "منبع",
        "source",
    ),
    "drop": (
        "شارك",
        "شارك الخبر",
        "شارك المقال",
        "شارك هذا المقال",
        "شاركها",
        "شارك على",
        "مشاركة",
        "شارك برأيك",
        "تابعونا على",
        "تابعونا عبر",
        "تابعنا على",
        "تابعنا عبر",
        "تابعوا",
        "تابعونا",
        "تابع آخر الأخبار",
        "تابعوا آخر الأخبار",
        "انضم إلى قناتنا",
        "انضموا إلى قناتنا",
        "اشترك في النشرة",
        "اشترك في نشرتنا",
        "اشترك الآن",
        "اشترك",
        "النشرة البريدية",
        "النشرة الإخبارية",
        "حمل تطبيق",
        "حمّل تطبيق",
        "نزل تطبيق",
        "حمل التطبيق",
        "تطبيق",
        "اضغط هنا",
        "انقر هنا",
        "للاشتراك",
        "التعليقات",
        "تعليقات",
        "أضف تعليق",
        "أضف تعليقك",
        "اترك تعليقا",
        "اكتب تعليقك",
        "إرسال",
        "طباعة",
        "نسخ الرابط",
        "تم نسخ الرابط",
        "حجم الخط",
        "إعلان",
        "مساحة إعلانية",
        "جميع الحقوق محفوظة",
        "حقوق النشر",
        "الرئيسية",
        "الصفحة الرئيسية",
        "تصوير",
        "صورة",
        "الصورة",
        "مصدر الصورة",
        "صورة أرشيفية",
        "صورة من الأرشيف",
        "حقوق الصورة",
        "تعليق على الصورة",
        "التعليق على الصورة",
        "شاهد الفيديو",
        "فيديو",
        "شاهد",
        "اشترك في قناتنا",
        "لمتابعة",
        "تابع",
        "advertisement",
        "share",
        "follow us",
        "anzeige",
        "werbung",
        "article content",
        "sign up",
        "lesedauer",
        "fehler gefunden",
        "publicité",
        "اشتراک",
        "اشتراک گذاری",
        "اشتراک‌گذاری",
        "همرسانی",
    ),
    "byline": (
        "كتب",
        "كتبت",
        "كتب ـ",
        "بقلم",
        "تقرير",
        "حوار",
        "إعداد",
        "اعداد",
        "ترجمة",
        "تحرير",
        "متابعة",
        "بواسطة",
        "مراسل",
        "مراسلة",
        "by",
        "نویسنده",
    ),
}
KINDS = tuple(_PHRASES)

# A phrase, then a separator or the end. Longest phrases first so "اقرأ أيضا" wins over "اقرأ".
_SEP = r"\s*(?:[:：\-–—_|»>/…]|\.{2,})*\s*"


# Characters that fold() drops inside words: tashkeel, tatweel, zero-width and bidi marks.
_MARKS = "[\u0610-\u061a\u064b-\u065f\u0670\u0640\u200b-\u200f\u061c\ufeff]*"


def _variants() -> dict[str, str]:
    """folded character -> every raw character that folds to it (Arabic block and ASCII)."""
    table: dict[str, set[str]] = {}
    for cp in [*range(0x20, 0x7F), *range(0x0600, 0x0700)]:
        raw = chr(cp)
        folded = fold(raw)
        if len(folded) == 1:
            table.setdefault(folded, set()).add(raw)
    return {k: "".join(sorted(v)) for k, v in table.items()}


def _raw_pattern(phrase: str, variants: dict[str, str]) -> str:
    """A regex matching *phrase* (folded) in raw page text, however it is spelled there.

    Matching the raw text directly saves folding every text node of a page: the pattern
    accepts each letter's variants (أ إ آ ا; ي ى ی; ة ه...) and the marks fold() would drop.
    """
    out = []
    for ch in phrase:
        if ch == " ":
            out.append(r"\s+")
        else:
            chars = variants.get(ch, ch)
            out.append((f"[{re.escape(chars)}]" if len(chars) > 1 else re.escape(ch)) + _MARKS)
    return "".join(out)


_LEAD_RE = re.compile(r"[\s«\"'(\[•●▪►◄*#-]*")


def _compile() -> tuple[dict[str, tuple[re.Pattern[str], list[str]]], dict[str, str]]:
    """Phrases bucketed by their first (folded) letter; in each bucket one alternation, longest
    first, each phrase in a group whose number gives its kind. Bucketing keeps each match to a
    handful of alternatives (re does not build a trie)."""
    variants = _variants()
    char_fold = {raw: folded for folded, raws in variants.items() for raw in raws}
    entries: list[tuple[str, str]] = []
    for kind, phrases in _PHRASES.items():
        entries.extend((kind, fold(p)) for p in phrases)
    buckets: dict[str, list[tuple[str, str]]] = {}
    for kind, phrase in sorted(set(entries), key=lambda e: -len(e[1])):
        buckets.setdefault(phrase[0], []).append((kind, phrase))
    compiled = {}
    for first, items in buckets.items():
        alternatives, kinds = [], []
        for i, (kind, phrase) in enumerate(items):
            # Single words are also body words: they need a separator after them (or nothing).
            tail = r"\s*[:：\-–—_|»>…]+\s*" if " " not in phrase else _SEP
            alternatives.append(rf"(?P<m{i}>{_raw_pattern(phrase, variants)}(?:{tail}|$))")
            kinds.append(kind)
        compiled[first] = (re.compile("|".join(alternatives), re.IGNORECASE), kinds)
    return compiled, char_fold


_BUCKETS, _CHAR_FOLD = _compile()
_PREFIX_CHARS = 160  # markers stand at the start: only that much is looked at


@dataclass(frozen=True)
class Marker:
    kind: str  # one of KINDS
    rest: str  # the text after the phrase and its separator, as written ("" when nothing follows)
    end: int  # where the phrase and its separator end in the matched text


def match_marker(text: str) -> Marker | None:
    """The boilerplate marker that *text* (as written on the page) starts with, or None."""
    if not text:
        return None
    head = text[:_PREFIX_CHARS]
    start = _LEAD_RE.match(head).end()  # type: ignore[union-attr]  # matches the empty string
    if start >= len(head):
        return None
    first = head[start]
    bucket = _BUCKETS.get(_CHAR_FOLD.get(first, first.lower()))
    if bucket is None:
        return None
    pattern, kinds = bucket
    m = pattern.match(head, start)
    if m is None or m.lastgroup is None:
        return None
    return Marker(kinds[int(m.lastgroup[1:])], text[m.end() :].strip(_REST_STRIP), m.end())


_REST_STRIP = " \t\n:：-–—_|»>…."


def original_rest(text: str, marker: Marker) -> str:
    """The part of *text* after the marker phrase (*text* is the text the marker was found in)."""
    return text[marker.end :].strip(_REST_STRIP)


def is_boilerplate_line(text: str) -> bool:
    """A short line that is a share / follow / subscribe / credit prompt."""
    if len(text) > 160:
        return False
    m = match_marker(text)
    return m is not None and m.kind == "drop"


_BYLINE_PREFIX_RE = re.compile(
    r"^\s*(?:كتبت?|بقلم|تقرير|حوار|إعداد|اعداد|ترجمة|تحرير|متابعة|بواسطة|مراسل(?:ة)?|نویسنده|by)"
    r"(?:\s*[:：\-–—]+\s*|\s+)",
    re.IGNORECASE,
)


def byline_rest(text: str) -> str | None:
    """The names after a byline prefix («كتب:», «بقلم», «تقرير:»...), or None when no prefix."""
    m = _BYLINE_PREFIX_RE.match(text)
    return text[m.end() :].strip() if m else None


# Embedded Instagram / TikTok / Facebook posts carry only the network's chrome in the page
# («عرض هذا المنشور على Instagram»). Embedded tweets are left alone: their text is quoted
# content (the aeb annotators keep it in the article body).
EMBED_CLASS_RE = re.compile(
    r"instagram-media|tiktok-embed|fb-post|fb-video|facebook-post|"
    r"embed-(?:instagram|facebook|tiktok|youtube)|telegram-post",
    re.IGNORECASE,
)

# Class / id tokens of boilerplate containers, in English and transliterated Arabic.
BOILERPLATE_CLASS_RE = re.compile(
    r"(?:^|[\s_-])(?:share|sharing|social|sharethis|addthis|related|relateds|tags?|tag-?list|"
    r"keywords?|topics?|newsletter|subscribe|subscription|comments?|comment-form|breadcrumbs?|"
    r"most-?read|mostread|popular|trending|advert\w*|ads?|ad-?slot|banner|promo|app-?download|"
    r"print|font-?size|read-?also|readalso|read-?more|iqra\w*|ikra\w*|aqra\w*|eqraa\w*|"
    r"aydan|mushabiha|mashabiha|zat-?sila|dhat-?sila|kalimat|wasm|wusum|mawadi\w*|"
    r"akthar\w*|alakthar\w*|mokhtarat|follow-?us|footer|navbar|nav|menu|sidebar|widget)(?:$|[\s_-])",
    re.IGNORECASE,
)
