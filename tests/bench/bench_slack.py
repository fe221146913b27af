"""Benchmark: ``/deal give item N`` through the full Slack app versus a bare Bolt app.

Both apps run under the same HTTP server setup, ``dealcoach serve``'s own: each one in a
child process through :func:`bot.slack.serve._run_http` (gunicorn, ``gthread`` workers,
its default 2 workers x 8 threads, Bolt's WSGI adapter behind ``/slack/events``), bound
to ``127.0.0.1`` port 0. The bare app is ``App(token, signing_secret,
token_verification_enabled=False)`` with one ``/deal`` listener that acks and calls
``respond("ok")``; its client points at the fake Slack (otherwise its first-request
``auth.test`` would leave the machine). The full app runs on a migrated SQLite file, and
also on PostgreSQL in a throwaway schema when ``TEST_DATABASE_URL`` is set.

The harness is the tests': the fake Slack Web API of ``tests/auxil/fake_slack.py`` on
another loopback port (it receives the response_url posts and the Home tab publishes) and
``SignedSlackClient``, which signs each request exactly as Slack does and opens one
connection per request. Per request it measures the ack (the HTTP round-trip of the
slash command) and end-to-end (until the fake Slack has the response_url post).

* latency: requests one at a time, full and bare interleaved (so drift hits both), each
  one left to finish its work (for the full app, a Home tab publish if the tab changed:
  until the fake Slack heard nothing for ``SETTLE_SECONDS``) before the next;
* throughput: ``--clients`` users against the full app, each sending its next command
  once the previous answer arrived, until ``--load`` commands or ``--seconds`` passed;
  then every command must be stored exactly once (the moves are counted in the database).
  The bare app gets the same load, in ``--rounds`` rounds that alternate with the full
  app's (a slow spell of this shared machine moved one run's figures by a third), and
  ``throughput_ratio`` is full / bare over all rounds; ``throughput_ratio_median`` is the
  median of the rounds' own ratios, the steadiest figure to compare code by.
  ``home_publishes`` counts the Home tabs the full app published in that run (only changed
  ones, at most one a second a user and process).

Prints one JSON object. Not part of the test run; stops by itself in about two minutes:

    python tests/bench/bench_slack.py [--latency 1000] [--load 2000] [--clients 8] [--rounds 3]
"""

from __future__ import annotations

import argparse
import itertools
import json
import logging
import os
import platform
import re
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from collections import defaultdict, deque
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "tests"))

from auxil.fake_slack import Call, FakeSlack, SignedSlackClient  # noqa: E402

SECRET = "bench-signing-secret"
TOKEN = "xoxb-bench-token"
TEAM = "T1"
STARTUP_SECONDS = 60
ANSWER_SECONDS = 10.0
# In the latency run, how long the fake Slack must hear nothing after a full app's answer
# (so its Home tab publish, if any, is done) before the next request.
SETTLE_SECONDS = 0.015
TARGETS = {
    "ack_p99_ratio_max": 1.3,
    "commands_per_second_min": 250.0,
    "e2e_p99_under_load_ms_max": 250.0,
    "errors_max": 0,
}


# -- the fake Slack -----------------------------------------------------------------------
class BenchSlack(FakeSlack):
    """The tests' fake Slack, with calls also indexed by name.

    ``FakeSlack.wait_for`` scans every call on each wake-up, which is fine for a test and
    would cost the load generator seconds of CPU (on the server's cores) over thousands
    of commands; the index makes each wait O(1).
    """

    def __init__(self) -> None:
        super().__init__(team_id=TEAM)
        self.by_name: dict[str, list[Call]] = defaultdict(list)

    def _record(self, call: Call) -> None:
        with self._changed:  # a re-entrant lock: FakeSlack._record takes it again
            self.by_name[call.name].append(call)
            super()._record(call)

    def first(self, name: str, timeout: float = ANSWER_SECONDS) -> Call | None:
        """The first successful call of ``name``, waiting up to ``timeout`` seconds."""
        deadline = time.monotonic() + timeout
        with self._changed:
            while True:
                for call in self.by_name.get(name, ()):
                    if call.status == 200:
                        return call
                left = deadline - time.monotonic()
                if left <= 0:
                    return None
                self._changed.wait(left)

    def count(self, name: str, at_least: int, timeout: float = ANSWER_SECONDS) -> int:
        """How many calls of ``name`` arrived, waiting up to ``timeout`` for ``at_least``."""
        deadline = time.monotonic() + timeout
        with self._changed:
            while True:
                found = len(self.by_name.get(name, ()))
                left = deadline - time.monotonic()
                if found >= at_least or left <= 0:
                    return found
                self._changed.wait(left)


