"""`python -m lessons grade SUBMISSION.ipynb ... --csv report.csv`: mark submissions; the work is in lessons.grading."""
from __future__ import annotations

import os
import sys
import threading
from pathlib import Path

NO_SANDBOX_WARNING = ("WARNING: --no-sandbox: submissions run as you, with your files, your network and "
                      "each other's leftovers. Use it only for notebooks you trust.")


def add_arguments(parser) -> None:
    from ..grading.report import COLUMNS
    from ..grading.run import Limits

    parser.add_argument("submissions", nargs="+", type=Path, metavar="SUBMISSION.ipynb",
                        help="learners' exercise notebooks (read only; never modified)")
    parser.add_argument("--csv", type=Path, metavar="REPORT.csv",
                        help="write the report here: one row per submission per check, columns " + ", ".join(COLUMNS))
    parser.add_argument("--gradebook", type=Path, metavar="GRADES.csv",
                        help="write one row per learner (from the file name, see README), a column per exercise "
                             "and a total, for a Canvas/Moodle-style gradebook")
    parser.add_argument("--feedback", type=Path, metavar="DIR",
                        help="write one HTML page per submission with each check's outcome and hint")
    parser.add_argument("--timeout", type=int, default=Limits.cell_timeout, metavar="SECONDS",
                        help=f"how long one cell may run before it is interrupted (default: {Limits.cell_timeout})")
    parser.add_argument("--wall-time", type=int, default=Limits.wall_time, metavar="SECONDS",
                        help=f"how long a whole notebook may run (default: {Limits.wall_time})")
    parser.add_argument("--memory", type=int, default=Limits.memory_bytes // 1024 ** 2, metavar="MiB",
                        help=f"memory one submission may use (default: {Limits.memory_bytes // 1024 ** 2})")
    parser.add_argument("--max-output", type=int, default=Limits.max_output, metavar="BYTES",
                        help=f"output kept per submission; the rest is cut with a note (default: {Limits.max_output})")
    parser.add_argument("-j", "--jobs", type=int, default=os.cpu_count() or 1, metavar="N",
                        help="grade N submissions at once (default: the number of CPUs)")
    parser.add_argument("--no-sandbox", action="store_true",
                        help="run submissions without the bubblewrap sandbox (unsafe; warns on every run)")
    parser.add_argument("--exercise", metavar="NN-slug",
                        help="grade every submission as this exercise (default: tell from the file name, "
                             "else from the checks the notebook calls)")


def run(args) -> int:
    from .. import content, course_cache
    from ..checks import EXERCISES, OUTCOMES
    from ..grading import report
    from ..grading.run import Limits, Options, course_cache_for_kernels, grade_all

    if args.exercise and args.exercise not in EXERCISES:
        print(f"Unknown exercise {args.exercise!r}; choose one of: {', '.join(EXERCISES)}.")
        return 2
    if min(args.timeout, args.wall_time, args.memory, args.max_output, args.jobs) < 1:
        print("--timeout, --wall-time, --memory, --max-output and --jobs must be at least 1.")
        return 2
    outputs = [p for p in (args.csv, args.gradebook) if p]
    if any(o.resolve() == s.resolve() for o in outputs for s in args.submissions):
        print("A report would overwrite a submission; choose other --csv/--gradebook paths.")
        return 2
    if args.no_sandbox:
        print(NO_SANDBOX_WARNING, file=sys.stderr)
    else:
        try:
            from ..grading.sandbox import sandbox_problem
        except ImportError:  # the sandbox module ships with the sandbox work; until then, say so
            problem = "this installation has no grading sandbox (lessons.grading.sandbox is missing)"
        else:
            problem = sandbox_problem()
        if problem:
            print(f"Cannot grade safely: {problem}\nTo grade anyway, without protection, pass --no-sandbox.")
            return 3
    # The grader validates the content itself, never from a cache a submission could have written.
    os.environ[content.CACHE_ENV] = ""
    os.environ[course_cache.SHARED_ENV] = ""  # nor from the shared one: without the sandbox a submission can write it
    content.load_course()
    limits = Limits(args.timeout, args.wall_time, args.memory * 1024 ** 2, args.max_output)
    total = len(args.submissions)
    one_line_at_a_time = threading.Lock()

    def progress(number, path, rows, seconds):
        got, most = sum(r.points for r in rows), sum(r.max_points for r in rows)
        problems = sum(r.outcome == "error" for r in rows)
        note = f", {problems} error(s)" if problems else ""
        # One write per line, under a lock: print() writes text and newline separately, and jobs finishing
        # together would otherwise run two lines into one.
        with one_line_at_a_time:
            sys.stderr.write(f"[{number}/{total}] {path}: {got}/{most} points{note} ({seconds:.1f} s)\n")
            sys.stderr.flush()

    with course_cache_for_kernels(sandboxed=not args.no_sandbox) as cache_dir:
        options = Options(limits, args.exercise, not args.no_sandbox, cache_dir)
        rows = grade_all(args.submissions, options, args.jobs, progress)
    # Every sandbox is gone by now: only then are reports written.
    try:
        if args.csv:
            report.write_csv(rows, args.csv)
        if args.gradebook:
            report.write_gradebook(rows, list(EXERCISES), args.gradebook)
        pages = report.write_feedback(rows, EXERCISES, list(EXERCISES), args.feedback) if args.feedback else []
    except OSError as exc:
        print(f"Could not write a report: {exc.strerror or exc} ({exc.filename}).")
        return 1
    print(report.summary(rows, OUTCOMES))
    if args.csv:
        print(f"Report: {args.csv} ({len(rows)} rows).")
    if args.gradebook:
        print(f"Gradebook: {args.gradebook}.")
    if args.feedback:
        print(f"Feedback: {len(pages)} page(s) in {args.feedback}.")
    return 0
