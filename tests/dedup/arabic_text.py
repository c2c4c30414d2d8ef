"""Arabic article bodies written for these tests (no third-party text): sentences drawn
from the project's own word lists, so that each seed gives a different article."""

from __future__ import annotations

import random

_SUBJECTS = [
    "الوزارة",
    "المجلس البلدي",
    "هيئة الطيران",
    "الشركة الوطنية",
    "وزير الصحة",
    "أمانة المنطقة",
    "الجمعية الخيرية",
    "إدارة المرور",
    "جامعة المدينة",
    "البنك المركزي",
    "غرفة التجارة",
    "الدفاع المدني",
]
_VERBS = ["أعلنت", "أكدت", "افتتحت", "ناقشت", "أطلقت", "استقبلت", "وقّعت", "درست", "نظمت", "اعتمدت"]
_OBJECTS = [
    "مشروعاً جديداً لتطوير الطرق",
    "خطة لتحسين الخدمات الصحية",
    "برنامجاً لدعم الشباب",
    "اتفاقية تعاون مع القطاع الخاص",
    "مبادرة لحماية البيئة",
    "معرضاً للكتاب",
    "حملة للتوعية المرورية",
    "ميزانية العام المقبل",
    "نتائج الربع الأول",
    "مركزاً لخدمة المراجعين",
    "مسابقة للطلاب",
    "تقريراً عن أسعار المساكن",
]
_PLACES = [
    "في الرياض",
    "في جدة",
    "في الدمام",
    "في مكة المكرمة",
    "في المدينة المنورة",
    "في أبها",
    "في تبوك",
    "في القاهرة",
    "في عمّان",
    "في بيروت",
    "في الكويت",
    "في الدوحة",
]
_TAILS = [
    "بحضور عدد من المسؤولين",
    "وسط إقبال كبير من المواطنين",
    "ضمن رؤية المملكة",
    "خلال الأسبوع الجاري",
    "بتكلفة بلغت ٣٠ مليون ريال",
    "بمشاركة ١٢ جهة حكومية",
    "وفق ما نقلته وكالة الأنباء",
    "في إطار الخطة الخمسية",
    "لخدمة أكثر من ٥٠٠ ألف مستفيد",
    "بعد دراسة استمرت عامين",
]


def sentence(rnd: random.Random) -> str:
    parts = [
        rnd.choice(_VERBS),
        rnd.choice(_SUBJECTS),
        rnd.choice(_OBJECTS),
        rnd.choice(_PLACES),
        rnd.choice(_TAILS),
    ]
    return " ".join(parts) + "، " + rnd.choice(_TAILS) + " " + rnd.choice(_PLACES) + "."


def article(seed: int, sentences: int = 12) -> list[str]:
    """An article as a list of sentences (join with spaces or paragraph breaks)."""
    rnd = random.Random(seed)
    return [sentence(rnd) for _ in range(sentences)]


def body(sents: list[str], per_paragraph: int = 3) -> str:
    paras = [" ".join(sents[i : i + per_paragraph]) for i in range(0, len(sents), per_paragraph)]
    return "\n\n".join(paras)
