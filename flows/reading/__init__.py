"""The plain-language reader: lines as people type them, read into commands of the grammar."""

from flows.reading.guard import READ_WHEN_REJECTED, reads_as_prose
from flows.reading.reader import SAFE_COMMANDS, Reader
from flows.reading.readings import ReadContext, Reading, context_for

__all__ = [
    "READ_WHEN_REJECTED",
    "SAFE_COMMANDS",
    "ReadContext",
    "Reader",
    "Reading",
    "context_for",
    "reads_as_prose",
]
