"""Variants of stored articles built at run time (must be found as copies) and different
articles on the same topic (must not be merged)."""

from __future__ import annotations

import difflib
import random
import re
from collections import defaultdict
from urllib.parse import urlsplit

from sqlalchemy.engine import Engine

from crawler.dedup.neardup import Candidate, NearDuplicateIndex
from crawler.text.arabic import display, fold

from .corpus import BenchArticle

_SENTENCE_END = re.compile(r"(?<=[.!?؟])\s+")
_WORD = re.compile(r"\w+")
_HARAKAT = "\u064e\u064f\u0650\u0651\u0652\u064b\u064c\u064d"
_DATELINES = ("الرياض - واس:", "جدة - سبق:", "القاهرة (رويترز) -", "دبي - وام:", "عمّان - بترا:")


def sentences(text: str) -> list[str]:
    return [s for s in _SENTENCE_END.split(text.strip()) if s.strip()]


def _add_tashkeel(t: str, rnd: random.Random) -> str:
    return "".join(c + rnd.choice(_HARAKAT) if "\u0621" <= c <= "\u064a" and rnd.random() < 0.4 else c for c in t)


def _letter_variants(t: str, rnd: random.Random) -> str:
    words = []
    for w in t.split(" "):
        if w.startswith("ا") and rnd.random() < 0.5:
            w = rnd.choice("أإآ") + w[1:]
        elif w.startswith(("أ", "إ")) and rnd.random() < 0.5:
            w = "ا" + w[1:]
        if w.endswith("ي") and rnd.random() < 0.5:
            w = w[:-1] + "ى"
        if w.endswith("ة") and rnd.random() < 0.5:
            w = w[:-1] + "ه"
        words.append(w.replace("ؤ", "و\u0654").replace("ئ", "ي\u0654"))
    return " ".join(words)


def _persian(t: str, rnd: random.Random) -> str:
    table = {"ي": "ی", "ك": "ک", "ه": "ہ", "٠": "۰", "1": "۱", "2": "٢"}
    return "".join(table[c] if c in table and rnd.random() < 0.6 else c for c in t)


def _edit_sentence(s: str, rnd: random.Random, pool: list[str], *, dateline: bool) -> str:
    words = s.split()
    for _ in range(2):
        words[rnd.randrange(len(words))] = rnd.choice(rnd.choice(pool).split())
    edited = " ".join(words)
    return f"{rnd.choice(_DATELINES)} {edited}" if dateline else edited


def variants(a: BenchArticle, rnd: random.Random, pool: list[str], titles: list[str]) -> dict[str, str]:
    body = a.body
    s = sentences(body)
    paragraphs = [p for p in body.split("\n\n") if p.strip()]
    trailer = (
        f"\n\nالمصدر: {rnd.choice(['اليوم السابع', 'قناة اليمن اليوم', 'وكالة الأنباء السعودية'])}"
        f"\n\nكلمات دلالية: فی {rnd.choice(['السعودية', 'الرياض', 'اليمن'])}"
        f"\n\nإقرأ أيضاً:\n\n{rnd.choice(titles)}\n\n{rnd.choice(titles)}"
        "\n\nمقالات مشابهة\n\n" + "\n\n".join(rnd.sample(titles, 5))
    )
    return {
        "norm: tashkeel added": _add_tashkeel(body, rnd),
        "norm: alef/hamza/ya/ta-marbuta": _letter_variants(body, rnd),
        "norm: Persian letters and digits": _persian(body, rnd),
        "trailer appended": body + trailer,
        "first sentence edited": " ".join([_edit_sentence(s[0], rnd, pool, dateline=True), *s[1:]]),
        "last sentence edited": " ".join([*s[:-1], _edit_sentence(s[-1], rnd, pool, dateline=False)]),
        "last paragraph dropped": "\n\n".join(paragraphs[:-1]) if len(paragraphs) > 1 else " ".join(s[:-1]),
        "stress: first sentence rewritten": " ".join([rnd.choice(pool), *s[1:]]),
        "stress: last sentence rewritten": " ".join([*s[:-1], rnd.choice(pool)]),
    }


def same_topic_pairs(articles: list[BenchArticle]) -> list[tuple[int, int]]:
    """Different articles on one topic: same outlet and day, >= 2 shared title words of 4+
    letters, and different titles, first sentences and last sentences (a re-post of one
    article keeps at least one of those)."""
    groups: dict[tuple[str, str], list[int]] = defaultdict(list)
    for i, a in enumerate(articles):
        groups[(a.site, a.day)].append(i)

    def key(i: int) -> tuple[set[str], str, str, str]:
        a = articles[i]
        s = sentences(fold(a.body)) or [""]
        return {w for w in fold(a.title).split() if len(w) >= 4}, fold(a.title), s[0], s[-1]

    out = []
    for members in groups.values():
        keys = {i: key(i) for i in members}
        for x_pos, x in enumerate(members):
            for y in members[x_pos + 1 :]:
                (wx, tx, fx, lx), (wy, ty, fy, ly) = keys[x], keys[y]
                if len(wx & wy) >= 2 and tx != ty and fx != fy and lx != ly:
                    out.append((x, y))
    return out


