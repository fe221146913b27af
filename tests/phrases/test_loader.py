"""The loader fails on broken content with the file and key named, never later."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from flows.engine import engine_vocabulary
from phrases import PhraseLibraryError, PhraseRenderError, load_library
from phrases.library import LIBRARY_DIR


@pytest.fixture
def library_copy(tmp_path: Path) -> Path:
    for path in LIBRARY_DIR.glob("*.yaml"):
        shutil.copy(path, tmp_path / path.name)
    return tmp_path


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text()
    assert old in text, old
    path.write_text(text.replace(old, new, 1))


def test_the_packaged_library_loads() -> None:
    library = load_library(engine_vocabulary())
    assert library.reply("batna_saved")


@pytest.mark.parametrize(
    ("file", "old", "new", "message"),
    [
        (
            "replies.yaml",
            'batna_saved: "',
            'batna_saved: "{{ unclosed ',
            "replies.yaml: replies.batna_saved: template error",
        ),
        ("replies.yaml", "replies:", "replies:\n  broken: [", "replies.yaml: not valid YAML"),
        (
            "patterns.yaml",
            '- "\\\\bcheaper\\\\b"',
            '- "(unclosed"',
            "patterns.yaml: detectors.price_pushback: bad pattern",
        ),
        (
            "commands.yaml",
            "  meso:\n",
            "  meso:\n    colour: blue\n",
            "commands.yaml: commands.meso.colour: Extra inputs are not permitted",
        ),
        (
            "warnings.yaml",
            "one_way_concession:",
            "one_way_concessionX:",
            "warnings: missing one_way",
        ),
        (
            "rewrites.yaml",
            'give: "If you can',
            'give: "{{ walkaway }} If you can',
            "rewrites.yaml: rewrites: unknown variable(s) ['walkaway']",
        ),
        (
            "rewrites.yaml",
            '    hiring: "confirm the start date"\n',
            "",
            "rewrites.asks: missing hiring",
        ),
        (
            "rewrites.yaml",
            "  rationale:",
            "  reason:",
            "rewrites.yaml: rewrites.rationale: Field required",
        ),
    ],
)
def test_broken_files_name_the_file_and_key(
    library_copy: Path, file: str, old: str, new: str, message: str
) -> None:
    _edit(library_copy / file, old, new)
    with pytest.raises(PhraseLibraryError) as info:
        load_library(engine_vocabulary(), library_copy)
    assert message in str(info.value)


def test_unknown_template_variables_are_caught_at_load(library_copy: Path) -> None:
    text = (library_copy / "scripts.yaml").read_text()
    (library_copy / "scripts.yaml").write_text(
        text.replace("{{ counterparty }}", "{{ walkaway }}", 1)
    )
    with pytest.raises(PhraseLibraryError, match=r"unknown variable\(s\) \['walkaway'\]"):
        load_library(engine_vocabulary(), library_copy)


def test_rendering_is_sandboxed_and_strict() -> None:
    library = load_library(engine_vocabulary())
    with pytest.raises(PhraseRenderError):
        library.reply("deal_created", name="x")  # context missing
    with pytest.raises(PhraseRenderError):
        library.render("not a library string")
    # User text is data, never template source.
    assert library.reply("deal_created", name="{{ 7*7 }}", context="sales").startswith(
        "New sales deal: {{ 7*7 }}"
    )
