"""Grading submissions: running them (sandboxed), judging the answers they record, and reporting."""
