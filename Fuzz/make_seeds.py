#!/usr/bin/env python3
"""Writes the seed corpora of the fuzz targets (Fuzz/corpus/<target>/): `make fuzz-seeds`.

- elf: small firmware ELFs from firmware/build (stripped of debug information) and hand-made
  ELFs, one per kind of bad file the loader must reject (and a few it must accept).
- gdb: byte streams a debugger sends: a recorded gdb-multiarch session, every packet kind, and
  the packets that once stopped pulpsim.
- trace-decode: binary traces written by `pulpsim run --trace-format binary` (needs
  .build/debug/pulpsim: `make build`), and a few damaged ones.
- cli-options: argument lists of `pulpsim run`, one argument per line.

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
    path = os.path.join(CORPUS, target)
    shutil.rmtree(path, ignore_errors=True)
    os.makedirs(path)
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
]


def cli_seeds():
    out = reset("cli-options")
    for i, arguments in enumerate(CLI):
        write(out, "args-%02d" % i, arguments)


if __name__ == "__main__":
    targets = sys.argv[1:] or ["elf", "gdb", "trace-decode", "cli-options"]
    for target in targets:
        {"elf": elf_seeds, "gdb": gdb_seeds, "trace-decode": trace_seeds, "cli-options": cli_seeds}[target]()
    total = sum(os.path.getsize(os.path.join(d, f)) for d, _, files in os.walk(CORPUS) for f in files)
    print(f"seed corpora in {os.path.relpath(CORPUS, ROOT)}: {total // 1024} KiB")
