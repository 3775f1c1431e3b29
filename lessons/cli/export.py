"""`python -m lessons export OUTDIR`: run every lesson in a fresh kernel and write an offline static website.

`--worksheet` writes printable worksheets instead: every question without its answer, with room to write, and no
code. Both forms leave out instructor cells: tagged `instructor`, or markdown cells opening "Instructor note"."""
from __future__ import annotations

import os
import re
import sys
import tempfile
import time
from html import escape
from pathlib import Path

STYLESHEET = "lessons.css"
INDEX = "index.html"
CELL_TIMEOUT_SECONDS = 300
WIDGET_MIME = "application/vnd.jupyter.widget-view+json"

# Plain, high-contrast styles: no web fonts, no scripts, nothing fetched from outside OUTDIR.
CSS = """\
html { font-family: system-ui, -apple-system, "Segoe UI", Roboto, "Noto Sans", sans-serif; line-height: 1.5;
       color: #1b1b1b; background: #ffffff; }
body { margin: 0; }
.skip-link { position: absolute; left: -999px; top: 0; padding: .5em 1em; background: #ffffff; color: #0b4f8a; }
.skip-link:focus { left: .5em; top: .5em; z-index: 10; outline: 3px solid #0b4f8a; }
body > header, body > nav, body > main, body > footer { max-width: 60rem; margin: 0 auto; padding: 0 1rem; }
body > header { border-bottom: 1px solid #8c8c8c; }
body > header p { margin: .6em 0; font-weight: 600; }
body > nav ul { list-style: none; padding: 0; display: flex; flex-wrap: wrap; gap: .4em 1.5em; }
body > main { padding-bottom: 2rem; }
body > main:focus { outline: none; }
body > footer { border-top: 1px solid #8c8c8c; font-size: .9em; color: #404040; padding-bottom: 1rem; }
blockquote footer { font-size: .85em; color: #404040; }
a { color: #0b4f8a; }
a:focus-visible, summary:focus-visible { outline: 3px solid #0b4f8a; outline-offset: 2px; }
pre, code { font-family: ui-monospace, "DejaVu Sans Mono", Menlo, Consolas, monospace; font-size: .9em; }
.input_area pre, .output_area pre { background: #f4f4f4; color: #1b1b1b; padding: .6em .8em; overflow-x: auto;
                                    border-left: 3px solid #8c8c8c; margin: .5em 0; }
.output_area pre { background: #ffffff; }
.anchor-link { margin-left: .3em; text-decoration: none; font-size: .8em; }
.cell { margin: .8em 0; }
table { border-collapse: collapse; margin: .5em 0; }
th, td { border: 1px solid #8c8c8c; padding: .3em .5em; text-align: left; vertical-align: top; }
caption { text-align: left; font-weight: 600; padding: .3em 0; }
img { max-width: 100%; height: auto; }
details { margin: .4em 0 1em; padding: .3em .6em; border: 1px solid #8c8c8c; border-radius: 4px; }
summary { cursor: pointer; font-weight: 600; color: #0b4f8a; }
blockquote { margin: .3em 0 .3em 1em; padding-left: .6em; border-left: 3px solid #8c8c8c; }
.lessons-toc li { margin: .3em 0; }
.lessons-answer-space { border-bottom: 1px solid #8c8c8c; min-height: 4em; margin: .3em 0 1em; }
@media print { body > nav, .skip-link { display: none; } a { color: inherit; } }
"""

PAGE = """\
<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title}</title>
<link rel="stylesheet" href="{stylesheet}">
</head>
<body>
<a class="skip-link" href="#content">Skip to content</a>
<header><p>{site}</p></header>
<nav aria-label="Lessons"><ul>{nav}</ul></nav>
<main id="content" tabindex="-1">
{body}
</main>
<footer><p>{footer}</p></footer>
</body>
</html>
"""


class ExportError(Exception):
    """A lesson could not be run or converted; the message says which lesson and why, in one sentence."""


def add_arguments(parser) -> None:
    parser.add_argument("outdir", type=Path, help="folder to write the site into (created if missing)")
    parser.add_argument("--notebooks", type=Path, default=None,
                        help="folder of NN-slug.ipynb lessons (default: the course's notebooks/)")
    parser.add_argument("--timeout", type=int, default=CELL_TIMEOUT_SECONDS,
                        help=f"seconds one cell may run (default {CELL_TIMEOUT_SECONDS})")
    parser.add_argument("--worksheet", action="store_true",
                        help="printable worksheets: the questions without answers, and no code")


