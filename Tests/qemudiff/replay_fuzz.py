#!/usr/bin/env python3
"""Replays inputs of the `instructions` fuzz target on QEMU and pulpsim and compares them.

Each input (a corpus file or a crash artifact of Fuzz/Sources/fuzz-instructions, or a directory
of them) gives initial registers, fcsr and code. Of the code, read straight from its start as
hart 0 would fetch it, only the instructions whose behaviour QEMU and pulpsim both define are
kept: integer ALU, M, F arithmetic/compare/convert/move/sign-injection and, when the input
enables them, Zba/Zbb (no loads or stores, branches, jumps, CSRs or system instructions). They
are classified by riscv64-unknown-elf-objdump on the assembled words, not by pulpsim's decoder.
The kept instructions become a spike program built with qemudiff.py's rendering, linker script
and epilogue: it sets the input's registers, executes them, and dumps every register; it runs
on qemu-system-riscv32 and on `pulpsim run --platform spike`, and the outputs must be equal.
See README.md beside this file.

Python 3.11, standard library only.
"""

from __future__ import annotations

import argparse
import concurrent.futures
import difflib
import hashlib
import os
import re
import shutil
import struct
import subprocess
import sys
import tempfile
from dataclasses import dataclass, field

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import qemudiff  # noqa: E402  (the generator, epilogue, linker script, runners and comparison)

OBJDUMP = "riscv64-unknown-elf-objdump"
MAX_CODE = 4096

# What fuzz-instructions reads (FuzzInstructions.swift): the platforms' code and data addresses
# and device windows (PlatformDescription.devices order), for the register value forms.
PLATFORMS = ["pulp-cluster", "spike", "redmule-tb", "pulp-cluster"]
CODE = {"pulp-cluster": 0x1C00_0000, "spike": 0x8000_0000, "redmule-tb": 0x1C00_0000}
DATA = {"pulp-cluster": 0x1000_0000, "spike": 0x8001_0000, "redmule-tb": 0x1C01_0000}
DATA_SIZE = 0x1000
_CLUSTER = [(base + offset, size) for base in (0x1020_0000, 0x0020_0000)
            for offset, size in ((0, 0x400), (0x400, 0x400), (0x800, 0x800), (0x1000, 0x400), (0x4000, 0x400))]
DEVICES = {"pulp-cluster": _CLUSTER + [(0x1A10_4000, 0x1000), (0x1A10_F000, 0x1000)],
           "spike": [], "redmule-tb": [(0x0010_0000, 0x400), (0x8000_0000, 8)]}

# Instructions both simulators define (objdump -M no-aliases mnemonics).
BASE = {"lui", "auipc", "addi", "slti", "sltiu", "xori", "ori", "andi", "slli", "srli", "srai", "add", "sub",
        "sll", "slt", "sltu", "xor", "srl", "sra", "or", "and",
        "mul", "mulh", "mulhsu", "mulhu", "div", "divu", "rem", "remu",
        "fadd.s", "fsub.s", "fmul.s", "fdiv.s", "fsqrt.s", "fmin.s", "fmax.s", "fmadd.s", "fmsub.s", "fnmsub.s",
        "fnmadd.s", "feq.s", "flt.s", "fle.s", "fclass.s", "fcvt.w.s", "fcvt.wu.s", "fcvt.s.w", "fcvt.s.wu",
        "fsgnj.s", "fsgnjn.s", "fsgnjx.s", "fmv.x.w", "fmv.w.x",
        "c.addi", "c.li", "c.lui", "c.addi16sp", "c.addi4spn", "c.slli", "c.srli", "c.srai", "c.andi", "c.mv",
        "c.add", "c.sub", "c.xor", "c.or", "c.and", "c.nop"}
BITMANIP = {"sh1add", "sh2add", "sh3add", "andn", "orn", "xnor", "clz", "ctz", "cpop", "min", "minu", "max",
            "maxu", "sext.b", "sext.h", "zext.h", "rol", "ror", "rori", "orc.b", "rev8"}