def report(
    engine: Engine,
    index: NearDuplicateIndex,
    articles: list[BenchArticle],
    ids: list[int],
    *,
    sample: int,
    label: str,
) -> None:
    print(f"\n== perturbations [{label}]: variants of stored articles must be found as copies")
    rnd = random.Random(4)
    eligible = [i for i, a in enumerate(articles) if len(fold(a.body).split()) >= 50 and len(sentences(a.body)) >= 2]
    chosen = rnd.sample(eligible, min(sample, len(eligible)))
    pool = [s for i in rnd.sample(range(len(articles)), 2000) for s in sentences(articles[i].body)]
    titles = [a.title for a in articles if a.title]
    found: dict[str, list[bool]] = defaultdict(list)
    with engine.connect() as conn:
        for i in chosen:
            for name, text_ in variants(articles[i], rnd, pool, titles).items():
                cands = index.similar(conn, index.fingerprint(display(text_)))
                found[name].append(any(c.article_id == ids[i] and index.is_copy(c) for c in cands))
    print(f"  {len(chosen)} articles of >= 50 words and >= 2 sentences ({len(eligible)} eligible)")
    for name, oks in found.items():
        print(f"    {name:36s} found as copy: {sum(oks) / len(oks):7.2%}  ({sum(oks)}/{len(oks)})")
    _same_topic(engine, index, articles, ids, label)


# A pair of the same-topic set is the same article re-posted by its outlet (a true
# duplicate, not a same-topic merge) when the URLs differ only in the query, or the
# titles share at least half of their words, or the bodies share a verbatim run of at
# least 40 consecutive words (two sentences or more copied word for word: reuse of one
# text, not two reports on a topic).
REPOST_TITLE_SHARE = 0.5
REPOST_RUN_WORDS = 40


def repost_reason(a: BenchArticle, b: BenchArticle) -> str | None:
    """Why *a* and *b* are one article re-posted by the same outlet (the rule above), or None."""
    if urlsplit(a.url).path == urlsplit(b.url).path:
        return "same URL path"
    ta, tb = set(_WORD.findall(fold(a.title))), set(_WORD.findall(fold(b.title)))
    if ta and tb and len(ta & tb) / len(ta | tb) >= REPOST_TITLE_SHARE:
        return "same title words"
    wa, wb = _WORD.findall(fold(a.body)), _WORD.findall(fold(b.body))
    run = difflib.SequenceMatcher(None, wa, wb, autojunk=False).find_longest_match(0, len(wa), 0, len(wb)).size
    return f"{run} words verbatim" if run >= REPOST_RUN_WORDS else None


def _same_topic(
    engine: Engine, index: NearDuplicateIndex, articles: list[BenchArticle], ids: list[int], label: str
) -> None:
    pairs = same_topic_pairs(articles)
    merged: dict[tuple[int, int], Candidate] = {}
    storied = 0
    with engine.connect() as conn:
        cache: dict[int, dict[int, Candidate]] = {}
        for x, y in pairs:
            if x not in cache:
                found = index.similar(conn, index.fingerprint(articles[x].body), exclude_id=ids[x])
                cache[x] = {int(c.article_id): c for c in found}  # type: ignore[call-overload]
            c = cache[x].get(ids[y])
            if c is not None and index.is_copy(c):
                merged[(x, y)] = c
            elif c is not None and index.is_story(c):
                storied += 1
    reposts = {p: r for p in pairs if (r := repost_reason(articles[p[0]], articles[p[1]]))}
    different = [p for p in pairs if p not in reposts]
    false_merges = [p for p in different if p in merged]
    print(
        f"\n== same topic, different articles [{label}]: {len(pairs)} pairs (same outlet and day, "
        f">= 2 shared title words, different titles, first and last sentences)"
    )
    print(f"    all pairs: merged as copies {len(merged) / max(len(pairs), 1):.2%} ({len(merged)})")
    print(
        f"    re-posts of one article by its outlet (same URL path, titles sharing >= {REPOST_TITLE_SHARE:.0%} "
        f"of their words, or >= {REPOST_RUN_WORDS} words verbatim): {len(reposts)} pairs, "
        f"{sum(p in merged for p in reposts)} of them merged (true duplicates)"
    )
    print(
        f"    different articles: {len(different)} pairs; merged as copies: "
        f"{len(false_merges) / max(len(different), 1):.2%} ({len(false_merges)});  "
        f"linked as one story: {storied / max(len(pairs), 1):.2%} of all pairs ({storied})"
    )
    for x, y in false_merges[:10]:
        c = merged[(x, y)]
        print(
            f"      J={c.jaccard:.2f} containment={c.containment:.2f} {articles[x].site}: "
            f"{articles[x].url[-40:]} | {articles[y].url[-40:]}"
        )
