"""Load, validate and render the phrase library.

All YAML files in this folder are read once, merged by section, validated against
:mod:`phrases.schema` and checked for completeness against the vocabulary the caller
needs (phases, contexts, warning codes, ...). Every string is compiled as a sandboxed
Jinja2 template with undefined variables as errors. Escaping for a medium (Slack markup,
terminal markup) is the front's job, so autoescape stays off.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from jinja2 import StrictUndefined, Template, TemplateError, meta, nodes
from jinja2.sandbox import SandboxedEnvironment
from pydantic import BaseModel, ValidationError

from phrases.errors import PhraseLibraryError, PhraseRenderError
from phrases.schema import (
    CommandHelp,
    CompiledDetector,
    FaqEntry,
    Guides,
    LibraryFile,
    PhaseText,
    Pitfall,
    Playbook,
    Rewrites,
    Topic,
    WarningText,
)

LIBRARY_DIR = Path(__file__).resolve().parent


@dataclass(frozen=True)
class Vocabulary:
    """What the caller needs the library to cover; anything missing fails the load."""

    phases: tuple[str, ...]
    contexts: tuple[str, ...]
    warning_codes: tuple[str, ...]
    script_vars: frozenset[str]
    detectors: tuple[str, ...] = ()
    commands: tuple[str, ...] = ()
    replies: tuple[str, ...] = ()
    topics: tuple[str, ...] = ()
    # Warning code -> the variables the engine passes; the YAML must declare exactly these.
    warning_vars: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    min_lines_per_phase_context: int = 3


@dataclass
class _Sections:
    phases: dict[str, PhaseText] = field(default_factory=dict)
    topics: dict[str, Topic] = field(default_factory=dict)
    default_topics: dict[str, list[str]] = field(default_factory=dict)
    warnings: dict[str, WarningText] = field(default_factory=dict)
    detectors: dict[str, CompiledDetector] = field(default_factory=dict)
    faq: dict[str, FaqEntry] = field(default_factory=dict)
    playbooks: dict[str, Playbook] = field(default_factory=dict)
    pitfalls: dict[str, Pitfall] = field(default_factory=dict)
    commands: dict[str, CommandHelp] = field(default_factory=dict)
    replies: dict[str, str] = field(default_factory=dict)
    guides: Guides | None = None
    rewrites: Rewrites | None = None
    synonyms: list[tuple[str, ...]] = field(default_factory=list)
    buttons: dict[str, str] = field(default_factory=dict)


class PhraseLibrary:
    """Validated phrase content with sandboxed rendering."""

    def __init__(
        self,
        sections: _Sections,
        parsed: dict[str, nodes.Template | None],
        env: SandboxedEnvironment,
    ):
        self._s = sections
        # Templates are parsed (and checked) at load, compiled on first use: start-up
        # stays fast and a template nobody renders costs nothing.
        self._parsed = parsed
        self._env = env
        self._templates: dict[str, Template] = {}

    # -- rendering ---------------------------------------------------------------------
    def render(self, source: str, /, **values: Any) -> str:
        """Render one library string with ``values``; raises PhraseRenderError on a bug."""
        template = self._templates.get(source)
        if template is None:
            if source not in self._parsed:
                raise PhraseRenderError(f"not a library string: {source[:60]!r}")
            ast = self._parsed[source]
            if ast is None:  # plain text, nothing to fill in
                return _tidy(source)
            template = self._templates[source] = self._env.from_string(ast)
        try:
            rendered = template.render(**values)
        except TemplateError as exc:
            raise PhraseRenderError(f"{exc} in {source[:60]!r}") from exc
        return _tidy(rendered)

    def reply(self, key: str, /, **values: Any) -> str:
        """Render the reply text stored under ``key``."""
        try:
            source = self._s.replies[key]
        except KeyError:
            raise PhraseRenderError(f"no reply {key!r} in the phrase library") from None
        return self.render(source, **values)

    def warning(self, code: str, /, **values: Any) -> tuple[str, str]:
        """Return the rendered (message, suggestion) of a warning code."""
        text = self._s.warnings[code]
        return self.render(text.message, **values), self.render(text.suggestion, **values)

    def script(self, topic: str, deal_context: str, /, **facts: Any) -> list[str]:
        """Template lines on ``topic`` for ``deal_context``, filled with the deal's facts."""
        lines = self._s.topics[topic].lines
        sources = [*lines.get("all", []), *lines.get(deal_context, [])]
        return [self.render(s, **facts) for s in sources]

    # -- lookups -----------------------------------------------------------------------
    def phase(self, name: str) -> PhaseText:
        """The texts of phase ``name``."""
        return self._s.phases[name]

    @property
    def topics(self) -> Mapping[str, Topic]:
        """Every script topic by name."""
        return self._s.topics

    def default_topics(self, phase: str) -> list[str]:
        """The topics a bare ``script`` shows in ``phase``."""
        return self._s.default_topics[phase]

    def detector(self, name: str) -> CompiledDetector:
        """A compiled text detector."""
        return self._s.detectors[name]

    @property
    def warnings(self) -> Mapping[str, WarningText]:
        """Every warning text by code."""
        return self._s.warnings

    @property
    def faq(self) -> Mapping[str, FaqEntry]:
        """Every FAQ entry by key."""
        return self._s.faq

    def playbook(self, context: str) -> Playbook:
        """The playbook of a deal context."""
        return self._s.playbooks[context]

    @property
    def pitfalls(self) -> Mapping[str, Pitfall]:
        """The pitfall catalogue."""
        return self._s.pitfalls

    def command_help(self, name: str) -> CommandHelp:
        """Help for command ``name``."""
        return self._s.commands[name]

    @property
    def commands(self) -> Mapping[str, CommandHelp]:
        """Help for every command."""
        return self._s.commands

    @property
    def guides(self) -> Guides:
        """Ethics, debrief prompts, the tradeables library and other method material."""
        assert self._s.guides is not None  # checked at load
        return self._s.guides

    @property
    def synonyms(self) -> list[tuple[str, ...]]:
        """Groups of words that mean the same in a request for a topic or an FAQ entry."""
        return self._s.synonyms

    @property
    def rewrites(self) -> Rewrites:
        """Templates for a better version of the rep's own line (render with :meth:`render`)."""
        assert self._s.rewrites is not None  # checked at load
        return self._s.rewrites

    def button_label(self, line: str) -> str | None:
        """What a button that runs ``line`` says, or None when the library has no label for it.

        The whole line is looked up first (``next anyway``), then the longest start of it
        keyed with ``<...>`` for the rest (``get <item>``: the rest is ``{{ rest }}``), so
        ``remind off`` and ``remind 08:30`` can read differently.

        Args:
            line: the command line the button sends.

        """
        words = line.split()
        if not words:
            return None
        key = " ".join(words).lower()
        if key in self._s.buttons:
            return self.render(self._s.buttons[key], rest="")
        for size in range(len(words) - 1, 0, -1):
            start = " ".join(words[:size]).lower()
            template = self._s.buttons.get(f"{start} <>")
            if template is not None:
                return self.render(template, rest=" ".join(words[size:]))
        return None


