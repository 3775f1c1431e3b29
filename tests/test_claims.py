"""Tests for lessons.claims: claims by speaker, exchanges, the relationship diagram and the widget."""
from __future__ import annotations

import datetime as dt

import pytest

from lessons import model
from lessons.figures import alt_text


def make_actor(actor_id, name, actor_type="state", **fields):
    return model.Actor(id=actor_id, name=name, type=actor_type, role=f"role of {name}",
                       evidence=model.Evidence(fragments=("x",)), **fields)


def make_claim(claim_id, speaker, stance, verb, concerns, quote):
    return model.Claim(id=claim_id, speaker=speaker, stance=stance, verb=verb, concerns=tuple(concerns), quote=quote,
                       words_of=speaker, evidence=model.Evidence(fragments=(quote,)))


@pytest.fixture(scope="module")
def mini():
    """Two sides that accuse and reject each other, a spokesman inside one side, a bloc, and narration."""
    actors = [
        make_actor("north", "Northland", member_of=("bloc",)),
        make_actor("south", "Southland", member_of=("bloc",)),
        make_actor("bloc", "The Bloc", "organisation"),
        make_actor("palace", "The Palace", "institution", part_of=("north",)),
        make_actor("speaker", "A Spokesman", "person", part_of=("palace",)),
        make_actor("troops", "Northern troops", "force", part_of=("north",)),
        make_actor("paper", "The Paper", "media"),
    ]
    claims = [
        make_claim("c_report", "paper", "reported_fact", "reports", ["north", "south"], "Things <happened> & more"),
        make_claim("c_accuse", "south", "accusation", "accuses", ["troops", "north"], "the troops failed"),
        make_claim("c_reject", "north", "rejection", "rejects", ["south"], "no mandate"),
        make_claim("c_counter", "north", "accusation", "accuses", ["south"], "you paved the way"),
        make_claim("c_state1", "speaker", "statement", "states", ["south"], "at their request"),
        make_claim("c_state2", "speaker", "statement", "states", ["south"], "no longer needed"),
        make_claim("c_opinion", "paper", "interpretation", "interprets", ["south"], "a new step"),
    ]
    article = model.Article(text="x", headline="h", photo_caption="c", outlet="o", url="https://x",
                            published=dt.date(2024, 5, 9), published_inferred=True, published_confidence="medium",
                            published_reasoning="r", spelling="s", outlet_actor="rferl")
    return model.Course(article=article, sources={}, actors={a.id: a for a in actors}, places={}, events={},
                        claims={c.id: c for c in claims}, numbers={}, terms={}, flags={}, misconceptions={})


def drawn_relations(figure):
    return {tuple(p.get_gid().split(":")[1:]) for ax in figure.axes for p in ax.patches
            if (p.get_gid() or "").startswith("relation:")}


def test_claims_by_speaker_groups_and_filters(mini):
    from lessons.claims import claims_by_speaker

    groups = claims_by_speaker(mini)
    assert list(groups) == ["paper", "south", "north", "speaker"]
    assert sum(len(v) for v in groups.values()) == len(mini.claims)
    assert [c.id for c in claims_by_speaker(mini, speaker="north")["north"]] == ["c_reject", "c_counter"]
    assert {s: [c.id for c in cs] for s, cs in claims_by_speaker(mini, stance="accusation").items()} == \
        {"south": ["c_accuse"], "north": ["c_counter"]}
    assert claims_by_speaker(mini, speaker="nobody") == {}


def test_exchange_pairs_accusation_with_rejection_by_side(mini):
    from lessons.claims import exchanges

    (exchange,) = exchanges(mini)
    assert exchange.sides == ("south", "north")
    assert [c.id for c in exchange.claims["south"]] == ["c_accuse"]
    assert [c.id for c in exchange.claims["north"]] == ["c_reject", "c_counter"]


def test_claims_html_escapes_and_reports_empty_result(mini):
    from lessons.claims import claims_html, exchanges_html

    html = claims_html(mini)
    assert "Things &lt;happened&gt; &amp; more" in html and "<happened>" not in html
    assert "[Accusation]" in html and "[Rejection]" in html and "[Interpretation]" in html
    empty = claims_html(mini, speaker="paper", stance="rejection")
    assert "No claims match" in empty and "The Paper" in empty
    exchange = exchanges_html(mini)
    assert "Southland says" in exchange and "Northland says" in exchange and "no mandate" in exchange


