"""One module per `python -m lessons` command, each with add_arguments(parser) and run(args) -> exit code."""
