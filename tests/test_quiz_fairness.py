"""Quizzes need the reading: no key is given away by its length, its wording or words it shares with the answer.

Each rule runs over every question of the real course, and each is proven able to fail on a small made-up
question that breaks it.
"""
from __future__ import annotations

import math
import re
from types import SimpleNamespace

import pytest

from lessons import questions as qs

# The key may be the longest option in at most this share of single-choice questions (issue 14: "about a third").
LONGEST_KEY_SHARE = 1 / 3
# ...and never by a clear margin: a key this much longer than every other option stands out on sight.
LONGEST_KEY_MARGIN = 1.25
# "All but one option is right" sets teach learners to tick everything; a couple are allowed.
ALL_BUT_ONE_LIMIT = 2

# Words too common to give an answer away. Everything else of three letters or more is "distinctive".
STOPWORDS = frozenset("""
a an and are as at be been but by did do does for from had has have he her his in into is it its
not of on or our out so than that the their them then there these they this those to was were what when
where which while who whom why will with would you your one two all any also only other more most very
""".split())


def distinctive_words(text: str) -> set[str]:
    """The words of a text that could give an answer away: folded, roughly stemmed, without stopwords."""
    words = set()
    for word in re.findall(r"[a-z0-9]+", qs.normalise_text(text)):
        if word in STOPWORDS or len(word) < 3:
            continue
        for suffix in ("ians", "ian", "ia", "ese", "ing", "ed", "es", "s", "i"):
            if word.endswith(suffix) and len(word) - len(suffix) >= 4:
                word = word[: -len(suffix)]
                break
        words.add(word)
    return words


# ---------------------------------------------------------------------------------------------------------------
# The rules, as functions that return what breaks them, so each can be shown to fail

def longest_keys(single_questions) -> list[tuple[str, float]]:
    """(id, key length / longest other option) of every single-choice question whose key is the longest."""
    found = []
    for question in single_questions:
        others = [len(option) for option in question.options if option != question.answer]
        if len(question.answer) > max(others):
            found.append((question.id, len(question.answer) / max(others)))
    return found


def clear_margin_keys(single_questions) -> list[str]:
    return [qid for qid, ratio in longest_keys(single_questions) if ratio > LONGEST_KEY_MARGIN]


def lone_details(question) -> list[str]:
    """Right options that alone among the options carry a date or number, or a bracketed gloss."""
    right = [question.answer] if question.type == "single" else list(question.answers)
    wrong = [option for option in question.options if option not in right]
    problems = []
    for pattern, what in ((r"\d", "a number or date"), (r"\(", "a bracketed explanation")):
        if any(re.search(pattern, option) for option in right) and not any(re.search(pattern, o) for o in wrong):
            problems.append(f"{question.id}: only the right option(s) carry {what}")
    return problems


def prompt_echoes(question) -> list[str]:
    """A key that alone among the options repeats a distinctive word of the prompt can be found without reading."""
    prompt = distinctive_words(question.prompt)
    echoed = {option: distinctive_words(option) & prompt for option in question.options}
    if echoed[question.answer] and not any(echoed[o] for o in question.options if o != question.answer):
        return [f"{question.id}: only the key repeats {sorted(echoed[question.answer])} from the prompt"]
    return []


def all_but_one_sets(multiple_questions) -> list[str]:
    return [question.id for question in multiple_questions if len(question.answers) == len(question.options) - 1]


def leaking_clues(question, course) -> list[str]:
    """Matching clues that share a distinctive word with the name (or another name) of the item they belong to."""
    problems = []
    for item_id, clue in question.roles:
        item = course.get(item_id)
        names = [item.name, *getattr(item, "aliases", ())]
        shared = distinctive_words(clue) & set().union(*(distinctive_words(name) for name in names))
        if shared:
            problems.append(f"{question.id}: the clue for {item_id!r} repeats {sorted(shared)} from its name")
    return problems


# ---------------------------------------------------------------------------------------------------------------
# Over all quiz data

def _of_type(course, qtype: str) -> list:
    return [question for question in course.extra["question"].values() if question.type == qtype]


def test_the_key_is_the_longest_option_in_at_most_a_third_of_single_choice_questions(course):
    singles = _of_type(course, "single")
    assert len(singles) >= 12, "too few single-choice questions for the rule to mean anything"
    longest = longest_keys(singles)
    allowed = math.ceil(len(singles) * LONGEST_KEY_SHARE)
    assert len(longest) <= allowed, (
        f"the key is the longest option in {len(longest)} of {len(singles)} single-choice questions "
        f"(at most {allowed}): {[qid for qid, _ in longest]}")
    # The opposite pattern is a giveaway too: a learner who notices the key is never the longest can use it.
    assert len(longest) >= len(singles) // 10, "the key is (almost) never the longest option"


