"""`python -m lessons progress`: show a learner's quiz scores, export them (--export FILE), or merge back
answers from a store that was moved aside as unreadable (--recover)."""
from __future__ import annotations

import sys


def add_arguments(parser) -> None:
    actions = parser.add_mutually_exclusive_group()
    actions.add_argument("--export", metavar="FILE",
                         help="write every answer and the scores to FILE: JSON, or CSV if FILE ends in .csv "
                              "(refused when there is no answer to export)")
    actions.add_argument("--recover", action="store_true",
                         help="merge the answers of progress files that were moved aside as unreadable back into "
                              "the store (the files are kept, renamed *.recovered)")
    parser.add_argument("--dir", metavar="DIR",
                        help="progress folder (default: $LESSONS_PROGRESS_DIR, else the per-user data folder)")
    parser.add_argument("--learner", metavar="NAME", help="whose progress (default: $JUPYTERHUB_USER, else "
                                                          "$LESSONS_LEARNER, else the login name)")


def run(args) -> int:
    import warnings

    from ..content import ContentError, load_course
    from ..progress import (EmptyExport, ProgressStoreWarning, export_gaps, export_progress, open_store,
                            progress_summary)

    try:
        course = load_course()
    except ContentError as error:
        print(f"Cannot score progress: the course content has {len(error.problems)} problem(s); "
              "run `python -m lessons check`.")
        return 1
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ProgressStoreWarning)  # its notices are printed with the summary
        store = open_store(args.dir, args.learner)
    if args.recover:
        return _recover(store)
    if args.export:
        try:
            path = export_progress(args.export, course=course, store=store)
        except EmptyExport as error:
            print(f"Nothing exported: {error}. Check --learner and --dir (or {len(store.moved_aside())} file(s) "
                  "waiting for `--recover`); an empty file would look like a learner who answered nothing.")
            return 1
        except OSError as error:
            print(f"Cannot write {args.export}: {error.strerror or error}.")
            return 1
        print(f"Wrote the progress of {store.learner} to {path}.")
        for gap in export_gaps(store):
            print(f"WARNING: this export may be incomplete: {gap}.", file=sys.stderr)
        return 0
    print(progress_summary(course=course, store=store))
    return 0


def _recover(store) -> int:
    results = store.recover()
    if not results:
        print(f"No moved-aside progress files in {store.directory}; nothing to recover.")
        return 0
    failed = 0
    for result in results:
        if result.problem:
            failed += 1
            print(f"{result.path.name}: {result.problem}; the file is kept as it is.")
        else:
            print(f"{result.path.name}: {result.found} answer(s) found, {result.added} answer(s) merged back "
                  f"(kept as {result.path.name}.recovered).")
    return 1 if failed else 0