# -- the servers (child processes) ----------------------------------------------------------
def _bare_wsgi(settings: Any) -> Any:
    """Bolt's own WSGI adapter around a one-listener app, plus the health path we poll."""
    from slack_bolt import App, Respond
    from slack_bolt.adapter.wsgi import SlackRequestHandler
    from slack_sdk import WebClient

    from bot.slack.serve import EVENTS_PATH, HEALTH_PATH

    # App(token=...) would build its own client on slack.com; this one is the same token
    # on the fake Slack (Bolt takes the token from the client).
    app = App(
        client=WebClient(token=settings.bot_token, base_url=settings.api_url),
        signing_secret=settings.signing_secret,
        token_verification_enabled=False,
    )

    @app.command("/deal")
    def deal(ack: Callable[[], None], respond: Respond) -> None:
        ack()
        respond("ok")

    bolt = SlackRequestHandler(app, path=EVENTS_PATH)

    def application(environ: dict[str, Any], start_response: Any) -> Any:
        if environ.get("PATH_INFO") == HEALTH_PATH:
            start_response("200 OK", [("Content-Type", "text/plain")])
            return [b"ok\n"]
        return bolt(environ, start_response)

    return application


def serve_child(kind: str) -> int:
    """Run one app under ``dealcoach serve``'s gunicorn setup (in a child process)."""
    from bot.slack import serve

    logging.basicConfig(
        level=logging.WARNING,
        stream=sys.stderr,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    # A string port, because run_serve reads 0 as "no port" (3000); gunicorn binds
    # 127.0.0.1:0 and logs the port it got.
    args = argparse.Namespace(port="0", host="127.0.0.1", workers=None, threads=None, db=None)
    if kind == "full":
        return serve.run_serve(args)  # settings, database and token checks, then _run_http
    from bot.slack.config import SlackSettings

    serve.http_application = lambda settings, db_arg=None: _bare_wsgi(settings)  # type: ignore[assignment]
    return serve._run_http(SlackSettings.from_env(), args)


@dataclass
class Server:
    """A child process serving one app; its log is drained and kept."""

    kind: str
    process: subprocess.Popen[str]
    base_url: str = ""
    lines: deque[str] = field(default_factory=lambda: deque(maxlen=200))
    errors: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    booted: int = 0
    port_found: threading.Event = field(default_factory=threading.Event)

    def drain(self) -> None:
        assert self.process.stderr is not None
        for line in self.process.stderr:
            line = line.rstrip()
            self.lines.append(line)
            found = re.search(r"Listening at: http://127\.0\.0\.1:(\d+)", line)
            if found:
                self.base_url = f"http://127.0.0.1:{found.group(1)}"
                self.port_found.set()
            elif "Booting worker" in line:
                self.booted += 1
            elif re.search(r"\b(ERROR|CRITICAL)\b|Traceback|\[(ERROR|CRITICAL)\]", line):
                self.errors.append(line)
            elif re.search(r"\bWARNING\b|\[WARNING\]", line):
                self.warnings.append(line)

    def log(self) -> dict[str, Any]:
        """The server's own complaints: errors count against the run, warnings are shown."""

        def strip(line: str) -> str:
            return re.sub(r"^[\d-]+ [\d:,]+ ", "", line)

        return {
            "errors": len(self.errors),
            "first_errors": [strip(x) for x in self.errors[:5]],
            "warnings": len(self.warnings),
            "distinct_warnings": sorted({strip(x) for x in self.warnings})[:5],
        }
        self.port_found.set()


@contextmanager
def running_server(
    kind: str,
    fake: FakeSlack,
    database_url: str,
    workers: int = 2,
) -> Iterator[Server]:
    env = {
        **os.environ,
        "SLACK_BOT_TOKEN": TOKEN,
        "SLACK_SIGNING_SECRET": SECRET,
        "SLACK_API_URL": fake.api_url,
        "DATABASE_URL": database_url,
        "DEALCOACH_LOG": "info",
        "PYTHONUNBUFFERED": "1",
    }
    for name in (
        "SLACK_APP_TOKEN",
        "SLACK_CLIENT_ID",
        "SLACK_CLIENT_SECRET",
        "DEALCOACH_ACCESS_LOG",
    ):
        env.pop(name, None)
    process = subprocess.Popen(
        [sys.executable, str(Path(__file__).resolve()), "--serve", kind],
        cwd=REPO,
        env=env,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    server = Server(kind, process)
    drainer = threading.Thread(target=server.drain, daemon=True)
    drainer.start()
    try:
        deadline = time.monotonic() + STARTUP_SECONDS
        server.port_found.wait(STARTUP_SECONDS)
        while not (server.base_url and server.booted >= workers and _healthy(server.base_url)):
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"the {kind} app did not start:\n" + "\n".join(server.lines))
            time.sleep(0.1)
        yield server
    finally:
        process.terminate()
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)
        drainer.join(timeout=5)


