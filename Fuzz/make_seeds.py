#!/usr/bin/env python3
"""Writes the seed corpora of the fuzz targets (Fuzz/corpus/<target>/): `make fuzz-seeds`.

- elf: small firmware ELFs from firmware/build (stripped of debug information) and hand-made
  ELFs, one per kind of bad file the loader must reject (and a few it must accept).
- gdb: byte streams a debugger sends: a recorded gdb-multiarch session, every packet kind, and
  the packets that once stopped pulpsim.
- trace-decode: binary traces written by `pulpsim run --trace-format binary` (needs
  .build/debug/pulpsim: `make build`), and a few damaged ones.
- cli-options: argument lists of `pulpsim run`, one argument per line.
- devices: programs of MMIO accesses, XIF instructions and waits, in the byte format of
  Fuzz/Sources/fuzz-devices (one seed per operation kind and per device, complete RedMulE jobs,
  barriers, timers, and a few pseudo-random programs), for every platform.
- instructions: code assembled from snippets (ALU, M, F, C, memory, branches, CSRs, system
  instructions, self-modifying code, XIF, Zba/Zbb, interrupts) with initial registers, in the
  byte format of Fuzz/Sources/fuzz-instructions (needs riscv64-unknown-elf-gcc), for every
  platform.

Seeds are deterministic: running the script again gives the same files.
"""

import os
import shutil
import struct
import subprocess
import sys
import tempfile

FUZZ = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(FUZZ)
CORPUS = os.path.join(FUZZ, "corpus")
PULPSIM = os.environ.get("PULPSIM", os.path.join(ROOT, ".build/debug/pulpsim"))


def reset(target):
    """Empties a target's seed directory, keeping the inputs of fixed bugs (regress-*), which
    were found by the fuzzer and committed by hand."""
    path = os.path.join(CORPUS, target)
    os.makedirs(path, exist_ok=True)
    for name in os.listdir(path):
        if not name.startswith("regress-"):
            os.remove(os.path.join(path, name))
    return path


def write(directory, name, data):
    if isinstance(data, str):
        data = data.encode()
    with open(os.path.join(directory, name), "wb") as f:
        f.write(data)


# ELF ------------------------------------------------------------------------------------------

def strip_copy(source, destination):
    subprocess.run(["riscv64-unknown-elf-strip", "--strip-debug", "-o", destination, source], check=True)


def make_elf(segments, symbols=(), entry=None, elf_class=1, data=1, machine=243, etype=2, phentsize=32,
             truncate=None):
    """A little-endian ELF32 of `segments` [(vaddr, bytes, memsz, flags, paddr)] and `symbols`
    [(name, value, size, type)] (type 2: function, 1: object), with section headers for .symtab,
    .strtab and .shstrtab when there are symbols."""
    ehsize, shentsize = 52, 40
    phoff = ehsize
    offset = phoff + phentsize * len(segments)
    offset = (offset + 15) & ~15
    ph, body = [], b""
    for vaddr, content, memsz, flags, paddr in segments:
        ph.append(struct.pack("<8I", 1, offset + len(body), vaddr, paddr, len(content), memsz, flags, 4))
        body += content
        body += b"\0" * (-len(body) % 4)
    image = bytearray()
    shoff, shnum, shstrndx = 0, 0, 0
    tail = b""
    if symbols:
        strtab = b"\0"
        symtab = b"\0" * 16
        for name, value, size, kind in symbols:
            symtab += struct.pack("<IIIBBH", len(strtab), value, size, (1 << 4) | kind, 0, 1)
            strtab += name.encode() + b"\0"
        shstrtab = b"\0.text\0.symtab\0.strtab\0.shstrtab\0"
        base = offset + len(body)
        symtab_off = base
        strtab_off = symtab_off + len(symtab)
        shstr_off = strtab_off + len(strtab)
        tail = symtab + strtab + shstrtab
        tail += b"\0" * (-len(tail) % 4)
        shoff = base + len(tail)
        text_addr = segments[0][0] if segments else 0
        text_off = offset
        text_size = len(segments[0][1]) if segments else 0
        sections = [
            struct.pack("<10I", 0, 0, 0, 0, 0, 0, 0, 0, 0, 0),
            struct.pack("<10I", 1, 1, 6, text_addr, text_off, text_size, 0, 0, 4, 0),
            struct.pack("<10I", 7, 2, 0, 0, symtab_off, len(symtab), 3, 1, 4, 16),
            struct.pack("<10I", 15, 3, 0, 0, strtab_off, len(strtab), 0, 0, 1, 0),
            struct.pack("<10I", 23, 3, 0, 0, shstr_off, len(shstrtab), 0, 0, 1, 0),
        ]
        tail += b"".join(sections)
        shnum, shstrndx = len(sections), 4
    ident = b"\x7fELF" + bytes([elf_class, data, 1]) + b"\0" * 9
    if entry is None:
        entry = segments[0][0] if segments else 0
    header = ident + struct.pack("<HHIIIIIHHHHHH", etype, machine, 1, entry, phoff, shoff, 3, ehsize, phentsize,
                                 len(segments), shentsize, shnum, shstrndx)
    image += header + b"".join(ph)
    image += b"\0" * (offset - len(image))
    image += body + tail
    if truncate is not None:
        image = image[:truncate]
    return bytes(image)


# A few RV32 instructions: li a0, 0; loop: addi a0, a0, 1; j loop (and an ecall, an illegal word).
CODE = struct.pack("<5I", 0x00000513, 0x00150513, 0xFFDFF06F, 0x00000073, 0x00000000)


