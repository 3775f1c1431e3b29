"""Student exercise notebooks written from the authored solution notebooks (`python -m lessons release`).

Each exercise is authored once, in exercises/solutions/NN-slug.ipynb, with its solutions between
`### BEGIN SOLUTION` and `### END SOLUTION` lines. The student version, exercises/NN-slug.ipynb, has each
such block replaced by a stub that still runs: each name the block assigns that later code uses becomes
`None`, each such function returns None, and an indented block (a function's body) becomes `pass`, so
the check after it reports "not attempted".
"""
from __future__ import annotations

import ast
import re
import textwrap
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
SOLUTIONS_DIR = REPO / "exercises" / "solutions"
STUDENT_DIR = REPO / "exercises"
BEGIN, END = "### BEGIN SOLUTION", "### END SOLUTION"
STUB_MARK = "# YOUR CODE HERE"
KERNELSPEC = {"name": "python3", "display_name": "Python 3", "language": "python"}


class ReleaseError(Exception):
    """A solution notebook that cannot be turned into a student version; the message says where and why."""


def _function_stub(node: ast.FunctionDef) -> str:
    lines = [f"@{ast.unparse(d)}" for d in node.decorator_list]
    returns = f" -> {ast.unparse(node.returns)}" if node.returns else ""
    lines.append(f"def {node.name}({ast.unparse(node.args)}){returns}:")
    docstring = ast.get_docstring(node, clean=False)
    if docstring is not None:
        lines.append(f'    """{docstring}"""')
    lines += [f"    {STUB_MARK}", "    return None"]
    return "\n".join(lines)


def stub_for(block: str, where: str, used_later: set[str] | None = None) -> list[str]:
    """Stub lines for one solution block: the names it assigns set to None, its functions returning None.

    With `used_later`, only names that later code uses are stubbed, so scratch variables stay hidden.
    """
    try:
        tree = ast.parse(textwrap.dedent(block))
    except SyntaxError as exc:
        raise ReleaseError(f"{where}: the solution does not parse (line {exc.lineno}: {exc.msg})") from None
    stubs: list[str] = []
    seen: set[str] = set()

    def wanted(name: str) -> bool:
        return used_later is None or name in used_later

    def visit(statements) -> None:
        for node in statements:
            if isinstance(node, ast.FunctionDef) and node.name not in seen and wanted(node.name):
                seen.add(node.name)
                stubs.append(_function_stub(node))
            elif isinstance(node, (ast.Assign, ast.AnnAssign)):
                for target in node.targets if isinstance(node, ast.Assign) else [node.target]:
                    elements = target.elts if isinstance(target, (ast.Tuple, ast.List)) else [target]
                    names = [e.id for e in elements
                             if isinstance(e, ast.Name) and e.id not in seen and wanted(e.id)]
                    if names:
                        seen.update(names)
                        stubs.append(f"{', '.join(names)} = {', '.join(['None'] * len(names))}  {STUB_MARK}")
            elif isinstance(node, (ast.If, ast.Try, ast.With)):  # not loops: their names are scratch work
                for body in (node.body, getattr(node, "orelse", []), getattr(node, "finalbody", [])):
                    visit(body)

    visit(tree.body)
    return "\n".join(stubs).split("\n") if stubs else []


def _words(code: str) -> set[str]:
    """The names `code` uses, leaving out attribute names, comments and plain strings (not f-strings)."""
    import io
    import tokenize

    names, previous = set(), ""
    try:
        for token in tokenize.generate_tokens(io.StringIO(code).readline):
            if token.type == tokenize.NAME and previous != ".":
                names.add(token.string)
            elif token.type == tokenize.STRING and re.match(r"(?i)r?fr?['\"]", token.string):
                names.update(re.findall(r"(?<![\w.])[A-Za-z_]\w*", token.string))
            if token.type not in (tokenize.NL, tokenize.NEWLINE, tokenize.COMMENT):
                previous = token.string
    except (tokenize.TokenError, IndentationError, SyntaxError):  # e.g. IPython magics: be generous
        return set(re.findall(r"[A-Za-z_]\w*", code))
    return names


def strip_solutions(source: str, where: str, later_code: str = "") -> str:
    """Replace each BEGIN/END SOLUTION block of a code cell's source with its stub, at the block's indent.

    `later_code` is the code of the cells after this one: a block's names are stubbed only if the rest of
    this cell or a later cell uses them.
    """
    out: list[str] = []
    block: list[str] | None = None
    indent = ""
    lines = source.split("\n")
    for number, line in enumerate(lines, start=1):
        marker = line.strip()
        if marker.startswith(BEGIN):
            if block is not None:
                raise ReleaseError(f"{where}, line {number}: BEGIN SOLUTION again before END SOLUTION")
            block, indent = [], line[: len(line) - len(line.lstrip())]
        elif marker.startswith(END):
            if block is None:
                raise ReleaseError(f"{where}, line {number}: END SOLUTION without BEGIN SOLUTION")
            if indent:  # inside a function body (or another block): the learner writes the body
                stubs = [f"pass  {STUB_MARK}"]
            else:
                used_later = _words("\n".join(lines[number:]) + "\n" + later_code)
                stubs = stub_for("\n".join(block), where, used_later) or [STUB_MARK]
            out += [indent + stub for stub in stubs]
            block = None
        elif block is not None:
            block.append(line)
        else:
            out.append(line)
    if block is not None:
        raise ReleaseError(f"{where}: BEGIN SOLUTION without END SOLUTION")
    return "\n".join(out)


def student_version(notebook, name: str):
    """A clean student notebook: solutions stubbed, no outputs, metadata reduced to the kernel."""
    import nbformat

    student = nbformat.v4.new_notebook()
    student.nbformat, student.nbformat_minor = notebook.nbformat, notebook.nbformat_minor
    student.metadata = {"kernelspec": dict(KERNELSPEC), "language_info": {"name": "python"}}
    code_after = [""] * len(notebook.cells)  # the code of every later cell, per cell
    for index in range(len(notebook.cells) - 2, -1, -1):
        following = notebook.cells[index + 1]
        code_after[index] = (following.source if following.cell_type == "code" else "") + "\n" + code_after[index + 1]
    for index, cell in enumerate(notebook.cells, start=1):
        where = f"{name}, cell {index}"
        source = cell.source
        if cell.cell_type == "code":
            has_markers = BEGIN in source or END in source
            new = nbformat.v4.new_code_cell(strip_solutions(source, where, code_after[index - 1]) if has_markers
                                            else source)
        elif BEGIN in source or END in source:
            raise ReleaseError(f"{where}: solution markers work only in code cells")
        elif cell.cell_type == "markdown":
            new = nbformat.v4.new_markdown_cell(source)
        else:
            new = nbformat.v4.new_raw_cell(source)
        if "id" in cell:
            new.id = cell.id  # keep the author's cell ids, so a release is repeatable byte for byte
        student.cells.append(new)
    return student


def release(solutions: Path, out: Path) -> dict[Path, str]:
    """Student notebook path -> its text, for every NN-slug.ipynb in `solutions`."""
    import nbformat

    written = {}
    for path in sorted(solutions.glob("[0-9][0-9]-*.ipynb")):
        try:
            notebook = nbformat.read(path, as_version=4)
        except Exception as exc:
            raise ReleaseError(f"{path.name}: cannot read it as a notebook ({type(exc).__name__}: {exc})") from None
        written[out / path.name] = nbformat.writes(student_version(notebook, path.name)) + "\n"
    return written