def run(args) -> int:
    from ..toc import REPO_DIR, TocError, entries

    try:
        lessons = entries(args.notebooks)
    except (TocError, OSError) as error:
        print(f"Export failed: {error}.", file=sys.stderr)
        return 1
    folder = Path(args.notebooks) if args.notebooks else REPO_DIR / "notebooks"
    started = time.monotonic()
    try:
        export_site(lessons, folder, Path(args.outdir), timeout=args.timeout, worksheet=args.worksheet)
    except ExportError as error:
        print(f"Export failed: {error}", file=sys.stderr)
        return 1
    except OSError as error:
        print(f"Export failed: cannot write the site ({error}).", file=sys.stderr)
        return 1
    kind = "worksheets" if args.worksheet else "lessons"
    print(f"Exported {len(lessons)} {kind} to {args.outdir}/{INDEX} in {time.monotonic() - started:.0f} s.",
          file=sys.stderr)
    return 0


def kernel_environment(progress_dir: str, worksheet: bool = False) -> dict[str, str]:
    """The environment of each lesson's kernel: static views, and a throwaway progress store."""
    env = {key: value for key, value in os.environ.items() if key not in ("MPLBACKEND", "LESSONS_WORKSHEET")}
    env.update(LESSONS_STATIC="1", LESSONS_PROGRESS_DIR=progress_dir, PYDEVD_DISABLE_FILE_VALIDATION="1")
    if worksheet:
        env["LESSONS_WORKSHEET"] = "1"
    return env


def learner_cells(notebook):
    """The notebook without its instructor-only cells (see lessons.learner_copy.is_instructor_cell)."""
    from ..learner_copy import is_instructor_cell

    notebook.cells = [cell for cell in notebook.cells if not is_instructor_cell(cell)]
    return notebook


def _error_sentence(notebook, error: Exception) -> str:
    """Which cell failed and with what error, without the traceback."""
    for index, cell in enumerate(notebook.cells):
        for output in cell.get("outputs", ()):
            if output.get("output_type") == "error":
                first_line = cell.source.strip().splitlines()[0] if cell.source.strip() else ""
                return (f"cell {index + 1} ({first_line[:60]!r}) raised {output.get('ename')}: "
                        f"{output.get('evalue')}")
    name = type(error).__name__
    detail = str(error).strip().splitlines()[0] if str(error).strip() else ""
    return f"{name}: {detail}" if detail else name


def _last_line(path: Path) -> str:
    try:
        lines = [line for line in path.read_text(encoding="utf-8", errors="replace").splitlines() if line.strip()]
    except OSError:
        return ""
    return lines[-1].strip() if lines else ""


def execute(path: Path, env: dict[str, str], timeout: int, kernel_log: Path):
    """Run one notebook top to bottom in a fresh kernel (cwd = its folder); return it with its outputs."""
    import nbformat
    from nbclient import NotebookClient

    notebook = learner_cells(nbformat.read(path, as_version=4))
    client = NotebookClient(notebook, timeout=timeout, kernel_name="python3", store_widget_state=False,
                            resources={"metadata": {"path": str(path.parent)}})
    with kernel_log.open("ab") as log:  # the kernel's own messages go to a log, not between the progress lines
        try:
            client.execute(env=env, stdout=log, stderr=log)
        except Exception as error:  # cell errors, timeouts, dead kernels, and kernels that never start
            message = f"{path.name}: {_error_sentence(notebook, error)}."
            if not any(o.get("output_type") == "error" for c in notebook.cells for o in c.get("outputs", ())):
                last = _last_line(kernel_log)
                message += f" The kernel said: {last}" if last else ""
            raise ExportError(message) from None
    for index, cell in enumerate(notebook.cells):
        for output in cell.get("outputs", ()):
            if WIDGET_MIME in output.get("data", {}):
                raise ExportError(f"{path.name}: cell {index + 1} shows an interactive widget that has no static "
                                  "form; give it one in lessons/static.py.")
    return notebook


def convert(notebook) -> str:
    """The notebook as HTML body content only (nbconvert's basic template: no scripts, no CDN).

    Pages leave out the code: a reader needs the material and the questions, not the calls that show them
    (which name the course's internal ids).
    """
    from nbconvert import HTMLExporter

    exporter = HTMLExporter(template_name="basic", exclude_input_prompt=True, exclude_output_prompt=True,
                            exclude_input=True, embed_images=True)
    body, _resources = exporter.from_notebook_node(notebook)
    return body


