"""`undo` on the in-memory store: each change taken back whole, newest first, deal by deal."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from auxil.memory import MemoryDealSpace
from flows.engine import Engine
from flows.journal import KEEP_ENTRIES, Recorder
from flows.model import Deal
from flows.replies import Outcome, Rejection, Reply
from flows.turn import Turn

NOW = datetime(2026, 11, 23, 9, 30, tzinfo=UTC)


class Chat:
    """One in-memory user talking to the engine."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.space = MemoryDealSpace()

    def send(self, line: str) -> Outcome:
        return self.engine.handle(line, self.space, NOW)

    def ok(self, *lines: str) -> Reply:
        reply = None
        for line in lines:
            reply = self.send(line)
            assert isinstance(reply, Reply), f"{line}: {reply}"
        assert reply is not None
        return reply

    def deal(self) -> Deal:
        deal = self.space.active_deal()
        assert deal is not None
        return deal

    def log(self) -> list[tuple[str, str, str, bool]]:
        deal = self.deal()
        return [(m.kind, m.give, m.get, m.paired) for m in self.space.recent_moves(deal, 1000)]

    def entries(self) -> int:
        return len(self.space._journal.get(self.deal().id or 0, []))


@pytest.fixture
def chat(engine: Engine) -> Chat:
    chat = Chat(engine)
    chat.ok(
        "new Acme renewal",
        "batna Globex at 88k",
        "issue price us=5 them=3",
        "issue onboarding us=2 them=4",
    )
    return chat


def counters(deal: Deal) -> tuple[int, int, int, str, str]:
    return (
        deal.moves_count,
        deal.unpaired_gives,
        deal.one_way_streak,
        deal.last_give,
        deal.last_get,
    )


def test_undo_a_give_restores_the_counters_and_the_log(chat: Chat) -> None:
    before = chat.deal()
    chat.ok("give free onboarding")
    assert chat.deal().unpaired_gives == 1
    reply = chat.ok("undo")
    assert reply.text == "Undid `give free onboarding`."
    assert reply.command == "undo" and reply.warnings == []
    after = chat.deal()
    assert counters(after) == counters(before)
    assert after.last_move_at == before.last_move_at
    assert chat.log() == []
    # The log keeps numbering from where it was: the next give is move 1 again.
    chat.ok("give net-60")
    assert [m.seq for m in chat.space.recent_moves(chat.deal(), 10)] == [1]


def test_undo_a_get_that_paired_a_give_unpairs_it(chat: Chat) -> None:
    chat.ok("give free onboarding")
    give_only = chat.deal()
    chat.ok("get a 3-year term")
    assert chat.log() == [("give", "free onboarding", "a 3-year term", True)]
    assert chat.deal().unpaired_gives == 0
    assert chat.ok("undo").text == "Undid `get a 3-year term`."
    assert chat.log() == [("give", "free onboarding", "", False)]
    assert counters(chat.deal()) == counters(give_only)
    # The give is open again, so the next get pairs with it as before.
    chat.ok("get net-30")
    assert chat.log() == [("give", "free onboarding", "net-30", True)]


def test_undo_a_trade_and_a_conditional(chat: Chat) -> None:
    chat.ok("give training")
    before = chat.deal()
    chat.ok("trade onboarding for price", "if we add training, they sign for 3 years")
    assert len(chat.log()) == 3
    chat.ok("undo")
    assert [k for k, *_ in chat.log()] == ["give", "trade"]
    chat.ok("undo")
    assert counters(chat.deal()) == counters(before)
    assert chat.log() == [("give", "training", "", False)]


def test_undo_a_walkaway_brings_back_the_one_before(chat: Chat) -> None:
    chat.ok("walkaway 90k")
    chat.ok("walkaway min 95k")
    chat.ok("undo")
    walkaway = chat.deal().walkaway
    assert walkaway is not None and walkaway.formatted() == "90,000"
    chat.ok("undo")
    assert chat.deal().walkaway is None


@pytest.mark.parametrize(
    "line, field",
    [
        ("batna Initech at 91k", "batna"),
        ("evidence analyst benchmark 85-110k", "evidence"),
        ("tradeable case study rights", "tradeables"),
        ("counterparty CFO Dana decides", "counterparty"),
        ("win mine a 3-year term", "wins"),
        ("rule success is 150 users within 60 days", "rule"),
        ("meeting Thursday 10:00", "meeting"),
    ],
)
def test_undo_a_fact(chat: Chat, line: str, field: str) -> None:
    before = getattr(chat.deal(), field)
    chat.ok(line)
    assert getattr(chat.deal(), field) != before
    chat.ok("undo")
    assert getattr(chat.deal(), field) == before


def test_undo_an_issue(chat: Chat) -> None:
    chat.ok("issue payment terms us=2 them=4")
    assert len(chat.deal().issues) == 3
    assert chat.ok("undo").text == "Undid `issue payment terms us=2 them=4`."
    assert [i.name for i in chat.deal().issues] == ["price", "onboarding"]


def test_undo_a_bundle_and_a_pick(chat: Chat) -> None:
    chat.ok(
        "next anyway", "bundle A price=95k term=3y worth=80", "bundle B price=99k term=1y worth=78"
    )
    chat.ok("pick B")
    assert chat.deal().moves_count == 1
    chat.ok("undo")
    assert chat.deal().moves_count == 0 and chat.log() == []
    chat.ok("undo")
    assert [b.label for b in chat.deal().bundles] == ["A"]


