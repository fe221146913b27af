"""What fronts know about a command is declared with it, and true (flows.commands).

Every registered command runs here at least once. One whose handler reads the user's
profile (time zone, admin flag) must say so (``needs_profile``: Slack looks the profile up first),
and one declared ``reads_only`` (Slack skips the Home refresh after it) must leave the
stored state as it was. A new command without a line below fails the coverage test.
"""

from __future__ import annotations

import inspect
from datetime import UTC, datetime

import pytest

from auxil.memory import MemoryDealSpace, MemoryWorld
from flows.commands import REGISTRY, only_reads, resolve, split_line
from flows.engine import Engine
from flows.replies import CHAT, RECAP, Reply
from flows.storage import Profile
from flows.vocabulary import ACTIVE_PHASES, PHASES

NOW = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)

# Lines that run every command, in an order that makes each one accepted.
LINES = (
    "help",
    "method",
    "ethics",
    "playbook",
    "pitfalls",
    "faq discount",
    "script opening",
    "new Acme renewal",
    "deals",
    "use Acme renewal",
    "context sales",
    "batna renew with Globex at 88k",
    "walkaway 90k",
    "issue price us=5 them=4",
    "issue term us=2 them=4",
    "tradeable training",
    "counterparty CFO Dana",
    "evidence benchmark report",
    "win shared uptime",
    "rule lowest total cost",
    "meeting tomorrow 10:00",
    "status",
    "checklist",
    "option price 95k us=5 them=1",
    "option price 90k us=3 them=3",
    "option term 2y us=2 them=4",
    "option term 3y us=4 them=2",
    "analyze",
    "bundle A price=95k term=2y",
    "bundle B price=90k term=3y",
    "meso",
    "pick A",
    "next anyway",
    "offer 95k with a 2-year term",
    "say we could do 95k if you sign 2 years",
    "next anyway",
    "give training",
    "get case study",
    "trade net-60 for a 3-year term",
    "if you sign today we add onboarding",
    "they came back at 92k",
    "log",
    "undo",
    "next anyway",
    "safeguard 5% credit if uptime is below 99.9% in a month",
    "governance monthly review with the CFO",
    "exit 90 days notice with a refund",
    "remind 08:30",
    "team",
    "nudge @U2 Globex",
    "practice price-haggle seed 1",
    "accept",
    "signed anyway",
    "debrief we anchored too late",
    "back",
    "walk they would not move on liability",
)


def _state(world: MemoryWorld, space: MemoryDealSpace) -> str:
    return repr((vars(space), world.managers, world.policies, world.nudges, world.invites))


def _run_all() -> list[tuple[str, Reply, bool, bool]]:
    """Each line with its reply, whether it read the profile, and whether it changed state."""
    world, engine = MemoryWorld(), Engine()
    engine.handle("new Globex", world.space("U2"), NOW)
    world.managers["U2"] = "U1"  # U1 manages U2, so may nudge them
    space = world.space("U1", tz="Europe/Berlin")
    read_profile = []
    real_profile = space.profile

    def spied_profile() -> Profile:
        # The reader reads the zone for any line to place time words ("tomorrow 2pm");
        # Slack looks it up for such lines whatever the command (bot.slack.profiles).
        if not any(
            frame.function == "_read" and frame.filename.endswith("engine.py")
            for frame in inspect.stack()[1:4]
        ):
            read_profile.append(True)
        return real_profile()

    space.profile = spied_profile  # type: ignore[method-assign]
    ran = []
    for line in LINES:
        before, read_profile[:] = _state(world, space), []
        outcome = engine.handle(line, space, NOW)
        assert isinstance(outcome, Reply), (line, outcome)
        ran.append((line, outcome, bool(read_profile), _state(world, space) != before))
    return ran


@pytest.fixture(scope="module")
def ran() -> list[tuple[str, Reply, bool, bool]]:
    return _run_all()


def test_every_command_runs_in_these_lines(ran: list[tuple[str, Reply, bool, bool]]) -> None:
    names = {resolve(split_line(line)[0]).name for line, *_ in ran}  # type: ignore[union-attr]
    assert set(REGISTRY) - names == set()


def test_a_command_that_reads_the_profile_declares_it(
    ran: list[tuple[str, Reply, bool, bool]],
) -> None:
    for line, _, read_profile, _ in ran:
        spec = resolve(split_line(line)[0])
        assert spec is not None
        assert spec.needs_profile or not read_profile, f"{spec.name} reads the profile"


def test_a_command_declared_read_only_changes_nothing(
    ran: list[tuple[str, Reply, bool, bool]],
) -> None:
    for line, reply, _, changed in ran:
        if only_reads(reply.command):
            assert not changed, f"{line!r} changed what is stored"


def test_replies_that_ran_no_command_count_as_reading() -> None:
    assert only_reads(CHAT) and only_reads(RECAP) and only_reads("status")
    assert not only_reads("give") and not only_reads("new")


def test_every_step_a_phase_suggests_is_a_command() -> None:
    lib = Engine().lib
    for phase in PHASES:
        text = lib.phase(phase)
        steps = [*text.next_steps, *text.status_steps, *([text.brief.step] if text.brief else [])]
        for step in steps:
            assert resolve(split_line(step)[0]) is not None, (phase, step)
        # The daily brief is for deals still being negotiated, and only for them.
        assert (text.brief is not None) == (phase in ACTIVE_PHASES), phase
