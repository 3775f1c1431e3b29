"""Every row of the verified fact sheet (FACTS.md) is covered by a content item of the right kind.

The fact sheet lives outside the repository, at ../shared/facts/FACTS.md; the URL check is skipped when
it is not there.
"""
from __future__ import annotations

from pathlib import Path

import pytest

from lessons.content import KIND_FILES

FACTS = Path(__file__).resolve().parents[2] / "shared" / "facts" / "FACTS.md"

# FACTS.md row prefix -> (content kind, rows in the sheet)
ROWS = {
    "A": ("actor", 15),
    "P": ("place", 12),
    "E": ("event", 13),
    "N": ("number", 7),
    "C": ("claim", 15),
    "F": ("flag", 6),
    "T": ("misconception", 15),
}
# Rows merged into another row's item because they are the same real happening. E3 and E4 are the
# article's two mentions of one offensive (September 2023): one event, facts_id E3, quoting both.
MERGED = {"E4": ("E3", "Azerbaijan’s new offensive in September")}



@pytest.fixture(scope="module")
def content(course) -> dict[str, list]:
    """kind -> the course's items of that kind (each kind's table on Course is its plural)."""
    return {kind: list(getattr(course, f"{kind}s").values()) for kind in KIND_FILES}


def _field(item, name, default=None):
    return getattr(item, name, default)


def _facts_ids(items) -> set[str]:
    return {_field(item, "facts_id") for item in items if _field(item, "facts_id")}


@pytest.mark.parametrize("prefix", sorted(ROWS))
def test_every_fact_sheet_row_has_an_item_of_the_right_kind(content, prefix):
    kind, count = ROWS[prefix]
    have = _facts_ids(content[kind])
    wanted = [f"{prefix}{n}" for n in range(1, count + 1)]
    missing = [row for row in wanted if row not in have and MERGED.get(row, ("",))[0] not in have]
    assert not missing, f"FACTS.md rows with no {kind} item (by facts_id): {', '.join(missing)}"


def test_merged_rows_are_quoted_by_the_item_that_covers_them(content):
    for row, (into, fragment) in MERGED.items():
        kind = ROWS[row[0]][0]
        holders = [item for item in content[kind] if _field(item, "facts_id") == into]
        assert holders, f"{row} is merged into {into}, but no {kind} has facts_id {into}"
        quoting = [item for item in holders if any(fragment in quoted for quoted in item.evidence.fragments)]
        assert quoting, f"the {kind} with facts_id {into} should quote {row}'s fragment {fragment!r}"


def test_facts_ids_sit_on_items_of_the_right_kind(content):
    wrong = []
    for kind, items in content.items():
        for item in items:
            facts_id = _field(item, "facts_id")
            if facts_id and facts_id[0] in ROWS and ROWS[facts_id[0]][0] != kind:
                wrong.append(f"{_field(item, 'id')} ({kind}) has facts_id {facts_id}")
    assert not wrong, "facts_id on an item of the wrong kind: " + "; ".join(wrong)


def test_there_are_at_least_twenty_glossary_terms(content):
    terms = [_field(item, "id") for item in content["term"]]
    assert len(terms) >= 20, f"only {len(terms)} terms: {', '.join(terms)}"


def test_every_cited_source_is_in_sources_yaml(content):
    known = {_field(source, "id") for source in content["source"]}
    unknown = sorted({
        f"{_field(item, 'id')}: {source_id}"
        for kind, items in content.items() if kind != "source"
        for item in items
        for source_id in _evidence_sources(item)
        if source_id not in known})
    assert not unknown, "cited sources missing from sources.yaml: " + ", ".join(unknown)


def _evidence_sources(item) -> tuple[str, ...]:
    evidence = _field(item, "evidence")
    return evidence.sources if evidence is not None else ()


def test_every_source_url_appears_in_the_fact_sheet(content):
    if not FACTS.exists():
        pytest.skip(f"the fact sheet is not at {FACTS}")
    facts = FACTS.read_text(encoding="utf-8")
    missing = [f"{_field(source, 'id')} {_field(source, 'url')}" for source in content["source"]
               if _field(source, "url") not in facts]
    assert not missing, "source URLs not found in FACTS.md: " + "; ".join(missing)
