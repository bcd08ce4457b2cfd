#!/usr/bin/env python3
"""pulpsim benchmark harness: runs self-checking firmware workloads and reports MIPS, then the
cost of tracing and of counting every event (`-stats` twins run with --stats).

Each workload runs --runs times (default 5), the workloads taking turns round by round; the
table shows the median simulation time that pulpsim reports in its JSON result (wall_seconds:
loading excluded) and the median of the whole process wall time, then what the TCDM contention
model costs (each workload against its `-nobank` twin run with --no-tcdm-contention). A workload
that does not exit 0 fails the benchmark. With --gvsoc and --runtime-elf, programs of the open
runtime run on GVSoC and on pulpsim in the same rounds (README, "Against GVSoC"). The 8-hart table compares the cluster benchmark's
aggregate MIPS with one hart's and splits the difference in simulation time between the
contention model, the 256-cycle turns and the rest (its `-q16k` twins run in 16,384-cycle turns).

The single-hart spike workloads also run on QEMU (`qemu-system-riscv32 -machine spike -bios none
-kernel ELF`, the same ELFs, in the same rounds); the table compares whole-command wall times
(start-up included on both sides) and MIPS for the instruction count pulpsim reports, which QEMU
retires too (`make qemu-bench QEMU_BENCH_ICOUNT=1` in firmware/ shows QEMU's own count). The spike
linker script gives `.tohost` a page of its own: QEMU maps its HTIF device over that page, and
every other access to it would take QEMU's slow I/O path.

The DMA table runs firmware/dma/dma-basic (each power of two from 1 B to 8 KiB copied each way and
timed by the firmware with mcycle, from before the first command word to after the wait) on both
DMA front ends and shows bytes per cycle against the bandwidth model's peak of one 8-byte AXI
beat per cycle per direction (docs/platform.md §11.4); simulated cycles do not drift, so one run
each.

The trace table runs the first 20 M instructions of a workload untraced and with a full trace
to a file in --trace-dir (default: a temporary directory, deleted afterwards) in each format
(intbench and cluster-8: binary, spike and pulpsim; fpbench and listbench: binary; each run
writes up to 2 GB), and shows median whole-command wall times, the ratio to the untraced run,
the median CPU time of all the process's threads (the simulator and the thread writing the
trace) and the trace size; the same formats also to /dev/null (">null"), which is the
simulator's own cost without the file system's.

With --baseline, the workloads that take no options also run on another pulpsim binary (`make
bench-baseline` builds the commit before the cycle model of the silicon: CPI 1 plus fixed
penalties, no bank conflicts) in the same rounds, and a table compares the simulation times.

    python3 scripts/bench.py [--pulpsim .build/release/pulpsim] [--runs 5] [--only intbench]
                             [--no-dma] [--no-trace] [--no-qemu] [--trace-dir /dev/shm]
                             [--baseline .build-baseline/release/pulpsim]
"""
import argparse
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

