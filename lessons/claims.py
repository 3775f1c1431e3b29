"""Who said what: the article's claims by speaker and stance, and a diagram of how the actors relate."""
from __future__ import annotations

import math
import textwrap
from dataclasses import dataclass
from html import escape

from .attribution import claim_chain, claim_words
from .evidence import evidence_html
from .figures import GREY, OKABE_ITO, alt_text, figure_html, figure_png, new_figure, png_html, resolve_course, \
    set_alt_text
from .model import Actor, Claim, Course

__all__ = ["claims_view", "relationship_figure", "claims_by_speaker", "exchanges", "relations", "alt_text",
           "figure_html", "STANCE_LABELS"]

STANCE_LABELS = {
    "reported_fact": "Reported fact",
    "statement": "Statement",
    "accusation": "Accusation",
    "rejection": "Rejection",
    "interpretation": "Interpretation",
}
# The outlet's narration (reports, interprets) is listed in the view but not drawn as arrows:
# it would link the outlet to every actor and hide who said what to whom.
NARRATION_VERBS = ("reports", "interprets")
BELONGS_TO, PART_OF = "belongs to", "part of"
VERB_STYLE = {  # colour, line width, line style; colour is never the only cue (every arrow is labelled)
    "accuses": (OKABE_ITO["vermillion"], 2.4, "-"),
    "rejects": (OKABE_ITO["blue"], 2.4, "-"),
    "criticizes": (OKABE_ITO["vermillion"], 1.6, "-"),
    "requests": (OKABE_ITO["bluish_green"], 1.8, "-"),
    "agrees": (OKABE_ITO["bluish_green"], 1.8, "-"),
    "announces": ("#333333", 1.5, "-"),
    "states": ("#333333", 1.2, "-"),
    BELONGS_TO: (GREY, 1.2, "--"),
    PART_OF: (GREY, 1.2, ":"),
}
TYPE_COLOURS = {
    "person": "#FFFFFF",
    "state": "#F3DFB0",  # light orange
    "organisation": "#CDEBDF",  # light bluish green
    "institution": "#D6E6F4",  # light blue
    "force": "#F2D4C2",  # light vermillion
    "media": "#EEEEEE",
    "group": "#EAD7E4",
}


# --------------------------------------------------------------------------- the data views


def actor_label(course: Course, actor_id: str) -> str:
    actor = course.actors.get(actor_id)
    return actor.name if actor else f"{actor_id} (unknown actor)"


def claims_by_speaker(course: Course | None = None, speaker=None, stance=None) -> dict[str, list[Claim]]:
    """Claims grouped by speaker id (speakers in order of first claim), optionally filtered."""
    course = resolve_course(course)
    groups: dict[str, list[Claim]] = {}
    for claim in course.claims.values():
        if speaker not in (None, "") and claim.speaker != speaker:
            continue
        if stance not in (None, "") and claim.stance != stance:
            continue
        groups.setdefault(claim.speaker, []).append(claim)
    return groups


def _root(course: Course, actor_id: str) -> str:
    """The actor at the top of `part_of` (Peskov -> the Kremlin -> Russia): the side an actor speaks for."""
    seen = set()
    while actor_id in course.actors and course.actors[actor_id].part_of and actor_id not in seen:
        seen.add(actor_id)
        actor_id = course.actors[actor_id].part_of[0]
    return actor_id


@dataclass(frozen=True)
class Exchange:
    """Claims in which two sides answer each other: accusations, rejections, counter-accusations."""

    sides: tuple[str, ...]  # root actor ids, the first side speaking first in the content
    claims: dict[str, tuple[Claim, ...]]  # side -> its claims


