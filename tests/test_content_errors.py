"""Malformed content is rejected with a message that names file, item, field and problem."""
from __future__ import annotations

import shutil
import subprocess
import sys
import textwrap

import pytest

from lessons.content import ContentError, load_course

# A small, valid course. Each test breaks one thing in a copy of it.
VALID = {
    "sources.yaml": """
        - id: S1
          title: "Putin, Pashinian Agree On Withdrawal Of Russian Troops From Some Armenian Regions"
          outlet: RFE/RL
          outlet_type: news
          url: https://rferl.org/amp/karabakh-pashinian-putin-turkey-iran-csto/32939732.html
        - id: S29
          title: Statement by the Prime Minister of the Republic of Armenia
          outlet: Armenian Government
          outlet_type: official
          url: https://www.primeminister.am/en/
    """,
    "actors.yaml": """
        - id: putin
          name: Vladimir Putin
          type: person
          role: Russian president; agreed to the withdrawal
          evidence: {fragments: ["Russian President Vladimir Putin"], sources: [S1]}
        - id: russia
          name: Russia
          type: state
          role: Rejects the accusations
          evidence: {fragments: ["Russia has rejected the accusations"]}
        - id: rferl
          name: Radio Free Europe/Radio Liberty (RFE/RL)
          type: media
          role: Published the article
          aliases: ["RFE/RL"]
          evidence: {sources: [S1]}
          background: true
    """,
    "places.yaml": """
        - id: tavush
          name: Tavush
          type: province
          role: Russian posts leave
          iso_3166_2: AM-TV
          evidence: {fragments: ["located in Tavush"]}
    """,
    "events.yaml": """
        - id: talks
          title: Putin and Pashinian hold talks in Moscow
          date:
            precision: day
            value: "2024-05-08"
            wording: May 8
            year_inferred: true
            inference: The article dates from May 2024.
          themes: [diplomacy]
          actors: [putin]
          places: [tavush]
          evidence: {fragments: ["in Moscow on May 8"]}
        - id: trilateral_statement
          title: Trilateral statement ends the 2020 war
          date: {precision: day, value: "2020-11-10"}
          themes: [war]
          background: true
          evidence: {sources: [S29]}
    """,
    "claims.yaml": """
        - id: no_mandate
          speaker: russia
          stance: rejection
          verb: rejects
          concerns: [russia]
          quote: "its troops didn’t have a mandate to intervene"
          words_of: rferl
          evidence: {fragments: ["its troops didn’t have a mandate to intervene"]}
    """,
    "numbers.yaml": "[]",
    "terms.yaml": "[]",
    "flags.yaml": "[]",
    "misconceptions.yaml": "[]",
}


@pytest.fixture
def content(tmp_path, repo):
    """Write the valid course to a folder; return a function that edits one file and loads."""
    data = tmp_path / "data"
    data.mkdir()
    shutil.copy(repo / "lessons" / "data" / "schema.yaml", data / "schema.yaml")
    for name, text in VALID.items():
        (data / name).write_text(textwrap.dedent(text), encoding="utf-8")

    def load(file: str | None = None, old: str = "", new: str = ""):
        if file:
            path = data / file
            text = path.read_text(encoding="utf-8")
            assert old in text, f"test setup: {old!r} not in {file}"
            path.write_text(text.replace(old, new, 1), encoding="utf-8")
        return load_course(data_dir=data)

    load.data = data
    return load


def problems(load, *args) -> list[str]:
    with pytest.raises(ContentError) as caught:
        load(*args)
    return [str(problem) for problem in caught.value.problems]


def test_the_valid_fixture_loads(content):
    course = content()
    assert set(course.events) == {"talks", "trilateral_statement"}
    assert course.events["talks"].date.start.isoformat() == "2024-05-08"


def test_broken_yaml(content):
    assert problems(content, "events.yaml", "themes: [diplomacy]", "themes: [diplomacy") == [
        "events.yaml: YAML syntax error at line 11, column 9: did not find expected ',' or ']'"]


def test_missing_field(content):
    assert problems(content, "actors.yaml", "  role: Russian president; agreed to the withdrawal\n", "") == [
        "actors.yaml: putin: role: required field is missing"]


def test_wrong_type(content):
    assert problems(content, "actors.yaml", "  type: person\n", "  type: person\n  aliases: Vova\n") == [
        "actors.yaml: putin: aliases: expected array, got str 'Vova'"]


def test_unknown_field(content):
    assert problems(content, "places.yaml", "  type: province\n", "  type: province\n  population: 1\n") == [
        "places.yaml: tavush: population: unknown field; allowed fields are: aliases, background, capital, "
        "confidence, description, evidence, facts_id, id, iso_3166_2, lat, lon, name, role, type"]


def test_duplicate_id(content):
    duplicate = ("- id: russia\n  name: Moscow\n  type: state\n  role: Rejects\n"
                 "  evidence: {sources: [S1]}\n  background: true\n")
    found = problems(content, "actors.yaml", "- id: russia", duplicate + "- id: russia")
    assert found == ["actors.yaml: russia: id: duplicate id (first defined in actors.yaml)"]



