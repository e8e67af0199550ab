"""What the benchmarks share: `otbot run` (or a baseline script) as a process of its own
against the Bot API stand-in, the machine's description, CPU time and percentiles.

Profiling otbot: BENCH_PROFILE=FILE runs it under cProfile (statistics to FILE),
BENCH_PYSPY=FILE under py-spy (raw samples to FILE).
"""

from __future__ import annotations

import asyncio
import math
import os
import platform
import signal
import sys
from collections import Counter
from collections.abc import Iterable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bot.standin import BotApiStandIn  # noqa: E402

TOKEN = "123456:BENCH-token"
SECRET = "a-benchmark-secret-of-more-than-32-characters"


def clean_env() -> dict[str, str]:
    """This process's environment without any OTBOT_ setting."""
    return {k: v for k, v in os.environ.items() if not k.startswith("OTBOT_")}


def otbot_command(
    api_url: str, workdir: Path, **settings: object
) -> tuple[list[str], dict[str, str]]:
    """`otbot run` against `api_url` with a SQLite store in `workdir`; `settings` are more
    OTBOT_ variables by lower-case name without the prefix (send_rate=30)."""
    env = clean_env()
    env.update(
        OTBOT_TOKEN=TOKEN,
        OTBOT_API_URL=api_url,
        OTBOT_DATABASE_URL=database_url(workdir),
        OTBOT_LOG_LEVEL="WARNING",
        OTBOT_SECRET=SECRET,
    )
    env.update({f"OTBOT_{name.upper()}": str(value) for name, value in settings.items()})
    profile = os.environ.get("BENCH_PROFILE")
    prefix = ["-m", "cProfile", "-o", profile] if profile else []
    argv = [sys.executable, *prefix, "-m", "bot", "run"]
    sampled = os.environ.get("BENCH_PYSPY")
    if sampled:
        argv = ["py-spy", "record", "--format", "raw", "--rate", "250", "-o", sampled, "--", *argv]
    return argv, env


def database_url(workdir: Path) -> str:
    return f"sqlite:///{workdir / 'bench.sqlite3'}"


async def start_polling_bot(
    standin: BotApiStandIn, argv: list[str], env: dict[str, str]
) -> asyncio.subprocess.Process:
    """Start a bot process and wait until it long-polls."""
    process = await asyncio.create_subprocess_exec(*argv, env=env, cwd=ROOT)
    await standin.wait_for(lambda: standin.polling, timeout=60)
    return process


async def stop_process(process: asyncio.subprocess.Process) -> None:
    if process.returncode is None:
        process.send_signal(signal.SIGTERM)
    await asyncio.wait_for(process.wait(), timeout=60)


def messages_to(standin: BotApiStandIn, method: str = "sendMessage") -> Counter[int]:
    """Messages (answered 200) each chat has received by `method`."""
    return Counter(call.params["chat_id"] for call in standin.calls_to(method) if call.ok)


class Tally:
    """Messages (answered 200) each chat has received by `method`, counted as they come.

    A benchmark's wait re-checks its condition after every call the stand-in records;
    counting every call again each time keeps the stand-in's event loop (which notes when
    each message arrives) busier the longer a run goes. This counts each call once.
    """

    def __init__(self, standin: BotApiStandIn, method: str = "sendMessage") -> None:
        self.standin = standin
        self.method = method
        self.per_chat: Counter[int] = Counter()
        self.total = 0
        self._seen = 0

    def update(self) -> Counter[int]:
        calls = self.standin.calls_to(self.method)
        for call in calls[self._seen :]:
            if call.ok:
                self.per_chat[call.params["chat_id"]] += 1
                self.total += 1
        self._seen = len(calls)
        return self.per_chat


def cpu_seconds(pid: int) -> float:
    """CPU time (user and system) a process has used: what a busy machine does not change."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def describe_machine() -> str:
    return (
        f"{platform.machine()}, {os.cpu_count()} cores, {platform.platform()}; "
        f"python {platform.python_version()}"
    )


def percentile(values: Iterable[float], share: float) -> float:
    """The nearest-rank percentile (`share` 0.99 for p99) of `values`."""
    ordered = sorted(values)
    if not ordered:
        return math.nan
    rank = max(1, math.ceil(share * len(ordered)))
    return ordered[rank - 1]


def busiest_second(times: Iterable[float]) -> int:
    """The most events in any window of one second (sliding, from each event on)."""
    ordered = sorted(times)
    most, first = 0, 0
    for last, at in enumerate(ordered):
        while ordered[first] <= at - 1.0:
            first += 1
        most = max(most, last - first + 1)
    return most


def inversions(arrivals: list[tuple[int, float]], *, apart: float = 0.0) -> int:
    """Pairs that came out in the opposite order to how they went in, and more than `apart`
    seconds apart: `arrivals` are (rank going in, time coming out), in the order they came
    out."""
    return sum(
        1
        for i, (rank, at) in enumerate(arrivals)
        for later, later_at in arrivals[i + 1 :]
        if later < rank and later_at - at > apart
    )
