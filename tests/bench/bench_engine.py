"""Benchmark: commands per second through the engine and the SQLite file store.

Runs a fixed mix of commands against a deal with 10 and with 10,000 logged moves, on
one core, and times how long ``dealcoach chat`` takes to answer its first line.
Prints one JSON object. Not part of the test run:

    python tests/bench/bench_engine.py [--commands 3000]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import insert, update

from bot.service import CoachService
from bot.store.database import Database
from bot.store.models import DealRow, MoveRow
from flows.engine import Engine

MIX = [
    "give onboarding help",
    "get a 3-year term",
    "they that's too expensive, our budget is capped at $80k",
    "say we can include training if you sign for 3 years",
    "offer $118k for 3 years with premium support",
    "trade priority support for a case study",
    "status",
    "log",
]


def _seed(database: Database, service: CoachService, moves: int) -> None:
    for line in (
        "new Bench deal",
        "batna x",
        "walkaway 90k",
        "issue price us=5 them=3",
        "issue onboarding us=2 them=4",
        "evidence y",
        "next",
        "next anyway",
        "next anyway",
    ):
        service.handle("T", "U", line)
    start = datetime(2026, 1, 1, tzinfo=UTC)
    with database.session() as session:
        deal_id = session.query(DealRow.id).scalar()
        rows = [
            {
                "deal_id": deal_id,
                "seq": n,
                "kind": "give" if n % 2 else "get",
                "item": f"item {n}",
                "give": f"item {n}" if n % 2 else "",
                "get": "" if n % 2 else f"item {n}",
                "text": "",
                "trigger": "",
                "paired": n % 2 == 1 and n < moves,
                "warnings": [],
                "created_at": start + timedelta(seconds=n),
            }
            for n in range(1, moves + 1)
        ]
        for chunk in range(0, len(rows), 2000):
            session.execute(insert(MoveRow), rows[chunk : chunk + 2000])
        session.execute(
            update(DealRow).values(moves_count=moves, unpaired_gives=1 if moves % 2 else 0)
        )


def run_mix(moves: int, commands: int) -> dict[str, float]:
    with tempfile.TemporaryDirectory() as tmp:
        database = Database(f"sqlite:///{Path(tmp) / 'bench.db'}")
        database.upgrade()
        service = CoachService(database, Engine())
        _seed(database, service, moves)
        for line in MIX * 5:  # warm caches and the pool
            service.handle("T", "U", line)
        timings = []
        started = time.perf_counter()
        for i in range(commands):
            t0 = time.perf_counter()
            service.handle("T", "U", MIX[i % len(MIX)])
            timings.append(time.perf_counter() - t0)
        elapsed = time.perf_counter() - started
        database.dispose()
    timings.sort()
    return {
        "moves_in_log": moves,
        "commands": commands,
        "commands_per_second": round(commands / elapsed, 1),
        "mean_ms": round(statistics.mean(timings) * 1000, 3),
        "p50_ms": round(timings[len(timings) // 2] * 1000, 3),
        "p99_ms": round(timings[int(len(timings) * 0.99)] * 1000, 3),
    }


def first_answer_seconds(runs: int = 5) -> float:
    """Median time from starting ``dealcoach chat`` to its first answer (embedded default)."""
    samples = []
    with tempfile.TemporaryDirectory() as tmp:
        env = {**os.environ, "XDG_DATA_HOME": tmp, "HOME": tmp}
        env.pop("DATABASE_URL", None)
        for _ in range(runs + 1):  # the first run also creates and migrates the database
            t0 = time.perf_counter()
            proc = subprocess.Popen(
                [sys.executable, "-m", "bot.cli", "chat", "--json"],
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                text=True,
                env=env,
            )
            assert proc.stdin and proc.stdout
            proc.stdin.write("help\n")
            proc.stdin.flush()
            proc.stdout.readline()
            samples.append(time.perf_counter() - t0)
            proc.stdin.close()
            proc.wait()
    return round(statistics.median(samples[1:]), 3)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--commands", type=int, default=3000)
    args = parser.parse_args()
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {0})  # the target is per core
    small = run_mix(10, args.commands)
    large = run_mix(10_000, args.commands)
    ratio = round(large["mean_ms"] / small["mean_ms"], 3)
    startup = first_answer_seconds()
    print(
        json.dumps(
            {
                "benchmark": "engine_commands_sqlite_file",
                "mix": MIX,
                "small": small,
                "large": large,
                "cost_ratio_10000_vs_10": ratio,
                "chat_first_answer_seconds": startup,
                "targets": {
                    "cost_ratio_max": 1.5,
                    "commands_per_second_min": 500,
                    "chat_first_answer_seconds_max": 1.0,
                },
                "targets_met": ratio <= 1.5
                and min(small["commands_per_second"], large["commands_per_second"]) >= 500
                and startup < 1.0,
            },
            indent=2,
        )
    )


if __name__ == "__main__":
    main()
