"""Every sentence a user sees lives in the phrase library, not in a string literal in bot/.

The scan reads ``bot/**/*.py`` with :mod:`ast` and flags a string that reads like a
sentence: it starts with a capital, has a space, and ends with ``.``, ``?`` or ``!`` (an
f-string counts as one string, its fields as ``{}``). Docstrings and other bare string
statements, arguments of logging calls, ``help=`` and ``description=`` texts of the
command line's ``--help``, and everything inside a ``raise`` statement are not looked at.
What is left must be in :data:`ALLOWED`, each with the reason it stays in code.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

BOT = Path(__file__).resolve().parents[2] / "bot"
LOG_METHODS = frozenset({"debug", "info", "warning", "error", "exception", "critical", "log"})
HELP_KEYWORDS = frozenset({"help", "description"})
SENTENCE = re.compile(r"^[A-Z][^\n]* [^\n]*[.?!]$", re.DOTALL)

# (file under bot/, the start of the sentence) -> why it stays in code.
_STORE = (
    "the store opens before the phrase library is loaded and must work without it; "
    "DatabaseFileChanged's message, raised on, ends the terminal chat"
)
ALLOWED: dict[tuple[str, str], str] = {
    ("store/database.py", "The database file {} cannot be written"): _STORE,
    ("store/database.py", "The database file {} was removed"): _STORE,
    ("store/database.py", "The database file {} cannot be read"): _STORE,
    ("store/database.py", "The database file {} was replaced"): _STORE,
}


def _text(node: ast.expr) -> str | None:
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    if isinstance(node, ast.JoinedStr):
        return "".join(v.value if isinstance(v, ast.Constant) else "{}" for v in node.values)
    return None


def _skipped(tree: ast.AST) -> set[int]:
    """Ids of the nodes not scanned: see the module's docstring."""
    skipped: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Expr):  # a docstring, or an attribute's docstring
            skipped.add(id(node.value))
        if isinstance(node, ast.keyword) and node.arg in HELP_KEYWORDS:
            skipped.update(id(inner) for inner in ast.walk(node))
        logging = (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr in LOG_METHODS
        )
        if logging or isinstance(node, ast.Raise):
            skipped.update(id(inner) for inner in ast.walk(node))
    return skipped


def sentences(path: Path) -> list[tuple[int, str]]:
    """The sentence-like string literals of one file, with their line numbers."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    skipped = _skipped(tree)
    found = []
    for node in ast.walk(tree):
        if id(node) in skipped or not isinstance(node, ast.expr):
            continue
        text = _text(node)
        if text is None:
            continue
        text = " ".join(text.split())
        if SENTENCE.match(text):
            found.append((node.lineno, text))
        # The parts of an f-string are checked as the whole.
        if isinstance(node, ast.JoinedStr):
            skipped.update(id(v) for v in node.values)
    return found


def test_no_user_sentence_outside_the_phrase_library() -> None:
    stray = []
    used = set()
    for path in sorted(BOT.rglob("*.py")):
        name = path.relative_to(BOT).as_posix()
        for line, text in sentences(path):
            key = next((k for k in ALLOWED if k[0] == name and text.startswith(k[1])), None)
            if key is None:
                stray.append(f"bot/{name}:{line}: {text!r}")
            else:
                used.add(key)
    assert not stray, (
        "user-facing sentences belong in phrases/*.yaml (look them up with "
        "lib.reply): \n" + "\n".join(stray)
    )
    assert not set(ALLOWED) - used, f"allowed but gone: {sorted(set(ALLOWED) - used)}"


def test_the_scan_finds_a_sentence(tmp_path: Path) -> None:
    sample = tmp_path / "sample.py"
    sample.write_text(
        '"""A docstring."""\n'
        "import logging\n"
        'log = logging.getLogger("x")\n'
        'log.info("A log line is fine.")\n'
        'TEXT = "Say what moved."\n'
        'HINT = f"Line {3}: write the term, =, then its value."\n'
        'LABEL = "Log it"\n'
        'parser = make(description="A coach for the terminal.")\n'
        "def f():\n"
        '    raise ValueError("A developer message.")\n',
        encoding="utf-8",
    )
    assert [text for _, text in sentences(sample)] == [
        "Say what moved.",
        "Line {}: write the term, =, then its value.",
    ]