def _healthy(base_url: str) -> bool:
    try:
        with urllib.request.urlopen(base_url + "/healthz", timeout=2) as response:
            return bool(response.status == 200)
    except (urllib.error.URLError, ConnectionError):
        return False


# -- measuring ----------------------------------------------------------------------------
@dataclass
class Sample:
    """One slash command: its ack and when the fake Slack got its answer."""

    status: int
    ack: float
    e2e: float | None
    rejected: bool = False

    @property
    def ok(self) -> bool:
        return self.status == 200 and self.e2e is not None and not self.rejected


_DRIVERS = itertools.count(1)


class Driver:
    """Sends ``/deal`` commands to one app and waits for their answers."""

    def __init__(self, base_url: str, fake: BenchSlack, prefix: str):
        self.slack = SignedSlackClient(base_url, SECRET, fake, team_id=TEAM)
        # Each client counts its trigger ids from 1, and the app's inbox takes a repeated
        # trigger id for a re-sent command (answered once): every driver gets its own range.
        self.slack._counter = next(_DRIVERS) * 10_000_000
        self.fake = fake
        self.prefix = prefix
        self._names = itertools.count()

    def command(self, text: str, user: str) -> Sample:
        name = f"{self.prefix}{next(self._names)}"
        start = time.monotonic()
        sent = self.slack.command(text, user=user, response_name=name)
        answer = self.fake.first(name) if sent.status == 200 else None
        blocks = (answer.body.get("blocks") or []) if answer else []
        rejected = any(str(b.get("block_id", "")).startswith("rejection:") for b in blocks)
        return Sample(sent.status, sent.elapsed, answer.at - start if answer else None, rejected)


def _ms(values: list[float], q: float) -> float | None:
    if not values:
        return None
    ordered = sorted(values)
    return round(ordered[min(len(ordered) - 1, int(len(ordered) * q))] * 1000, 2)


def _summary(samples: list[Sample]) -> dict[str, Any]:
    acks = [s.ack for s in samples if s.status == 200]
    e2es = [s.e2e for s in samples if s.e2e is not None]
    return {
        "requests": len(samples),
        "errors": sum(not s.ok for s in samples),
        "ack_p50_ms": _ms(acks, 0.5),
        "ack_p99_ms": _ms(acks, 0.99),
        "e2e_p50_ms": _ms(e2es, 0.5),
        "e2e_p99_ms": _ms(e2es, 0.99),
    }


def _ratio(full: dict[str, Any], bare: dict[str, Any], key: str) -> float | None:
    if full[key] is None or not bare[key]:
        return None
    return round(full[key] / bare[key], 3)