def test_unknown_reference(content):
    assert problems(content, "events.yaml", "actors: [putin]", "actors: [putin, medvedev]") == [
        "events.yaml: talks: actors: unknown actor id 'medvedev'"]


def test_reference_to_the_wrong_kind(content):
    assert problems(content, "events.yaml", "places: [tavush]", "places: [putin]") == [
        "events.yaml: talks: places: 'putin' is an actor, not a place"]


def test_quote_not_in_seed(content):
    old = 'quote: "its troops didn’t have a mandate to intervene"'
    new = 'quote: "its troops had no mandate to intervene"'
    assert problems(content, "claims.yaml", old, new) == [
        "claims.yaml: no_mandate: quote: not verbatim in the seed article; "
        "the closest passage is 'its troops didn’t have a mandate to in'"]


def test_straight_apostrophe_where_the_seed_has_a_curly_one(content):
    old = 'fragments: ["its troops didn’t have a mandate to intervene"]'
    new = 'fragments: ["its troops didn\'t have a mandate to intervene"]'
    assert problems(content, "claims.yaml", old, new) == [
        "claims.yaml: no_mandate: evidence.fragments.0: not verbatim in the seed article: the seed writes "
        "’ (U+2019) where this has a straight quote; use the seed's text 'its troops didn’t have a mandate to intervene'"]


def test_impossible_date(content):
    assert problems(content, "events.yaml", 'value: "2024-05-08"', 'value: "2024-02-30"') == [
        "events.yaml: talks: date.value: '2024-02-30' is not a real date (day is out of range for month)"]


def test_precision_and_date_disagree(content):
    assert problems(content, "events.yaml", 'value: "2024-05-08"', 'value: "2024-05"') == [
        "events.yaml: talks: date.value: precision is 'day' but value '2024-05' is not of the form YYYY-MM-DD"]


def test_empty_evidence(content):
    assert problems(content, "places.yaml", 'evidence: {fragments: ["located in Tavush"]}', "evidence: {}") == [
        "places.yaml: tavush: evidence: evidence is empty: give an article fragment or a source id"]


def test_background_item_citing_an_unknown_source(content):
    assert problems(content, "events.yaml", "evidence: {sources: [S29]}", "evidence: {sources: [S999]}") == [
        "events.yaml: trilateral_statement: evidence.sources: unknown source 'S999' (not in sources.yaml)"]


def test_item_without_a_fragment_must_be_marked_background(content):
    assert problems(content, "events.yaml", "  background: true\n", "") == [
        "events.yaml: trilateral_statement: background: has no article fragment: "
        "mark it `background: true` or add a verbatim fragment"]


def test_inferred_year_needs_a_reason(content):
    assert problems(content, "events.yaml", "    inference: The article dates from May 2024.\n", "") == [
        "events.yaml: talks: date.inference: year_inferred is true, so say why in `inference`"]


def test_every_problem_is_reported_not_only_the_first(content):
    (content.data / "numbers.yaml").write_text("- id: x\n  value: many\n", encoding="utf-8")
    found = problems(content, "places.yaml", "- id: tavush", "- id: Tavush")
    assert found == [
        "places.yaml: Tavush: id: 'Tavush' is not a valid id (lowercase letters, digits and _; starts with a letter)",
        "numbers.yaml: x: evidence: required field is missing",
        "numbers.yaml: x: refers_to: required field is missing",
        "numbers.yaml: x: unit: required field is missing",
        "numbers.yaml: x: value: expected number, got str 'many'",
        "numbers.yaml: x: wording: required field is missing",
        "events.yaml: talks: places: unknown place id 'tavush'",
    ]


def test_the_command_line_lists_all_problems_without_a_traceback(content):
    (content.data / "flags.yaml").write_text("{not: a list}", encoding="utf-8")
    (content.data / "terms.yaml").write_text("- [unclosed", encoding="utf-8")
    result = subprocess.run([sys.executable, "-m", "lessons", "check", "--data", str(content.data)],
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 1
    assert "Traceback" not in result.stdout + result.stderr
    assert result.stdout.splitlines() == [
        "FAILED: 2 problem(s) in the course content:",
        "  terms.yaml: YAML syntax error at line 2, column 1: did not find expected ',' or ']'",
        "  flags.yaml: expected a list of flag items, got dict",
    ]


def test_claim_relayed_by_must_name_an_actor(content):
    assert problems(content, "claims.yaml", "  speaker: russia\n", "  speaker: russia\n  relayed_by: [lavrov]\n") == [
        "claims.yaml: no_mandate: relayed_by: unknown actor id 'lavrov'"]


def test_a_claim_must_say_whose_words_its_quote_is(content):
    assert problems(content, "claims.yaml", "  words_of: rferl\n", "") == [
        "claims.yaml: no_mandate: words_of: required field is missing"]


def test_the_outlets_words_shown_as_a_speakers_fail(content):
    found = problems(content, "claims.yaml", "words_of: rferl", "words_of: russia")
    assert found == [
        "claims.yaml: no_mandate: words_of: the quote is not inside the article's quotation marks, so it is "
        "RFE/RL's words reporting what Russia said, not Russia's own. Set words_of: rferl, or quote only words "
        "the article puts in quotation marks"]
