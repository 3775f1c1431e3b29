"""Command line: `python -m lessons COMMAND`; each command lives in lessons/cli/."""
from __future__ import annotations

import argparse
import importlib
import sys

# command -> (module under lessons.cli, one-line help)
COMMANDS = {
    "check": ("check", "validate the course content and print a summary"),
    "toc": ("toc", "print, check (--check) or write (--write) the table of contents of the notebooks"),
}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m lessons", description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    modules = {}
    for name, (module_name, help_text) in COMMANDS.items():
        module = importlib.import_module(f"lessons.cli.{module_name}")
        modules[name] = module
        module.add_arguments(commands.add_parser(name, help=help_text, description=help_text))
    args = parser.parse_args(argv)
    return modules[args.command].run(args)


if __name__ == "__main__":
    sys.exit(main())
