#!/usr/bin/env python3
"""Compare pulpsim's Spike-format traces with Spike's own --log-commits output.

Spike is not packaged by Debian: build riscv-isa-sim yourself and pass its binary with --spike
(or $SPIKE). Each ELF runs on Spike (machine mode, misaligned accesses and counters enabled, as
on the pulpsim spike platform) and on `pulpsim run --platform spike`; the traces are compared
line by line up to pulpsim's last line (Spike runs one instruction past the HTIF exit).

Differences that come from the platforms, not from tracing, are reported separately and do not
fail the comparison: mret also logging Spike's mstatush and tcontrol (CSRs this platform does
not have), and the values read from mcycle/cycle/time and their high halves (timing model),
mvendorid, marchid and mip (platform identity, Spike's pending timer interrupt), copies of those
values (moves, stores) and values computed from them within 8 instructions of the read (cycle
differences).

    python3 Tests/spikecompare/spikecompare.py --spike ~/riscv-isa-sim/build/spike [ELF ...]
    (default ELFs: firmware/build/spike/*.elf; --limit caps the lines per program)
    python3 Tests/qemudiff/qemudiff.py --count 500 --keep     # random programs, then:
    python3 Tests/spikecompare/spikecompare.py --spike SPIKE /tmp/qemudiff-work-*/seed-*/prog.elf
"""
import argparse
import glob
import os
import re
import subprocess
import sys
import threading
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent.parent
ISA = "rv32imfc_zicsr_zifencei_zicclsm_zicntr"
MRET_EXTRA = " c784_mstatush 0x00000000 c1957_tcontrol 0x00000000"
# csrr of mcycle, mcycleh, cycle, cycleh, time, timeh, mvendorid, marchid, mip (csrrs rd, csr, x0)
PLATFORM_CSRS = {0xB00, 0xB80, 0xC00, 0xC80, 0xC01, 0xC81, 0xF11, 0xF12, 0x344}
LINE = re.compile(r"^core +\d+: \d 0x[0-9a-f]{8} \(0x([0-9a-f]+)\)(.*)$")
VALUE = re.compile(r"0x[0-9a-f]{8}\b")


def csr_read(word):
    return len(word) == 8 and int(word, 16) & 0x7F == 0x73 and (int(word, 16) >> 12) & 7 in (2, 6) \
        and int(word, 16) >> 20 in PLATFORM_CSRS


def compare(spike, pulpsim, elf, limit):
    trace = "/tmp/spikecompare-%d.log" % os.getpid()
    subprocess.run([pulpsim, "run", "--platform", "spike", "--quiet", "--history", "0", "--no-trace-events",
                    "--trace-file", trace] + (["--trace-stop", f"i:{limit}"] if limit else []) + [elf],
                   capture_output=True, timeout=600)
    ours = Path(trace).read_text().splitlines()
    os.remove(trace)
    # Spike's log is streamed and cut once it has as many lines (programs may run far longer).
    proc = subprocess.Popen([spike, f"--isa={ISA}", "--priv=m", "--log-commits", elf],
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, errors="replace")
    # A program that ends by a mechanism Spike lacks (e.g. the cluster's end-of-computation
    # register) leaves Spike spinning: it is stopped after a while.
    watchdog = threading.Timer(60, proc.kill)
    watchdog.start()
    theirs = []
    for line in proc.stderr:
        if line.startswith("core"):
            theirs.append(line.rstrip("\n"))
            if len(theirs) > len(ours):
                break
    watchdog.cancel()
    proc.kill()
    proc.wait()
    exact = platform = 0
    substitutions = {}   # value pulpsim read from a platform CSR -> the value Spike read
    since_read = 1 << 30  # lines since the last platform CSR read
    for mine, spikes in zip(ours, theirs):
        since_read += 1
        if mine == spikes:
            exact += 1
            continue
        if spikes == mine + MRET_EXTRA:
            platform += 1
            continue
        m, s = LINE.match(mine), LINE.match(spikes)
        if m and s and m.group(1) == s.group(1):
            if csr_read(m.group(1)):
                # The read itself: remember the pair, so that copies of the value are recognised.
                ours_value, spike_value = m.group(2).split()[-1], s.group(2).split()[-1]
                substitutions[ours_value] = spike_value
                since_read = 0
                platform += 1
                continue
            if VALUE.sub(lambda v: substitutions.get(v.group(0), v.group(0)), mine) == spikes:
                platform += 1  # a copy of such a value (a move, a store)
                continue
            if since_read <= 8 and VALUE.sub("0x?", m.group(2)) == VALUE.sub("0x?", s.group(2)):
                platform += 1  # computed from such values right after reading them (a difference)
                continue
        return False, f"{exact} lines equal, then:\n  spike:   {spikes}\n  pulpsim: {mine}"
    if len(ours) > len(theirs):
        return False, f"Spike stopped after {len(theirs)} lines, pulpsim has {len(ours)}"
    return True, f"{exact + platform} lines ({platform} differing by platform only)"


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("elfs", nargs="*")
    ap.add_argument("--spike", default=os.environ.get("SPIKE"))
    ap.add_argument("--pulpsim", default=str(ROOT / ".build/release/pulpsim"))
    ap.add_argument("--limit", type=int, default=3_000_000, help="lines per program (0: all)")
    args = ap.parse_args()
    if not args.spike or not os.access(args.spike, os.X_OK):
        sys.exit("spikecompare: give Spike's binary with --spike or $SPIKE")
    elfs = args.elfs or sorted(glob.glob(str(ROOT / "firmware/build/spike/*.elf")))
    failed = 0
    for elf in elfs:
        if Path(elf).name.startswith(("fault-", "ready-loop")):
            continue  # unhandled traps (the platforms report those differently) and endless loops
        ok, message = compare(args.spike, args.pulpsim, elf, args.limit)
        failed += not ok
        print(f"{Path(elf).name}: {'same' if ok else 'DIFFERENT'}: {message}")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
