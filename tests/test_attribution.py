"""Whose words a quote is comes from the article's quotation marks; `lessons check` rejects misattribution."""
from __future__ import annotations

import subprocess
import sys

import pytest

from lessons import attribution
from lessons.content import DATA_DIR


def run_check(data) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "lessons", "check", "--data", str(data)],
                          capture_output=True, text=True, timeout=300)


def problem_lines(result) -> list[str]:
    return [line.strip() for line in result.stdout.splitlines() if line.startswith("  ")]


# ------------------------------------------------------------------------- the article's quotation marks


def test_the_article_has_three_quotations(course):
    text = course.article.text
    quoted = [text[start:end] for start, end in attribution.quotations(text)]
    assert len(quoted) == 3, quoted  # Peskov's; the government's words; Pashinian's "own state interests."
    assert quoted[0].startswith('"In the autumn 2020') and quoted[0].endswith('agreed,"')
    assert quoted[1] == "\u201cfailure to respond to the security challenges\u201d"
    assert quoted[2] == '"own state interests."'


@pytest.mark.parametrize("fragment, kind", [
    ("Pashinian said that currently, due to changed conditions, they are no longer needed", attribution.INSIDE),
    ("own state interests", attribution.INSIDE),
    ("failure to respond to the security challenges", attribution.INSIDE),
    ("Spokesman Dmitry Peskov said", attribution.OUTSIDE),
    ("his country had also frozen its membership", attribution.OUTSIDE),
    # a whole quotation inside the outlet's sentence is the outlet's sentence, quoting
    ("for its \u201cfailure to respond to the security challenges\u201d facing Armenia", attribution.OUTSIDE),
    # starts in the narration and stops inside the quotation marks
    ('would be based on Armenia\'s "own state', attribution.CROSSING),
    ('border guards was agreed," Peskov said', attribution.CROSSING),
    ("not in the article", attribution.ABSENT),
])
def test_placement_is_read_from_the_quotation_marks(course, fragment, kind):
    assert attribution.placement(course.article.text, fragment).kind == kind


def test_a_repeated_fragment_is_placed_where_it_fits():
    text = 'Peskov said "they agreed" and they agreed.'
    assert attribution.placement(text, "they agreed", want_inside=True).kind == attribution.INSIDE
    assert attribution.placement(text, "they agreed", want_inside=False).kind == attribution.OUTSIDE


# ----------------------------------------------------------------------------- the real content


def test_every_claim_says_whose_words_match_the_marks(course):
    outlet = course.article.outlet_actor
    text = course.article.text
    for claim in course.claims.values():
        place = attribution.placement(text, claim.quote, want_inside=claim.words_of != outlet)
        expected = attribution.OUTSIDE if claim.words_of == outlet else attribution.INSIDE
        assert place.kind == expected, f"{claim.id}: {claim.words_of} but the quote is {place.kind}"


def test_w1_and_w2_are_the_outlets_words_or_only_the_quoted_words(course):
    frozen = course.claims["claim_frozen_membership"]
    assert frozen.speaker == "pashinian" and frozen.words_of == course.article.outlet_actor
    interests = course.claims["claim_state_interests"]
    assert interests.words_of == "pashinian"
    assert "Belarus" not in interests.quote and interests.quote.startswith("own state interests")


def test_the_claims_view_shows_the_chain_in_words(course):
    from html import unescape

    from lessons.claims import claims_html
    from lessons.views import show_item

    html = unescape(claims_html(course))
    assert "Nikol Pashinian, relayed by Dmitry Peskov, written by RFE/RL" in html
    assert "RFE/RL's words, reporting Nikol Pashinian; not in quotation marks" in html
    assert "Dmitry Peskov's words, inside the article's quotation marks" in html
    frozen = str(show_item("claim_frozen_membership", course))
    assert "Whose words: RFE/RL's words, reporting Nikol Pashinian; not in quotation marks" in frozen
    interests = str(show_item("claim_state_interests", course))
    assert "Whose words: Nikol Pashinian's words, inside the article's quotation marks" in interests


def test_the_real_content_passes_the_check(repo):
    result = run_check(DATA_DIR)
    assert result.returncode == 0, result.stdout + result.stderr


# ------------------------------------------------------------------ W1 and W2 reproduced in a copy


W1_OLD = ("  quote: \"his country had also frozen its membership in the Collective Security Treaty Organization (CSTO)\"\n"
          "  words_of: rferl\n")
W1_NEW = ("  quote: \"his country had also frozen its membership in the Collective Security Treaty Organization (CSTO)\"\n"
          "  words_of: pashinian\n")
W2_OLD = '  quote: "own state interests."\n'
W2_LONG = ("  quote: 'any decision about Yerevan\u2019s continued membership in the grouping -- which includes Belarus, "
           "Kazakhstan, Kyrgyzstan, and Tajikistan -- would be based on Armenia''s \"own state interests.\"'\n")


def test_w1_rferls_paraphrase_shown_as_pashinians_words_fails(data_copy):
    data_copy("claims.yaml", W1_OLD, W1_NEW)
    result = run_check(data_copy.data)
    assert result.returncode == 1
    assert problem_lines(result) == [
        "claims.yaml: claim_frozen_membership: words_of: the quote is not inside the article's quotation marks, "
        "so it is RFE/RL's words reporting what Nikol Pashinian said, not Nikol Pashinian's own. Set words_of: "
        "rferl, or quote only words the article puts in quotation marks"]


def test_w2_rferls_aside_inside_pashinians_quote_fails(data_copy):
    data_copy("claims.yaml", W2_OLD, W2_LONG)
    result = run_check(data_copy.data)
    assert result.returncode == 1
    assert problem_lines(result) == [
        "claims.yaml: claim_state_interests: words_of: the quote is not inside the article's quotation marks, "
        "so it is RFE/RL's words reporting what Nikol Pashinian said, not Nikol Pashinian's own. Set words_of: "
        "rferl, or quote only words the article puts in quotation marks"]


def test_a_quote_running_past_the_quotation_marks_fails(data_copy):
    data_copy("claims.yaml", W2_OLD, "  quote: 'would be based on Armenia''s \"own state interests'\n")
    result = run_check(data_copy.data)
    assert result.returncode == 1
    [line] = problem_lines(result)
    assert line.startswith("claims.yaml: claim_state_interests: quote: runs past the article's quotation marks "
                           "around '\"own state interests.\"'"), line


def test_a_quotation_given_as_the_outlets_words_fails(data_copy):
    data_copy("claims.yaml", "  quote: \"so President Putin agreed\"\n  words_of: peskov\n",
              "  quote: \"so President Putin agreed\"\n  words_of: rferl\n")
    result = run_check(data_copy.data)
    assert result.returncode == 1
    [line] = problem_lines(result)
    assert line.startswith("claims.yaml: claim_putin_agrees: words_of: the quote lies inside the article's "
                           "quotation marks"), line


def test_words_of_must_be_in_the_chain(data_copy):
    data_copy("claims.yaml", "  quote: \"so President Putin agreed\"\n  words_of: peskov\n",
              "  quote: \"so President Putin agreed\"\n  words_of: lavrov_x\n")
    result = run_check(data_copy.data)
    assert result.returncode == 1
    assert "claims.yaml: claim_putin_agrees: words_of: unknown actor id 'lavrov_x'" in problem_lines(result)