def _tidy(text: str) -> str:
    """Single spaces inside a line, no blank lines."""
    lines = (" ".join(line.split()) for line in text.splitlines())
    return "\n".join(line for line in lines if line)


def load_library(vocabulary: Vocabulary, directory: Path = LIBRARY_DIR) -> PhraseLibrary:
    """Read, validate and compile every ``*.yaml`` file in ``directory``.

    Args:
        vocabulary: what the library must cover.
        directory: where the YAML files are.

    Raises:
        PhraseLibraryError: naming the file and key of the first problem found.

    """
    sections = _Sections()
    templates: dict[str, nodes.Template | None] = {}
    env = SandboxedEnvironment(
        undefined=StrictUndefined, autoescape=False, trim_blocks=True, lstrip_blocks=True
    )
    files = sorted(directory.glob("*.yaml"))
    if not files:
        raise PhraseLibraryError(f"{directory}: no phrase files found")
    for path in files:
        parsed = _read(path)
        _merge(path.name, parsed, sections, env, vocabulary, templates)
    _check_complete(sections, vocabulary)
    return PhraseLibrary(sections, templates, env)


def _read(path: Path) -> LibraryFile:
    try:
        # The C loader (when PyYAML has it) keeps start-up fast.
        loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
        raw = yaml.load(path.read_text(encoding="utf-8"), Loader=loader)
    except yaml.YAMLError as exc:
        raise PhraseLibraryError(f"{path.name}: not valid YAML: {exc}") from exc
    if not isinstance(raw, dict):
        raise PhraseLibraryError(f"{path.name}: the top level must be a mapping of sections")
    try:
        return LibraryFile.model_validate(raw)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"])
        raise PhraseLibraryError(f"{path.name}: {where}: {first['msg']}") from exc