def elf_seeds():
    out = reset("elf")
    build = os.path.join(ROOT, "firmware/build")
    for platform, name in [("spike", "trace-classes"), ("pulp-cluster", "exit-eoc"), ("pulp-cluster", "fault-store"),
                           ("spike", "misaligned-cycles"), ("pulp-cluster", "hello"), ("spike", "hello"),
                           ("redmule-tb", "redmule-tb-xif-imc")]:
        source = os.path.join(build, platform, name + ".elf")
        if not os.path.exists(source):
            sys.exit(f"missing {source}: run `make firmware` first")
        strip_copy(source, os.path.join(out, f"{platform}-{name}.elf"))
    rx, rw = 5, 6
    spike = 0x8000_0000
    cases = {
        # Accepted by some platform.
        "spike-minimal.elf": make_elf([(spike, CODE, 0x100, rx, spike)],
                                      [("_start", spike, 12, 2), ("tohost", spike + 0x40, 8, 1), ("fromhost", spike + 0x48, 8, 1)]),
        "cluster-minimal.elf": make_elf([(0x1C00_0000, CODE, 0x40, rx, 0x1C00_0000), (0x1000_0000, b"", 0x100, rw, 0x1000_0000)],
                                        [("main", 0x1C00_0000, 12, 2), ("buffer", 0x1000_0000, 0x100, 1)]),
        "redmule-tb-minimal.elf": make_elf([(0x1C00_0000, CODE, 0x20, rx, 0x1C00_0000)], [("main", 0x1C00_0000, 12, 2)]),
        # Symbols at the top of the address space and larger than it (trace ranges once wrapped).
        "symbol-at-top.elf": make_elf([(spike, CODE, 0x20, rx, spike)],
                                      [("top", 0xFFFF_FFF0, 0x100, 2), ("last", 0xFFFF_FFFF, 0, 2), ("huge", 0x10, 0xFFFF_FFFF, 1)]),
        "tohost-at-ram-end.elf": make_elf([(spike, CODE, 0x20, rx, spike)], [("tohost", spike + 0x1F_FFFC, 8, 1)]),
        # Refused: one file per error.
        "elf64.elf": make_elf([(spike, CODE, 0x20, rx, spike)], elf_class=2),
        "big-endian.elf": make_elf([(spike, CODE, 0x20, rx, spike)], data=2),
        "x86.elf": make_elf([(spike, CODE, 0x20, rx, spike)], machine=3),
        "relocatable.elf": make_elf([(spike, CODE, 0x20, rx, spike)], etype=1),
        "no-segments.elf": make_elf([], [("main", spike, 4, 2)]),
        "truncated-phdrs.elf": make_elf([(spike, CODE, 0x20, rx, spike)] * 3, truncate=80),
        "truncated-segment.elf": make_elf([(spike, CODE * 8, 0x200, rx, spike)], truncate=120),
        "filesz-over-memsz.elf": make_elf([(spike, CODE, 4, rx, spike)]),
        "paddr-differs.elf": make_elf([(spike, CODE, 0x20, rx, spike + 0x1000)]),
        "wraps-4g.elf": make_elf([(0xFFFF_FF00, CODE, 0x1000, rx, 0xFFFF_FF00)]),
        "outside-map.elf": make_elf([(0x3000_0000, CODE, 0x20, rx, 0x3000_0000)]),
        "over-device.elf": make_elf([(0x1A10_4000, CODE, 0x20, rx, 0x1A10_4000)]),
        "past-region-end.elf": make_elf([(0x1000_0000, CODE, 0x10_0000, rw, 0x1000_0000)]),
        "bad-phentsize.elf": make_elf([(spike, CODE, 0x20, rx, spike)], phentsize=8),
        "header-only.elf": make_elf([(spike, CODE, 0x20, rx, spike)], truncate=52),
        "short.elf": b"\x7fELF\x01\x01\x01",
        "not-elf.elf": b"#!/bin/sh\necho not an ELF\n",
    }
    for name, data in cases.items():
        write(out, name, data)


# GDB ------------------------------------------------------------------------------------------

def frame(payload):
    """A packet as GDB sends it: $payload#checksum, with '$', '#', '}' and '*' escaped."""
    if isinstance(payload, str):
        payload = payload.encode("latin-1")
    escaped = bytearray()
    for b in payload:
        if b in b"$#}*":
            escaped += bytes([0x7D, b ^ 0x20])
        else:
            escaped.append(b)
    return b"$" + bytes(escaped) + b"#%02x" % (sum(escaped) & 0xFF)


def session(packets, acks=True):
    """Packets with GDB's '+' acknowledgements (before QStartNoAckMode takes effect)."""
    out = b""
    no_ack = False
    for p in packets:
        out += frame(p)
        if acks and not no_ack:
            out += b"+"
        if p == "QStartNoAckMode":
            no_ack = True
    return out


# The start of a real gdb-multiarch session against `pulpsim run --gdb` on hello.elf: connect,
# threads, break main, continue, registers, memory, watchpoints, next.
RECORDED = [
    "qSupported:multiprocess+;swbreak+;hwbreak+;qRelocInsn+;fork-events+;vfork-events+;exec-events+;vContSupported+;"
    "QThreadEvents+;no-resumed+;memory-tagging+;xmlRegisters=i386",
    "vMustReplyEmpty", "QStartNoAckMode", "Hg0", "qXfer:features:read:target.xml:0,1000",
    "qXfer:features:read:target.xml:1000,1000", "qTStatus", "?", "qfThreadInfo", "qsThreadInfo", "qAttached", "Hc-1",
    "qOffsets", "g", "m1c000000,4", "m1bfffffc,4", "qSymbol::", "qThreadExtraInfo,1", "Hg3", "g", "Hg1",
    "m1c00010e,2", "Z0,1c00010e,2", "vCont?", "vCont;c", "z0,1c00010e,2", "m1c00010e,4", "pf55", "m1001ffe0,20",
    "Pa=05000000", "X10000100,0:", "X10000100,4:xV4\x12", "m10000100,4", "Z2,10000100,4", "Z3,10000104,4",
    "Z4,10000108,4", "m1c000100,40", "Z0,1c000110,2", "vCont;c:1", "z0,1c000110,2", "z2,10000100,4", "z3,10000104,4",
    "z4,10000108,4", "Z0,1c000112,2", "vCont;c", "g", "z0,1c000112,2", "D",
]


