"""`python -m lessons progress`: show a learner's quiz scores, or export them (--export FILE) for an instructor."""
from __future__ import annotations


def add_arguments(parser) -> None:
    parser.add_argument("--export", metavar="FILE",
                        help="write every answer and the scores to FILE: JSON, or CSV if FILE ends in .csv")
    parser.add_argument("--dir", metavar="DIR",
                        help="progress folder (default: $LESSONS_PROGRESS_DIR, else the per-user data folder)")
    parser.add_argument("--learner", metavar="NAME", help="whose progress (default: $LESSONS_LEARNER or login name)")


def run(args) -> int:
    import warnings

    from ..content import ContentError, load_course
    from ..progress import ProgressStoreWarning, export_progress, open_store, progress_summary

    try:
        course = load_course()
    except ContentError as error:
        print(f"Cannot score progress: the course content has {len(error.problems)} problem(s); "
              "run `python -m lessons check`.")
        return 1
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ProgressStoreWarning)  # its notices are printed with the summary
        store = open_store(args.dir, args.learner)
    if args.export:
        try:
            path = export_progress(args.export, course=course, store=store)
        except OSError as error:
            print(f"Cannot write {args.export}: {error.strerror or error}.")
            return 1
        print(f"Wrote the progress of {store.learner} to {path}.")
        return 0
    print(progress_summary(course=course, store=store))
    return 0
