"""The store step: one batch of articles resolved and written in one transaction.

For each article, in batch order:

1. its canonical URL is stored already -> **unchanged** (same content hash: only
   ``fetched_at`` moves) or **updated** (the old body goes to ``article_versions``, the
   near-duplicate index is re-indexed for the new body; links are kept);
2. else the same folded body (content hash) is stored -> **duplicate** of that
   article's original;
3. else the near-duplicate index finds a copy (-> **duplicate**, ``duplicate_of``) or
   the same story (-> **new**, sharing ``story_id``); else **new**;
4. a copy whose group holds an article of the site a «المصدر:» line names is re-linked
   to that article (:func:`crawler.dedup.sources.plan_relink`), even when the copy was
   stored first.

Set-based: a handful of queries per batch whatever its size (stored URLs, stored
hashes, index keys, candidate signatures and bodies), one statement per table written,
and the index lock taken once.

Two processes storing near-duplicates at the same time must see each other, so the
decisions of a batch are serialised by the index lock (:func:`crawler.db.neardup.lock_index`).
``lock_first=True`` takes it before the look-ups (SQLite, whose writers are serialised
anyway). ``lock_first=False`` (PostgreSQL) looks up, resolves and writes without it, then
takes it only to check, before commit, that nothing the batch's decisions read has changed
meanwhile (:meth:`_Batch.verify`): no article committed since could be a candidate of one
of the batch's articles (holds one of its index keys and passes the signature pre-filter
against it, :meth:`IndexBatch.new_candidates`) or holds one of its content hashes, and the
stored rows it read or links to still have the links it saw. If something changed,
:class:`StoreConflict` is raised and the caller rolls back and stores the batch again.
Writers then hold the lock for a few index probes and the commit instead of the whole
batch, and several crawl processes store in parallel.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy.engine import Connection

from crawler.db import articles_sql as q
from crawler.dedup.config import Dedup
from crawler.dedup.neardup import NO_MATCH, Fingerprint, Match, New, Ref, ref_order, story_id_for
from crawler.dedup.sources import GroupMember, plan_relink
from crawler.items import Article

__all__ = ["Dedup", "StoreConflict", "StoreOutcome", "store_batch"]


class StoreConflict(Exception):
    """Another writer committed, while a batch was resolved without the index lock,
    something that batch's decisions depend on: roll back and store it again."""


@dataclass(frozen=True)
class StoreOutcome:
    """What storing one article did: new / updated / unchanged / duplicate."""

    status: str
    article_id: int
    duplicate_of: str | None = None  # canonical URL of the original
    story_id: str | None = None


def store_batch(
    conn: Connection,
    articles: Sequence[Article],
    prints: Sequence[Fingerprint],
    dedup: Dedup,
    *,
    timings: dict[str, float] | None = None,
    lock_first: bool = True,
) -> list[StoreOutcome]:
    """Resolve and write *articles* (with their fingerprints) in the caller's transaction.

    *lock_first*: take the index lock before the look-ups; else only to verify before the
    caller commits (see the module docs; raises :class:`StoreConflict`).
    *timings*, when given, accumulates the seconds spent per phase (lock, prefetch,
    resolve, write, verify; wall time, and CPU time under "<phase> cpu") for benchmarks.
    """
    clock = _Clock(timings)
    batch = _Batch(conn, articles, prints, dedup, lock=lock_first)
    clock.lap("lock")
    batch.prefetch()
    clock.lap("prefetch")
    batch.resolve()
    clock.lap("resolve")
    outcomes = batch.write()
    clock.lap("write")
    if not lock_first:
        batch.verify()
        clock.lap("verify")
    return outcomes


class _Clock:
    """Wall seconds per phase, and CPU seconds of the process under ``"<phase> cpu"``."""

    def __init__(self, timings: dict[str, float] | None) -> None:
        self.timings = timings
        self.last = (time.perf_counter(), time.process_time())

    def lap(self, name: str) -> None:
        if self.timings is not None:
            now = (time.perf_counter(), time.process_time())
            self.timings[name] = self.timings.get(name, 0.0) + now[0] - self.last[0]
            self.timings[f"{name} cpu"] = self.timings.get(f"{name} cpu", 0.0) + now[1] - self.last[1]
            self.last = now


