"""Shared helpers: processes we start and stop, waiting, percentiles, and the lines each benchmark prints."""

from __future__ import annotations

import math
import os
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from tests.services import free_port, wait_until

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
__all__ = ["BIN", "ROOT", "Line", "Process", "free_port", "percentile", "wait_for_http", "wait_until"]


def percentile(values: Sequence[float], q: float) -> float:
    """The q-th percentile (0-100), linear between closest ranks (NumPy's default)."""
    ordered = sorted(values)
    rank = (len(ordered) - 1) * q / 100
    low, high = math.floor(rank), math.ceil(rank)
    return ordered[low] + (rank - low) * (ordered[high] - ordered[low])


def load_average() -> str:
    """The 1-minute load average, so every figure says how busy the machine was."""
    return f"{os.getloadavg()[0]:.2f}"


@dataclass
class Line:
    """One printed figure: what was measured, its value, and the target with its verdict."""

    bench: str
    what: str
    value: str
    target: str = ""
    met: bool | None = None  # None: no target for this line

    @property
    def verdict(self) -> str:
        return "" if self.met is None else ("target met" if self.met else "TARGET MISSED")

    def show(self) -> str:
        target = f"target {self.target}" if self.target else ""
        return f"  {self.bench:<9} {self.what:<58} {self.value:>22}  {target:<22} {self.verdict}".rstrip()


def say(text: str) -> None:
    """Progress on stdout, flushed (make shows it as it happens)."""
    print(text, flush=True)


class Process:
    """A long-running process of ours, its output in a log file; stopped by its own pid only."""

    def __init__(self, name: str, command: Sequence[str], env: dict[str, str], logs: Path) -> None:
        self.name, self.command, self.env = name, list(command), env
        self.log_path = logs / f"{name}.log"
        self.popen: subprocess.Popen[bytes] | None = None

    def start(self) -> Process:
        log = open(self.log_path, "ab")  # noqa: SIM115 (the child holds it; closed when we stop)
        self.popen = subprocess.Popen(self.command, cwd=ROOT, env=self.env, stdout=log, stderr=log,
                                      stdin=subprocess.DEVNULL)
        log.close()
        return self

    @property
    def pid(self) -> int:
        assert self.popen is not None
        return self.popen.pid

    def alive(self) -> bool:
        return self.popen is not None and self.popen.poll() is None

    def tail(self, chars: int = 3000) -> str:
        return self.log_path.read_text(errors="replace")[-chars:] if self.log_path.exists() else ""

    def stop(self) -> None:
        if self.popen is None:
            return
        self.popen.terminate()
        try:
            self.popen.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.popen.kill()
            self.popen.wait(timeout=10)
        self.popen = None


def wait_for_http(url: str, process: Process | None = None, timeout: float = 60) -> None:
    """Wait until the URL answers (any status), failing early with the log if the process died."""

    def answers() -> bool:
        if process is not None and not process.alive():
            raise RuntimeError(f"{process.name} exited:\n{process.tail()}")
        try:
            urllib.request.urlopen(url, timeout=2).close()
            return True
        except urllib.error.HTTPError:
            return True
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            return False

    wait_until(answers, timeout=timeout, interval=0.1, what=url)


def run(command: Sequence[str], env: dict[str, str] | None = None, timeout: float = 600) -> str:
    """Run a command to completion and return its stdout; fail with its stderr."""
    done = subprocess.run(list(command), cwd=ROOT, env=env, capture_output=True, text=True, timeout=timeout)
    if done.returncode != 0:
        raise RuntimeError(f"{' '.join(command[:4])}… failed ({done.returncode}):\n{done.stderr[-3000:]}")
    return done.stdout


def _descendants(pid: int) -> list[int]:
    """The pid and every live descendant (from /proc's parent links)."""
    children: dict[int, list[int]] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue  # gone while we looked
        children.setdefault(int(fields[1]), []).append(int(stat.parent.name))
    found, todo = [], [pid]
    while todo:
        current = todo.pop()
        found.append(current)
        todo += children.get(current, [])
    return found


def cpu_seconds(pid: int) -> float:
    """CPU time (user + system) used so far by a process and its live descendants."""
    ticks = os.sysconf("SC_CLK_TCK")
    total = 0
    for each in _descendants(pid):
        try:
            fields = Path(f"/proc/{each}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += int(fields[11]) + int(fields[12])  # utime, stime
    return total / ticks


def _machine_busy() -> float:
    """CPU seconds all processors have spent busy since boot (/proc/stat)."""
    fields = [int(value) for value in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:9]]
    user, nice, system, _idle, _iowait, irq, softirq, steal = fields
    return (user + nice + system + irq + softirq + steal) / os.sysconf("SC_CLK_TCK")


def _tree_cpu(roots: list[int]) -> dict[int, float]:
    """Per process of these trees: CPU seconds used, its own and its waited-for children's."""
    ticks, found = os.sysconf("SC_CLK_TCK"), {}
    for pid in {each for root in roots for each in _descendants(root)}:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        found[pid] = sum(int(value) for value in fields[11:15]) / ticks  # utime, stime, cutime, cstime
    return found


class CpuWatch:
    """How much CPU processes other than ours used while a benchmark ran (the machine is shared)."""

    def __init__(self, extra_roots: Callable[[], list[int]]) -> None:
        self.extra_roots = extra_roots  # process trees of ours that are not our descendants (PostgreSQL)

    def start(self) -> None:
        self.began, self.busy, self.ours = time.perf_counter(), _machine_busy(), self._ours()

    def _ours(self) -> dict[int, float]:
        return _tree_cpu([os.getpid(), *self.extra_roots()])

    def others(self) -> float:
        """Cores' worth of CPU used by other processes since start()."""
        ours = self._ours()
        mine = sum(value - self.ours.get(pid, 0.0) for pid, value in ours.items())
        return max(0.0, (_machine_busy() - self.busy - mine) / (time.perf_counter() - self.began))
