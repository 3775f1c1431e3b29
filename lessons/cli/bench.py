"""`python -m lessons bench`: measure the course against floors measured in the same run; print a table, write JSON."""
from __future__ import annotations

from pathlib import Path

FIGURE_NAMES = ("validation", "kernel", "quiz", "redraws", "browser", "grading", "memory", "class")  # see lessons.bench.runner


def _positive(text: str) -> int:
    import argparse

    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
    if value < 1:
        raise argparse.ArgumentTypeError("must be at least 1")
    return value


def add_arguments(parser) -> None:
    parser.add_argument("--runs", type=_positive, metavar="N",
                        help="repetitions of each figure (default: per figure, sized for about 10 minutes on "
                             "2 cores: 3 validation runs, 7 kernels, 1 grading run, ...)")
    parser.add_argument("--samples", type=_positive, metavar="N",
                        help="clicks or redraws timed per run for the latency figures (default: 200 quiz checks, "
                             "30 redraws, 20 browser clicks)")
    parser.add_argument("--quick", action="store_true",
                        help="a smoke run: one run each, 10 samples, 3 notebooks and 3 submissions")
    parser.add_argument("--learners", type=_positive, default=20, metavar="N",
                        help="learners on the hub for the class figure (default: 20)")
    parser.add_argument("--only", nargs="+", metavar="NAME", choices=FIGURE_NAMES,
                        help="measure only these figures: " + ", ".join(FIGURE_NAMES))
    parser.add_argument("--out", type=Path, default=Path("bench-results/latest.json"), metavar="FILE.json",
                        help="where to write the results (default: bench-results/latest.json); the output "
                             "of the timed commands goes to a folder beside it (latest-logs/)")


def run(args) -> int:
    from ..bench import core
    from ..bench.runner import run_benchmark
    from ..bench.session import Settings

    settings = Settings(runs=args.runs, samples=args.samples, quick=args.quick, learners=args.learners)
    load = core.load_average()
    facts = core.machine()
    print(f"Benchmark on {facts['nproc']} CPU(s), {facts['cpu']}; load average {load}.", flush=True)
    try:
        figures, data = run_benchmark(settings, args.only, keep_logs=args.out.parent / f"{args.out.stem}-logs")
    except RuntimeError as error:
        print(f"The benchmark could not start: {error}.")
        return 1
    except KeyboardInterrupt:
        print("The benchmark was interrupted; nothing was written.")
        return 130
    print()
    print(core.format_table(figures))
    try:
        core.write_report(data, args.out)
    except OSError as error:
        print(f"Could not write the results to {args.out}: {error.strerror or error}.")
        return 1
    for warning in data["warnings"]:
        print(f"\nWarning: {warning}.")
    print(f"\nLoad average before {data['load_average']['before']}, after {data['load_average']['after']}; "
          f"{data['duration_s']:.0f} s in all. Results: {args.out}")
    failed = [figure.label for figure in figures if figure.skipped and figure.skipped.startswith("failed")]
    if failed:
        print(f"Could not measure: {', '.join(failed)}.")
        return 1
    return 0
