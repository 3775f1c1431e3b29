"""The seed article is a byte-identical copy, and its metadata agrees with it."""
from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from lessons.content import SEED_FILE, seed_dir

SHARED_SEED = Path(__file__).resolve().parents[2] / "shared" / "seeds" / SEED_FILE


def test_seed_is_byte_identical_to_the_shared_copy(repo):
    if not SHARED_SEED.exists():
        pytest.skip("../shared/seeds/ is not beside this checkout, so there is nothing to compare with")
    assert (repo / "seeds" / SEED_FILE).read_bytes() == SHARED_SEED.read_bytes()


def test_package_reads_the_repo_seed(repo):
    assert seed_dir() == repo / "seeds"


def test_metadata_quotes_the_article_and_dates_it_honestly(repo, course):
    meta = yaml.safe_load((repo / "seeds" / "article.yaml").read_text(encoding="utf-8"))
    text = (repo / "seeds" / SEED_FILE).read_text(encoding="utf-8")
    assert text.startswith(meta["headline"] + "\n")
    assert meta["photo_caption"] in text
    assert meta["outlet"].endswith("(RFE/RL)")
    assert meta["published"] == {**meta["published"], "date": "2024-05-09", "inferred": True, "confidence": "medium"}
    assert "Pashinyan" in meta["spelling"] and "Pashinian" in meta["spelling"]
    assert course.article.published.isoformat() == "2024-05-09"
    assert course.article.published_inferred is True