def exchanges(course: Course | None = None) -> list[Exchange]:
    """Accusations and rejections that answer each other, by side.

    Two such claims answer each other when each one's speaker (or the side it belongs to) is among
    what the other concerns.
    """
    course = resolve_course(course)
    disputed = [c for c in course.claims.values() if c.stance in ("accusation", "rejection")]

    def touches(claim: Claim, side: str) -> bool:
        return any(_root(course, actor_id) == side or actor_id == side for actor_id in claim.concerns)

    def linked(a: Claim, b: Claim) -> bool:
        side_a, side_b = _root(course, a.speaker), _root(course, b.speaker)
        return side_a != side_b and touches(a, side_b) and touches(b, side_a)

    groups: list[list[Claim]] = []
    for claim in disputed:
        joined = [g for g in groups if any(linked(claim, other) for other in g)]
        merged = [claim] + [c for g in joined for c in g]
        groups = [g for g in groups if g not in joined] + [merged]
    result = []
    order = list(course.claims)
    for group in groups:
        if len({_root(course, c.speaker) for c in group}) < 2:
            continue
        group = sorted(group, key=lambda c: order.index(c.id))
        sides: dict[str, list[Claim]] = {}
        for claim in group:
            sides.setdefault(_root(course, claim.speaker), []).append(claim)
        result.append(Exchange(tuple(sides), {side: tuple(claims) for side, claims in sides.items()}))
    return result


def _claim_html(course: Course, claim: Claim) -> str:
    concerns = ", ".join(actor_label(course, a) for a in claim.concerns) or "no one named"
    summary = f"<p>{escape(claim.summary)}</p>" if claim.summary else ""
    return (f'<article class="lessons-claim" aria-label="{escape(STANCE_LABELS.get(claim.stance, claim.stance))} '
            f'by {escape(actor_label(course, claim.speaker))}">'
            f'<p><strong>[{escape(STANCE_LABELS.get(claim.stance, claim.stance))}]</strong> '
            f"{escape(actor_label(course, claim.speaker))} <em>{escape(claim.verb)}</em>"
            f" \u2014 concerns: {escape(concerns)}</p>"
            f'<p class="lessons-claim-chain">From: {escape(claim_chain(course, claim))}</p>'
            f'<blockquote class="lessons-claim-quote">\u201c{escape(claim.quote)}\u201d'
            f"<footer>{escape(claim_words(course, claim))}</footer></blockquote>"
            f"{summary}<details><summary>Evidence</summary>{evidence_html(course, claim.evidence)}</details>"
            "</article>")


def exchanges_html(course: Course) -> str:
    """Each exchange as a two-column table: what one side says, what the other says."""
    parts = []
    for exchange in exchanges(course):
        names = [actor_label(course, side) for side in exchange.sides]
        head = "".join(f'<th scope="col">{escape(name)} says</th>' for name in names)
        cells = "".join(
            "<td style=\"vertical-align:top\">" + "".join(
                f"<p><strong>{escape(STANCE_LABELS[c.stance])}</strong> ({escape(actor_label(course, c.speaker))}"
                f" {escape(c.verb)} {escape(', '.join(actor_label(course, a) for a in c.concerns[:1]))}"
                f"):<br>\u201c{escape(c.quote)}\u201d<br><small>{escape(claim_words(course, c))}</small></p>"
                for c in exchange.claims[side]) + "</td>"
            for side in exchange.sides)
        parts.append(f"<table><caption>One side's accusation, the other side's answer: the article reports "
                     f"{escape(' and '.join(names))}</caption><thead><tr>{head}</tr></thead>"
                     f"<tbody><tr>{cells}</tr></tbody></table>")
    return "".join(parts)


def claims_html(course: Course, speaker=None, stance=None) -> str:
    """The claims by speaker, with stance, verb, concerns, quote and evidence; or a message if none match."""
    groups = claims_by_speaker(course, speaker, stance)
    if not groups:
        what = []
        if speaker:
            what.append(f"speaker {actor_label(course, speaker)}")
        if stance:
            what.append(f"stance {STANCE_LABELS.get(stance, stance)}")
        return (f'<p role="status">No claims match ({escape(" and ".join(what))}). '
                f"Choose another speaker or stance.</p>")
    sections = []
    for speaker_id, claims in groups.items():
        actor = course.actors.get(speaker_id)
        role = f" \u2014 {escape(actor.role)}" if actor else ""
        sections.append(f"<section><h4>{escape(actor_label(course, speaker_id))}{role}</h4>"
                        + "".join(_claim_html(course, c) for c in claims) + "</section>")
    return "".join(sections)


# --------------------------------------------------------------------------- the relationship diagram


@dataclass(frozen=True)
class Relation:
    """One arrow: source -verb-> target, from claims (with their ids) or from member_of / part_of."""

    source: str
    verb: str
    target: str
    claims: tuple[str, ...] = ()


