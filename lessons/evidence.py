"""Show an item's evidence, the verbatim article text or its sources, as plain text or escaped HTML."""
from __future__ import annotations

from html import escape

from .model import Course, Evidence


def source_citations(course: Course, evidence: Evidence) -> list[str]:
    """'Outlet, “Title”, date' for each cited source, in the order cited."""
    return [course.sources[source_id].citation for source_id in evidence.sources if source_id in course.sources]


def evidence_text(course: Course, evidence: Evidence) -> str:
    """Evidence as plain text lines: article fragments first, then sources."""
    lines = [f"Article: \u201c{fragment}\u201d" for fragment in evidence.fragments]
    lines += [f"Source [{source_id}]: {course.sources[source_id].citation}"
              for source_id in evidence.sources if source_id in course.sources]
    return "\n".join(lines)


def evidence_html(course: Course, evidence: Evidence) -> str:
    """Evidence as escaped HTML: fragments as quotations from the article, sources as a cited list."""
    parts = []
    for fragment in evidence.fragments:
        parts.append(
            '<blockquote class="lessons-evidence-quote" cite="seed article">'
            f"{escape(fragment)}<footer>\u2014 RFE/RL article</footer></blockquote>")
    if evidence.sources:
        items = []
        for source_id in evidence.sources:
            source = course.sources.get(source_id)
            if source is None:
                continue
            items.append(
                f'<li><a href="{escape(source.url)}" rel="noopener" target="_blank">'
                f"{escape(source.title)}</a>, {escape(source.outlet)}"
                + (f", {escape(source.published)}" if source.published else "")
                + f" [{escape(source_id)}]</li>")
        parts.append('<div class="lessons-evidence-sources">Sources:<ul>' + "".join(items) + "</ul></div>")
    return "".join(parts)
