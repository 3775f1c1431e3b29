"""`python -m lessons check`: validate the content; print a summary, or every problem and exit 1."""
from __future__ import annotations

import json
from collections import Counter

from ..content import ContentError, load_course


def add_arguments(parser) -> None:
    parser.add_argument("--json", action="store_true",
                        help="print a machine-readable report: {\"items\": [{kind, id, fragments, sources}]}")
    parser.add_argument("--data", metavar="DIR", help="content folder to check (default: the package's data)")
    parser.add_argument("--seeds", metavar="DIR", help="folder holding the seed article (default: seeds/)")


def report(course) -> dict:
    """One entry per content item and source, with its verbatim fragments and source ids."""
    items = [{"kind": "source", "id": source.id, "fragments": [], "sources": []}
             for source in course.sources.values()]
    for item in course.items():
        evidence = item.evidence
        items.append({"kind": item.kind, "id": item.id,
                      "fragments": list(evidence.fragments), "sources": list(evidence.sources)})
    return {"items": items}


def run(args) -> int:
    try:
        course = load_course(args.data, args.seeds)
    except ContentError as error:
        if args.json:
            print(json.dumps({"items": [], "problems": [vars(p) for p in error.problems]}, indent=2,
                             ensure_ascii=False))
        else:
            print(f"FAILED: {len(error.problems)} problem(s) in the course content:")
            for problem in error.problems:
                print(f"  {problem}")
        return 1
    if args.json:
        print(json.dumps(report(course), indent=2, ensure_ascii=False))
        return 0
    items = list(course.items())
    by_kind = Counter(item.kind for item in items)
    with_fragment = Counter(item.kind for item in items if item.evidence.fragments)
    background = Counter(item.kind for item in items if not item.evidence.fragments)
    print(f"OK: the course content is valid ({len(items)} items, {len(course.sources)} sources).")
    print(f"{'kind':<15}{'items':>7}{'article':>9}{'background':>12}")
    for kind in sorted(by_kind):
        print(f"{kind:<15}{by_kind[kind]:>7}{with_fragment[kind]:>9}{background[kind]:>12}")
    return 0