def _merge(
    filename: str,
    parsed: LibraryFile,
    into: _Sections,
    env: SandboxedEnvironment,
    vocab: Vocabulary,
    templates: dict[str, nodes.Template | None],
) -> None:
    def add(section: str, items: Mapping[str, Any] | None) -> None:
        if not items:
            return
        target: dict[str, Any] = getattr(into, section)
        for key, value in items.items():
            if key in target:
                raise PhraseLibraryError(f"{filename}: {section}.{key}: defined twice")
            target[key] = value

    def compile_all(where: str, strings: Iterable[str], allowed: frozenset[str] | None) -> None:
        for text in strings:
            if text in templates:
                continue
            if "{" not in text:
                templates[text] = None  # plain text: nothing to parse or check
                continue
            try:
                ast = env.parse(text)
            except TemplateError as exc:
                raise PhraseLibraryError(f"{filename}: {where}: template error: {exc}") from exc
            if allowed is not None:
                unknown = meta.find_undeclared_variables(ast) - allowed
                if unknown:
                    raise PhraseLibraryError(
                        f"{filename}: {where}: unknown variable(s) {sorted(unknown)}"
                    )
            templates[text] = ast

    for name, phase in (parsed.phases or {}).items():
        compile_all(f"phases.{name}", _phase_strings(phase), vocab.script_vars)
    for name, topic in (parsed.topics or {}).items():
        for ctx, lines in topic.lines.items():
            if ctx != "all" and ctx not in vocab.contexts:
                raise PhraseLibraryError(f"{filename}: topics.{name}.lines.{ctx}: unknown context")
            compile_all(f"topics.{name}.lines.{ctx}", lines, vocab.script_vars)
        if topic.phase not in vocab.phases:
            raise PhraseLibraryError(f"{filename}: topics.{name}.phase: unknown phase")
        compile_all(f"topics.{name}.about", [topic.about], frozenset())
    for code, warning in (parsed.warnings or {}).items():
        allowed = frozenset(warning.vars)
        compile_all(f"warnings.{code}.message", [warning.message], allowed)
        compile_all(f"warnings.{code}.suggestion", [warning.suggestion], allowed)
    for key, text in (parsed.replies or {}).items():
        compile_all(f"replies.{key}", [text], None)
    buttons: dict[str, str] = {}
    for key, text in (parsed.buttons or {}).items():
        normal = _button_key(key)
        if normal is None:
            raise PhraseLibraryError(
                f"{filename}: buttons.{key}: a key is a command line, optionally ending in "
                "<what follows>"
            )
        if normal in buttons:
            raise PhraseLibraryError(f"{filename}: buttons.{key}: defined twice")
        compile_all(
            f"buttons.{key}", [text], frozenset({"rest"}) if normal.endswith(" <>") else frozenset()
        )
        buttons[normal] = text
    for section in ("faq", "playbooks", "pitfalls", "commands"):
        for key, model in (getattr(parsed, section) or {}).items():
            compile_all(f"{section}.{key}", _model_strings(model), frozenset())
    if parsed.guides is not None:
        if into.guides is not None:
            raise PhraseLibraryError(f"{filename}: guides: defined twice")
        compile_all("guides", _model_strings(parsed.guides), frozenset())
        into.guides = parsed.guides
    if parsed.rewrites is not None:
        if into.rewrites is not None:
            raise PhraseLibraryError(f"{filename}: rewrites: defined twice")
        compile_all("rewrites", _model_strings(parsed.rewrites), Rewrites.VARS)
        into.rewrites = parsed.rewrites

    seen = {word for group in into.synonyms for word in group}
    for group in parsed.synonyms or []:
        words = tuple(" ".join(w.lower().split()) for w in group)
        if len(set(words)) < 2 or not all(words):
            raise PhraseLibraryError(f"{filename}: synonyms: {group}: a group needs two words")
        twice = sorted(seen & set(words))
        if twice:
            raise PhraseLibraryError(f"{filename}: synonyms: {twice[0]} is in two groups")
        seen.update(words)
        into.synonyms.append(words)

    compiled = {}
    for key, detector in (parsed.detectors or {}).items():
        try:
            compiled[key] = detector.compiled()
        except ValueError as exc:
            raise PhraseLibraryError(f"{filename}: detectors.{key}: {exc}") from exc
    add("detectors", compiled)
    for section in (
        "phases",
        "topics",
        "default_topics",
        "warnings",
        "faq",
        "playbooks",
        "pitfalls",
        "commands",
        "replies",
    ):
        add(section, getattr(parsed, section))
    add("buttons", buttons)


