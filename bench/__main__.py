"""`python -m bench [--only NAME ...] [--quick]`: run the benchmarks and print every figure with its target."""

from __future__ import annotations

import argparse
import importlib
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time
import traceback
from datetime import UTC, datetime
from pathlib import Path

from bench.common import ROOT, CpuWatch, Line, load_average, say
from bench.site import Run

# In this order: the visitor's figures first, then the operator's.
BENCHMARKS = ("instant", "personal", "render", "signup", "download", "memory", "export", "stats")


def machine() -> list[str]:
    """What the figures were measured on: cores, CPU, memory, load, code version."""
    source = os.environ.get("BENCH_SOURCE", str(ROOT))

    def out(*command: str) -> str:
        try:
            return subprocess.run(command, capture_output=True, text=True, cwd=source).stdout.strip()
        except OSError:
            return "?"

    model = next((line.split(":", 1)[1].strip() for line in out("lscpu").splitlines()
                  if line.startswith("Model name")), "?")
    memory = next((line.split()[1] for line in out("free", "-h").splitlines() if line.startswith("Mem:")), "?")
    dirty = " + uncommitted changes" if out("git", "status", "--porcelain") else ""
    copied = f", run from a copy of {source} taken at the start" if "BENCH_CODE_COPY" in os.environ else ""
    return [
        f"date      {datetime.now(UTC):%Y-%m-%d %H:%M} UTC, commit {out('git', 'rev-parse', '--short', 'HEAD')}"
        f"{dirty}{copied}",
        f"machine   {out('nproc')} cores ({model}), {memory} RAM, {platform.platform()}",
        f"python    {platform.python_version()}; load average at start {load_average()}",
    ]


def snapshot() -> None:
    """Re-run this command from a copy of the working tree (tracked and untracked files, not ignored ones).

    A run takes minutes and others edit templates and code meanwhile: a template edited mid-run changes
    the template version, so the pre-rendered edition no longer matches and visitors wait for a render.
    Every process of the run (gunicorn, the worker, flask commands) runs the copied code instead.
    """
    listed = subprocess.run(["git", "ls-files", "-co", "--exclude-standard", "-z"], cwd=ROOT, capture_output=True)
    if listed.returncode != 0:
        return  # not a git checkout: run in place
    copy = Path(tempfile.mkdtemp(prefix="sg-bench-code-"))
    copy.chmod(0o755)  # PostgreSQL's tools run as the postgres user, in our working directory
    for name in filter(None, listed.stdout.decode().split("\0")):
        if (ROOT / name).is_file():
            (copy / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(ROOT / name, copy / name)
    os.chdir(copy)
    env = {**os.environ, "BENCH_CODE_COPY": str(copy), "BENCH_SOURCE": str(ROOT)}
    os.execve(sys.executable, [sys.executable, "-m", "bench", *sys.argv[1:]], env)


def main(argv: list[str] | None = None) -> int:
    if "BENCH_CODE_COPY" not in os.environ:
        snapshot()
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument("--only", action="append", choices=BENCHMARKS, help="run only this one (repeatable)")
    parser.add_argument("--quick", action="store_true", help="smaller counts and shorter runs (a smoke test)")
    args = parser.parse_args(argv)
    names = args.only or list(BENCHMARKS)
    for line in machine():
        say(line)
    run, lines, started = Run(quick=args.quick), [], time.perf_counter()
    watch, shared = CpuWatch(run.daemons), []
    try:
        for name in names:
            say(f"\n== {name} (load average {load_average()})")
            begun = time.perf_counter()
            watch.start()
            try:
                found = importlib.import_module(f"bench.{name}").run(run)
            except Exception as exc:  # noqa: BLE001 (one broken benchmark must not hide the others' figures)
                traceback.print_exc()
                found = [Line(name, f"FAILED: {exc!r}"[:150], "", "runs", False)]
            for line in found:
                say(line.show())
            shared.append(f"{name} {watch.others():.1f}")
            say(f"  ({time.perf_counter() - begun:.0f} s; other processes on the machine used {shared[-1].split()[1]}"
                " cores meanwhile)")
            lines += found
    finally:
        run.close()
        if os.environ.get("BENCH_CODE_COPY") == str(ROOT):
            shutil.rmtree(ROOT, ignore_errors=True)
    say(f"\n== summary ({time.perf_counter() - started:.0f} s, load average at end {load_average()})")
    say(f"  cores used by other processes during each benchmark: {', '.join(shared)}")
    for line in lines:
        if line.met is not None:
            say(line.show())
    # A missed target is a figure, not a failure; a benchmark that could not run is one.
    return 1 if any(line.what.startswith("FAILED") for line in lines) else 0


if __name__ == "__main__":
    sys.exit(main())
