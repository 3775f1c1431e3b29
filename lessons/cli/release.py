"""`python -m lessons release`: write the student exercise notebooks from exercises/solutions, or (--learner-copy)
the whole learner-facing course to publish for a class, with its nbgitpuller link. Logic: lessons.release and
lessons.learner_copy."""
from __future__ import annotations

from pathlib import Path

from ..release import (BEGIN, END, SOLUTIONS_DIR, STUDENT_DIR, STUB_MARK, ReleaseError, release, strip_solutions,
                       stub_for, student_version)

__all__ = ["BEGIN", "END", "STUB_MARK", "ReleaseError", "add_arguments", "release", "run", "strip_solutions",
           "stub_for", "student_version"]


def add_arguments(parser) -> None:
    parser.add_argument("--solutions", metavar="DIR", type=Path, default=SOLUTIONS_DIR,
                        help="folder of authored notebooks with solution markers (default: exercises/solutions)")
    parser.add_argument("--out", metavar="DIR", type=Path, default=STUDENT_DIR,
                        help="folder to write the student versions to (default: exercises)")
    parser.add_argument("--check", action="store_true",
                        help="write nothing; exit 1 if a student version differs from what release would write")
    copy = parser.add_argument_group("a learner copy for a class (no solutions, no instructor material)")
    copy.add_argument("--learner-copy", metavar="DIR", type=Path,
                      help="write the learner-facing course (lessons and student exercises) to DIR")
    copy.add_argument("--branch", metavar="NAME",
                      help="commit the learner copy as branch NAME of this repository (work tree untouched); "
                           "push it, then give learners the nbgitpuller link")
    copy.add_argument("--hub", metavar="URL", help="print the nbgitpuller link for this hub (e.g. https://hub.example.org)")
    copy.add_argument("--repository", metavar="URL",
                      help="the public URL of the repository the branch is pushed to (for the link)")


def _shown(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(Path.cwd()))
    except ValueError:
        return str(path)


def run(args) -> int:
    if any(getattr(args, name, None) for name in ("learner_copy", "branch", "hub", "repository")):
        return _learner_copy(args)
    if not args.solutions.is_dir():
        print(f"No solutions folder at {_shown(args.solutions)}; pass --solutions DIR.")
        return 1
    try:
        versions = release(args.solutions, args.out)
    except ReleaseError as error:
        print(f"FAILED: {error}")
        return 1
    if not versions:
        print(f"No NN-slug.ipynb notebooks in {_shown(args.solutions)}.")
        return 1
    stale = []
    for path, text in versions.items():
        current = path.read_text(encoding="utf-8") if path.exists() else None
        if current == text:
            print(f"up to date  {_shown(path)}")
        elif args.check:
            stale.append(path)
            print(f"OUT OF DATE {_shown(path)}")
        else:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
            print(f"wrote       {_shown(path)}")
    if stale:
        print(f"{len(stale)} student notebook(s) differ from their solutions; run `python -m lessons release`.")
        return 1
    return 0


def _learner_copy(args) -> int:
    from ..learner_copy import DEFAULT_BRANCH, commit_branch, nbgitpuller_link, write_copy

    if bool(args.hub) != bool(args.repository):
        print("The nbgitpuller link needs both --hub URL and --repository URL.")
        return 1
    if not (args.learner_copy or args.branch or args.hub):
        print("Pass --learner-copy DIR or --branch NAME.")
        return 1
    try:
        if args.learner_copy:
            files = write_copy(args.learner_copy)
            print(f"Wrote the learner copy ({len(files) - 1} files) to {_shown(args.learner_copy)}.")
        if args.branch:
            commit, made = commit_branch(args.branch)
            state = "committed as" if made else "already the tip of"
            print(f"Learner copy {state} branch {args.branch} ({commit[:12]}); publish it with "
                  f"`git push <remote> {args.branch}`.")
    except ReleaseError as error:
        print(f"FAILED: {error}")
        return 1
    if args.hub:
        print("nbgitpuller link (each learner gets their own copy in their home; later pulls keep their edits):")
        print(nbgitpuller_link(args.hub, args.repository, args.branch or DEFAULT_BRANCH))
    return 0