def test_no_key_is_clearly_longer_than_every_other_option(course):
    assert clear_margin_keys(_of_type(course, "single")) == []


def test_in_multiple_choice_the_right_options_are_not_simply_the_longest(course):
    giveaways = []
    for question in _of_type(course, "multiple"):
        ranked = sorted(question.options, key=len, reverse=True)
        if set(ranked[: len(question.answers)]) == set(question.answers):
            giveaways.append(question.id)
    multiples = _of_type(course, "multiple")
    assert len(giveaways) <= math.ceil(len(multiples) * LONGEST_KEY_SHARE), giveaways


def test_no_right_option_alone_carries_a_date_number_or_gloss(course):
    problems = [problem for qtype in ("single", "multiple") for question in _of_type(course, qtype)
                for problem in lone_details(question)]
    assert problems == []


def test_no_key_alone_echoes_the_prompt(course):
    assert [problem for question in _of_type(course, "single") for problem in prompt_echoes(question)] == []


def test_at_most_a_couple_of_all_but_one_sets(course):
    found = all_but_one_sets(_of_type(course, "multiple"))
    assert len(found) <= ALL_BUT_ONE_LIMIT, found


def test_matching_clues_share_no_distinctive_word_with_their_answer(course):
    problems = [problem for question in _of_type(course, "matching") for problem in leaking_clues(question, course)]
    assert problems == []


def test_true_false_statements_are_not_all_one_way(course):
    answers = [question.answer for question in _of_type(course, "truefalse")]
    share_true = sum(answers) / len(answers)
    assert 0.3 <= share_true <= 0.7, f"{sum(answers)} of {len(answers)} true/false statements are true"


# ---------------------------------------------------------------------------------------------------------------
# The named items of issue 14

def test_gyumri_is_never_keyed_as_set_to_stay_under_the_deal(course):
    for question in course.extra["question"].values():
        right = [question.answer] if question.type == "single" else list(question.answers)
        assert not any("Gyumri" in str(text) for text in right), question.id


def test_no_question_asks_for_a_border_length(course):
    assert all(question.number != "num_iran_border_km" for question in course.extra["question"].values())


def test_lesson_01_quiz_does_not_use_a_name_introduced_later(course):
    for question in qs.questions_of(course, "01-reading-the-article"):
        shown = " ".join([question.prompt, *question.options, *(text for _, text in question.labels),
                          *(text for _, text in question.roles), question.solution])
        assert "Zvartnots" not in shown, question.id


# ---------------------------------------------------------------------------------------------------------------
# Every rule can fail

def _single(qid, answer, *others):
    return SimpleNamespace(id=qid, type="single", answer=answer, options=(answer, *others))


def test_rules_catch_made_up_giveaways():
    long_key = _single("long", "Russian border guards leave five provinces but stay on two borders", "All leave",
                       "None leave")
    fair = _single("fair", "Minsk", "Moscow", "Astana")
    assert longest_keys([long_key, fair]) == [("long", pytest.approx(66 / 10))]
    assert clear_margin_keys([long_key, fair]) == ["long"]
    dated = _single("dated", "The deadline, 1 August 2024", "The arrival", "The talks")
    assert lone_details(dated) == ["dated: only the right option(s) carry a number or date"]
    assert lone_details(_single("ok", "On 9 May", "On 8 May", "On 14 May")) == []
    echo = SimpleNamespace(id="echo", prompt="Which border do the guards keep?", answer="The Turkish border",
                           options=("The Turkish border", "Syunik", "Moscow"))
    assert prompt_echoes(echo) == ["echo: only the key repeats ['border'] from the prompt"]
    tick_all = SimpleNamespace(id="tick", type="multiple", options=("a", "b", "c"), answers=("a", "b"))
    assert all_but_one_sets([tick_all]) == ["tick"]
    item = SimpleNamespace(name="Russian peacekeepers in Nagorno-Karabakh", aliases=("peacekeepers",))
    course = SimpleNamespace(get=lambda _id: item)
    leaky = SimpleNamespace(id="leaky", roles=(("russian_peacekeepers", "Deployed in and around Nagorno-Karabakh"),))
    assert leaking_clues(leaky, course) == [
        "leaky: the clue for 'russian_peacekeepers' repeats ['karabakh', 'nagorno'] from its name"]
    quiet = SimpleNamespace(id="quiet", roles=(("russian_peacekeepers", "Accused of failing to stop the offensive"),))
    assert leaking_clues(quiet, course) == []


def test_distinctive_words_fold_case_plurals_and_stopwords():
    assert distinctive_words("The Russian President's guards") == {"russ", "president", "guard"}
    assert distinctive_words("of the and") == set()
