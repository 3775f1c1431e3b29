"""`python -m lessons toc`: print the table of contents, check it (--check) or write it (--write)."""
from __future__ import annotations


def add_arguments(parser) -> None:
    action = parser.add_mutually_exclusive_group()
    action.add_argument("--write", action="store_true",
                        help="update the marked block in README.md and notebooks/00-start-here.ipynb")
    action.add_argument("--check", action="store_true",
                        help="exit 1 if README.md or the 00 notebook is out of date")


def run(args) -> int:
    from ..toc import TocError, entries, render, update

    try:
        if not (args.write or args.check):
            print(render(entries(), "notebooks/"))
            return 0
        stale = update(write=args.write)
    except TocError as error:
        print(f"Table of contents: {error}.")
        return 1
    if args.write:
        print(f"Updated: {', '.join(stale)}." if stale else "The table of contents was already current.")
        return 0
    if stale:
        print(f"Out of date: {', '.join(stale)}. Run `python -m lessons toc --write`.")
        return 1
    print("The table of contents is current.")
    return 0