# F instructions with a rounding-mode field: with rm = 7 (dyn) they use frm, and trap if frm is 5..7.
ROUNDING = {"fadd.s", "fsub.s", "fmul.s", "fdiv.s", "fsqrt.s", "fmadd.s", "fmsub.s", "fnmsub.s", "fnmadd.s",
            "fcvt.w.s", "fcvt.wu.s", "fcvt.s.w", "fcvt.s.wu"}


@dataclass
class FuzzInput:
    path: str
    platform: str
    bitmanip: bool
    fcsr: int
    x: list[int] = field(default_factory=lambda: [0] * 32)
    f: list[int] = field(default_factory=lambda: [0] * 32)
    code: bytes = b""


def parse_input(path: str, data: bytes) -> FuzzInput:
    """The input as fuzz-instructions reads it (past the end every byte reads 0)."""
    pos = 0

    def byte() -> int:
        nonlocal pos
        pos += 1
        return data[pos - 1] if pos - 1 < len(data) else 0

    def u32() -> int:
        return byte() | byte() << 8 | byte() << 16 | byte() << 24

    config = byte()
    platform = PLATFORMS[config & 3]
    inp = FuzzInput(path, platform, bool(config & 4), byte())
    byte()  # hart start step, trace format
    for _ in range(byte() & 63):
        r = byte()
        v = u32()
        mode = r >> 6
        if mode == 1:
            v = (DATA[platform] + v % DATA_SIZE) & 0xFFFFFFFF
        elif mode == 2 and DEVICES[platform]:
            start, size = DEVICES[platform][(v >> 16) % len(DEVICES[platform])]
            v = (start + (v & 0xFFFF) % size) & 0xFFFFFFFF
        elif mode == 3:
            v = (CODE[platform] + v % 4096) & 0xFFFFFFFF
        if r & 0x20:
            inp.f[r & 31] = v
        elif r & 31:
            inp.x[r & 31] = v
    inp.code = data[pos:pos + MAX_CODE] if pos < len(data) else b""
    return inp


def instructions(code: bytes) -> list[tuple[int, int]]:
    """(word, length) of the code from its start, as fetched: 16-bit unless bits 1:0 are 11."""
    out = []
    i = 0
    while i + 2 <= len(code):
        low = code[i] | code[i + 1] << 8
        if low & 3 != 3:
            out.append((low, 2))
            i += 2
            continue
        if i + 4 > len(code):
            break
        out.append((low | (code[i + 2] | code[i + 3] << 8) << 16, 4))
        i += 4
    return out


def assemblable(word: int, length: int) -> bool:
    """Whether `.insn length, word` is accepted by the assembler (its length bits must agree)."""
    return (word & 3) != 3 if length == 2 else (word & 3) == 3 and (word & 0x1F) != 0x1F


def classify(words: list[tuple[int, int]], extensions: tuple[str, ...], tmp: str) -> list[str | None]:
    """objdump's mnemonic (no aliases) for each word, None if it does not disassemble."""
    src, obj = os.path.join(tmp, "classify.s"), os.path.join(tmp, "classify.o")
    march = qemudiff.MARCH + "".join(f"_{e}" for e in extensions)
    candidates = [(w, n) for w, n in words if assemblable(w, n)]
    with open(src, "w") as f:
        f.write(".text\n.option rvc\n" + "".join(f".insn {n}, 0x{w:x}\n" for w, n in candidates))
    subprocess.run([qemudiff.GCC, "-c", f"-march={march}", f"-mabi={qemudiff.MABI}", src, "-o", obj],
                   check=True, capture_output=True)
    dump = subprocess.run([OBJDUMP, "-d", "-M", "no-aliases", obj], check=True, capture_output=True, text=True).stdout
    by_offset: dict[int, str] = {}
    for line in dump.splitlines():
        m = re.match(r"\s*([0-9a-f]+):\s+([0-9a-f]+)\s+(\S+)(.*)$", line)
        if m:
            mnemonic, operands = m.group(3), m.group(4)
            by_offset[int(m.group(1), 16)] = None if "unknown" in operands or mnemonic.startswith(".") else mnemonic
    out: list[str | None] = []
    offset = 0
    for w, n in words:
        if not assemblable(w, n):
            out.append(None)
            continue
        out.append(by_offset.get(offset))
        offset += n
    return out


