"""Marking exercise submissions: run each in a sandbox, judge the captured answers outside it, report."""
