"""Display and folded forms of Arabic text (crawler.text.arabic)."""

from __future__ import annotations

import unicodedata

import pytest
from hypothesis import given
from hypothesis import strategies as st

from crawler.text.arabic import arabic_ratio, display, fold, fold_digits, fold_reference, strip_tashkeel

# --- display(): faithful, only invisible noise removed ------------------------------------


def test_display_keeps_letters_tashkeel_and_digits_as_written() -> None:
    text = "قَالَ الوزيرُ إنّ ٣ مشاريع ستُفتتح في ١٤٤٦ هـ، وأُعلن ذلك رسمياً"
    assert display(text) == text


def test_display_removes_bidi_controls_and_zero_width_marks() -> None:
    dirty = "\u200fالمصدر:\u200e \u202bاليوم السابع\u202c\u2067\u2069\ufeff\u200b\u061c"
    assert display(dirty) == "المصدر: اليوم السابع"


def test_display_keeps_persian_zero_width_non_joiner() -> None:
    # می‌شود is written with a ZWNJ; removing it changes how the word is shown.
    assert display("می\u200cشود") == "می\u200cشود"


def test_display_composes_to_nfc() -> None:
    decomposed = "\u0627\u0654\u0645\u0646"  # alef + combining hamza above, then منّ
    assert display(decomposed) == "\u0623\u0645\u0646"  # أمن with a precomposed alef
    assert unicodedata.is_normalized("NFC", display("e\u0301 \u064a\u0654"))


def test_display_tidies_spaces_and_keeps_paragraphs() -> None:
    text = "  الفقرة\u00a0الأولى\t  هنا \r\n\r\n\r\n  الفقرة الثانية  \n"
    assert display(text) == "الفقرة الأولى هنا\n\nالفقرة الثانية"


def test_display_of_empty_text_is_empty() -> None:
    assert display("") == ""
    assert display(" \u200f\n\n ") == ""


# --- fold(): every spelling variant onto one form ----------------------------------------


@pytest.mark.parametrize(
    ("variant", "plain"),
    [
        ("مُحَمَّدٌ", "محمد"),  # harakat, shadda, tanween
        ("الْعَرَبِيَّةُ", "العربيه"),  # sukun, and ة -> ه
        ("كتــــاب", "كتاب"),  # tatweel
        ("قرآن", "قران"),  # alef madda
        ("أحمد إبراهيم", "احمد ابراهيم"),  # hamza above / below
        ("ٱلرحمن", "الرحمن"),  # alef wasla
        ("رحمٰن", "رحمن"),  # superscript alef
        ("مستشفى", "مستشفي"),  # alef maqsura -> ya
        ("مدرسة", "مدرسه"),  # ta marbuta -> ha
        ("مسؤول", "مسوول"),  # waw with hamza
        ("مسئول", "مسيول"),  # ya with hamza
        ("رئيس", "رييس"),
        ("فی", "في"),  # Persian yeh
        ("کتاب", "كتاب"),  # Persian keheh
        ("ہمارا", "همارا"),  # Urdu heh goal
        ("خانۀ", "خانه"),  # heh with yeh above
        ("ڤيروس", "فيروس"),  # veh in loanwords
        ("پاريس", "باريس"),
        ("٢٠٢٥", "2025"),  # Eastern Arabic digits
        ("۱۴۰۳", "1403"),  # Persian digits
        ("ﻻ ﺍﻟﺴﻼﻡ", "لا السلام"),  # presentation forms and the lam-alef ligature
        ("\u200fالمصدر\u200e", "المصدر"),  # bidi marks
        ("می\u200cشود", "ميشود"),  # ZWNJ dropped for matching
        ("سؤالٌ، وجوابٌ؟", "سوال, وجواب?"),  # Arabic punctuation to ASCII
        ("BBC  عربي\n\nNews", "bbc عربي news"),  # Latin lower-cased, whitespace collapsed
    ],
)
def test_fold_unifies_spelling_variants(variant: str, plain: str) -> None:
    assert fold(variant) == plain


def test_fold_treats_hamza_seats_the_same_whether_precomposed_or_combining() -> None:
    precomposed = "\u0624 \u0626 \u0623 \u0625"  # ؤ ئ أ إ
    combining = "\u0648\u0654 \u064a\u0654 \u0627\u0654 \u0627\u0655"
    assert fold(precomposed) == fold(combining) == "و ي ا ا"


def test_fold_keeps_bare_hamza_and_distinct_letters() -> None:
    # ء is a letter of its own; ه and ة fold together but ت stays ت; ى and ي fold but ا stays.
    assert fold("جزء") == "جزء"
    assert fold("بيت") != fold("بيه")
    assert fold("على") != fold("علا")


def test_fold_makes_variants_of_a_sentence_equal() -> None:
    written = "أعلنت وزارةُ الصحة عن افتتاح مستشفى جديد في ٢٠٢٥."
    retyped = "اعلنت وزاره الصحه عن افتتاح مستشفي جديد فی 2025."
    assert fold(written) == fold(retyped)


def test_fold_of_empty_text_is_empty() -> None:
    assert fold("") == ""
    assert fold("\u064e\u0640 \u200f") == ""


def test_strip_tashkeel_and_fold_digits_helpers() -> None:
    assert strip_tashkeel("عَلَيْكُمْ") == "عليكم"
    assert fold_digits("رقم ٤٥ و۶۷") == "رقم 45 و67"


def test_arabic_ratio() -> None:
    assert arabic_ratio("مرحبا") == 1.0
    assert arabic_ratio("abc") == 0.0
    assert arabic_ratio("123 ...") == 0.0
    assert arabic_ratio("ab مر") == 0.5


# --- properties ------------------------------------------------------------------------------

_arabicish = st.text(
    alphabet=st.one_of(
        st.characters(min_codepoint=0x0600, max_codepoint=0x06FF),
        st.characters(min_codepoint=0xFB50, max_codepoint=0xFEFF),
        st.sampled_from(" \n\t\u00a0\u200c\u200d\u200f\u202b\u2067abcXYZ0123é\u0301"),
    ),
    max_size=60,
)


@given(st.one_of(_arabicish, st.text(max_size=40)))
def test_fold_is_idempotent(text: str) -> None:
    once = fold(text)
    assert fold(once) == once


@given(st.one_of(_arabicish, st.text(max_size=40)))
def test_display_is_idempotent_and_nfc(text: str) -> None:
    once = display(text)
    assert display(once) == once
    assert unicodedata.is_normalized("NFC", once)


@given(_arabicish)
def test_fold_ignores_tashkeel_and_tatweel_anywhere(text: str) -> None:
    marked = "".join(ch + "\u064e\u0640" for ch in text)
    assert fold(marked) == fold(text)


@given(st.one_of(_arabicish, st.text(max_size=60)))
def test_fast_fold_equals_the_reference_definition(text: str) -> None:
    assert fold(text) == fold_reference(text)


def test_fold_outside_the_basic_plane_and_multi_char_lower_case() -> None:
    assert fold("İstanbul 𝐀 غزة") == fold_reference("İstanbul 𝐀 غزة")
    assert fold("  Ａ\u00a0ب  ") == "a ب"  # full-width Latin (NFKC), no-break space
