"""Quizzes need the reading: no key is given away by its length, its wording or words it shares with the answer.

Each rule runs over every question of the real course, and each is proven able to fail on a small made-up
question that breaks it.
"""
from __future__ import annotations

import ast
import importlib
import json
import math
import re
from pathlib import Path
from types import SimpleNamespace

import pytest

from lessons import questions as qs

NOTEBOOKS = Path(__file__).resolve().parent.parent / "notebooks"

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

# True/false statements. Test-wise learners mark absolute statements false and qualified ones true, so an absolute
# may appear only in a true statement and a hedge only in a false one: either way the guess is wrong. Words inside
# quotation marks that are the article's own are not the item writer's and do not count. "May" is the month;
# only a lowercase "may" is a hedge.
ABSOLUTES = frozenset("""
every everyone everything everywhere all always never only none nothing nobody entirely completely
""".split())
HEDGES = frozenset("""
some sometimes often usually generally mostly partly probably possibly perhaps likely may might can could
""".split())
QUOTED = re.compile(r'"([^"]*)"|\u201c([^\u201d]*)\u201d')
# ...and a statement may not repeat this many consecutive words of what its lesson shows (markdown and views).
# The fair statements share at most five (names and set phrases such as "the CSTO summit in Minsk").
COPIED_RUN = 6
# The lesson's views whose text a learner reads, by the name a notebook calls them: (module, function).
# The quiz and checkpoint views are left out (they show the statements themselves), and so are sources
# (other outlets' titles) and figures. The interactive timeline, map and claims views count by their static forms.
LESSON_VIEWS = {
    "show_item": ("views", "show_item"), "show_table": ("views", "show_table"),
    "show_misconceptions": ("views", "show_misconceptions"), "show_flags": ("views", "show_flags"),
    "show_glossary": ("views", "show_glossary"), "show_objectives": ("views", "show_objectives"),
    "show_fragment": ("views", "show_fragment"), "show_article": ("views", "show_article"),
    "events_table": ("timeline_view", "events_table"), "timeline": ("timeline_view", "events_table"),
    "course_map": ("static", "course_map"), "claims_view": ("static", "claims_view"),
}


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


def wording_cues(question, article: str) -> list[str]:
    """An absolute in a false statement or a hedge in a true one: the key a guess from the wording would pick."""
    folded_article = f" {qs.normalise_text(article)} "

    def unquote(match):
        quoted = match.group(1) if match.group(1) is not None else match.group(2)
        return " " if f" {qs.normalise_text(quoted)} " in folded_article else quoted

    words = re.findall(r"[A-Za-z]+", QUOTED.sub(unquote, question.prompt))
    cues, kind = (HEDGES, "a hedge") if question.answer else (ABSOLUTES, "an absolute")
    found = sorted({word.lower() for word in words if word != "May" and word.lower() in cues})
    if found:
        return [f"{question.id}: {kind} in a {'true' if question.answer else 'false'} statement: {found}"]
    return []


def _words(text: str) -> list[str]:
    """A text's words as a learner reads them: folded, without link targets or HTML comments."""
    text = re.sub(r"<!--.*?-->", " ", text, flags=re.DOTALL)
    text = re.sub(r"\]\([^)]*\)", "]", text)
    return qs.normalise_text(text).split()


def _runs(words: list[str], length: int) -> set[tuple[str, ...]]:
    return {tuple(words[i:i + length]) for i in range(len(words) - length + 1)}


def copied_runs(question, lesson_texts, article: str, length: int = COPIED_RUN) -> list[str]:
    """Stretches of a statement that repeat `length` or more consecutive words of its lesson's text.

    A stretch that is the article's own wording does not count: the article is what the quiz asks about, and a
    learner still has to know what holds of it. Copying the lesson's own conclusion is what gives a key away.
    """
    prompt = _words(question.prompt)
    shown = set().union(*(_runs(_words(text), length) for text in lesson_texts))
    copied = (_runs(prompt, length) & shown) - _runs(_words(article), length)
    starts = [i for i in range(len(prompt) - length + 1) if tuple(prompt[i:i + length]) in copied]
    stretches = []
    for start in starts:
        if stretches and start == stretches[-1][1] + 1:
            stretches[-1][1] = start
        else:
            stretches.append([start, start])
    return [f"{question.id}: repeats its lesson's words {' '.join(prompt[first:last + length])!r}"
            for first, last in stretches]