def link_lessons(body: str, files: dict[str, str]) -> str:
    """Links between lessons point at the exported pages instead of the notebooks."""
    def replace(match: re.Match) -> str:
        name = match.group(2).rsplit("/", 1)[-1]
        return f'{match.group(1)}{files[name]}{match.group(3) or ""}"' if name in files else match.group(0)

    return re.sub(r'(href=")([^"#]*\.ipynb)(#[^"]*)?"', replace, body)


def page(title: str, body: str, site: str, nav: list[tuple[str, str]], footer: str) -> str:
    """One page of the site: lang, title, skip link, banner, navigation, main and footer landmarks."""
    links = "".join(f'<li><a href="{escape(href)}">{escape(text)}</a></li>' for text, href in nav)
    return PAGE.format(title=escape(title), stylesheet=STYLESHEET, site=escape(site), nav=links, body=body,
                       footer=escape(footer))


def index_body(lessons, pages: dict[str, str], headline: str, outlet: str, worksheet: bool = False) -> str:
    items = "".join(f'<li><a href="{escape(pages[entry.file])}">{escape(entry.title)}</a></li>' for entry in lessons)
    about = ("<p>These are printable worksheets, one per lesson: the material and every question, with room to "
             "write the answer. The answers are not on them; the teacher has them in the course's quiz data.</p>"
             if worksheet else
             "<p>This is a static copy: each lesson shows its questions with the answers behind "
             "\u201cShow answer\u201d, its figures and tables. To answer the quizzes and keep your progress, open the "
             "notebooks in JupyterLab.</p>")
    return (f"<h1>{'Worksheets' if worksheet else 'Lessons'}</h1>"
            f"<p>A course on the {escape(outlet)} article \u201c{escape(headline)}\u201d.</p>{about}"
            f'<ol class="lessons-toc">{items}</ol>')


def export_site(lessons, notebooks_dir: Path, outdir: Path, timeout: int = CELL_TIMEOUT_SECONDS,
                worksheet: bool = False) -> list[Path]:
    """Run and convert every lesson, then write the pages, the index and the stylesheet; return the pages."""
    from ..content import ContentError, load_course

    try:
        article = load_course().article
    except ContentError as error:
        raise ExportError(f"the course content does not validate ({len(error.problems)} problems); "
                          "run `python -m lessons check`.") from None
    site = f"Course on the {article.outlet} article \u201c{article.headline}\u201d"
    footer = ("Worksheet from the course notebooks; the answers are not included. " if worksheet else "") + (
              "Static copy of the course notebooks. The quizzes, timeline, map and claims view are interactive in "
              "JupyterLab.")
    pages = {entry.file: f"{Path(entry.file).stem}.html" for entry in lessons}
    bodies = []
    with tempfile.TemporaryDirectory(prefix="lessons-export-progress-") as progress_dir:
        env = kernel_environment(progress_dir, worksheet)
        for number, entry in enumerate(lessons, start=1):
            started = time.monotonic()
            progress = f"[{number}/{len(lessons)}] {entry.file}"
            try:
                notebook = execute(notebooks_dir / entry.file, env, timeout, Path(progress_dir) / "kernel.log")
                bodies.append(link_lessons(convert(notebook), pages))
            except BaseException:
                print(f"{progress}: failed after {time.monotonic() - started:.1f} s", file=sys.stderr, flush=True)
                raise
            print(f"{progress}: {time.monotonic() - started:.1f} s", file=sys.stderr, flush=True)
    outdir.mkdir(parents=True, exist_ok=True)
    (outdir / STYLESHEET).write_text(CSS, encoding="utf-8")
    written = []
    for position, (entry, body) in enumerate(zip(lessons, bodies)):
        nav = [("All lessons", INDEX)]
        if position > 0:
            nav.append((f"Previous: {lessons[position - 1].title}", pages[lessons[position - 1].file]))
        if position + 1 < len(lessons):
            nav.append((f"Next: {lessons[position + 1].title}", pages[lessons[position + 1].file]))
        target = outdir / pages[entry.file]
        target.write_text(page(f"{entry.title} \u2014 {site}", body, site, nav, footer), encoding="utf-8")
        written.append(target)
    first = [("Start: " + lessons[0].title, pages[lessons[0].file])] if lessons else []
    (outdir / INDEX).write_text(page(site, index_body(lessons, pages, article.headline, article.outlet, worksheet),
                                     site, first, footer), encoding="utf-8")
    return written