def reserved_rvc(word: int) -> bool:
    """RV32C encodings the spec reserves (both simulators trap on them, which would end the
    program early): shifts with shamt[5] = 1, c.addi4spn with 0, c.addi16sp and c.lui with 0."""
    quadrant, funct3 = word & 3, word >> 13
    bit12 = word >> 12 & 1
    rd = word >> 7 & 31
    imm6 = bit12 << 5 | (word >> 2 & 31)
    if quadrant == 2 and funct3 == 0:
        return bit12 == 1
    if quadrant == 1 and funct3 == 4 and (word >> 10 & 3) in (0, 1):
        return bit12 == 1
    if quadrant == 1 and funct3 == 3 and rd != 0:
        return imm6 == 0
    if quadrant == 0 and funct3 == 0:
        return (word >> 5 & 0xFF) == 0
    return False


def kept(inp: FuzzInput, tmp: str) -> list[tuple[int, int, str]]:
    """The straight-line instructions both simulators define, as (word, length, mnemonic)."""
    words = instructions(inp.code)
    extensions = qemudiff.BITMANIP if inp.bitmanip else ()
    allowed = BASE | (BITMANIP if inp.bitmanip else set())
    frm = inp.fcsr >> 5
    out = []
    for (w, n), mnemonic in zip(words, classify(words, extensions, tmp)):
        if mnemonic not in allowed or (n == 2 and reserved_rvc(w)):
            continue
        if n == 4 and mnemonic in ("slli", "srli", "srai", "rori") and (w >> 25) & 1:
            continue  # shamt[5] = 1: reserved on RV32, an illegal instruction on both
        if mnemonic in ROUNDING and (w >> 12) & 7 == 7 and frm >= 5:
            continue  # dyn rounding with an invalid frm: an illegal instruction on both
        out.append((w, n, mnemonic))
    return out


def program(inp: FuzzInput, body: list[tuple[int, int, str]]) -> str:
    """A qemudiff program: the input's registers, the kept instructions, then the dump. sp (the
    epilogue's base) and tp (the result-log pointer) are saved to scratch words 0 and 1 (dumped
    as `m` lines) before the epilogue gets its own values."""
    extensions = qemudiff.BITMANIP if inp.bitmanip else ()
    g = qemudiff.Generator(0, 0, extensions)
    setup = []
    for r in range(32):
        setup += [f"li gp, {qemudiff.s32(inp.f[r])}", f"fmv.w.x {qemudiff.FABI[r]}, gp"]
    setup += [f"li gp, {inp.fcsr}", "fscsr gp"]
    setup += [f"li {qemudiff.XABI[r]}, {qemudiff.s32(inp.x[r])}" for r in range(1, 32)]
    g.blocks.append(qemudiff.Block(setup, "input registers"))
    g.blocks.append(qemudiff.Block([f".insn {n}, 0x{w:x}   # {m}" for w, n, m in body], "fuzz input's instructions"))
    g.blocks.append(qemudiff.Block(["csrw mscratch, sp", "la sp, scratch", "sw tp, 4(sp)", "csrr tp, mscratch",
                                    "sw tp, 0(sp)", "la tp, log_area"], "keep sp and tp for the dump"))
    return g.render()


@dataclass
class Outcome:
    path: str
    status: str          # "agree", "agree-trap", "empty", "duplicate", "mismatch", "error"
    message: str = ""
    instructions: int = 0