def lesson_texts(lesson: str, course) -> list[str]:
    """What a learner reads in a lesson besides the quiz: its markdown cells, and the text of its views."""
    texts = []
    for cell in json.loads((NOTEBOOKS / f"{lesson}.ipynb").read_text(encoding="utf-8"))["cells"]:
        source = "".join(cell["source"]) if isinstance(cell["source"], list) else cell["source"]
        if cell["cell_type"] == "markdown":
            texts.append(source)
            continue
        for node in ast.walk(ast.parse(source)):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in LESSON_VIEWS:
                module, name = LESSON_VIEWS[node.func.id]
                view = getattr(importlib.import_module(f"lessons.{module}"), name)
                if node.func.id == "timeline":  # the events the timeline steps through, all of them
                    args, kwargs = [], {}
                else:
                    args = [ast.literal_eval(arg) for arg in node.args]
                    kwargs = {kw.arg: ast.literal_eval(kw.value) for kw in node.keywords}
                shown = view(*args, **kwargs, course=course)
                texts.append(shown.to_text() if hasattr(shown, "to_text") else shown.text)
    return texts


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


def test_no_true_false_statement_leans_on_an_absolute_or_a_hedge(course):
    problems = [problem for question in _of_type(course, "truefalse")
                for problem in wording_cues(question, course.article.text)]
    assert problems == []


def test_no_true_false_statement_copies_its_lesson(course):
    statements = _of_type(course, "truefalse")
    texts = {lesson: lesson_texts(lesson, course) for lesson in sorted({q.lesson for q in statements})}
    assert all(len(shown) > 5 for shown in texts.values()), "a lesson's text was not found"
    problems = [problem for question in statements
                for problem in copied_runs(question, texts[question.lesson], course.article.text)]
    assert problems == []


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


def _statement(qid, prompt, answer):
    return SimpleNamespace(id=qid, type="truefalse", prompt=prompt, answer=answer)


ARTICLE = "Some 2,000 Russian peacekeepers have already withdrawn. The talks in Moscow on May 8."


def test_wording_rule_catches_made_up_giveaways():
    absolute = _statement("absolute", "Russian border guards will leave every province and all borders.", False)
    assert wording_cues(absolute, ARTICLE) == ["absolute: an absolute in a false statement: ['all', 'every']"]
    hedge = _statement("hedge", "Some posts may have been set up later.", True)
    assert wording_cues(hedge, ARTICLE) == ["hedge: a hedge in a true statement: ['may', 'some']"]
    # The other way round each cue points away from the key, so it is allowed.
    assert wording_cues(_statement("t", "Only the posts in five provinces leave.", True), ARTICLE) == []
    assert wording_cues(_statement("f", "Some posts may stay.", False), ARTICLE) == []
    # The article's own words in quotation marks, and the month May, are not the writer's cues...
    quoted = _statement("quoted", 'The article says "Some 2,000 Russian peacekeepers" left before 9 May 2024.', True)
    assert wording_cues(quoted, ARTICLE) == []
    # ...but quotation marks around words that are not the article's do not hide them.
    fake = _statement("fake", 'The sources say "all posts" date from 2020.', False)
    assert wording_cues(fake, ARTICLE) == ["fake: an absolute in a false statement: ['all']"]


def test_copying_rule_catches_a_statement_that_repeats_its_lesson():
    lesson = ["## Key points\n\nThese are two different forces in two different places ([RFE/RL](https://x.org/a))."]
    copy = _statement("copy", "The peacekeepers and the posts are two different forces in two different places.", True)
    assert copied_runs(copy, lesson, ARTICLE) == [
        "copy: repeats its lesson's words 'are two different forces in two different places'"]
    assert copied_runs(copy, lesson, ARTICLE, length=9) == []
    own = _statement("own", "The peacekeepers and the posts served in separate places, as separate forces.", True)
    assert copied_runs(own, lesson, ARTICLE) == []
    # Quoting the article at length is reading it, not copying the lesson.
    quoting = _statement("quoting", "Some 2,000 Russian peacekeepers have already withdrawn, the article says.", True)
    assert copied_runs(quoting, ["Some 2,000 Russian peacekeepers have already withdrawn."], ARTICLE) == []
    # A link's target is not read, so it cannot be copied.
    linked = _statement("linked", "RFE/RL x org a says so.", True)
    assert copied_runs(linked, lesson, ARTICLE, length=3) == []


def test_lesson_texts_include_what_the_views_show(course):
    shown = " ".join(lesson_texts("09-review", course))
    assert "two different forces in two different places" in shown  # the misconceptions view
    assert "Key points of the course" in shown  # the markdown
    assert not any(question.prompt in shown for question in qs.questions_of(course, "09-review"))  # not the quiz


def test_distinctive_words_fold_case_plurals_and_stopwords():
    assert distinctive_words("The Russian President's guards") == {"russ", "president", "guard"}
    assert distinctive_words("of the and") == set()