def test_relations_follow_the_claims_and_memberships(mini):
    from lessons.claims import relations

    found = {(r.source, r.verb, r.target): r.claims for r in relations(mini)}
    # Narration (reports, interprets) is not drawn; repeated statements merge into one arrow.
    assert ("paper", "reports", "north") not in found and ("paper", "interprets", "south") not in found
    assert found[("speaker", "states", "south")] == ("c_state1", "c_state2")
    assert found[("south", "accuses", "troops")] == ("c_accuse",)
    assert found[("north", "rejects", "south")] == ("c_reject",)
    # The spokesman's side is shown by climbing part_of; memberships are "belongs to".
    assert ("speaker", "part of", "palace") in found and ("palace", "part of", "north") in found
    assert ("north", "belongs to", "bloc") in found and ("south", "belongs to", "bloc") in found


def test_relationship_figure_draws_every_relation_deterministically(mini):
    from lessons.claims import relations, relationship_figure

    first, second = relationship_figure(mini), relationship_figure(mini)
    expected = {(r.source, r.verb, r.target) for r in relations(mini)}
    assert drawn_relations(first) == expected
    assert first.lessons_positions == second.lessons_positions
    labels = {t.get_gid() for ax in first.axes for t in ax.texts if (t.get_gid() or "").startswith("actor:")}
    assert labels == {f"actor:{a}" for a in ("speaker", "south", "troops", "north", "palace", "bloc")}
    text = alt_text(first)
    assert text.startswith("Diagram of 6 actors and") and "Southland accuses (concerning Northern troops)" in text


def test_relationship_figure_labels_do_not_overlap_boxes(mini):
    from lessons.claims import relationship_figure

    figure = relationship_figure(mini)
    renderer = figure.canvas.get_renderer()
    ax = figure.axes[0]
    boxes = [t.get_bbox_patch().get_window_extent(renderer) for t in ax.texts
             if (t.get_gid() or "").startswith("actor:")]
    for a_index, a in enumerate(boxes):
        for b in boxes[a_index + 1:]:
            assert not a.overlaps(b)


def test_widget_filters_and_messages(mini):
    from lessons.claims import claims_view

    box = claims_view(mini)
    assert "lessons-claims" in box._dom_classes
    view = box._lessons_view
    assert view.speaker.description == "Speaker" and view.stance.description == "Stance"
    assert "no mandate" in view.claims_area.value and "the troops failed" in view.claims_area.value
    view.speaker.value = "south"
    assert "the troops failed" in view.claims_area.value and "no mandate" not in view.claims_area.value
    view.stance.value = "rejection"
    assert "No claims match" in view.claims_area.value
    view.show_diagram.value = True
    assert 'alt="Diagram of' in view.diagram_area.value and view.diagram_area.layout.display is None
    assert "No claims by" in claims_view(mini, speaker="ghost")._lessons_view.status.value


# --------------------------------------------------------------------------- the real content


def test_real_article_shows_accusation_and_rejection_from_opposite_sides(course):
    from lessons.claims import exchanges

    found = exchanges(course)
    assert found, "the article reports an accusation and a rejection"
    stances = {side: {c.stance for c in claims} for ex in found for side, claims in ex.claims.items()}
    accusers = [side for side, s in stances.items() if "accusation" in s]
    rejecters = [side for side, s in stances.items() if "rejection" in s]
    assert accusers and rejecters
    assert any(a != r for a in accusers for r in rejecters)  # one side accuses, the other rejects
    for exchange in found:
        for claims in exchange.claims.values():
            for claim in claims:
                assert claim.quote in course.article.text


def test_real_relationship_figure(course):
    from lessons.claims import relations, relationship_figure

    figure = relationship_figure(course)
    assert drawn_relations(figure) == {(r.source, r.verb, r.target) for r in relations(course)}
    verbs = {r.verb for r in relations(course)}
    assert {"requests", "agrees", "announces", "accuses", "rejects", "belongs to"} <= verbs
    members = {(a.id, "belongs to", g) for a in course.actors.values() for g in a.member_of}
    assert members <= {(r.source, r.verb, r.target) for r in relations(course)}


def test_a_quote_in_someone_elses_words_names_who_relayed_it(course):
    from html import unescape

    from lessons.claims import claims_html
    from lessons.views import show_item

    relayed = [claim for claim in course.claims.values() if claim.relayed_by]
    assert relayed, "the article's relation claims come through Peskov; the data should say so"
    html = unescape(claims_html(course))
    for claim in relayed:
        relay = course.actors[claim.relayed_by[0]].name
        assert f"relayed by {relay}" in str(show_item(claim.id))
    assert html.count("relayed by ") >= len(relayed)
