"""The phrase library: every line dealcoach shows a user, as validated YAML + Jinja2.

This package imports no other project code. The engine (``flows``) loads it with the
vocabulary it needs covered, so a broken or incomplete file fails at load time with its
file name and key, never in front of a user.
"""

from phrases.errors import PhraseLibraryError, PhraseRenderError
from phrases.library import PhraseLibrary, load_library
from phrases.schema import Detector

__all__ = [
    "Detector",
    "PhraseLibrary",
    "PhraseLibraryError",
    "PhraseRenderError",
    "load_library",
]
