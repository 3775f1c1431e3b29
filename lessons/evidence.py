"""Show an item's evidence, the verbatim article text or its sources, as plain text or escaped HTML.

A learner sees the strongest sources first (official, then news, then reference works, each in the order the
item lists them); the first `SHOWN_SOURCES` are shown and the rest wait behind "More sources". Source numbers
are the fact sheet's bookkeeping and never shown.
"""
from __future__ import annotations

from html import escape

from .model import Course, Evidence, Source

SHOWN_SOURCES = 2  # how many sources a learner sees before "More sources"
STRENGTH = ("official", "news", "reference")  # sources.yaml's outlet_type, strongest first


def cited_sources(course: Course, source_ids) -> list[Source]:
    """The sources for `source_ids`, strongest first (stable within a type), leaving out unknown ids."""
    sources = [course.sources[source_id] for source_id in source_ids if source_id in course.sources]
    return sorted(sources, key=lambda source: STRENGTH.index(source.outlet_type))


def source_citations(course: Course, evidence: Evidence) -> list[str]:
    """'Outlet, “Title”, date' for each cited source, in the order cited."""
    return [source.citation for source in cited_sources(course, evidence.sources)]


def sources_text(sources: list[Source], shown: int = SHOWN_SOURCES) -> str:
    """The first `shown` (strongest) sources as 'Source:' lines, then the rest under 'More sources:'."""
    lines = [f"Source: {source.citation}" for source in sources[:shown]]
    if sources[shown:]:
        lines.append("More sources: " + "; ".join(source.citation for source in sources[shown:]))
    return "\n".join(lines)


def _source_li(source: Source) -> str:
    return (f'<li><a href="{escape(source.url)}" rel="noopener" target="_blank">{escape(source.title)}</a>, '
            f"{escape(source.outlet)}" + (f", {escape(source.published)}" if source.published else "") + "</li>")


def sources_html(sources: list[Source], shown: int = SHOWN_SOURCES) -> str:
    """The first `shown` (strongest) sources as a linked list, the rest in a closed "More sources" disclosure."""
    if not sources:
        return ""
    shown, more = sources[:shown], sources[shown:]
    html = (f'<div class="lessons-evidence-sources">Sources:'
            f'<ul>{"".join(_source_li(s) for s in shown)}</ul>')
    if more:
        html += (f"<details><summary>More sources ({len(more)})</summary>"
                 f'<ul>{"".join(_source_li(s) for s in more)}</ul></details>')
    return html + "</div>"


def evidence_text(course: Course, evidence: Evidence) -> str:
    """Evidence as plain text lines: article fragments first, then sources."""
    lines = [f"Article: \u201c{fragment}\u201d" for fragment in evidence.fragments]
    sources = sources_text(cited_sources(course, evidence.sources))
    return "\n".join(lines + ([sources] if sources else []))


def evidence_html(course: Course, evidence: Evidence) -> str:
    """Evidence as escaped HTML: fragments as quotations from the article, sources as a cited list."""
    parts = [
        '<blockquote class="lessons-evidence-quote" cite="seed article">'
        f"{escape(fragment)}<footer>\u2014 RFE/RL article</footer></blockquote>"
        for fragment in evidence.fragments]
    parts.append(sources_html(cited_sources(course, evidence.sources)))
    return "".join(parts)