class Replayer:
    def __init__(self, args: argparse.Namespace, workroot: str):
        self.args = args
        self.workroot = workroot
        self.seen: set[str] = set()

    def run(self, path: str) -> Outcome:
        try:
            return self._run(path)
        except subprocess.CalledProcessError as e:
            return Outcome(path, "error", f"{path}: {' '.join(e.cmd[:1])} failed: {e.stderr.strip()[:500]}")
        except Exception as e:  # keep going; count it
            return Outcome(path, "error", f"{path}: INTERNAL ERROR: {type(e).__name__}: {e}")

    def _run(self, path: str) -> Outcome:
        with open(path, "rb") as f:
            inp = parse_input(path, f.read())
        name = hashlib.sha1(path.encode()).hexdigest()[:12]
        wd = os.path.join(self.workroot, name)
        os.makedirs(wd, exist_ok=True)
        try:
            body = kept(inp, wd)
            if not body:
                return Outcome(path, "empty")
            prog = program(inp, body)
            key = hashlib.sha1(prog.encode()).hexdigest()
            if key in self.seen:
                return Outcome(path, "duplicate", instructions=len(body))
            self.seen.add(key)
            extensions = qemudiff.BITMANIP if inp.bitmanip else ()
            with open(os.path.join(wd, "prog.s"), "w") as f:
                f.write(prog)
            with open(os.path.join(wd, "link.ld"), "w") as f:
                f.write(qemudiff.LINKER_SCRIPT)
            c = qemudiff.run_cmd(qemudiff.compile_cmd("prog.s", "link.ld", "prog.elf", extensions), 120, cwd=wd)
            if c.rc != 0:
                return Outcome(path, "error", f"{path}: COMPILE ERROR: {c.err.strip()[:1000]}", len(body))
            elf = os.path.join(wd, "prog.elf")
            q = qemudiff.run_cmd(qemudiff.qemu_cmd(elf, extensions), self.args.timeout)
            p = qemudiff.run_cmd(qemudiff.pulpsim_cmd(self.args.pulpsim, [], elf, extensions), self.args.timeout)
            if q.rc == p.rc and q.out == p.out:
                parsed = qemudiff.parse_output(q.out)
                if q.rc == 0 and parsed.ok:
                    return Outcome(path, "agree", instructions=len(body))
                return Outcome(path, "agree-trap", f"{path}: both stop the same way (exit {q.rc}): "
                               f"{parsed.error or q.out.strip()[-200:]}", len(body))
            report = describe(prog, q, p)
            dest = self.save(path, wd, q, p, report)
            return Outcome(path, "mismatch", f"{path}: MISMATCH: {report}\n  saved in {dest}", len(body))
        finally:
            if not self.args.keep:
                shutil.rmtree(wd, ignore_errors=True)

    def save(self, path: str, wd: str, q: qemudiff.RunResult, p: qemudiff.RunResult, report: str) -> str:
        dest = os.path.join(self.args.out, os.path.basename(path))
        shutil.rmtree(dest, ignore_errors=True)
        os.makedirs(dest)
        for n in ("prog.s", "prog.elf", "link.ld"):
            if os.path.exists(os.path.join(wd, n)):
                shutil.copy2(os.path.join(wd, n), dest)
        shutil.copy2(path, os.path.join(dest, "input"))
        diff = "".join(difflib.unified_diff(q.out.splitlines(True), p.out.splitlines(True), "qemu.out", "pulpsim.out"))
        for n, text in (("qemu.out", q.out), ("pulpsim.out", p.out), ("pulpsim.err", p.err), ("diff.txt", diff),
                        ("report.txt", report + f"\nqemu {q.status()}, pulpsim {p.status()}\n")):
            with open(os.path.join(dest, n), "w") as f:
                f.write(text)
        return dest


