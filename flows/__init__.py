"""The dialogue engine: command parsing, the phase machine, deal rules and pitfall detectors.

It knows nothing of Slack or SQL; it talks to storage through :mod:`flows.storage`.
"""