def relations(course: Course | None = None) -> list[Relation]:
    """The diagram's arrows: each claim's speaker -verb-> the first actor it concerns (its addressee or
    subject; narration left out), merged when repeated; then belongs to (member_of) and part of (part_of)."""
    course = resolve_course(course)
    merged: dict[tuple[str, str, str], list[str]] = {}
    for claim in course.claims.values():
        if claim.verb in NARRATION_VERBS or not claim.concerns:
            continue
        merged.setdefault((claim.speaker, claim.verb, claim.concerns[0]), []).append(claim.id)
    found = [Relation(s, v, t, tuple(ids)) for (s, v, t), ids in merged.items()]
    nodes = {r.source for r in found} | {r.target for r in found}
    # Climb part_of from every actor in the diagram, so each speaker's side is shown.
    frontier = sorted(nodes)
    while frontier:
        actor = course.actors.get(frontier.pop(0))
        for parent in actor.part_of if actor else ():
            found.append(Relation(actor.id, PART_OF, parent))
            if parent not in nodes:
                nodes.add(parent)
                frontier.append(parent)
    for actor in course.actors.values():
        for group in actor.member_of:
            found.append(Relation(actor.id, BELONGS_TO, group))
    return found


def short_name(course: Course, actor_id: str) -> str:
    """A name short enough for a box: the name, or the longest capitalised alias of up to 22 letters."""
    actor: Actor | None = course.actors.get(actor_id)
    if actor is None:
        return actor_id
    if len(actor.name) <= 22:
        return actor.name
    options = [a for a in actor.aliases if len(a) <= 22 and a[:1].isupper()]
    return max(options, key=len) if options else actor.name


def _layout(nodes: list[str], edges: list[tuple[str, str]], iterations: int = 300) -> dict[str, tuple[float, float]]:
    """Stress majorization (SMACOF) from a circle: graph distance becomes drawing distance. No randomness."""
    import numpy as np

    n = len(nodes)
    if n == 1:
        return {nodes[0]: (0.5, 0.5)}
    index = {node: i for i, node in enumerate(nodes)}
    hops = np.full((n, n), np.inf)
    np.fill_diagonal(hops, 0)
    for a, b in edges:
        hops[index[a], index[b]] = hops[index[b], index[a]] = 1
    for k in range(n):  # Floyd-Warshall; tiny graphs
        hops = np.minimum(hops, hops[:, [k]] + hops[[k], :])
    hops[np.isinf(hops)] = np.nanmax(hops[np.isfinite(hops)]) + 1
    angle = np.linspace(0, 2 * np.pi, n, endpoint=False)
    position = np.c_[np.cos(angle), np.sin(angle)] * n / 4
    weights = 1 / np.where(hops == 0, 1, hops) ** 2
    np.fill_diagonal(weights, 0)
    v = -weights
    np.fill_diagonal(v, weights.sum(axis=1))
    v_pinv = np.linalg.pinv(v)
    for _ in range(iterations):
        distance = np.linalg.norm(position[:, None] - position[None], axis=2)
        ratio = np.where(distance > 1e-9, hops / np.where(distance > 1e-9, distance, 1), 0)
        b = -weights * ratio
        np.fill_diagonal(b, 0)
        np.fill_diagonal(b, -b.sum(axis=1))
        position = v_pinv @ (b @ position)
    position -= position.min(axis=0)
    span = position.max(axis=0)
    position /= np.where(span > 0, span, 1)
    return {node: (float(x), float(y)) for node, (x, y) in zip(nodes, position)}


def _clip_to_box(start, end, half_width, half_height):
    """Where the segment from the centre `start` towards `end` leaves a box centred on `start`."""
    dx, dy = end[0] - start[0], end[1] - start[1]
    scale = min(half_width / abs(dx) if dx else math.inf, half_height / abs(dy) if dy else math.inf)
    return start[0] + dx * min(scale, 1), start[1] + dy * min(scale, 1)