class Bench:
    """One backend's run: the full app, the bare app, the fake Slack and the gives sent."""

    def __init__(self, tag: str, fake: BenchSlack, full: Server, bare: Server, users: int):
        self.tag = tag  # response_url names are unique across backends sharing the fake
        self.fake = fake
        self.full = Driver(full.base_url, fake, f"{tag}-full-")
        self.bare = Driver(bare.base_url, fake, f"{tag}-bare-")
        self.full_base = full.base_url
        self.bare_base = bare.base_url
        self.users = [f"UB{n}" for n in range(1, users + 1)]
        self.items: dict[str, int] = {}  # item -> ack status, every give sent to the full app
        self._lock = threading.Lock()
        self._numbers = itertools.count(1)
        self.all_full: list[Sample] = []
        self._rounds = itertools.count()  # each load round's response_url names are its own

    def give(self, driver: Driver, user: str, *, full_app: bool) -> Sample:
        item = f"item {next(self._numbers)}"
        sample = driver.command(f"give {item}", user)
        if full_app:
            with self._lock:
                self.items[item] = sample.status
                self.all_full.append(sample)
        return sample

    def warm_up(self) -> None:
        for user in self.users:
            sample = self.full.command(f"new Bench {user}", user)
            self.all_full.append(sample)
        for n in range(4 * len(self.users)):
            self.give(self.full, self.users[n % len(self.users)], full_app=True)
            self.bare.command("give warm-up", self.users[0])
        self.fake.quiet(0.2)

    def latency(self, requests: int) -> dict[str, Any]:
        full: list[Sample] = []
        bare: list[Sample] = []
        for n in range(requests):
            user = self.users[n % len(self.users)]
            order = ((self.full, full), (self.bare, bare))
            for driver, samples in order if n % 2 == 0 else order[::-1]:
                samples.append(self.give(driver, user, full_app=driver is self.full))
                if driver is self.full:  # let a Home tab publish finish first
                    self.fake.quiet(SETTLE_SECONDS)
        f, b = _summary(full), _summary(bare)
        return {
            "requests_per_app": requests,
            "full": f,
            "bare": b,
            "ack_p50_ratio": _ratio(f, b, "ack_p50_ms"),
            "ack_p99_ratio": _ratio(f, b, "ack_p99_ms"),
            "e2e_p50_ratio": _ratio(f, b, "e2e_p50_ms"),
            "e2e_p99_ratio": _ratio(f, b, "e2e_p99_ms"),
        }

    def throughput(
        self, requests: int, clients: int, seconds: float, rounds: int
    ) -> dict[str, Any]:
        """The full app's load and the bare app's, alternating in ``rounds`` rounds.

        Each round gives each app ``seconds / rounds`` (and ``requests / rounds``) in turn,
        so a slow spell of this shared machine hits both alike; each round's full/bare
        ratio is kept, and their median is the steadiest figure.
        """
        share, cap = max(1, requests // rounds), seconds / rounds
        full: list[Sample] = []
        bare: list[Sample] = []
        full_seconds = bare_seconds = 0.0
        ratios: list[float] = []
        publishes_before = self.fake.count("views.publish", 0, timeout=0)
        for _ in range(rounds):
            samples, elapsed = self._load(share, clients, cap, bare=False)
            full += samples
            full_seconds += elapsed
            bare_samples, bare_elapsed = self._load(share, clients, cap, bare=True)
            bare += bare_samples
            bare_seconds += bare_elapsed
            if elapsed > 0 and bare_elapsed > 0 and any(s.ok for s in bare_samples):
                full_rate = sum(s.ok for s in samples) / elapsed
                ratios.append(
                    round(full_rate / (sum(s.ok for s in bare_samples) / bare_elapsed), 3)
                )
        # The Home tab is published when what it shows changed, at most so often a user.
        self.fake.quiet(1.5)
        full_result = self._rate(full, full_seconds, requests, clients, seconds)
        full_result["home_publishes"] = (
            self.fake.count("views.publish", 0, timeout=0) - publishes_before
        )
        return {
            "full": full_result,
            "bare": self._rate(bare, bare_seconds, requests, clients, seconds),
            "round_ratios": ratios,
            "median_ratio": statistics.median(ratios) if ratios else None,
        }

    @staticmethod
    def _rate(
        samples: list[Sample], elapsed: float, requests: int, clients: int, seconds: float
    ) -> dict[str, Any]:
        done = sum(s.ok for s in samples)
        return {
            "clients": clients,
            "requests_asked": requests,
            "seconds_cap": seconds,
            **_summary(samples),
            "completed": done,
            "seconds": round(elapsed, 2),
            "commands_per_second": round(done / elapsed, 1) if elapsed > 0 else 0.0,
        }

    def _load(
        self, requests: int, clients: int, seconds: float, *, bare: bool
    ) -> tuple[list[Sample], float]:
        """``clients`` users sending gives back to back: the samples and the time taken."""
        base = self.bare_base if bare else self.full_base
        kind = "bare" if bare else "load"
        tickets = itertools.count()
        samples: list[Sample] = []
        lock = threading.Lock()
        start = time.monotonic()
        deadline = start + seconds
        finished: list[float] = []

        def user_loop(client: int, user: str) -> None:
            driver = Driver(base, self.fake, f"{self.tag}-{kind}{next(self._rounds)}-{client}-")
            while time.monotonic() < deadline and next(tickets) < requests:
                sample = self.give(driver, user, full_app=not bare)
                with lock:
                    samples.append(sample)
                    finished.append(time.monotonic())

        threads = [
            threading.Thread(
                target=user_loop, args=(n, self.users[n % len(self.users)]), daemon=True
            )
            for n in range(clients)
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(seconds + 2 * ANSWER_SECONDS)
        elapsed = (max(finished) if finished else time.monotonic()) - start
        return samples, elapsed

    def stored(self, database: Any) -> dict[str, Any]:
        """Every give answered with 200 must be one move in the database, no more."""
        from sqlalchemy import func, select

        from bot.store.models import DealRow, MoveRow

        with database.session() as session:
            counts = dict(
                session.execute(
                    select(MoveRow.item, func.count())
                    .join(DealRow, MoveRow.deal_id == DealRow.id)
                    .where(DealRow.workspace_id == TEAM)
                    .group_by(MoveRow.item)
                ).all()
            )
        accepted = {item for item, status in self.items.items() if status == 200}
        duplicated = sorted(item for item, n in counts.items() if n > 1)
        lost = sorted(accepted - set(counts))
        unexpected = sorted(set(counts) - set(self.items))
        return {
            "gives_sent": len(self.items),
            "gives_acked": len(accepted),
            "moves_in_db": sum(counts.values()),
            "duplicated": duplicated[:10],
            "lost": lost[:10],
            "unexpected": unexpected[:10],
            "stored_exactly_once": not duplicated
            and not lost
            and not unexpected
            and len(accepted) == len(self.items),
        }


def run_backend(
    tag: str, label: str, database: Any, fake: BenchSlack, bare: Server, args: argparse.Namespace
) -> dict[str, Any]:
    with running_server("full", fake, database.url) as full:
        bench = Bench(tag, fake, full, bare, args.users)
        bench.warm_up()
        latency = bench.latency(args.latency)
        loads = bench.throughput(args.load, args.clients, args.seconds, args.rounds)
        fake.quiet(0.5)
    stored = bench.stored(database)
    errors = sum(not s.ok for s in bench.all_full)
    return {
        "database": label,
        "latency": latency,
        "throughput": loads["full"],
        "bare_throughput": loads["bare"],
        "throughput_ratio": _ratio(loads["full"], loads["bare"], "commands_per_second"),
        "throughput_ratio_rounds": loads["round_ratios"],
        "throughput_ratio_median": loads["median_ratio"],
        "storage": stored,
        "full_app_errors": errors,
        "full_server_log": full.log(),
    }


def _met(result: dict[str, Any], bare: Server) -> dict[str, bool]:
    ratio = result["latency"]["ack_p99_ratio"]
    return {
        "ack_p99_ratio": ratio is not None and ratio <= TARGETS["ack_p99_ratio_max"],
        "commands_per_second": result["throughput"]["commands_per_second"]
        >= TARGETS["commands_per_second_min"],
        "e2e_p99_under_load": (result["throughput"]["e2e_p99_ms"] or float("inf"))
        <= TARGETS["e2e_p99_under_load_ms_max"],
        "zero_errors": result["full_app_errors"] == 0
        and result["latency"]["bare"]["errors"] == 0
        and result["bare_throughput"]["errors"] == 0
        and not result["full_server_log"]["errors"]
        and not bare.errors,
        "stored_exactly_once": result["storage"]["stored_exactly_once"],
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--serve", choices=["full", "bare"], help=argparse.SUPPRESS)
    parser.add_argument("--latency", type=int, default=1000, help="requests per app, one at a time")
    parser.add_argument("--load", type=int, default=2000, help="commands in the throughput run")
    parser.add_argument("--clients", type=int, default=8, help="concurrent users in that run")
    parser.add_argument("--seconds", type=float, default=30.0, help="cap on the throughput run")
    parser.add_argument(
        "--rounds", type=int, default=3, help="full and bare loads alternate this many times"
    )
    parser.add_argument("--users", type=int, default=8, help="Slack users with a deal each")
    args = parser.parse_args()
    if args.serve:
        sys.exit(serve_child(args.serve))

    from auxil.databases import make_database

    started = time.monotonic()
    backends: dict[str, Any] = {}
    met: dict[str, dict[str, bool]] = {}
    bare_log: dict[str, Any] = {}
    fake = BenchSlack().start()
    try:
        with tempfile.TemporaryDirectory() as tmp:
            bare_db = Path(tmp) / "bare.db"  # unused by the bare app; keeps its env alike
            with running_server("bare", fake, f"sqlite:///{bare_db}") as bare:
                with make_database("sqlite", Path(tmp)) as database:
                    backends["sqlite"] = run_backend(
                        "sqlite",
                        "SQLite file (WAL) in a temporary directory",
                        database,
                        fake,
                        bare,
                        args,
                    )
                    met["sqlite"] = _met(backends["sqlite"], bare)
                if os.environ.get("TEST_DATABASE_URL", "").strip():
                    import pytest

                    try:
                        with make_database("postgres", Path(tmp)) as database:
                            backends["postgres"] = run_backend(
                                "postgres",
                                "PostgreSQL, throwaway schema",
                                database,
                                fake,
                                bare,
                                args,
                            )
                            met["postgres"] = _met(backends["postgres"], bare)
                    except pytest.skip.Exception as exc:
                        backends["postgres"] = {"skipped": str(exc)}
            bare_log = bare.log()
    finally:
        fake.stop()
    print(
        json.dumps(
            {
                "benchmark": "slack_deal_give_full_vs_bare_bolt",
                "command": "python tests/bench/bench_slack.py",
                "setup": {
                    "server": "gunicorn via bot.slack.serve._run_http (dealcoach serve's HTTP "
                    "path): gthread, 2 workers x 8 threads, 127.0.0.1 port 0, one child per app",
                    "client": "tests' SignedSlackClient (Slack v0 signatures, one connection per "
                    "request) and FakeSlack for response_url posts and Web API calls",
                    "ack": "HTTP round-trip of the slash command until its (empty) 200 ack",
                    "e2e": "from sending the command until the fake Slack received the "
                    "response_url post",
                    "cpus": os.cpu_count(),
                    "python": platform.python_version(),
                },
                "backends": backends,
                "bare_server_log": bare_log,
                "targets": {**TARGETS, "stored_exactly_once": True},
                "targets_detail": met,
                "targets_met": bool(met) and all(all(v.values()) for v in met.values()),
                "runtime_seconds": round(time.monotonic() - started, 1),
            },
            indent=2,
        )
    )


if __name__ == "__main__":
    main()