# (name, platform, ELF, extra options)
WORKLOADS = [
    ("intbench", "spike", "firmware/build/spike/bench-intbench.elf", []),
    ("fpbench", "spike", "firmware/build/spike/bench-fpbench.elf", []),
    # CoreMark-style: linked lists, int16 matrices, a state machine over text, CRC-16
    ("listbench", "spike", "firmware/build/spike/bench-listbench.elf", []),
    # 8 harts computing (aggregate MIPS; target >= 90% of solo-1hart's MIPS, the 8-hart table below)
    ("cluster-8", "pulp-cluster", "firmware/build/pulp-cluster/bench-cluster.elf", []),
    # the same without TCDM bank conflicts (what the contention model costs: 10.3 M TCDM accesses
    # to settle, of which 20,588 lose a cycle to another core)
    ("cluster-8-nobank", "pulp-cluster", "firmware/build/pulp-cluster/bench-cluster.elf", ["--no-tcdm-contention"]),
    ("demo-8", "pulp-cluster", "firmware/build/pulp-cluster/redmule-gemm-vs-sw.elf", []),
    ("demo-8-nobank", "pulp-cluster", "firmware/build/pulp-cluster/redmule-gemm-vs-sw.elf", ["--no-tcdm-contention"]),
    # the same in turns of 16,384 cycles instead of 256 (--quantum), with and without the
    # contention model: with the two above, where the 8 harts' time goes (the last table)
    ("cluster-8-q16k", "pulp-cluster", "firmware/build/pulp-cluster/bench-cluster.elf", ["--quantum", "16384"]),
    ("cluster-8-q16k-nobank", "pulp-cluster", "firmware/build/pulp-cluster/bench-cluster.elf",
     ["--quantum", "16384", "--no-tcdm-contention"]),
    # hart 0 alone: with the other 7 asleep in the event unit, and with only 1 hart started
    ("solo-7asleep", "pulp-cluster", "firmware/build/pulp-cluster/bench-cluster-solo.elf", []),
    ("solo-1hart", "pulp-cluster", "firmware/build/pulp-cluster/bench-cluster-solo.elf", ["--harts", "1"]),
    # counting every event (--stats: compiled blocks run their counting code), against the same
    # runs without (the counting table below)
    ("intbench-stats", "spike", "firmware/build/spike/bench-intbench.elf", ["--stats"]),
    ("cluster-8-stats", "pulp-cluster", "firmware/build/pulp-cluster/bench-cluster.elf", ["--stats"]),
]


# (name, platform, ELF, instructions, formats): traced workloads (the whole run is limited to
# `instructions`), in these formats to a file and to /dev/null.
TRACE_FORMATS = ["binary", "spike", "pulpsim"]
TRACE_WORKLOADS = [
    ("intbench", "spike", "firmware/build/spike/bench-intbench.elf", 20_000_000, TRACE_FORMATS),
    # 8 harts, one stream merged in time order
    ("cluster-8", "pulp-cluster", "firmware/build/pulp-cluster/bench-cluster.elf", 20_000_000, TRACE_FORMATS),
    ("fpbench", "spike", "firmware/build/spike/bench-fpbench.elf", 20_000_000, ["binary"]),
    ("listbench", "spike", "firmware/build/spike/bench-listbench.elf", 20_000_000, ["binary"]),
]