def relationship_figure(course: Course | None = None, width: float = 10.0, height: float = 7.5):
    """Actors as boxes, claims and memberships as labelled arrows, in a fixed (deterministic) layout."""
    from matplotlib.lines import Line2D
    from matplotlib.patches import FancyArrowPatch

    course = resolve_course(course)
    found = relations(course)
    figure = new_figure(width, height)
    figure.lessons_relations = tuple(found)
    if not found:
        figure.text(0.5, 0.5, "No relations to draw: the content has no claims between actors.", ha="center")
        set_alt_text(figure, "No relations to draw: the content has no claims between actors.")
        return figure
    nodes = []
    for relation in found:
        for node in (relation.source, relation.target):
            if node not in nodes:
                nodes.append(node)
    positions = _layout(nodes, [(r.source, r.target) for r in found])
    ax = figure.add_axes([0.02, 0.1, 0.96, 0.82])
    ax.set_xlim(-0.12, 1.12)
    ax.set_ylim(-0.1, 1.1)
    ax.axis("off")
    renderer = figure.canvas.get_renderer()
    boxes, labels = {}, {}
    for node in nodes:
        actor = course.actors.get(node)
        text = "\n".join(textwrap.wrap(short_name(course, node), 16))
        label = ax.text(*positions[node], text, ha="center", va="center", fontsize=8.5, zorder=5,
                        gid=f"actor:{node}", parse_math=False,
                        bbox={"boxstyle": "round,pad=0.35", "facecolor": TYPE_COLOURS.get(actor.type if actor else "",
                                                                                         "#FFFFFF"),
                              "edgecolor": "#333333", "linewidth": 1.0})
        labels[node] = label
    figure.canvas.draw()
    to_data = ax.transData.inverted()
    for node, label in labels.items():
        extent = label.get_bbox_patch().get_window_extent(renderer)
        (x0, y0), (x1, y1) = to_data.transform([[extent.x0, extent.y0], [extent.x1, extent.y1]])
        boxes[node] = ((x1 - x0) / 2 + 0.01, (y1 - y0) / 2 + 0.015)
    placed = [labels[node].get_bbox_patch().get_window_extent(renderer) for node in nodes]
    pairs_seen: dict[frozenset, int] = {}
    for relation in found:
        start, end = positions[relation.source], positions[relation.target]
        pair = frozenset((relation.source, relation.target))
        count = pairs_seen.get(pair, 0)
        pairs_seen[pair] = count + 1
        bend = 0.18 + 0.14 * count  # several arrows between one pair fan out
        a = _clip_to_box(start, end, *boxes[relation.source])
        b = _clip_to_box(end, start, *boxes[relation.target])
        colour, line_width, style = VERB_STYLE.get(relation.verb, ("#333333", 1.2, "-"))
        arrow = FancyArrowPatch(a, b, connectionstyle=f"arc3,rad={bend}", arrowstyle="-|>", mutation_scale=13,
                                color=colour, linewidth=line_width, linestyle=style, zorder=3,
                                gid=f"relation:{relation.source}:{relation.verb}:{relation.target}")
        ax.add_patch(arrow)
        # The label sits on the arc; try points along it until it clears boxes and other labels.
        mid_x, mid_y = (a[0] + b[0]) / 2, (a[1] + b[1]) / 2
        control = (mid_x + bend * (b[1] - a[1]), mid_y - bend * (b[0] - a[0]))
        verb = relation.verb + (f" \u00d7{len(relation.claims)}" if len(relation.claims) > 1 else "")
        text = None
        for t in (0.5, 0.4, 0.6, 0.3, 0.7, 0.2, 0.8):
            x = (1 - t) ** 2 * a[0] + 2 * (1 - t) * t * control[0] + t ** 2 * b[0]
            y = (1 - t) ** 2 * a[1] + 2 * (1 - t) * t * control[1] + t ** 2 * b[1]
            if text is None:
                text = ax.text(x, y, verb, ha="center", va="center", fontsize=7.5, color=colour, zorder=6,
                               gid=f"relation-label:{relation.source}:{relation.verb}:{relation.target}",
                               bbox={"boxstyle": "round,pad=0.15", "facecolor": "white", "edgecolor": "none"},
                               parse_math=False)
            else:
                text.set_position((x, y))
            extent = text.get_window_extent(renderer).expanded(1.05, 1.1)
            if not any(extent.overlaps(other) for other in placed):
                break
        placed.append(text.get_window_extent(renderer))
    handles = [Line2D([], [], color=VERB_STYLE[verb][0], linewidth=VERB_STYLE[verb][1], linestyle=VERB_STYLE[verb][2],
                      label=verb) for verb in VERB_STYLE if any(r.verb == verb for r in found)]
    ax.legend(handles=handles, loc="upper center", bbox_to_anchor=(0.5, -0.01), ncol=min(len(handles), 5),
              fontsize=8, frameon=False, title="Arrows: speaker \u2192 the actor the claim is first about",
              title_fontsize=8)
    figure.text(0.02, 0.96, "Who says what to whom", fontsize=12, fontweight="bold", ha="left", va="bottom")
    figure.lessons_positions = positions
    set_alt_text(figure, _relations_alt_text(course, found, nodes))
    figure.lessons_caption = ("Arrows from claims go from the speaker to the first actor the claim concerns; "
                              "reports and interpretations by the outlet are listed in the claims view, not drawn. "
                              "Dashed: belongs to (membership); dotted: part of.")
    return figure


