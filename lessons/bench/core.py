"""Benchmark figures: samples, floors, targets, summary statistics, the printed table and the JSON report."""
from __future__ import annotations

import datetime as dt
import json
import math
import os
import platform
import statistics
import sys
from dataclasses import dataclass, field
from pathlib import Path

REPORT_SCHEMA = 1


@dataclass(frozen=True)
class Target:
    """What a figure must reach: the ratio of its median to its floor's median (kind "ratio"), or a limit on
    one statistic of the figure itself, in its unit (kind "limit")."""

    kind: str
    value: float
    statistic: str = "median"

    def describe(self, unit: str) -> str:
        if self.kind == "ratio":
            return f"ratio <= {self.value:g}"
        return f"{self.statistic} <= {self.value:g} {unit}"


def percentile(values: list[float], fraction: float) -> float:
    """Nearest-rank percentile (fraction 0.95 is p95): a value that was actually measured."""
    ordered = sorted(values)
    rank = max(1, math.ceil(fraction * len(ordered)))
    return ordered[rank - 1]


def summarize(values: list[float]) -> dict | None:
    """Median, p95, min, max and count of some samples (None when there are none)."""
    if not values:
        return None
    return {"median": statistics.median(values), "p95": percentile(values, 0.95), "min": min(values),
            "max": max(values), "n": len(values)}


@dataclass
class Figure:
    """One measured figure: its samples, the floor measured beside it, and the target it is judged on.

    `floor_scale` multiplies the floor (grading compares with 30 x the floor of one notebook).
    `skipped` says, in a sentence, why there are no samples.
    """

    name: str
    label: str
    unit: str
    samples: list[float] = field(default_factory=list)
    floor: list[float] = field(default_factory=list)
    floor_label: str = ""
    floor_scale: float = 1.0
    target: Target | None = None
    notes: list[str] = field(default_factory=list)
    skipped: str | None = None

    @property
    def stats(self) -> dict | None:
        return summarize(self.samples)

    @property
    def floor_stats(self) -> dict | None:
        stats = summarize(self.floor)
        if stats and self.floor_scale != 1.0:
            stats = {key: value * self.floor_scale if key != "n" else value for key, value in stats.items()}
        return stats

    @property
    def ratio(self) -> float | None:
        """Median over the floor's median (scaled), or None without both."""
        stats, floor = self.stats, self.floor_stats
        if not stats or not floor or floor["median"] <= 0:
            return None
        return stats["median"] / floor["median"]

    @property
    def met(self) -> bool | None:
        """Whether the target is reached; None when there is no target or nothing to judge."""
        if self.target is None or not self.stats:
            return None
        if self.target.kind == "ratio":
            return None if self.ratio is None else self.ratio <= self.target.value
        return self.stats[self.target.statistic] <= self.target.value

    def as_dict(self) -> dict:
        return {
            "name": self.name, "label": self.label, "unit": self.unit, "stats": self.stats,
            "floor_label": self.floor_label or None, "floor_scale": self.floor_scale, "floor_stats": self.floor_stats,
            "ratio": self.ratio,
            "target": None if self.target is None else {"kind": self.target.kind, "value": self.target.value,
                                                        "statistic": self.target.statistic,
                                                        "text": self.target.describe(self.unit)},
            "met": self.met, "skipped": self.skipped, "notes": list(self.notes),
            "samples": list(self.samples), "floor_samples": list(self.floor),
        }


def skipped(name: str, label: str, unit: str, reason: str, target: Target | None = None) -> Figure:
    """A figure that could not be measured, and why."""
    return Figure(name, label, unit, target=target, skipped=reason)


# ------------------------------------------------------------------------------------------------ the table

def _number(value: float | None, unit: str) -> str:
    if value is None:
        return "-"
    if unit == "ms":
        return f"{value:.1f}" if value < 100 else f"{value:.0f}"
    if unit == "MiB":
        return f"{value:.0f}"
    return f"{value:.2f}" if value < 100 else f"{value:.1f}"


COLUMNS = ("figure", "unit", "n", "median", "p95", "min", "max", "floor median", "ratio", "target", "met")


def table_rows(figures: list[Figure]) -> list[tuple[str, ...]]:
    """One row of strings per figure, in COLUMNS order."""
    rows = []
    for figure in figures:
        if figure.skipped:
            rows.append((figure.label, figure.unit, "0", "-", "-", "-", "-", "-", "-",
                         figure.target.describe(figure.unit) if figure.target else "-", "skipped"))
            continue
        stats = figure.stats or {}
        floor = figure.floor_stats or {}
        met = {True: "yes", False: "NO", None: "-"}[figure.met]
        rows.append((
            figure.label, figure.unit, str(stats.get("n", 0)),
            *(_number(stats.get(key), figure.unit) for key in ("median", "p95", "min", "max")),
            _number(floor.get("median"), figure.unit),
            "-" if figure.ratio is None else f"{figure.ratio:.2f}",
            figure.target.describe(figure.unit) if figure.target else "-", met))
    return rows


def format_table(figures: list[Figure]) -> str:
    """The results as an aligned plain-text table, with skip reasons and notes below it."""
    rows = [COLUMNS, *table_rows(figures)]
    widths = [max(len(row[i]) for row in rows) for i in range(len(COLUMNS))]
    numeric = set(range(2, 9))
    lines = []
    for number, row in enumerate(rows):
        cells = [cell.rjust(widths[i]) if i in numeric else cell.ljust(widths[i]) for i, cell in enumerate(row)]
        lines.append("  ".join(cells).rstrip())
        if number == 0:
            lines.append("  ".join("-" * width for width in widths))
    for figure in figures:
        for text in ([f"skipped: {figure.skipped}"] if figure.skipped else []) + figure.notes:
            lines.append(f"* {figure.label}: {text}")
    return "\n".join(lines)


def markdown_table(figures: list[Figure]) -> str:
    """The same table in Markdown, for the README."""
    numeric = range(2, 9)  # n .. ratio right-aligned; names, units, targets and verdicts left-aligned
    lines = ["| " + " | ".join(COLUMNS) + " |",
             "|" + "|".join(" ---: " if i in numeric else " --- " for i in range(len(COLUMNS))) + "|"]
    lines += ["| " + " | ".join(row) + " |" for row in table_rows(figures)]
    return "\n".join(lines)


# ------------------------------------------------------------------------------------------------ the report

def cpu_model() -> str:
    """The CPU model from /proc/cpuinfo, else what the platform says."""
    try:
        for line in Path("/proc/cpuinfo").read_text(encoding="utf-8", errors="replace").splitlines():
            if line.lower().startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def load_average() -> list[float] | None:
    try:
        return [round(value, 2) for value in os.getloadavg()]
    except (OSError, AttributeError):
        return None


def machine() -> dict:
    """What the figures were measured on."""
    cpus = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    return {"nproc": cpus, "cpu": cpu_model(), "python": sys.version.split()[0], "platform": platform.platform()}


def now() -> str:
    return dt.datetime.now(dt.timezone.utc).astimezone().isoformat(timespec="seconds")


def report(figures: list[Figure], options: dict, started: str, finished: str, duration_s: float,
           load_before: list[float] | None, load_after: list[float] | None) -> dict:
    """Everything a run produced, as JSON-ready data."""
    return {"schema": REPORT_SCHEMA, "machine": machine(), "started": started, "finished": finished,
            "duration_s": round(duration_s, 1), "load_average": {"before": load_before, "after": load_after},
            "options": options, "figures": [figure.as_dict() for figure in figures],
            "markdown": markdown_table(figures)}


def write_report(data: dict, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