_BUTTON_KEY = re.compile(r"^(?P<start>[^<>\s]+(?: [^<>\s]+)*)(?P<rest> <[\w -]+>)?$")


def _button_key(key: str) -> str | None:
    """A ``buttons`` key as looked up: lower case, single spaces, ``<item>`` as ``<>``."""
    match = _BUTTON_KEY.match(" ".join(key.split()).lower())
    if match is None:
        return None
    return match.group("start") + (" <>" if match.group("rest") else "")


def _phase_strings(phase: PhaseText) -> Iterator[str]:
    yield from (phase.title, phase.tagline, phase.purpose, phase.principle, *phase.checklist)
    yield from phase.focus.values()


def _model_strings(value: Any) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from _model_strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from _model_strings(item)
    elif isinstance(value, BaseModel):
        for name in type(value).model_fields:
            yield from _model_strings(getattr(value, name))


def _missing(kind: str, needed: Iterable[str], have: Iterable[str]) -> None:
    absent = sorted(set(needed) - set(have))
    if absent:
        raise PhraseLibraryError(f"{kind}: missing {', '.join(absent)}")


def _check_complete(s: _Sections, vocab: Vocabulary) -> None:
    _missing("phases", vocab.phases, s.phases)
    for name, phase_text in s.phases.items():
        _missing(f"phases.{name}.focus", vocab.contexts, phase_text.focus)
        extra_focus = sorted(set(phase_text.focus) - set(vocab.contexts))
        if extra_focus:
            raise PhraseLibraryError(f"phases.{name}.focus: unknown context {extra_focus[0]}")
    _missing("warnings", vocab.warning_codes, s.warnings)
    extra = sorted(set(s.warnings) - set(vocab.warning_codes))
    if extra:
        raise PhraseLibraryError(f"warnings: codes the engine never raises: {', '.join(extra)}")
    for code, passed in vocab.warning_vars.items():
        declared = s.warnings[code].vars if code in s.warnings else list(passed)
        if sorted(declared) != sorted(passed):
            raise PhraseLibraryError(
                f"warnings.{code}.vars: declares {sorted(declared)}, the engine passes "
                f"{sorted(passed)}"
            )
    _missing("topics", vocab.topics, s.topics)
    _missing("detectors", vocab.detectors, s.detectors)
    _missing("commands", vocab.commands, s.commands)
    _missing("replies", vocab.replies, s.replies)
    _missing("playbooks", vocab.contexts, s.playbooks)
    _missing("default_topics", vocab.phases, s.default_topics)
    if s.guides is None:
        raise PhraseLibraryError("guides: missing")
    if s.rewrites is None:
        raise PhraseLibraryError("rewrites: missing")
    _missing("rewrites.asks", vocab.contexts, s.rewrites.asks)
    _missing("rewrites.levers", vocab.contexts, s.rewrites.levers)
    if not s.faq:
        raise PhraseLibraryError("faq: missing")
    for phase, names in s.default_topics.items():
        if phase not in vocab.phases:
            raise PhraseLibraryError(f"default_topics.{phase}: unknown phase")
        for name in names:
            if name not in s.topics:
                raise PhraseLibraryError(f"default_topics.{phase}: unknown topic {name}")
            if s.topics[name].phase != phase:
                raise PhraseLibraryError(
                    f"default_topics.{phase}: topic {name} belongs to {s.topics[name].phase}"
                )
    for key, pitfall in s.pitfalls.items():
        for code in pitfall.codes:
            if code not in s.warnings:
                raise PhraseLibraryError(f"pitfalls.{key}.codes: unknown warning code {code}")
    for phase in vocab.phases:
        for ctx in vocab.contexts:
            count = sum(
                len(t.lines.get("all", [])) + len(t.lines.get(ctx, []))
                for t in s.topics.values()
                if t.phase == phase
            )
            if count < vocab.min_lines_per_phase_context:
                raise PhraseLibraryError(
                    f"topics: phase {phase} has {count} line(s) for {ctx}; "
                    f"at least {vocab.min_lines_per_phase_context} are needed"
                )
