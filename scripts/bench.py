#!/usr/bin/env python3
"""pulpsim benchmark harness: runs self-checking firmware workloads and reports MIPS.

Each workload runs --runs times (default 5); the table shows the median simulation time that
pulpsim reports in its JSON result (wall_seconds: loading excluded) and the median of the whole
process wall time. A workload that does not exit 0 fails the benchmark.

    python3 scripts/bench.py [--pulpsim .build/release/pulpsim] [--runs 5] [--only intbench]
"""
import argparse
import json
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

# (name, platform, ELF, extra options)
WORKLOADS = [
    ("intbench", "spike", "firmware/build/spike/bench-intbench.elf", []),
    ("fpbench", "spike", "firmware/build/spike/bench-fpbench.elf", []),
    # 8 harts computing (aggregate MIPS; target >= 70% of intbench's single-hart MIPS)
    ("cluster-8", "pulp-cluster", "firmware/build/pulp-cluster/bench-cluster.elf", []),
    # hart 0 alone: with the other 7 asleep in the event unit, and with only 1 hart started
    ("solo-7asleep", "pulp-cluster", "firmware/build/pulp-cluster/bench-cluster-solo.elf", []),
    ("solo-1hart", "pulp-cluster", "firmware/build/pulp-cluster/bench-cluster-solo.elf", ["--harts", "1"]),
]


def run_once(pulpsim, platform, elf, extra):
    start = time.perf_counter()
    proc = subprocess.run([pulpsim, "run", "--platform", platform, "--json", "--quiet", *extra, elf],
                          cwd=ROOT, capture_output=True, text=True)
    wall = time.perf_counter() - start
    try:
        result = json.loads(proc.stdout)
    except json.JSONDecodeError:
        sys.exit(f"bench: {elf}: no JSON result (exit {proc.returncode}): {proc.stderr[-500:]}")
    if proc.returncode != 0 or result.get("exit_code") != 0:
        sys.exit(f"bench: {elf} failed: exit {proc.returncode}, {result.get('reason')}: {proc.stderr[-500:]}")
    return result, wall


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--pulpsim", default=str(ROOT / ".build/release/pulpsim"))
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--only", action="append", help="run only this workload (repeatable)")
    args = ap.parse_args()
    print(f"{'workload':<12} {'platform':<13} {'instructions':>13} {'sim s':>8} {'wall s':>8} {'MIPS':>8}  (median of {args.runs})")
    for name, platform, elf, extra in WORKLOADS:
        if args.only and name not in args.only:
            continue
        if not (ROOT / elf).exists():
            sys.exit(f"bench: missing {elf}: run `make firmware` first")
        sims, walls, instructions = [], [], None
        for _ in range(args.runs):
            result, wall = run_once(args.pulpsim, platform, elf, extra)
            if instructions is not None and result["instructions"] != instructions:
                sys.exit(f"bench: {name}: instruction count changed between runs (not deterministic)")
            instructions = result["instructions"]
            sims.append(result["wall_seconds"])
            walls.append(wall)
        sim, wall = statistics.median(sims), statistics.median(walls)
        print(f"{name:<12} {platform:<13} {instructions:>13} {sim:>8.3f} {wall:>8.3f} {instructions / sim / 1e6:>8.1f}")


if __name__ == "__main__":
    main()
