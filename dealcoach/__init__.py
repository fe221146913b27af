"""dealcoach: a negotiation coach for Slack and the terminal.

The code lives in three top-level packages: ``flows`` (the engine), ``phrases`` (the phrase
library) and ``bot`` (the command line, the terminal, the store and the Slack front). This
package gives the project an import name of its own: ``python -m dealcoach`` and
:data:`__version__`, read from the installed package's metadata.
"""

from __future__ import annotations

from importlib.metadata import PackageNotFoundError, version

__all__ = ["__version__"]

try:
    __version__: str = version("dealcoach")
except PackageNotFoundError:  # a source tree that was never installed
    __version__ = "0+unknown"
