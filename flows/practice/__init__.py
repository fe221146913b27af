"""Practice mode: rehearse a negotiation against a counterpart the coach plays.

* :mod:`flows.practice.scenarios` loads the built-in scenarios (``phrases/practice/``).
* :mod:`flows.practice.counterparts` holds the counterpart strategies.
* :mod:`flows.practice.session` is the state of one rehearsal, kept on a practice deal.
* :mod:`flows.practice.debrief` scores a finished rehearsal against the exact frontier.
"""
