"""How the store step deduplicates, built from the settings (section "deduplication
(issue 4)" of :mod:`crawler.settings`) and the sites file."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from crawler.dedup.neardup import Fingerprint, NearDuplicateConfigError, NearDuplicateIndex

if TYPE_CHECKING:
    from scrapy.settings import BaseSettings

    from crawler.sites import SiteConfig

__all__ = ["Dedup", "dedup_from_settings", "site_names"]

_SETTINGS = ("copy_threshold", "story_threshold", "containment_threshold", "min_containment_shingles",
             "min_size_ratio", "min_shared_shingles")  # fmt: skip


@dataclass(frozen=True)
class Dedup:
    """The near-duplicate index (its thresholds are settings) and, for source-line
    linking, each crawled site's names (``{site: (alias, ...)}`` from the sites file)."""

    index: NearDuplicateIndex = field(default_factory=NearDuplicateIndex)
    sites: Mapping[str, Sequence[str]] = field(default_factory=dict)

    def fingerprints(self, bodies: Sequence[str | None]) -> list[Fingerprint]:
        """Pure CPU and picklable: may run in a worker thread or process before storing."""
        return self.index.fingerprints(bodies)


def site_names(sites: Mapping[str, SiteConfig]) -> dict[str, tuple[str, ...]]:
    """``{site: aliases}``: the names a «المصدر:» line may use for each crawled site."""
    return {name: site.aliases for name, site in sites.items()}


def dedup_from_settings(settings: BaseSettings) -> Dedup:
    """The Dedup of a crawl; :class:`~crawler.dedup.neardup.NearDuplicateConfigError` names
    the setting when a threshold is out of range."""
    from crawler.sites import load_sites

    try:
        index = NearDuplicateIndex(
            copy_threshold=settings.getfloat("CRAWLER_DEDUP_COPY_THRESHOLD", 0.6),
            story_threshold=settings.getfloat("CRAWLER_DEDUP_STORY_THRESHOLD", 0.4),
            containment_threshold=settings.getfloat("CRAWLER_DEDUP_CONTAINMENT_THRESHOLD", 0.9),
            min_containment_shingles=settings.getint("CRAWLER_DEDUP_MIN_CONTAINMENT_SHINGLES", 20),
            min_size_ratio=settings.getfloat("CRAWLER_DEDUP_MIN_SIZE_RATIO", 0.2),
            min_shared_shingles=settings.getint("CRAWLER_DEDUP_MIN_SHARED_SHINGLES", 0),
        )
    except NearDuplicateConfigError as exc:
        message = str(exc)
        for name in _SETTINGS:  # the parameters by the names the user set them
            message = re.sub(rf"\b{name}\b", f"CRAWLER_DEDUP_{name.upper()}", message)
        raise NearDuplicateConfigError(f"deduplication settings: {message}") from None
    sites_file = settings.get("CRAWLER_SITES")
    return Dedup(index, site_names(load_sites(sites_file)) if sites_file else {})
