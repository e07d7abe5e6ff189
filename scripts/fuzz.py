"""Fuzz every parser a user's input reaches with generated inputs (hypothesis-driven).

    .venv/bin/python scripts/fuzz.py --inputs 100000 [--target NAME] [--seed N] [--out DIR]

The targets and their properties are those of the test suite (``tests/fuzz/targets.py``): file
sniffing, JSON, JSONL, feeds, WARC, gzip, byte decoding, the text cleaner, HTML extraction, the
date and place resolvers and the event coder. Inputs are spread over the targets by cost (the
``weight`` of each target: the spaCy-backed coder gets the fewest). Each input mixes structured
generators (valid-ish documents, then damaged) with raw bytes and odd text.

A crash is any exception a target lets through: an undocumented exception from a parser, a
broken property (AssertionError) or an input that runs over ``--timeout`` seconds. Crashes are
unique by exception type and location (the deepest frame in newsevents, else the deepest frame);
the first input of each is written to ``OUT/TARGET/`` with its traceback, so it can become a
regression test. Prints inputs tried and unique crashes per target; exits 1 if any crash.
"""

from __future__ import annotations

import argparse
import hashlib
import logging
import signal
import sys
import tempfile
import time
import traceback
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from hypothesis import HealthCheck, Phase, given, seed, settings  # noqa: E402

from tests.fuzz.targets import TARGETS, Target  # noqa: E402


class OutOfTime(BaseException):
    """The campaign's ``--budget`` is spent: the target stops and the report says so."""


class InputTimeout(BaseException):
    """One input ran longer than ``--timeout`` seconds: a hang is a crash too. Not an
    Exception, so a parser's broad ``except Exception`` cannot swallow it."""


@dataclass
class Report:
    """What one target's run found."""

    name: str
    tried: int = 0
    seconds: float = 0.0
    stopped: bool = False  # the budget ran out before all its inputs were tried
    crashes: Counter[tuple[str, str]] = field(default_factory=Counter)


def crash_key(exc: BaseException) -> tuple[str, str]:
    """(exception type, location): the deepest frame inside newsevents, else the deepest."""
    frames = traceback.extract_tb(exc.__traceback__)
    ours = [f for f in frames if "/newsevents/" in f.filename]
    frame = (ours or frames or [None])[-1]
    where = f"{Path(frame.filename).name}:{frame.lineno} {frame.name}" if frame else "?"
    return type(exc).__name__, where


def save_crash(out: Path, target: str, value: Any, exc: BaseException) -> Path:
    """Write the input (raw bytes when it has them, else its repr) and the traceback."""
    folder = out / target
    folder.mkdir(parents=True, exist_ok=True)
    kind, where = crash_key(exc)
    stem = f"{kind}-{hashlib.sha1(where.encode()).hexdigest()[:10]}"
    payload = value[1] if isinstance(value, tuple) and isinstance(value[-1], bytes) else value
    if isinstance(payload, bytes):
        (folder / f"{stem}.bin").write_bytes(payload)
    (folder / f"{stem}.repr").write_text(repr(value), encoding="utf-8")
    trace = "".join(traceback.format_exception(exc))
    (folder / f"{stem}.txt").write_text(f"{kind} at {where}\n\n{trace}", encoding="utf-8")
    return folder / stem


def run_target(
    target: Target,
    *,
    inputs: int,
    seed_value: int,
    out: Path,
    timeout: float,
    until: float = float("inf"),
) -> Report:
    """Feed ``inputs`` generated inputs to ``target``; record crashes instead of stopping."""
    report = Report(target.name)
    workdir = Path(tempfile.mkdtemp(prefix=f"fuzz-{target.name}-"))

    def on_alarm(signum: int, frame: Any) -> None:
        raise InputTimeout(f"an input ran over {timeout:g} s")

    signal.signal(signal.SIGALRM, on_alarm)

    @seed(seed_value)
    @settings(
        max_examples=inputs,
        deadline=None,
        database=None,
        phases=[Phase.generate],  # no shrinking: a crash is saved as found and the run goes on
        suppress_health_check=list(HealthCheck),
    )
    @given(target.strategy)
    def one(value: Any) -> None:
        if time.monotonic() > until:
            raise OutOfTime
        report.tried += 1
        signal.setitimer(signal.ITIMER_REAL, timeout)
        try:
            target.check(value, workdir)
        except (Exception, InputTimeout) as exc:
            signal.setitimer(signal.ITIMER_REAL, 0)
            key = crash_key(exc)
            if key not in report.crashes:
                save_crash(out, target.name, value, exc)
            report.crashes[key] += 1
        finally:
            signal.setitimer(signal.ITIMER_REAL, 0)

    started = time.perf_counter()
    try:
        one()
    except OutOfTime:
        report.stopped = True
    report.seconds = time.perf_counter() - started
    for file in workdir.iterdir():
        file.unlink()
    workdir.rmdir()
    return report


def share(total: int, names: list[str]) -> dict[str, int]:
    """``total`` inputs spread over ``names`` by weight (at least one each)."""
    weights = {name: TARGETS[name].weight for name in names}
    whole = sum(weights.values())
    return {name: max(1, round(total * w / whole)) for name, w in weights.items()}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--inputs", type=int, default=100_000, help="inputs over all targets")
    parser.add_argument("--target", action="append", choices=sorted(TARGETS), help="repeatable")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--out", type=Path, default=Path("fuzz-crashes"))
    parser.add_argument("--timeout", type=float, default=60.0, help="seconds per input")
    parser.add_argument(
        "--budget", type=float, default=None, help="stop after this many seconds in all"
    )
    args = parser.parse_args(argv)
    until = time.monotonic() + args.budget if args.budget else float("inf")
    logging.getLogger("warcio").setLevel(logging.ERROR)  # it warns about every odd URI
    names = args.target or list(TARGETS)
    plan = share(args.inputs, names)
    reports = []
    for done, name in enumerate(names):
        # Each target gets an equal part of what is left of the budget, so a slow one cannot
        # starve the targets after it.
        left = (until - time.monotonic()) / (len(names) - done)
        print(f"{name}: {plan[name]:,} inputs ...", flush=True)
        report = run_target(
            TARGETS[name],
            inputs=plan[name],
            seed_value=args.seed,
            out=args.out,
            timeout=args.timeout,
            until=time.monotonic() + left,
        )
        reports.append(report)
        print(
            f"{name}: tried {report.tried:,} in {report.seconds:,.0f} s, "
            f"{len(report.crashes)} unique crash(es)"
            + (" (budget spent)" if report.stopped else ""),
            flush=True,
        )
    print(f"\n{'target':<8} {'inputs':>9} {'seconds':>8} {'crashes':>8}")
    for r in reports:
        note = "  (budget spent first)" if r.stopped else ""
        print(f"{r.name:<8} {r.tried:>9,} {r.seconds:>8,.0f} {len(r.crashes):>8}{note}")
        for (kind, where), count in r.crashes.most_common():
            print(f"  {kind} at {where} ({count:,} inputs)")
    tried = sum(r.tried for r in reports)
    crashes = sum(len(r.crashes) for r in reports)
    print(f"{'total':<8} {tried:>9,} {'':>8} {crashes:>8}  (seed {args.seed})")
    if crashes:
        print(f"crashing inputs written to {args.out}/")
    return 1 if crashes else 0


if __name__ == "__main__":
    sys.exit(main())
