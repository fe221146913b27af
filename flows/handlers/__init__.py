"""Command handlers, one module per area; importing this package registers them all."""

from flows.handlers import close, deals, info, meso, moves, phases, prep

__all__ = ["close", "deals", "info", "meso", "moves", "phases", "prep"]
