"""scripts/evaluate.py --check fails below the pinned floors, and the floors cover every dataset."""

from __future__ import annotations

import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "scripts"))

import evaluate  # noqa: E402

FLOORS = json.loads((ROOT / "scripts" / "quality_floors.json").read_text())


def _results(**ours: float) -> dict[str, dict]:
    base = {
        "body_f1": 0.99,
        "title_exact": 0.9,
        "published_same_day": 0.99,
        "authors_exact": 0.8,
        "sec_per_page": 0.01,
    }
    theirs = {
        "body_f1": 0.95,
        "title_exact": 0.7,
        "published_same_day": 0.96,
        "authors_exact": 0.7,
        "sec_per_page": 0.01,
    }
    own = {
        k: 1.0
        for k in (
            "body_f1",
            "no_boilerplate",
            "all_paragraphs",
            "source",
            "tags",
            "read_also",
            "related",
            "published",
            "title_exact",
            "authors",
            "lang",
        )
    }
    own |= {"wrong_date_where_none": 0.0, "sec_per_page": 0.01}
    out = {
        "aeb": {"pages": 1, "ours": dict(base), "trafilatura": dict(theirs)},
        "fundus": {"pages": 1, "ours": dict(base), "trafilatura": dict(theirs)},
        "own": {"pages": 1, "ours": own, "trafilatura": dict(own)},
    }
    for key, value in ours.items():
        dataset, metric = key.split("__")
        out[dataset]["ours"][metric] = value
    return out


def test_floors_cover_all_three_datasets() -> None:
    assert {k.split(".")[0] for k in FLOORS if not k.startswith("_")} == {"aeb", "fundus", "own"}


def test_good_scores_pass() -> None:
    assert evaluate.check(_results(), FLOORS) == []


def test_a_score_below_its_floor_fails() -> None:
    failures = evaluate.check(_results(own__no_boilerplate=0.5), FLOORS)
    assert len(failures) == 1 and failures[0].startswith("own.no_boilerplate")


def test_falling_behind_trafilatura_fails() -> None:
    failures = evaluate.check(_results(aeb__body_f1=0.94), FLOORS)
    assert any(f.startswith("aeb.body_f1_vs_trafilatura") for f in failures)


def test_a_wrong_date_where_none_fails() -> None:
    failures = evaluate.check(_results(own__wrong_date_where_none=1.0), FLOORS)
    assert any(f.startswith("own.wrong_date_where_none") for f in failures)


def test_too_slow_fails() -> None:
    failures = evaluate.check(_results(fundus__sec_per_page=0.02), FLOORS)
    assert failures == ["fundus.speed_ratio_max: 2.00 > 1.5"]


def test_check_exit_code(tmp_path: Path) -> None:
    floors = tmp_path / "floors.json"
    floors.write_text(json.dumps({"own.body_f1": 1.5}))
    code = evaluate.main(["--only", "own", "--corpus-pages", "0", "--check", "--floors", str(floors)])
    assert code == 1
    floors.write_text(json.dumps({"own.body_f1": 0.5}))
    assert evaluate.main(["--only", "own", "--corpus-pages", "0", "--check", "--floors", str(floors)]) == 0