@dataclass
class _Pending:
    """A new row of the batch, before its insert."""

    values: dict[str, Any]
    duplicate_of: Ref | None


class _Batch:
    def __init__(
        self,
        conn: Connection,
        articles: Sequence[Article],
        prints: Sequence[Fingerprint],
        dedup: Dedup,
        *,
        lock: bool = True,
    ) -> None:
        self.conn = conn
        self.articles = articles
        self.prints = prints
        self.dedup = dedup
        self.lookup = dedup.index.batch(conn, lock=lock)  # with lock: held until the transaction ends
        # Links of the stored rows the decisions read, as read: id -> duplicate_of_id / story_id.
        self.read_dup: dict[int, int | None] = {}
        self.read_story: dict[int, str | None] = {}
        self.ids: dict[New, int] = {}  # inserted ids of the batch's new rows (after write)
        self.pending: dict[int, _Pending] = {}  # position -> new row
        self.by_hash: dict[str, New] = {}  # content hash -> first new article of the batch with it
        self.moved: dict[int, Ref | None] = {}  # stored article -> its new duplicate_of (re-linked)
        self.story_for: dict[Ref, str] = {}  # articles without a story that join one
        self.results: dict[int, tuple[str, Ref]] = {}  # position -> (status, the article)

    # --- resolving ----------------------------------------------------------------------

    def prefetch(self) -> None:
        self.canonicals = canonicals = [a.canonical_url or a.url for a in self.articles]
        self.existing = q.rows_by_canonical(self.conn, canonicals)
        self.originals = q.originals_by_hash(self.conn, [fp.content_hash for fp in self.prints if fp.content_hash])
        for stored in self.existing.values():
            self.read_dup[stored.id], self.read_story[stored.id] = stored.duplicate_of_id, stored.story_id
        for orig in self.originals.values():
            self.read_dup[orig.id], self.read_story[orig.id] = None, orig.story_id
        wanted: list[Fingerprint | None] = []
        exclude: list[int | None] = []
        for canonical, fp in zip(canonicals, self.prints, strict=True):
            row = self.existing.get(canonical)
            needs = row is None and fp.content_hash not in self.originals
            wanted.append(fp if needs or (row is not None and row.content_hash != fp.content_hash) else None)
            exclude.append(row.id if row is not None else None)
        self.lookup.prefetch(wanted, exclude)
        for ref, entry in self.lookup.entries.items():
            if isinstance(ref, int):
                self.read_dup[ref], self.read_story[ref] = entry.duplicate_of, entry.story_id  # type: ignore[assignment]

    def resolve(self) -> None:
        seen: dict[str, int] = {}
        for pos, canonical in enumerate(self.canonicals):
            if canonical in seen:  # the same URL twice in one batch: keep the first
                self.results[pos] = ("unchanged", New(seen[canonical]))
                continue
            seen[canonical] = pos
            row = self.existing.get(canonical)
            if row is None:
                self._resolve_new(pos, canonical)
            else:
                self._resolve_stored(pos, row)

    def _resolve_stored(self, pos: int, row: q.StoredRow) -> None:
        fp, article = self.prints[pos], self.articles[pos]
        if row.content_hash == fp.content_hash:
            self.results[pos] = ("unchanged", row.id)
            return
        if row.duplicate_of_id is None:  # an original: its index entry follows its body
            self.lookup.add(
                pos, ref=row.id, canonical_url=row.canonical_url, site=article.site, source=article.source,
                story_id=row.story_id, replace=True,
            )  # fmt: skip
        self.results[pos] = ("updated", row.id)

    def _resolve_new(self, pos: int, canonical: str) -> None:
        fp, article = self.prints[pos], self.articles[pos]
        match = self._exact_match(fp) or (self.lookup.match(pos) if fp.keys else NO_MATCH)
        duplicate_of = match.target if match.kind == "copy" else None
        if duplicate_of is not None and self.dedup.sites:
            duplicate_of = self._relink(pos, article, duplicate_of)
        for ref in match.story_members:
            self._join_story(ref, match.story_id)
        values = q.row_values(article, canonical=canonical, content_hash=fp.content_hash, story_id=match.story_id)
        self.pending[pos] = _Pending(values, duplicate_of)
        if fp.content_hash:
            self.by_hash.setdefault(fp.content_hash, New(pos))
        if duplicate_of is None:
            self.lookup.add(pos, canonical_url=canonical, site=article.site, source=article.source,
                            story_id=match.story_id)  # fmt: skip
        self.results[pos] = ("duplicate" if duplicate_of is not None else "new", New(pos))

    def _exact_match(self, fp: Fingerprint) -> Match | None:
        """A copy by content hash: of a new article of this batch, or of a stored original."""
        if not fp.content_hash:
            return None
        if (first := self.by_hash.get(fp.content_hash)) is not None:
            pending = self.pending[first.pos]
            root = pending.duplicate_of if pending.duplicate_of is not None else first
            story = pending.values["story_id"] or self._new_story(first, pending.values["canonical_url"])
            return Match("copy", root, None, story, 1.0, 1.0)
        row = self.originals.get(fp.content_hash)
        if row is None:
            return None
        root = self.moved.get(row.id) or row.id  # re-linked in this batch: follow it
        story = row.story_id or self.story_for.get(row.id) or self._new_story(row.id, row.canonical_url)
        return Match("copy", root, row.canonical_url, story, 1.0, 1.0)

    def _new_story(self, ref: Ref, canonical_url: str) -> str:
        story = story_id_for(canonical_url)
        self._join_story(ref, story)
        return story

    def _join_story(self, ref: Ref, story: str | None) -> None:
        if story is None:
            return
        if isinstance(ref, New):
            pending = self.pending.get(ref.pos)
            if pending is not None and pending.values["story_id"] is None:
                pending.values["story_id"] = story
        else:
            self.story_for.setdefault(ref, story)
        entry = self.lookup.entries.get(ref)
        if entry is not None and entry.story_id is None:
            entry.story_id = story

    def _relink(self, pos: int, article: Article, root: Ref) -> Ref | None:
        """Apply source-line linking to a copy of *root*; return the incoming's duplicate_of."""
        group = self._group(root)
        incoming = GroupMember(New(pos), article.site, article.source, duplicate_of=root)
        plan = plan_relink(incoming, group, self.dedup.sites)
        if plan is None:
            return root
        for ref, target in plan.repoint.items():
            if ref != New(pos):
                self._repoint(ref, target)  # type: ignore[arg-type]
        target = plan.repoint.get(New(pos), root)
        return target  # type: ignore[return-value]

    def _group(self, root: Ref) -> list[GroupMember]:
        members: dict[Ref, GroupMember] = {}
        stored_root = root if isinstance(root, int) else None
        if stored_root is not None:
            for row in q.copy_group(self.conn, stored_root):
                self.read_dup.setdefault(row.id, row.duplicate_of_id)
                dup = self.moved.get(row.id, row.duplicate_of_id) if row.id in self.moved else row.duplicate_of_id
                members[row.id] = GroupMember(row.id, row.site, row.source, dup)
        for p, pending in self.pending.items():
            if New(p) == root or pending.duplicate_of == root:
                values = pending.values
                members[New(p)] = GroupMember(New(p), values["site"], values["source"], pending.duplicate_of)
        return [members[ref] for ref in sorted(members, key=ref_order)]

    def _repoint(self, ref: Ref, target: Ref | None) -> None:
        if isinstance(ref, New):
            self.pending[ref.pos].duplicate_of = target
            self.results[ref.pos] = ("duplicate" if target is not None else "new", ref)
        else:
            self.moved[ref] = target
        entry = self.lookup.entries.get(ref)
        if entry is not None:
            entry.duplicate_of = target

    # --- writing ------------------------------------------------------------------------

    def write(self) -> list[StoreOutcome]:
        conn = self.conn
        q.write_stored(conn, self.articles, self.prints, self.existing, self.results)
        ids: dict[New, int] = {}
        if self.pending:
            order = sorted(self.pending)
            for p in order:
                target = self.pending[p].duplicate_of
                self.pending[p].values["duplicate_of_id"] = target if isinstance(target, int) else None
            inserted = q.insert_rows(conn, [self.pending[p].values for p in order])
            ids = {New(p): i for p, i in zip(order, inserted, strict=True)}
        self.ids = ids

        def resolve(ref: Ref | None) -> int | None:
            return ids[ref] if isinstance(ref, New) else ref

        links: dict[int, tuple[int | None, int | None]] = {
            ids[New(p)]: (None, resolve(pend.duplicate_of)) for p, pend in self.pending.items()
            if isinstance(pend.duplicate_of, New)
        }  # fmt: skip
        links.update({i: (self.read_dup.get(i), resolve(target)) for i, target in self.moved.items()})
        q.set_duplicate_of(conn, links)
        q.set_story_ids(conn, {resolve(ref): story for ref, story in self.story_for.items()})  # type: ignore[misc]
        self.lookup.flush(ids)
        return self._outcomes(resolve)

    def verify(self) -> None:
        """Take the index lock, then raise :class:`StoreConflict` if another writer committed,
        since the look-ups, an article this batch's decisions should have seen, or changed the
        links of a stored row they read (see the module docs). Runs after :meth:`write`."""
        from crawler.db.neardup import lock_index

        lock_index(self.conn)
        own = set(self.ids.values()) | {ref for _, ref in self.results.values() if isinstance(ref, int)}
        if hits := self.lookup.new_candidates(own):
            raise StoreConflict(f"{len(hits)} article(s) committed meanwhile may be near-duplicates of this batch's")
        new_hashes = [fp.content_hash for pos, fp in enumerate(self.prints) if pos in self.pending and fp.content_hash]
        for content_hash, original in q.originals_with_hashes(self.conn, new_hashes):
            seen = self.originals.get(content_hash)
            if original.id not in own and (seen is None or seen.id != original.id):
                raise StoreConflict("an article with the same content was committed meanwhile")
        moved = {i: (self.ids[t] if isinstance(t, New) else t) for i, t in self.moved.items()}
        now = q.links_of(self.conn, self.read_dup.keys() | self.read_story.keys())
        for article_id in self.read_dup.keys() | self.read_story.keys():
            if article_id not in now:
                raise StoreConflict(f"article {article_id} was deleted meanwhile")
            dup, story = now[article_id]
            if article_id in self.read_dup and dup != moved.get(article_id, self.read_dup[article_id]):
                raise StoreConflict(f"article {article_id} was re-linked meanwhile")
            if article_id in self.read_story:
                expected = self.read_story[article_id] or self.story_for.get(article_id)
                if story != expected:
                    raise StoreConflict(f"article {article_id} joined another story meanwhile")

    def _outcomes(self, resolve: Any) -> list[StoreOutcome]:
        """Each article's final links (later articles of the batch may have changed them)."""
        stored = {row.id: row for row in self.existing.values()}
        final: list[tuple[str, int, int | None, str | None]] = []
        for pos in range(len(self.articles)):
            status, ref = self.results[pos]
            if isinstance(ref, New):
                values = self.pending[ref.pos].values
                target, story = self.pending[ref.pos].duplicate_of, values["story_id"]
            else:
                row = stored[ref]
                target = self.moved.get(ref, row.duplicate_of_id) if ref in self.moved else row.duplicate_of_id
                story = row.story_id or self.story_for.get(ref)
            final.append((status, resolve(ref), resolve(target), story))
        urls = q.canonical_urls(self.conn, {t for _, _, t, _ in final if t is not None})
        return [StoreOutcome(status, own, urls.get(t) if t else None, story) for status, own, t, story in final]