def test_undo_a_safeguard(chat: Chat) -> None:
    chat.ok("safeguard if uptime < 99.9% in a month, 10% credit")
    chat.ok("undo")
    assert chat.deal().safeguards == []


def test_undo_phase_steps_walk_and_signed(chat: Chat) -> None:
    reply = chat.ok("next anyway")
    assert reply.phase == "first_move"
    reply = chat.ok("undo")
    assert reply.phase == "setup"
    assert reply.text == "Undid `next anyway`. The deal is back in Setup."

    chat.ok("next anyway", "next anyway", "next anyway")
    assert chat.deal().phase == "close"
    chat.ok("walk they would not move")
    assert chat.deal().phase == "walked_away"
    reply = chat.ok("undo")
    deal = chat.deal()
    assert (reply.phase, deal.walked_from, deal.walk_reason) == ("close", None, "")

    assert chat.ok("signed anyway").phase == "review"
    reply = chat.ok("undo")
    assert reply.phase == "close" and "back in Close" in reply.text


def test_two_undos_go_back_two_changes(chat: Chat) -> None:
    before = chat.deal()
    chat.ok("give training", "give net-60")
    assert chat.ok("undo").text == "Undid `give net-60`."
    assert chat.ok("undo").text == "Undid `give training`."
    assert counters(chat.deal()) == counters(before)
    assert chat.ok("undo").text == "Undid `issue onboarding us=2 them=4`."


def test_undo_with_nothing_to_undo_is_a_clear_reply(engine: Engine) -> None:
    chat = Chat(engine)
    nothing = chat.send("undo")
    assert isinstance(nothing, Rejection) and nothing.code == "no_active_deal"
    reply = chat.ok("new Acme", "undo")
    assert "nothing left to undo in Acme" in reply.text
    chat.ok("batna Globex", "undo")
    assert "nothing left to undo" in chat.ok("undo").text
    rejected = chat.send("undo everything")
    assert isinstance(rejected, Rejection) and rejected.code == "bad_arguments"


def test_undo_acts_on_the_active_deal_only(chat: Chat) -> None:
    chat.ok("give training", "new Globex", "give net-60", "use Acme renewal")
    assert chat.ok("undo").text == "Undid `give training`."
    assert chat.log() == []
    globex = chat.space.get_deal("Globex")
    assert globex is not None and globex.moves_count == 1
    chat.ok("use Globex")
    assert chat.ok("undo").text == "Undid `give net-60`."
    # Creating the deal and switching to it are not changes `undo` takes back.
    assert "nothing left to undo" in chat.ok("undo").text
    assert chat.deal().name == "Globex"


def test_rejected_and_read_only_commands_write_no_entry(chat: Chat) -> None:
    entries = chat.entries()
    assert isinstance(chat.send("give"), Rejection)
    assert isinstance(chat.send("signed"), Rejection)
    assert isinstance(chat.send("issue x us=9 them=1"), Rejection)
    chat.ok(
        "status",
        "log all",
        "checklist",
        "script objection",
        "say we can do 98k",
        "deals",
        "help undo",
        "meso",
    )
    assert chat.entries() == entries
    # A write that leaves the deal as it was is not a change to undo either.
    chat.ok("batna Globex at 88k")
    assert chat.entries() == entries


def test_the_journal_keeps_the_latest_entries(chat: Chat) -> None:
    for n in range(KEEP_ENTRIES + 5):
        chat.ok(f"give item {n}")
    assert chat.entries() == KEEP_ENTRIES
    for _ in range(KEEP_ENTRIES):
        chat.ok("undo")
    assert [give for _, give, _, _ in chat.log()] == [f"item {n}" for n in range(5)]
    assert chat.deal().unpaired_gives == 5
    assert "nothing left to undo" in chat.ok("undo").text


def test_one_call_running_several_commands_is_one_change(chat: Chat) -> None:
    """What the engine will do for a call recap: several handlers, one journal entry."""
    space = chat.space
    before = chat.deal()
    record = Recorder(space, space.active_deal(), label="recap", now=NOW)
    turns = []
    for word, args in (
        ("give", "free onboarding"),
        ("they", "budget capped at 80k"),
        ("get", "a 3-year term"),
        ("evidence", "benchmark 85-110k"),
    ):
        from flows.commands import resolve

        spec = resolve(word)
        assert spec is not None
        turn = Turn(
            lib=chat.engine.lib, space=space, now=NOW, deal=space.active_deal(), command=spec.name
        )
        spec.handler(turn, args)
        assert turn.deal is not None
        space.save_deal(turn.deal)
        turns.append(turn)
    record.label = "give free onboarding; they budget capped at 80k; ..."
    entry = record.finish(*turns)
    assert entry is not None and len(entry.added_moves) == 2
    # The give was added and paired in the same call: only its deletion is needed.
    assert entry.moves_before == []
    assert chat.ok("undo").text == ("Undid `give free onboarding; they budget capped at 80k; ...`.")
    after = chat.deal()
    assert counters(after) == counters(before) and after.evidence == before.evidence
    assert chat.space.recent_moves(after, 10) == []


def test_the_label_is_the_typed_line_trimmed(chat: Chat) -> None:
    chat.ok("/deal   evidence   " + "x" * 300)
    text = chat.ok("undo").text
    assert text == f"Undid `evidence {'x' * 191}`."
