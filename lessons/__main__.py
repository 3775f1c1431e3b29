"""Command line: `python -m lessons COMMAND`; each command lives in lessons/cli/."""
from __future__ import annotations

import argparse
import importlib
import sys

# command -> (module under lessons.cli, one-line help)
COMMANDS = {
    "check": ("check", "validate the course content and print a summary"),
    "grade": ("grade", "run learners' exercise notebooks and report every check (CSV and summary)"),
    "release": ("release", "write the student exercise notebooks from exercises/solutions"),
    "progress": ("progress", "show your quiz scores, or export them for an instructor (--export FILE)"),
    "export": ("export", "run every lesson and write a static website that works offline (OUTDIR/index.html)"),
    "cache": ("cache", "build the shared read-only course cache for a class (cache build [DIR]), or show it"),
    "bench": ("bench", "measure the course against floors measured in the same run (table and JSON)"),
    "toc": ("toc", "print, check (--check) or write (--write) the table of contents of the notebooks"),
}


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    parser = argparse.ArgumentParser(prog="python -m lessons", description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    chosen = next((arg for arg in argv if not arg.startswith("-")), None)
    module = None
    for name, (module_name, help_text) in COMMANDS.items():
        subparser = commands.add_parser(name, help=help_text, description=help_text)
        if name == chosen:  # import only the command that runs: each may need heavy libraries
            module = importlib.import_module(f"lessons.cli.{module_name}")
            module.add_arguments(subparser)
    args = parser.parse_args(argv)
    return module.run(args)


if __name__ == "__main__":
    sys.exit(main())