def describe(prog: str, q: qemudiff.RunResult, p: qemudiff.RunResult) -> str:
    if q.out == p.out:
        return f"outputs identical but qemu {q.status()}, pulpsim {p.status()}"
    text = qemudiff.describe_first_difference(prog, q.out, p.out)
    # Scratch words 0 and 1 hold the input's sp and tp after the instructions (see program()).
    text = text.replace("scratch word +0x00", "x2 (sp) after the instructions, scratch word +0x00")
    text = text.replace("scratch word +0x04", "x4 (tp) after the instructions, scratch word +0x04")
    return text + (f" (qemu {q.status()}, pulpsim {p.status()})" if q.rc != p.rc else "")


def expand(paths: list[str]) -> list[str]:
    files = []
    for p in paths:
        if os.path.isdir(p):
            files += sorted(os.path.join(p, n) for n in os.listdir(p) if os.path.isfile(os.path.join(p, n)))
        elif os.path.isfile(p):
            files.append(p)
        else:
            print(f"warning: {p}: no such file or directory", file=sys.stderr)
    return files


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("inputs", nargs="+", help="fuzz inputs of the instructions target, or directories of them")
    ap.add_argument("--pulpsim", default=None,
                    help="pulpsim binary (default: $PULPSIM or .build/release/pulpsim in the repo)")
    ap.add_argument("--jobs", "-j", type=int, default=2, help="inputs replayed in parallel (default 2)")
    ap.add_argument("--timeout", type=float, default=20.0, help="seconds per simulator run (default 20)")
    ap.add_argument("--out", default="/tmp/replay-fuzz-fail", help="where mismatches are saved")
    ap.add_argument("--keep", action="store_true", help="keep the work directories")
    ap.add_argument("--verbose", "-v", action="store_true", help="also list inputs that stop the same way")
    args = ap.parse_args(argv)
    if args.pulpsim is None:
        args.pulpsim = os.environ.get("PULPSIM") or os.path.join(qemudiff.REPO_ROOT, ".build", "release", "pulpsim")
    args.pulpsim = os.path.abspath(args.pulpsim)
    for tool in (qemudiff.GCC, OBJDUMP, qemudiff.QEMU):
        if shutil.which(tool) is None:
            print(f"error: {tool} not found in PATH", file=sys.stderr)
            return 2
    if not os.access(args.pulpsim, os.X_OK):
        print(f"error: pulpsim binary not found or not executable: {args.pulpsim}", file=sys.stderr)
        return 2
    files = expand(args.inputs)
    workroot = tempfile.mkdtemp(prefix="replay-fuzz-")
    replayer = Replayer(args, workroot)
    counts = {k: 0 for k in ("agree", "agree-trap", "empty", "duplicate", "mismatch", "error")}
    executed = 0
    # Inputs are classified and built in parallel; a program already compared is skipped (the
    # set of seen programs is shared, and checked before running).
    with concurrent.futures.ThreadPoolExecutor(max_workers=max(1, args.jobs)) as ex:
        for oc in ex.map(replayer.run, files):
            counts[oc.status] += 1
            if oc.status in ("agree", "agree-trap", "mismatch"):
                executed += oc.instructions
            if oc.status in ("mismatch", "error") or (oc.status == "agree-trap" and args.verbose):
                print(oc.message, flush=True)
    if args.keep:
        print(f"work directories kept in {workroot}")
    else:
        shutil.rmtree(workroot, ignore_errors=True)
    compared = counts["agree"] + counts["agree-trap"] + counts["mismatch"]
    print(f"{len(files)} inputs: {compared} programs compared ({executed} instructions), "
          f"{counts['agree']} agree, {counts['agree-trap']} stop the same way, {counts['mismatch']} mismatches; "
          f"{counts['empty']} with no instruction both define, {counts['duplicate']} duplicates, "
          f"{counts['error']} errors")
    return 0 if counts["mismatch"] == 0 and counts["error"] == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