def gdb_seeds():
    out = reset("gdb")
    write(out, "recorded-session", session(RECORDED))
    write(out, "handshake-with-acks", session(["qSupported", "?", "qC", "qAttached", "g", "p20", "m1c000000,40"]))
    registers = "".join("%08x" % (i * 0x01010101 & 0xFFFFFFFF) for i in range(65))
    write(out, "registers", session(["QStartNoAckMode", "Hg2", "g", "G" + registers, "p0", "p20", "p21", "p40",
                                     "p41", "p3a4", "p1044", "P5=78563412", "P20=0001001c", "P22=0000803f",
                                     "P3a6=00000000", "pffff"]))
    write(out, "memory", session(["QStartNoAckMode", "m10000000,10", "M10000000,4:deadbeef", "m10000000,4",
                                  "X10000010,8:" + "}$#*\x80\xff\x00\x7f", "m10000010,8", "m0,4", "M0,0:",
                                  "m1a104000,4", "m30000000,4", "m1c000000,4000", "Mffffffff,1:00"]))
    write(out, "step-and-threads", session(["QStartNoAckMode", "vCont?", "s", "vCont;s:1", "vCont;s:3;c", "Hc2", "s",
                                            "T3", "T9", "qThreadExtraInfo,8", "vCont;c:2", "vCont;C05:1", "?"]))
    write(out, "breakpoint-continue-interrupt", session(["QStartNoAckMode", "Z0,1c00010e,2", "c", "z0,1c00010e,2",
                                                         "Z1,1c000110,2", "vCont;c"]) + b"\x03" + frame("?") +
          frame("z1,1c000110,2") + frame("c"))
    write(out, "watchpoints", session(["QStartNoAckMode", "Z2,10000000,4", "Z3,10000000,40", "Z4,1001fff0,10",
                                       "c", "z2,10000000,4", "z3,10000000,40", "z4,1001fff0,10", "Z5,0,4"]))
    write(out, "monitor", session(["QStartNoAckMode"] + ["qRcmd," + word.encode().hex() for word in
                                                         ["harts", "eu", "redmule", "help", " event-unit "]]))
    write(out, "detach-kill", session(["QStartNoAckMode", "vKill;1", "k"]))
    write(out, "run-to-end", session(["QStartNoAckMode", "c", "c", "?", "g"]))
    write(out, "bad-framing", b"+-noise$g#00$m1c000000,4#zz$?#3f\x03$qC#b4}$#00$" + b"m" * 40 + b"#ff$}")
    # The packets that stopped pulpsim with an arithmetic trap before their numbers were checked.
    write(out, "once-fatal", session(["m1c000000,-1", "Z2,fffffff0,20", "qXfer:features:read:target.xml:-1,10",
                                      "M0,4000000000000000:", "vCont;s:-8000000000000000",
                                      "qXfer:features:read:target.xml:7fffffffffffffff,7fffffffffffffff",
                                      "Hgffffffffffffffffff", "p-1", "Z2,ffffffff,ffffffff", "mffffffff,2"]))


# Binary traces --------------------------------------------------------------------------------

