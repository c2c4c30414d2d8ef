"""The project's own sample articles for the search tests (written here, Arabic included).

Each article exercises one spelling problem of real Arabic pages; ``ID`` names them so
tests read as behaviour ("the hamza article is found"), not as magic numbers.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import insert

from crawler import Database
from crawler.db.models import ArticleRow

PLAN_BODY = "أعلنت الحُكُومَةُ اليوم خطة لبناء عشرة آلاف مسكن.\n\nوقال وزير الإسكان إن التنفيذ يبدأ في أيلول."


def _at(day: int, hour: int = 8) -> datetime:
    return datetime(2025, 7, day, hour, 0, tzinfo=UTC)


ARTICLES: list[dict[str, Any]] = [
    {  # 1: plain spelling, with the article ال and tashkeel
        "site": "alpha",
        "title": "الحكومة تعلن خطة جديدة للإسكان",
        "body": PLAN_BODY,
        "published_at": _at(1),
        "section": "اقتصاد",
        "tags": ["إسكان", "الحكومة"],
        "authors": ["محمد العلي"],
        "source": "وكالة الأنباء الرسمية",
        "lang": "ar",
    },
    {  # 2: attached prefixes (وحكومة، بالحكومة), hamza spelled and alef maqsura
        "site": "beta",
        "title": "نواب يطالبون بالحكومة الجديدة",
        "body": "طالب نواب بتشكيل وحكومة إنقاذ وطني.\n\nوزار الوفد مستشفى المدينة ثم إسرائيل لم تعلق.",
        "published_at": _at(2),
        "section": "سياسة",
        "tags": ["برلمان"],
        "authors": ["سارة يوسف", "محمد حسن"],
        "source": None,
        "lang": "ar",
    },
    {  # 3: Persian letter forms, tatweel, Eastern Arabic digits, لل prefix
        "site": "gamma",
        "title": "تقرير عن الطاقة",
        "body": "قال تقرير صدر فی عام ٢٠٢٥ إن الطاقـــة الشمسیة تنمو.\n\nوأضاف أن للطاقة مستقبلا.",
        "published_at": _at(3),
        "section": "علوم",
        "tags": ["طاقة"],
        "authors": [],
        "source": None,
        "lang": "ar-SA",
    },
    {  # 4: a republished copy of article 1 on another site
        "site": "delta",
        "title": "الحكومة تعلن خطة جديدة للإسكان",
        "body": PLAN_BODY,
        "published_at": _at(4),
        "section": "محليات",
        "tags": [],
        "authors": [],
        "source": "alpha",
        "lang": "ar",
        "duplicate_of": 1,
    },
    {  # 5: English, undated (falls back to fetched_at)
        "site": "epsilon",
        "title": "Housing plan announced",
        "body": "The government announced a housing plan on Tuesday. COVID-19 rules eased.",
        "published_at": None,
        "section": None,
        "tags": [],
        "authors": [],
        "source": None,
        "lang": "en",
    },
    {  # 6: words that only look like the others: suffixes must not match
        "site": "alpha",
        "title": "حكومات المنطقة وحكومته",
        "body": "تحدث عن حكومات عدة. والتزام الوزراء بالحوار الوطني.",
        "published_at": _at(6),
        "section": "سياسة",
        "tags": ["منطقة"],
        "authors": ["محمد العلي"],
        "source": None,
        "lang": "ar",
    },
]
ID = {"plain": 1, "prefixes": 2, "persian": 3, "copy": 4, "english": 5, "suffixes": 6}
FETCHED = datetime(2025, 7, 10, 12, 0, tzinfo=UTC)


def row(spec: dict[str, Any], number: int) -> dict[str, Any]:
    data = {k: v for k, v in spec.items() if k != "duplicate_of"}
    url = f"https://{spec['site']}.example/news/{number}"
    return {
        **data,
        "canonical_url": url,
        "url": url,
        "published": spec["published_at"].isoformat() if spec["published_at"] else None,
        "duplicate_of_id": spec.get("duplicate_of"),
        "read_also": [],
        "related": [],
        "fetched_at": FETCHED,
        "first_seen_at": FETCHED,
        "version": 1,
    }


def store(db: Database) -> None:
    """Insert the sample articles in order (ids 1..6), the way any writer would."""
    with db.engine.begin() as conn:
        for number, spec in enumerate(ARTICLES, start=1):
            conn.execute(insert(ArticleRow), row(spec, number))
