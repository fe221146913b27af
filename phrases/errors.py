"""Errors raised by the phrase library."""


class PhraseLibraryError(Exception):
    """A phrase file is missing, malformed or incomplete.

    The message always names the file and the key, e.g.
    ``warnings.yaml: warnings.one_way_concession.message: template syntax error ...``.
    """


class PhraseRenderError(Exception):
    """A template could not be rendered with the values it was given (a programming error)."""