def trace_seeds():
    out = reset("trace-decode")
    if not os.path.exists(PULPSIM):
        sys.exit(f"missing {PULPSIM}: run `make build` first")
    build = os.path.join(ROOT, "firmware/build")
    runs = {
        "spike-hello.bin": ["--platform", "spike", "--trace-stop", "i:300", os.path.join(build, "spike/hello.elf")],
        "cluster-8-harts-merged.bin": ["--trace-stop", "i:60", os.path.join(build, "pulp-cluster/hello.elf")],
        "cluster-two-harts.bin": ["--harts", "2", "--trace-harts", "1", "--trace-stop", "i:200",
                                  os.path.join(build, "pulp-cluster/mutex-counter.elf")],
        "fp-effects.bin": ["--platform", "spike", "--trace-stop", "i:400", os.path.join(build, "spike/trace-fflags-order.elf")],
        "memory-effects.bin": ["--platform", "spike", "--trace-stop", "i:400", os.path.join(build, "spike/trace-classes.elf")],
        "redmule-events.bin": ["--trace-pc", "0x1c000000:0x1c000020", os.path.join(build, "pulp-cluster/gdb-gemm.elf")],
        # The pulp chip: 9 harts, version 3 (a hart byte for harts 7 and up).
        "chip-9-harts.bin": ["--platform", "pulp", "--trace-stop", "i:3000", os.path.join(build, "pulp/fc-cluster.elf")],
    }
    with tempfile.TemporaryDirectory() as tmp:
        for name, arguments in runs.items():
            path = os.path.join(tmp, name)
            subprocess.run([PULPSIM, "run", "--quiet", "--trace-format", "binary", "--trace-file", path,
                            "--max-instructions", "2000000"] + arguments,
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            with open(path, "rb") as f:
                data = f.read()
            # The recorded ELF path is a path of this machine: keep the seeds free of it.
            length = data[12] | data[13] << 8
            elf = b"hello.elf"
            data = data[:12] + struct.pack("<H", len(elf)) + elf + data[14 + length:]
            write(out, name, data)
            if name == "cluster-8-harts-merged.bin":
                write(out, "truncated.bin", data[:len(data) // 2])
                damaged = bytearray(data)
                for i in range(30, len(damaged), 97):
                    damaged[i] ^= 0x5A
                write(out, "damaged.bin", bytes(damaged))
    write(out, "header-only.bin", b"PULPSIMT\x01\x08\x01\x00\x00\x00")
    write(out, "version-99.bin", b"PULPSIMT\x63\x01\x00\x00\x00\x00")
    event = b"\xe0\x01" + struct.pack("<Q", 1234) + b"\x07redmule" + struct.pack("<H", 5) + b"hello"
    merge = b"\xc0" + struct.pack("<Q", 99)
    first = b"\x38" + struct.pack("<I", 0x1C000000) + struct.pack("<I", 0x00150513) + b"\x05" + b"\x0a" + struct.pack("<I", 7)
    write(out, "hand-made.bin", b"PULPSIMT\x01\x02\x01\x00\x00\x00" + first + event + merge + b"\x01\x02" + merge)


# Command-line options -------------------------------------------------------------------------

CLI = [
    # Accepted.
    "x.elf",
    "--platform\nspike\n--max-instructions\n1e6\n--max-cycles\n5000\n--timeout\n60\nx.elf",
    "--harts\n3\n--quantum\n1\n--history\n0\n--tcdm-kib\n4\n--l2-kib\n65536\nx.elf",
    "--platform\nspike\n--ram-mib\n1\n--stats\n--json\n--quiet\nx.elf",
    "--platform\nredmule-tb\n--harts\n1\n--redmule-errors\nwarn\nx.elf",
    "--trace\n--trace-harts\n0,7\n--trace-start\nmain\n--trace-stop\ni:1000\n--trace-pc\n0x1c000000:0x1c000100\nx.elf",
    "--trace-file\nt.bin\n--trace-format\nbinary\n--trace-start\nc:100\n--trace-stop\n0x1c000010\nx.elf",
    "--trace-file\nt%h.log\n--trace-per-hart\n--trace-format\njsonl\n--no-trace-events\nx.elf",
    "--gdb\n127.0.0.1:3333\n--gdb-verbose\nx.elf",
    "--gdb\n0\n--timeline\nout.json\n--stdout-prefix\nx.elf",
    "--help",
    # Refused: every numeric option out of range, NaN, infinite, negative, huge, not a number.
    "--ram-mib\n9000000000000\n--platform\nspike\nhello.elf",
    "--ram-mib\n0\nx.elf",
    "--ram-mib\n2049\nx.elf",
    "--tcdm-kib\n9223372036854775807\nx.elf",
    "--tcdm-kib\n3\nx.elf",
    "--l2-kib\n-1\nx.elf",
    "--l2-kib=-4\nx.elf",
    "--timeout\nnan\nx.elf",
    "--timeout\ninf\nx.elf",
    "--timeout=-1\nx.elf",
    "--timeout\n0\nx.elf",
    "--timeout\n1e400\nx.elf",
    "--harts\n0\nx.elf",
    "--harts\n9\nx.elf",
    "--harts\n2\n--platform\nredmule-tb\nx.elf",
    "--quantum\n0\nx.elf",
    "--quantum\n99999999999\nx.elf",
    "--max-instructions\nnan\nx.elf",
    "--max-instructions\n0\nx.elf",
    "--max-instructions=-5\nx.elf",
    "--max-cycles\n1.9e19\nx.elf",
    "--max-cycles\n18446744073709551616\nx.elf",
    "--max-cycles\n1.5\nx.elf",
    "--history=-1\nx.elf",
    "--history\n100001\nx.elf",
    "--gdb\n70000\nx.elf",
    "--gdb\n0.0.0.0:1234\nx.elf",
    "--gdb\nlocalhost:\nx.elf",
    "--trace\n--trace-harts\n64\nx.elf",
    "--trace\n--trace-harts\n-1\nx.elf",
    "--trace\n--trace-harts\n1,x\nx.elf",
    "--trace\n--trace-start\ni:-1\nx.elf",
    "--trace\n--trace-start\nc:1e3\nx.elf",
    "--trace\n--trace-stop\n0x123456789\nx.elf",
    "--trace\n--trace-pc\n0x10:0x5\nx.elf",
    "--trace\n--trace-pc\n:\nx.elf",
    "--trace-start\nmain\nx.elf",
    "--trace-format\nbinary\n--trace\nx.elf",
    "--platform\nriscv\nx.elf",
    "--unknown-option\nx.elf",
    "",
    "--l2-latency\n1001\nx.elf",
    "--l2-latency=-1\n--platform\nspike\nx.elf",
    "--l2-latency\n0\n--stats\nx.elf",
]


def cli_seeds():
    out = reset("cli-options")
    for i, arguments in enumerate(CLI):
        write(out, "args-%02d" % i, arguments)


# Device programming ---------------------------------------------------------------------------
# The byte format is the one Fuzz/Sources/fuzz-devices/FuzzDevices.swift reads: byte 0 platform,
# harts, policy, handler, traced; byte 1 exit code, quantum and trace format; then operations, each a byte
# (bits 0-2 hart, bits 3-7 kind) and its operands.

PULP, SPIKE, TB, PULP_IDMA = 0, 1, 2, 3
# Window indexes (the order of the platform's device list, then test-and-set views, then HTIF).
PULP_WINDOWS = {"cluster-control": 0, "timer": 1, "event-unit-global": 2, "redmule": 3, "dma-shared": 4,
                "event-unit": 5, "dma": 6, "cluster-control-alias": 7, "timer-alias": 8,
                "event-unit-global-alias": 9, "redmule-alias": 10, "dma-shared-alias": 11, "event-unit-alias": 12,
                "dma-alias": 13, "soc-control": 14, "stdout": 15, "test-and-set": 16, "test-and-set-alias": 17,
                "htif": 18}
TB_WINDOWS = {"redmule": 0, "testbench-io": 1, "htif": 2}
# `pulp` (PULP_IDMA with bit 3 of byte 1 set, i.e. exit code 8..15): the cluster windows without
# the HMR unit, MCHAN's FC queue, then the SoC; hart index 7 is the fabric controller.
CHIP_WINDOWS = {"cluster-control": 0, "timer": 1, "dma-fc": 6, "event-unit": 7, "dma": 8, "fll": 18,
                "soc-control": 19, "soc-event-unit": 20, "fc-interrupts": 21, "fc-timer": 22, "stdout": 23}
FC = 7
SPIKE_WINDOWS = {"htif": 0}


def dev_config(platform, harts=1, warn=False, handler=False, traced=False, exit_code=0, trace_format=0, quantum=0):
    """quantum: 0 the default, 1, 2, 3 for 1, 7, 64 cycles."""
    return bytes([platform | (harts - 1) << 2 | warn << 5 | handler << 6 | traced << 7,
                  exit_code & 0xF | quantum << 4 | trace_format << 6])


def dev_op(kind, hart=0):
    return bytes([kind << 3 | hart])


def mmio(window, register, store=None, size=0, hart=0, unsigned=False, offset_mode=0):
    """An access to documented register `register` (index) of `window`; `store`: None (load),
    ("m", i) a meaningful value, ("b", v) a small one, or a 32-bit value; `size`: 0 word, 4 half,
    6 byte (the size selector); offset_mode 3: misaligned by `size`... (mode byte bits 0-1)."""
    out = dev_op(0, hart) + bytes([window, offset_mode << 6, register])
    out += bytes([(size | unsigned << 3) << 1 | (store is not None)])
    if store is not None:
        if isinstance(store, tuple) and store[0] == "m":
            out += bytes([0x00, store[1]])
        elif isinstance(store, tuple):
            out += bytes([0x80, store[1]])
        else:
            out += bytes([0xC0]) + struct.pack("<I", store)
    return out


def devices_seeds():
    import random
    out = reset("devices")
    eu, cc, timer, rm, soc, std = (PULP_WINDOWS[k] for k in ("event-unit", "cluster-control", "timer", "redmule",
                                                                "soc-control", "stdout"))
    seeds = {
        "pulp-empty": dev_config(PULP),
        "spike-empty": dev_config(SPIKE),
        "tb-empty": dev_config(TB),
        # Every register of the event unit, read then written, by two harts.
        "pulp-event-unit-registers": dev_config(PULP, 2, handler=True) + b"".join(
            mmio(eu, r, hart=r & 1) + mmio(eu, r, ("m", r), hart=r & 1) for r in range(0, 140, 3)),
        "pulp-event-unit-global": dev_config(PULP, 4, handler=True) + b"".join(
            mmio(PULP_WINDOWS["event-unit-global"], r, ("m", r * 7 & 0xFF), hart=r & 3) + mmio(PULP_WINDOWS["event-unit-global"], r)
            for r in range(0, 152, 5)),
        "pulp-timer": dev_config(PULP, 1) + b"".join(mmio(timer, r, ("m", r)) + mmio(timer, r) for r in range(10))
                      + dev_op(26) + bytes([0, 2, 0]) + dev_op(25) + bytes([3]) + mmio(timer, 2),
        # A 64-bit match the counter has passed (it once fired at once, at a cycle in the past).
        "pulp-timer-cascade-passed": dev_config(PULP, 1) + mmio(timer, 4, 0) + mmio(timer, 0, 0x80000005)
                                     + dev_op(22) + bytes([30]) + mmio(timer, 4, 0) + mmio(eu, 0, 1 << 10) + mmio(eu, 15),
        "pulp-timer-cascade": dev_config(PULP, 2, traced=True, trace_format=1) + mmio(timer, 4, ("m", 0))
                              + mmio(timer, 5, ("m", 0)) + mmio(timer, 0, 0x80000015) + mmio(eu, 0, 1 << 10)
                              + mmio(eu, 15) + mmio(timer, 2) + mmio(timer, 3),
        "pulp-cluster-control": dev_config(PULP, 8, exit_code=3) + b"".join(
            mmio(cc, r, ("m", r), hart=r & 7) + mmio(cc, r, hart=(r + 1) & 7) for r in range(1, 12))
            + mmio(cc, 3, 7) + mmio(cc, 0, 1),
        "pulp-soc-control": dev_config(PULP) + mmio(soc, 0, 5) + mmio(soc, 3) + mmio(soc, 1, 0x80000009),
        "pulp-stdout": dev_config(PULP, 3) + b"".join(mmio(std, r, ("m", r), hart=r % 3, size=(0, 4, 6)[r % 3])
                                                      for r in range(10)),
        "pulp-misaligned-and-narrow": dev_config(PULP, 1, handler=True) + b"".join(
            mmio(w, 1, 0x12345678, size=s, offset_mode=3) + mmio(w, 2, size=s, unsigned=True)
            for w in range(18) for s in (0, 4, 6)),
        "pulp-anywhere": dev_config(PULP, 1, handler=True) + b"".join(
            dev_op(14) + struct.pack("<I", a) + bytes([m]) + (struct.pack("<I", 0x55) if m & 1 else b"")
            for a in (0, 0x10200800, 0x1A100000, 0x30000000, 0xFFFFFFFC, 0x1C00E000, 0x20000) for m in (0, 1, 8, 13)),
        "pulp-redmule-registers": dev_config(PULP, 1) + b"".join(mmio(rm, r, ("m", r)) + mmio(rm, r) for r in range(15)),
        "pulp-redmule-job": dev_config(PULP, 1) + dev_op(24) + bytes([0, 0, 1, 2, 0, 0, 3]) + mmio(rm, 2) + mmio(rm, 3),
        "pulp-redmule-jobs-warn": dev_config(PULP, 2, warn=True, traced=True, trace_format=2) + dev_op(24)
                                  + bytes([0, 0, 1, 2, 3, 1, 0]) + dev_op(24, 1) + bytes([9, 2, 3, 4, 4, 3, 6])
                                  + dev_op(24) + bytes([4, 0, 0, 0, 5, 0, 1]),
        "pulp-redmule-fp8": dev_config(PULP, 1) + dev_op(24) + bytes([0, 0, 1, 2, 0, 0, 1]) + dev_op(24)
                            + bytes([0, 0, 1, 2, 0, 0, 2]),
        "pulp-redmule-errors": dev_config(PULP, 1) + dev_op(24) + bytes([0, 8, 9, 10, 5, 6, 22]),
        "pulp-xif": dev_config(PULP, 2) + dev_op(15) + bytes([12, 16, 16]) + dev_op(17) + bytes([0, 1, 2, 3])
                    + mmio(eu, 0, 1 << 12) + mmio(eu, 15) + dev_op(15, 1) + bytes([4, 4, 8]) + dev_op(18, 1)
                    + bytes([8, 9, 3, 4]),
        "pulp-barrier": dev_config(PULP, 4) + b"".join(dev_op(27, h) + bytes([2]) for h in range(4)),
        "pulp-barrier-quantum-1": dev_config(PULP, 8, quantum=1) + b"".join(dev_op(27, h) + bytes([5]) for h in range(8)),
        "pulp-events-quantum-7": dev_config(PULP, 3, quantum=2, traced=True) + b"".join(
            mmio(eu, 60 + h, ("b", 7), hart=h) + dev_op(25, (h + 1) % 3) + bytes([h]) for h in range(3)),
        "pulp-mutex-dispatch": dev_config(PULP, 3) + b"".join(dev_op(28, h) + bytes([1]) + dev_op(29, h) + bytes([h])
                                                             for h in range(3)),
        "pulp-sw-events-wfi": dev_config(PULP, 2) + dev_op(20, 1) + bytes([1]) + mmio(eu, 3, ("m", 5), hart=1)
                              + dev_op(19, 1) + dev_op(22) + bytes([20]) + mmio(eu, 60, ("b", 2)),
        "pulp-traps": dev_config(PULP, 1) + dev_op(21) + b"".join(dev_op(30) + bytes([i]) for i in range(4)),
        "pulp-test-and-set": dev_config(PULP, 2) + dev_op(31) + bytes([3]) + dev_op(31, 1) + bytes([3])
                             + mmio(PULP_WINDOWS["test-and-set"], 2, size=6),
        "pulp-deadlock": dev_config(PULP, 2) + mmio(eu, 0, 1 << 3) + mmio(eu, 15) + dev_op(19, 1),
        "pulp-htif": dev_config(PULP) + dev_op(23) + bytes([0, 0]) + dev_op(23) + bytes([4, 0]) + dev_op(23) + bytes([2, 0]),
        # The pulp chip: the FC's interrupt controller, timer, FLLs and SoC registers, MCHAN's FC
        # queue, FETCH_EN, from the FC (hart index 7) and from cluster cores.
        "chip-empty": dev_config(PULP_IDMA, 2, exit_code=8),
        "chip-fc-interrupts": dev_config(PULP_IDMA, 2, exit_code=8, handler=True) + b"".join(
            mmio(CHIP_WINDOWS["fc-interrupts"], r, ("m", r), hart=FC) + mmio(CHIP_WINDOWS["fc-interrupts"], r, hart=r & 1)
            for r in range(10)) + b"".join(mmio(CHIP_WINDOWS["fc-timer"], r, ("m", r), hart=FC) for r in range(10))
            + dev_op(19, FC) + mmio(CHIP_WINDOWS["fc-interrupts"], 4, 1 << 3, hart=1),
        "chip-soc": dev_config(PULP_IDMA, 1, exit_code=9) + b"".join(
            mmio(CHIP_WINDOWS[w], r, ("m", r), hart=FC) + mmio(CHIP_WINDOWS[w], r, hart=FC)
            for w in ("fll", "soc-control", "soc-event-unit") for r in range(6)),
        "chip-dma-fc": dev_config(PULP_IDMA, 2, exit_code=8, traced=True) + b"".join(
            mmio(CHIP_WINDOWS["dma-fc"], r, ("m", r * 3), hart=FC) + mmio(CHIP_WINDOWS["dma-fc"], r, hart=0) for r in range(4))
            + mmio(CHIP_WINDOWS["fc-interrupts"], 1, 1 << 8, hart=FC) + dev_op(19, FC),
        # 8 cores and the FC traced in the binary format: 9 harts, a version 3 trace (the first
        # inputs on the chip stopped the oracle: the format then covered at most 8 harts).
        "chip-binary-trace-9-harts": dev_config(PULP_IDMA, 8, exit_code=8, traced=True, trace_format=3)
            + b"".join(mmio(CHIP_WINDOWS["stdout"], h, ("m", h), hart=h) for h in range(8))
            + mmio(CHIP_WINDOWS["fc-interrupts"], 4, 1 << 3, hart=FC),
        "chip-fetch-enable": dev_config(PULP_IDMA, 4, exit_code=8) + mmio(CHIP_WINDOWS["cluster-control"], 4, ("m", 4), hart=FC)
            + mmio(CHIP_WINDOWS["cluster-control"], 1, 0xFF, hart=FC) + mmio(CHIP_WINDOWS["cluster-control"], 1, hart=2),
        "spike-htif": dev_config(SPIKE, 2) + dev_op(23) + bytes([0, 0]) + dev_op(23, 1) + bytes([1, 0])
                      + dev_op(23) + bytes([4, 0]) + dev_op(23) + bytes([5, 2]) + dev_op(23) + bytes([3, 0]),
        "spike-faults": dev_config(SPIKE, 1, handler=True) + mmio(0, 2, 1) + dev_op(15) + bytes([1, 1, 1])
                        + dev_op(17) + bytes([0, 0, 0, 0]) + dev_op(24) + bytes([0] * 7),
        "tb-redmule-job": dev_config(TB) + dev_op(24) + bytes([0, 0, 1, 2, 0, 0, 0]) + mmio(TB_WINDOWS["testbench-io"], 1, ("m", 0)),
        "tb-xif-msip": dev_config(TB, traced=True, trace_format=3) + dev_op(20) + bytes([1]) + dev_op(21) + dev_op(15)
                       + bytes([12, 16, 16]) + dev_op(17) + bytes([0, 1, 2, 3]) + dev_op(19) + dev_op(22) + bytes([100]),
        "tb-exit-count": dev_config(TB, exit_code=1) + mmio(TB_WINDOWS["testbench-io"], 0, ("m", 2)) + dev_op(19),
        # The DMA (operation 13: flags, then MCHAN: command, TCDM address, external address and
        # the 2D words; iDMA: source, destination, length, CONF (and strides, reps)).
        "pulp-dma-registers": dev_config(PULP, 2, handler=True) + b"".join(
            mmio(w, r, ("m", r * 5), hart=r & 1) + mmio(w, r, hart=r & 1)
            for w in (PULP_WINDOWS["dma"], PULP_WINDOWS["dma-shared"], PULP_WINDOWS["dma-alias"]) for r in range(4)),
        "pulp-dma-transfers": dev_config(PULP, 4) + b"".join(
            dev_op(13, h) + bytes(ops) for h, ops in enumerate([[0, 0, 0, 0], [0, 2, 1, 0], [0, 3, 2, 1, 1, 3],
                                                                 [0, 4, 8, 2, 0, 1], [16, 5, 3, 0], [0, 8, 5, 4, 1, 2, 2, 3]])),
        "pulp-dma-shared-and-polling": dev_config(PULP, 2) + dev_op(13) + bytes([1, 1, 0, 0]) + dev_op(13, 1)
                                       + bytes([24, 5, 16, 1]) + mmio(PULP_WINDOWS["dma"], 3, hart=1),
        "pulp-dma-errors": dev_config(PULP, 2) + dev_op(13) + bytes([0, 6, 0, 0]) + dev_op(13, 1) + bytes([0, 0, 0, 7]),
        "pulp-dma-errors-warn": dev_config(PULP, 3, warn=True, traced=True) + dev_op(13) + bytes([0, 6, 0, 0])
                                + dev_op(13, 1) + bytes([0, 0, 0, 6]) + dev_op(13, 2) + bytes([0, 7, 4, 3, 1, 2, 2, 3])
                                + b"".join(dev_op(13, 2) + bytes([2, 0, 0, 0]) for _ in range(17)),
        "pulp-idma-transfers": dev_config(PULP_IDMA, 3) + dev_op(13) + bytes([0, 21, 0, 2, 0])
                               + dev_op(13, 1) + bytes([4, 1, 22, 1, 1]) + dev_op(13, 2)
                               + bytes([2, 21, 5, 1, 3, 1, 2, 1, 0, 0, 0]) + dev_op(13) + bytes([0, 24, 3, 4, 2]),
        "pulp-idma-errors-warn": dev_config(PULP_IDMA, 2, warn=True) + dev_op(13) + bytes([4, 21, 0, 2, 0])
                                 + dev_op(13, 1) + bytes([0, 0, 0, 5, 0]) + b"".join(
            dev_op(13, 1) + bytes([8, 21, 0, 0, 0]) for _ in range(6)),
    }
    rng = random.Random(7)
    for platform, name in ((PULP, "pulp"), (SPIKE, "spike"), (TB, "tb"), (PULP_IDMA, "pulp-idma")):
        for i in range(4):
            body = bytes(rng.getrandbits(8) for _ in range(rng.randrange(40, 200)))
            seeds[f"{name}-random-{i}"] = dev_config(platform, 1 + (i * 3) % 8, handler=i % 2 == 1, traced=i == 3) + body
    for name, data in seeds.items():
        write(out, name, data)


# Instruction streams --------------------------------------------------------------------------
# The byte format of Fuzz/Sources/fuzz-instructions/FuzzInstructions.swift (and of
# Tests/qemudiff/replay_fuzz.py): byte 0 platform, Zba/Zbb, handler, harts, traced; byte 1 fcsr;
# byte 2 hart start step and trace format; byte 3 the number of register initialisers and the
# quantum; 5 bytes
# each; then the code.

SNIPPETS = {
    "alu": """
        addi a3, a4, -5; slti a5, a3, 7; sltiu a6, a3, -1; xori a7, a5, 0x555; ori s2, a6, -2048
        andi s3, a7, 2047; slli s4, a3, 31; srli s5, a4, 1; srai s6, a4, 17; lui s7, 0xfffff; auipc s8, 1
        add s9, s7, s8; sub s10, a3, a4; sll s11, a5, a6; slt t3, a3, a4; sltu t4, a4, a3; xor t5, t3, t4
        srl t6, a4, a5; sra a3, a4, a5; or a4, a3, s4; and a5, a4, s7; add x0, a3, a4
    """,
    "m": """
        mul a3, a4, a5; mulh a6, a4, a5; mulhsu a7, a4, a5; mulhu s2, a4, a5; div s3, a4, a5; divu s4, a4, a5
        rem s5, a4, a5; remu s6, a4, a5; div s7, a4, zero; rem s8, a4, zero; li t0, -1; lui t1, 0x80000
        div t2, t1, t0; rem t3, t1, t0; divu t4, t1, zero
    """,
    "fp": """
        fadd.s ft0, fa0, fa1; fsub.s ft1, fa0, fa1, rtz; fmul.s ft2, fa1, fa2, rdn; fdiv.s ft3, fa2, fa3, rup
        fsqrt.s ft4, fa3, rmm; fmadd.s ft5, fa0, fa1, fa2; fmsub.s ft6, fa1, fa2, fa3; fnmsub.s ft7, fa2, fa3, fa0
        fnmadd.s fs0, fa3, fa0, fa1; fmin.s fs1, fa0, fa4; fmax.s fs2, fa4, fa5; feq.s a3, fa0, fa1; flt.s a4, fa4, fa5
        fle.s a5, fa5, fa4; fclass.s a6, fa4; fcvt.w.s a7, fa0, rtz; fcvt.wu.s s2, fa1; fcvt.s.w fs3, a3
        fcvt.s.wu fs4, a4, rup; fsgnj.s fs5, fa0, fa1; fsgnjn.s fs6, fa1, fa2; fsgnjx.s fs7, fa2, fa3
        fmv.x.w s3, fa5; fmv.w.x fs8, s3; frflags s4; fsflags s5, a5; frrm s6; fsrm s7, a6; frcsr s8; fscsr s9, a7
        flw ft8, 0(a0); fsw fa4, 6(a0); flw ft9, 5(a0)
    """,
    "compressed": """
        c.addi a3, 5; c.li a4, -3; c.lui a5, 0x1f; c.slli a3, 3; c.srli s1, 2; c.srai a4, 1; c.andi a5, 7
        c.mv a2, a3; c.add a2, a4; c.sub s1, a4; c.xor a5, s1; c.or a4, a5; c.and a3, a4; c.nop
        c.addi4spn s0, sp, 16; c.addi16sp sp, 32; c.addi16sp sp, -32; c.lw a4, 0(a0); c.sw a5, 4(a0)
        c.flw fa4, 8(a0); c.fsw fa5, 12(a0); c.lwsp a3, 0(sp); c.swsp a3, 4(sp); c.flwsp fa3, 8(sp); c.fswsp fa3, 12(sp)
        c.beqz a3, 1f; c.bnez a4, 1f; c.j 1f
    1:  c.ebreak
    """,
    "memory": """
        lw a3, 0(a0); lh a4, 2(a0); lhu a5, 1(a0); lb a6, 3(a0); lbu a7, 7(a0); sw a3, 16(a0); sh a4, 21(a0)
        sb a5, 23(a0); sw a6, 2047(a0); lw s2, -4(a0); lw s3, 0(a1); sw s3, 0(a1); lh s4, 2(a1); sb s4, 0(a1)
        lw s5, 3(a1); sw a3, 0(zero); lw a3, 0(a2); sw a3, 64(a2)
    """,
    "branches": """
        li t0, 10
    1:  addi t0, t0, -1; bnez t0, 1b; beq a3, a4, 2f; bne a3, a4, 2f
    2:  blt a3, a4, 3f; bge a3, a4, 3f
    3:  bltu a3, a4, 4f; bgeu a4, a3, 4f
    4:  jal ra, 5f
    5:  auipc t1, 0; jalr ra, 12(t1); nop; jalr zero, 0(a2)
    """,
    "csr": """
        csrr a3, mstatus; csrw mscratch, a3; csrrs a4, mscratch, a4; csrrc a5, mscratch, a5; csrrwi a6, mscratch, 5
        csrrsi a7, mscratch, 3; csrrci s2, mscratch, 1; csrr s3, misa; csrr s4, mhartid; csrr s5, mcycle; csrr s6, minstret
        csrr s7, cycleh; csrr s8, time; csrr s9, instret; csrw mcycle, zero; csrw minstreth, a3; csrr s10, mvendorid
        csrr s11, marchid; csrr t3, mimpid; csrr t4, mip; csrr t5, mepc; csrw mepc, a2; csrw mtval, a3
        csrw mcause, a4; csrr t6, mtvec; csrw fcsr, a5; csrw frm, a6; csrw fflags, a7; csrw 0x7c0, a3; csrr a3, 0xc03
        csrw cycle, a3; csrw misa, zero
    """,
    "system": """
        fence; fence.i; fence rw, rw; ecall; ebreak; wfi; mret; unimp
    """,
    "selfmodify": """
        auipc t0, 0; li t1, 0x00150513; sw t1, 20(t0); sh t1, 24(t0); fence.i; nop; nop; nop; nop
        addi a0, a0, 1
    """,
    "interrupts": """
        li t0, 8; csrw mie, t0; csrs mip, t0; csrsi mstatus, 8; nop; li t0, 0x10000; csrw mie, t0; csrs mip, t0
        wfi; csrci mstatus, 8; csrw mip, zero; wfi
    """,
    "zb": """
        sh1add a3, a4, a5; sh2add a6, a4, a5; sh3add a7, a4, a5; andn s2, a4, a5; orn s3, a4, a5; xnor s4, a4, a5
        clz s5, a4; ctz s6, a4; cpop s7, a4; min s8, a4, a5; minu s9, a4, a5; max s10, a4, a5; maxu s11, a4, a5
        sext.b t3, a4; sext.h t4, a4; zext.h t5, a4; rol t6, a4, a5; ror a3, a4, a5; rori a4, a5, 7; orc.b a5, a6
        rev8 a6, a7
    """,
}


def assemble(source, extensions=("zba", "zbb")):
    """The .text bytes of `source` assembled for RV32IMFC (+ extensions)."""
    march = "rv32imfc_zicsr_zifencei" + "".join("_" + e for e in extensions)
    with tempfile.TemporaryDirectory() as tmp:
        s, o, b = (os.path.join(tmp, n) for n in ("x.s", "x.o", "x.bin"))
        with open(s, "w") as f:
            f.write(".text\n" + source.replace(";", "\n") + "\n")
        subprocess.run(["riscv64-unknown-elf-gcc", "-c", f"-march={march}", "-mabi=ilp32f", s, "-o", o], check=True)
        subprocess.run(["riscv64-unknown-elf-objcopy", "-O", "binary", "-j", ".text", o, b], check=True)
        with open(b, "rb") as f:
            return f.read()


def insn_input(platform, code, zb=False, handler=False, harts=1, traced=False, fcsr=0, step=0, trace_format=0,
               registers=(), quantum=0):
    """An input of the instructions target: registers [(number, is_f, mode, value)]; quantum 0
    the default, 1, 2, 3 for 1, 7, 64 cycles."""
    head = bytes([platform | zb << 2 | handler << 3 | (harts - 1) << 4 | traced << 7, fcsr, step | trace_format << 6,
                  len(registers) | quantum << 6])
    for number, is_f, mode, value in registers:
        head += bytes([number | is_f << 5 | mode << 6]) + struct.pack("<I", value & 0xFFFFFFFF)
    return head + code


def instructions_seeds():
    import random
    out = reset("instructions")
    # a0 points into the data area, a1 at a device register, a2 into the code; a few integer and
    # FP values at corners.
    regs = [(10, 0, 1, 0x100), (11, 0, 2, 0x0000_0038), (12, 0, 3, 0x40), (13, 0, 0, 7), (14, 0, 0, 0x80000000),
            (15, 0, 0, 0xFFFFFFFF), (16, 0, 0, 3), (2, 0, 1, 0x800),
            (10, 1, 0, 0x3F800000), (11, 1, 0, 0xBF000000), (12, 1, 0, 0x7F800001), (13, 1, 0, 0x00000001),
            (14, 1, 0, 0x7FC00000), (15, 1, 0, 0x80000000)]
    xif = struct.pack("<3I", 12 << 15 | 10 << 20 | 11 << 15 | 0x0B, 10 << 15 | 11 << 20 | 12 << 27 | 1 << 10 | 1 << 7 | 0x2B,
                      0x0000_000B)
    for platform, pname in ((PULP, "pulp"), (SPIKE, "spike"), (TB, "tb")):
        for name, source in SNIPPETS.items():
            zb = name == "zb"
            code = assemble(source, ("zba", "zbb") if zb else ())
            handler = name in ("system", "memory", "csr", "interrupts", "compressed", "branches")
            write(out, f"{pname}-{name}", insn_input(platform, code, zb=zb, handler=handler, registers=regs,
                                                     fcsr=0x20 if name == "fp" else 0))
        write(out, f"{pname}-xif", insn_input(platform, xif + assemble("wfi; nop"), handler=True, registers=regs))
    # Several harts, traced runs, the bit-manipulation words without Zba/Zbb, a bad frm.
    alu = assemble(SNIPPETS["alu"] + SNIPPETS["branches"])
    write(out, "pulp-8-harts-traced", insn_input(PULP, alu, harts=8, traced=True, step=3, trace_format=1, registers=regs))
    write(out, "pulp-4-harts-quantum-1", insn_input(PULP, assemble(SNIPPETS["memory"] + SNIPPETS["csr"]), harts=4,
                                                    handler=True, step=5, registers=regs, quantum=1))
    write(out, "spike-4-harts-binary-trace", insn_input(SPIKE, alu, harts=4, traced=True, step=2, trace_format=3,
                                                        handler=True, registers=regs))
    # Cores storing into the TCDM while one runs the data area's copy of the code through the
    # TCDM's alias at 0 (a store into a page holding code leaves the fast path, and the slow path
    # settles the contention): compiled code's binary trace against the loop's.
    stores = assemble("fsw fs0, 68(sp)\n" * 6 + "jalr ra, 12(zero)\n")
    write(out, "pulp-4-harts-binary-trace-code-in-tcdm", insn_input(PULP, stores, harts=4, traced=True, step=2, trace_format=3,
                                                                    handler=True, registers=regs, quantum=1))
    write(out, "pulp-zb-without-extension", insn_input(PULP, assemble(SNIPPETS["zb"], ("zba", "zbb")), handler=True,
                                                       registers=regs))
    write(out, "tb-fp-bad-frm", insn_input(TB, assemble(SNIPPETS["fp"]), fcsr=0xE0, handler=True, traced=True,
                                           trace_format=2, registers=regs))
    write(out, "pulp-empty", insn_input(PULP, b""))
    rng = random.Random(11)
    for i in range(6):
        code = bytes(rng.getrandbits(8) for _ in range(rng.randrange(16, 160)))
        write(out, f"random-{i}", insn_input(i % 3, code, zb=i % 2 == 1, handler=i >= 3, harts=1 + i % 4,
                                             traced=i == 5, registers=regs[:i * 2]))


if __name__ == "__main__":
    targets = sys.argv[1:] or ["elf", "gdb", "trace-decode", "cli-options", "devices", "instructions"]
    for target in targets:
        {"elf": elf_seeds, "gdb": gdb_seeds, "trace-decode": trace_seeds, "cli-options": cli_seeds,
         "devices": devices_seeds, "instructions": instructions_seeds}[target]()
    total = sum(os.path.getsize(os.path.join(d, f)) for d, _, files in os.walk(CORPUS) for f in files)
    print(f"seed corpora in {os.path.relpath(CORPUS, ROOT)}: {total // 1024} KiB")