def timed(command):
    """Whole-command wall time and CPU time (user + system, all threads) of one run."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    proc = subprocess.run(command, cwd=ROOT, capture_output=True, text=True)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if proc.returncode not in (0, 123):  # 123: the instruction limit
        sys.exit(f"bench: {' '.join(command)} failed: exit {proc.returncode}: {proc.stderr[-500:]}")
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def medians(samples):
    """Median wall and median CPU time of (wall, cpu) samples."""
    return statistics.median(w for w, _ in samples), statistics.median(c for _, c in samples)


def trace_costs(args):
    directory = args.trace_dir or tempfile.mkdtemp(prefix="pulpsim-bench-")
    runs = args.runs
    print(f"\ntrace cost: whole-command wall time and CPU time (all threads), median of {runs}; "
          f"trace files in {directory}")
    print(f"{'workload':<17} {'trace':<13} {'instructions':>13} {'wall s':>8} {'x untraced':>11} {'cpu s':>7} "
          f"{'bytes/instr':>12}")

    def row(name, label, count, wall, cpu, untraced, size=""):
        print(f"{name:<12} {label:<13} {count:>13} {wall:>8.3f} {wall / untraced:>11.1f} {cpu:>7.3f} {size:>12}")

    try:
        for name, platform, elf, count, formats in TRACE_WORKLOADS:
            if args.only and name not in args.only:
                continue
            base = [args.pulpsim, "run", "--platform", platform, "--quiet", "--history", "0",
                    "--max-instructions", str(count)]
            untraced, cpu = medians([timed(base + [elf]) for _ in range(runs)])
            row(name, "none", count, untraced, cpu, untraced)
            for fmt in formats:
                path = os.path.join(directory, f"{name}.{fmt}")
                samples = []
                for _ in range(runs):
                    os.sync()  # the previous run's gigabyte is on disk: each run starts alike
                    samples.append(timed(base + ["--trace-file", path, "--trace-format", fmt, elf]))
                    size = os.path.getsize(path)
                    os.remove(path)
                wall, cpu = medians(samples)
                row(name, fmt, count, wall, cpu, untraced, f"{size / count:.1f}")
            # The same to /dev/null: the simulator's own cost, without the file system's.
            for fmt in formats:
                wall, cpu = medians([timed(base + ["--trace-file", "/dev/null", "--trace-format", fmt, elf])
                                     for _ in range(runs)])
                row(name, fmt + ">null", count, wall, cpu, untraced)
    finally:
        if not args.trace_dir:
            shutil.rmtree(directory, ignore_errors=True)


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


def gvsoc_comparison(args):
    """The same runtime programs on GVSoC (pulp-open) and on pulpsim (pulp), in the same rounds."""
    print(f"\nagainst GVSoC ({args.gvsoc} --target=pulp-open), the same ELFs on pulpsim --platform pulp, "
          f"whole-command wall time, median of {args.runs}")
    print(f"{'program':<21} {'instructions':>13} {'GVSoC s':>9} {'pulpsim s':>10} {'GVSoC MIPS':>11} {'pulpsim MIPS':>13} {'x GVSoC':>8}")
    with tempfile.TemporaryDirectory() as work:
        for elf in args.runtime_elf:
            elf = os.path.abspath(elf)
            ours, theirs, count = [], [], 0
            for _ in range(args.runs):
                result, wall = run_once(args.pulpsim, "pulp", elf, [])
                count = result["instructions"]
                ours.append(wall)
                theirs.append(timed([args.gvsoc, "--target=pulp-open", f"--binary={elf}", f"--work-dir={work}",
                                     "image", "flash", "run"])[0])
            o, t = statistics.median(ours), statistics.median(theirs)
            # (MIPS for pulpsim's instruction count: GVSoC retires the same on the cluster cores;
            # its fabric controller spins for as long as its own timing says.)
            print(f"{Path(elf).name:<21} {count:>13} {t:>9.3f} {o:>10.3f} {count / t / 1e6:>11.1f} {count / o / 1e6:>13.1f} "
                  f"{t / o:>8.1f}")


# (front end, ELF): the timed-transfer firmware of each DMA programming model.
DMA_WORKLOADS = [
    ("mchan", "firmware/build/pulp-cluster/dma-basic.elf"),
    ("idma", "firmware/build/pulp-cluster/dma-basic-idma.elf"),
]
DMA_PEAK_BYTES_PER_CYCLE = 8  # one 64-bit AXI beat per cycle per direction (docs/platform.md §11.4)


def dma_bandwidth(args):
    """Bytes per cycle of single transfers, as the firmware measures them, against the model's peak."""
    print(f"\n{'DMA':<6} {'bytes':>6} {'TCDM->L2':>9} {'L2->TCDM':>9} {'B/cycle':>8} {'of peak':>8}  "
          f"(cycles measured by the firmware, software included; peak {DMA_PEAK_BYTES_PER_CYCLE} B/cycle per direction)")
    for front_end, elf in DMA_WORKLOADS:
        if not (ROOT / elf).exists():
            sys.exit(f"bench: missing {elf}: run `make firmware` first")
        proc = subprocess.run([args.pulpsim, "run", "--quiet", "--dma", front_end, elf], cwd=ROOT,
                              capture_output=True, text=True)
        if proc.returncode != 0:
            sys.exit(f"bench: {elf} --dma {front_end} exited {proc.returncode}: {proc.stderr[-2000:]}")
        for line in proc.stdout.splitlines():
            # "  8192 B: TCDM->L2  1065 cycles, L2->TCDM  1065 cycles"
            parts = line.replace(",", " ").split()
            if len(parts) < 8 or parts[1] != "B:" or int(parts[0]) < 256:
                continue
            size, out_cycles, in_cycles = int(parts[0]), int(parts[3]), int(parts[6])
            rate = size / max(out_cycles, in_cycles)
            print(f"{front_end:<6} {size:>6} {out_cycles:>9} {in_cycles:>9} {rate:>8.2f} "
                  f"{100 * rate / DMA_PEAK_BYTES_PER_CYCLE:>7.0f}%")


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--pulpsim", default=str(ROOT / ".build/release/pulpsim"))
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--only", action="append", help="run only this workload (repeatable)")
    ap.add_argument("--no-dma", action="store_true", help="skip the DMA bandwidth table")
    ap.add_argument("--no-trace", action="store_true", help="skip the trace cost table")
    ap.add_argument("--no-qemu", action="store_true", help="skip the comparison with QEMU")
    ap.add_argument("--trace-dir", help="where the trace files go (default: a temporary directory)")
    ap.add_argument("--gvsoc", help="a GVSoC binary built for its pulp-open target: the --runtime-elf programs run on "
                    "it and on pulpsim (--platform pulp) in the same rounds, and a table compares them")
    ap.add_argument("--runtime-elf", action="append", default=[],
                    help="a program built for the open PULP runtime's pulp target with platform=gvsoc, such as "
                    "firmware/runtime/lcg8.c (repeatable; with --gvsoc)")
    ap.add_argument("--baseline", help="a pulpsim binary built from an earlier commit (`make bench-baseline` "
                    "builds the one before the cycle model): the workloads without options run on it too, "
                    "in the same rounds, and the table compares simulation times")
    args = ap.parse_args()
    print(f"{'workload':<21} {'platform':<13} {'instructions':>13} {'sim s':>8} {'wall s':>8} {'MIPS':>8}  (median of {args.runs})")
    chosen = [w for w in WORKLOADS if not args.only or w[0] in args.only]
    for _, _, elf, _ in chosen:
        if not (ROOT / elf).exists():
            sys.exit(f"bench: missing {elf}: run `make firmware` first")
    # Round by round, every workload once per round, so that a drift of the machine's speed
    # affects every workload alike (the comparisons below are between workloads).
    sims = {w[0]: [] for w in chosen}
    walls = {w[0]: [] for w in chosen}
    counts = {}
    baselined = [w for w in chosen if not w[3]] if args.baseline else []
    baseline_sims = {w[0]: [] for w in baselined}
    for _ in range(args.runs):
        for name, platform, elf, extra in chosen:
            result, wall = run_once(args.pulpsim, platform, elf, extra)
            if name in counts and result["instructions"] != counts[name]:
                sys.exit(f"bench: {name}: instruction count changed between runs (not deterministic)")
            counts[name] = result["instructions"]
            sims[name].append(result["wall_seconds"])
            walls[name].append(wall)
        for name, platform, elf, _ in baselined:
            result, _ = run_once(args.baseline, platform, elf, [])
            if result["instructions"] != counts[name]:
                sys.exit(f"bench: {name}: the baseline retires {result['instructions']} instructions, "
                         f"pulpsim {counts[name]}: not the same work")
            baseline_sims[name].append(result["wall_seconds"])
    median = {}
    for name, platform, _, _ in chosen:
        sim, wall = statistics.median(sims[name]), statistics.median(walls[name])
        median[name] = sim
        print(f"{name:<21} {platform:<13} {counts[name]:>13} {sim:>8.3f} {wall:>8.3f} {counts[name] / sim / 1e6:>8.1f}")
    # The single-hart workloads on QEMU, same ELFs, same rounds (the spike machine: HTIF).
    qemu = shutil.which("qemu-system-riscv32")
    compared = [(n, e) for n, p, e, x in chosen if p == "spike" and not x]
    if compared and not args.no_qemu:
        if not qemu:
            print("\nQEMU: qemu-system-riscv32 not found (scripts/setup.sh installs it); no comparison")
        else:
            qemu_walls = {n: [] for n, _ in compared}
            for _ in range(args.runs):
                for name, elf in compared:
                    qemu_walls[name].append(timed([qemu, "-machine", "spike", "-nographic", "-bios", "none",
                                                   "-kernel", elf])[0])
            print(f"\nagainst QEMU (qemu-system-riscv32 -machine spike, TCG), whole-command wall time, median of {args.runs}")
            print(f"{'workload':<17} {'pulpsim s':>10} {'QEMU s':>8} {'pulpsim MIPS':>13} {'QEMU MIPS':>10} {'x QEMU':>7}")
            for name, _ in compared:
                ours, theirs = statistics.median(walls[name]), statistics.median(qemu_walls[name])
                print(f"{name:<17} {ours:>10.3f} {theirs:>8.3f} {counts[name] / ours / 1e6:>13.1f} "
                      f"{counts[name] / theirs / 1e6:>10.1f} {theirs / ours:>7.2f}")
    # What modelling TCDM bank conflicts (and RedMulE's port on the banks) costs: the same run
    # with and without it (`--no-tcdm-contention`), same instructions.
    pairs = [(n, n + "-nobank") for n in median if n + "-nobank" in median]
    if pairs:
        print("\nTCDM contention model: simulation time with it against without (--no-tcdm-contention), medians")
        for on, off in pairs:
            cost = median[on] / median[off] - 1
            print(f"{on:<17} {median[on]:.3f} s vs {median[off]:.3f} s: {100 * cost:+.1f} %")
    # What counting every event costs (--stats): the same run with it and without.
    counted = [(n[:-len("-stats")], n) for n in median if n.endswith("-stats") and n[:-len("-stats")] in median]
    if counted:
        print("\nCounting every event (--stats): simulation time with it against without, medians")
        for off, on in counted:
            print(f"{off:<17} {median[on]:.3f} s vs {median[off]:.3f} s: {100 * (median[on] / median[off] - 1):+.1f} %")
    # The 8 harts against one hart (aggregate MIPS), and what the turns and the contention model
    # cost them: simulation time less one hart's, per cause (turns: 256-cycle turns against
    # 16,384-cycle ones without the model; the model: with it against without, 256-cycle turns).
    if all(n in median for n in ("cluster-8", "solo-1hart")):
        mips = {n: counts[n] / median[n] / 1e6 for n in median}
        print(f"\n8 harts against one: cluster-8 {mips['cluster-8']:.1f} MIPS, solo-1hart {mips['solo-1hart']:.1f} MIPS: "
              f"{100 * mips['cluster-8'] / mips['solo-1hart']:.0f} % (target 90 %)")
        if all(n in median for n in ("cluster-8-nobank", "cluster-8-q16k-nobank")):
            solo = median["solo-1hart"] * counts["cluster-8"] / counts["solo-1hart"]  # (per the same instructions)
            gap = median["cluster-8"] - solo
            parts = [("the contention model", median["cluster-8"] - median["cluster-8-nobank"]),
                     ("256-cycle turns", median["cluster-8-nobank"] - median["cluster-8-q16k-nobank"]),
                     ("the rest (8 harts in 16,384-cycle turns, no model, against one)", median["cluster-8-q16k-nobank"] - solo)]
            print(f"where the {1000 * gap:.0f} ms more than one hart's go (medians; the machine's noise is in every line):")
            for label, t in parts:
                print(f"  {label:<66} {1000 * t:7.0f} ms")
    # Against an earlier build (the same ELFs and instructions; each simulator with its own model).
    if baselined:
        print(f"\nagainst the baseline {args.baseline}: simulation time, medians of {args.runs}")
        for name, _, _, _ in baselined:
            base = statistics.median(baseline_sims[name])
            print(f"{name:<17} {median[name]:.3f} s vs {base:.3f} s: {100 * (median[name] / base - 1):+.1f} % "
                  f"({counts[name] / median[name] / 1e6:.1f} vs {counts[name] / base / 1e6:.1f} MIPS)")
    if args.gvsoc and args.runtime_elf:
        gvsoc_comparison(args)
    if not args.no_dma:
        dma_bandwidth(args)
    if not args.no_trace:
        trace_costs(args)


if __name__ == "__main__":
    main()