def _relations_alt_text(course: Course, found: list[Relation], nodes: list[str]) -> str:
    def name(actor_id):
        return short_name(course, actor_id)

    said = [f"{name(r.source)} {r.verb} (concerning {name(r.target)}"
            + (f", {len(r.claims)} claims)" if len(r.claims) > 1 else ")") for r in found if r.claims]
    ties = [f"{name(r.source)} {r.verb} {name(r.target)}" for r in found if not r.claims]
    return (f"Diagram of {len(nodes)} actors and {len(found)} arrows. From the article's claims: "
            + "; ".join(said) + ". Memberships and parts: " + "; ".join(ties) + ".")


# --------------------------------------------------------------------------- the widget


class ClaimsView:
    """Speaker and stance filters, the exchanges, the claims by speaker, and the relationship diagram."""

    def __init__(self, course: Course, speaker=None, stance=None):
        import ipywidgets as widgets

        self.course = course
        speakers = list(dict.fromkeys(c.speaker for c in course.claims.values()))
        counts = {s: sum(c.speaker == s for c in course.claims.values()) for s in speakers}
        stances = [s for s in STANCE_LABELS if any(c.stance == s for c in course.claims.values())]
        self.status = widgets.HTML(value="")
        if speaker is not None and speaker not in speakers:
            self.status.value = (f'<p role="status">No claims by {escape(str(speaker))}; showing every '
                                 f"speaker.</p>")
            speaker = None
        if stance is not None and stance not in stances:
            self.status.value += f'<p role="status">No stance {escape(str(stance))}; showing every stance.</p>'
            stance = None
        self.speaker = widgets.Dropdown(
            options=[("All speakers", None)] + [(f"{actor_label(course, s)} ({counts[s]})", s) for s in speakers],
            value=speaker, description="Speaker", tooltip="Show the claims of one speaker")
        self.stance = widgets.Dropdown(options=[("All stances", None)] + [(STANCE_LABELS[s], s) for s in stances],
                                       value=stance, description="Stance", tooltip="Show claims of one stance")
        self.show_diagram = widgets.Checkbox(value=False, description="Show the relationship diagram", indent=False,
                                             layout=widgets.Layout(width="auto"))
        self.exchange_area = widgets.HTML(value=exchanges_html(course))
        self.claims_area = widgets.HTML(value="")
        self.diagram_area = widgets.HTML(value="", layout=widgets.Layout(display="none"))
        self.widget = widgets.VBox([
            widgets.HTML("<h4>One side's accusation, the other side's answer</h4>"), self.exchange_area,
            widgets.HBox([self.speaker, self.stance, self.show_diagram]), self.status, self.claims_area,
            self.diagram_area])
        self.widget.add_class("lessons-claims")
        self.widget._lessons_view = self
        self.speaker.observe(self._update, names="value")
        self.stance.observe(self._update, names="value")
        self.show_diagram.observe(self._toggle_diagram, names="value")
        self._update()

    def _update(self, change=None):
        if change is not None:
            self.status.value = ""
        self.claims_area.value = claims_html(self.course, self.speaker.value, self.stance.value)

    def _toggle_diagram(self, change):
        if change["new"] and not self.diagram_area.value:
            figure = relationship_figure(self.course)  # drawn once, on first request
            self.diagram_area.value = png_html(figure_png(figure), alt_text(figure), figure.lessons_caption,
                                               "lessons-relationship-figure")
        self.diagram_area.layout.display = None if change["new"] else "none"


def claims_view(course: Course | None = None, speaker=None, stance=None):
    """The who-said-what view (an ipywidgets VBox): claims by speaker and stance, and the diagram."""
    return ClaimsView(resolve_course(course), speaker, stance).widget
