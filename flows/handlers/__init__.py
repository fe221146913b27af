"""Command handlers, one module per area; importing this package registers them all."""

from flows.handlers import (
    analysis,
    close,
    deals,
    info,
    meso,
    moves,
    phases,
    practice,
    prep,
    remind,
    team,
    undo,
)

__all__ = [
    "analysis",
    "close",
    "deals",
    "info",
    "meso",
    "moves",
    "phases",
    "practice",
    "prep",
    "remind",
    "team",
    "undo",
]
