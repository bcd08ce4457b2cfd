#!/usr/bin/env python3
"""Differential testing of pulpsim against qemu-system-riscv32 (spike machine).

Generates random, deterministic-per-seed RV32IMFC programs, builds them with the
riscv64-unknown-elf toolchain, runs them on QEMU and on pulpsim and compares the
HTIF console output (a per-block result log plus a final dump of all
x/f registers, fcsr and the scratch memory).  See README.md beside this file.

Python 3.11, standard library only.
"""

from __future__ import annotations

import argparse
import concurrent.futures
import difflib
import errno
import os
import random
import re
import shutil
import signal
import struct
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field

HERE = os.path.dirname(os.path.abspath(__file__))
REPO_ROOT = os.path.abspath(os.path.join(HERE, "..", ".."))

MARCH = "rv32imfc_zicsr_zifencei"
# Optional extensions (--isa): each adds its block kinds, its -march suffix, its QEMU cpu
# property and the pulpsim --isa option.
BITMANIP = ("zba", "zbb")
MABI = "ilp32f"
GCC = "riscv64-unknown-elf-gcc"
QEMU = "qemu-system-riscv32"

# ---------------------------------------------------------------------------
# Registers

XABI = ["zero", "ra", "sp", "gp", "tp", "t0", "t1", "t2", "s0", "s1",
        "a0", "a1", "a2", "a3", "a4", "a5", "a6", "a7",
        "s2", "s3", "s4", "s5", "s6", "s7", "s8", "s9", "s10", "s11",
        "t3", "t4", "t5", "t6"]
FABI = ["ft0", "ft1", "ft2", "ft3", "ft4", "ft5", "ft6", "ft7",
        "fs0", "fs1", "fa0", "fa1", "fa2", "fa3", "fa4", "fa5",
        "fa6", "fa7", "fs2", "fs3", "fs4", "fs5", "fs6", "fs7",
        "fs8", "fs9", "fs10", "fs11", "ft8", "ft9", "ft10", "ft11"]

# Reserved registers (never written by the random body):
#   sp (x2) = scratch base (scratch[0]); used by c.lwsp/c.swsp/c.flwsp/c.fswsp
#             and, in the epilogue, to address the register save area.
#   s0 (x8) = scratch base + 128; used by c.lw/c.sw/c.flw/c.fsw and loads/stores.
#   tp (x4) = result-log pointer.
#   gp (x3) = temporary of the result log and of constant set-up.
RESERVED = {2, 3, 4, 8}
WRITABLE = [r for r in range(1, 32) if r not in RESERVED]
CWRITABLE = [r for r in range(9, 16)]        # rd' registers that may be written
CREGS = list(range(8, 16))                   # rs' registers (read)

SCRATCH_SIZE = 256
S0_OFF = 128

INT_CORNERS = [0, 1, 2, 0xFFFFFFFF, 0xFFFFFFFE, 0x80000000, 0x7FFFFFFF,
               0x80000001, 0x7FFFFFFE, 0xFF, 0x80, 0xFFFFFF80, 0xFFFF, 0x8000,
               0xFFFF8000, 0x10000, 31, 32, 33, 0x55555555, 0xAAAAAAAA,
               0x01000001, 0x00FFFFFF, 0x01000000, 0xFFFFFF7F, 0x7FFFFF80]
M_CORNERS = [0, 1, 0xFFFFFFFF, 0x80000000, 0x7FFFFFFF, 2, 0xFFFFFFFE,
             0x80000001, 0x10000, 0xFFFF]
IMM12_CORNERS = [0, 1, -1, 2047, -2048, -2047, 2046, 0x555, -0x556, 16, -16]
SHAMT_CORNERS = [0, 1, 31, 30, 16, 15]
IMM20_CORNERS = [0, 1, 0xFFFFF, 0x80000, 0x7FFFF, 0xFFFFE, 0x00800]

# Single-precision bit patterns of special interest.
F_SPECIALS = [
    0x00000000, 0x80000000,              # +0, -0
    0x00000001, 0x80000001,              # smallest subnormals
    0x007FFFFF, 0x807FFFFF,              # largest subnormals
    0x00400000, 0x00000003,              # subnormals
    0x00800000, 0x80800000,              # smallest normals
    0x00800001, 0x00FFFFFF,
    0x7F7FFFFF, 0xFF7FFFFF,              # largest normals
    0x7F800000, 0xFF800000,              # infinities
    0x7FC00000, 0xFFC00000, 0x7FC12345,  # quiet NaNs
    0x7F800001, 0xFF800001, 0x7FA00000, 0x7FBFFFFF,  # signalling NaNs
    0x3F800000, 0xBF800000,              # +-1
    0x3F000000, 0xBF000000,              # +-0.5
    0x3FC00000, 0xBFC00000,              # +-1.5
    0x40200000, 0xC0200000,              # +-2.5
    0x3EFFFFFF, 0x3F7FFFFF, 0x3F800001,  # around 0.5 and 1
    0x4F000000, 0xCF000000,              # +-2^31
    0x4EFFFFFF, 0xCF000001,              # just inside / outside int32
    0x4F800000, 0x4F7FFFFF,              # 2^32, just below
    0x4B000000, 0x4B7FFFFF, 0x4B800000,  # 2^23 .. 2^24 boundaries
    0x34000000, 0x33800000,              # 2^-23, 2^-24
    0x1F800000, 0x5F800000,              # 2^-64, 2^64 (product over/underflow)
    0x40490FDB, 0x3EAAAAAB,              # pi, 1/3
]
RMS = ["rne", "rtz", "rdn", "rup", "rmm"]

LOG_ENTRY = 12   # bytes: id, value, fflags


def u32(v: int) -> int:
    return v & 0xFFFFFFFF


def s32(v: int) -> int:
    v &= 0xFFFFFFFF
    return v - (1 << 32) if v & 0x80000000 else v


def f32_str(bits: int) -> str:
    try:
        return repr(struct.unpack("<f", struct.pack("<I", bits))[0])
    except Exception:  # pragma: no cover
        return "?"


# ---------------------------------------------------------------------------
# Program generator

@dataclass
class Block:
    lines: list[str]
    kind: str
    log: tuple[str, int] | None = None   # ('x', reg) or ('f', reg)
    target: int | None = None            # forward branch: skip to block index
    max_skip: int = 8
    ninsn: int = 0


class Generator:
    def __init__(self, seed: int, length: int, extensions: tuple[str, ...] = ()):
        self.seed = seed
        self.rng = random.Random(seed)
        self.length = length
        self.extensions = extensions
        self.blocks: list[Block] = []

    # -- random helpers ----------------------------------------------------
    def chance(self, p: float) -> bool:
        return self.rng.random() < p

    def rd(self, allow_zero: float = 0.05) -> int:
        if self.chance(allow_zero):
            return 0
        return self.rng.choice(WRITABLE)

    def rs(self) -> int:
        # Reading reserved registers is fine: their values are the same on
        # both simulators.
        if self.chance(0.08):
            return self.rng.choice([0, 2, 3, 4, 8])
        return self.rng.choice(WRITABLE)

    def wreg(self) -> int:
        return self.rng.choice(WRITABLE)

    def freg(self) -> int:
        return self.rng.randrange(32)

    def int_value(self) -> int:
        r = self.rng.random()
        if r < 0.45:
            return self.rng.choice(INT_CORNERS)
        if r < 0.6:
            return u32(self.rng.randint(-64, 64))
        return self.rng.getrandbits(32)

    def m_value(self) -> int:
        r = self.rng.random()
        if r < 0.6:
            return self.rng.choice(M_CORNERS)
        if r < 0.75:
            return u32(self.rng.randint(-20, 20))
        return self.rng.getrandbits(32)

    def imm12(self) -> int:
        if self.chance(0.5):
            return self.rng.choice(IMM12_CORNERS)
        return self.rng.randint(-2048, 2047)

    def f_value(self) -> int:
        r = self.rng.random()
        if r < 0.45:
            return self.rng.choice(F_SPECIALS)
        if r < 0.85:
            sign = self.rng.getrandbits(1) << 31
            exp = self.rng.choice([0, 1, 2, 0x7E, 0x7F, 0x80, 0x96, 0x97, 0x9D, 0x9E,
                                   0x9F, 0xFD, 0xFE, 0xFF,
                                   self.rng.randint(0x70, 0x8F), self.rng.randint(1, 254)])
            mant = self.rng.choice([0, 1, 0x7FFFFF, 0x400000, 0x400001, 0x3FFFFF,
                                    self.rng.getrandbits(23), self.rng.getrandbits(23),
                                    self.rng.getrandbits(3) << 20])
            return sign | (exp << 23) | mant
        return self.rng.getrandbits(32)

    def rm(self) -> str:
        if self.chance(0.3):
            return "dyn"
        return self.rng.choice(RMS)

    # -- small emitters ----------------------------------------------------
    @staticmethod
    def li(reg: int, value: int) -> str:
        return f"li {XABI[reg]}, {s32(value)}"

    def set_f(self, fr: int, value: int | None = None) -> list[str]:
        if value is None:
            value = self.f_value()
        tmp = 3 if self.chance(0.6) else self.wreg()
        return [self.li(tmp, value), f"fmv.w.x {FABI[fr]}, {XABI[tmp]}"]

    def maybe_set_frm(self, lines: list[str], rm: str) -> None:
        """Before an op with dynamic rounding, sometimes write a valid frm."""
        if rm != "dyn" or not self.chance(0.35):
            return
        v = self.rng.randrange(5)
        k = self.rng.randrange(4)
        if k == 0:
            lines.append(f"fsrmi {v}")
        elif k == 1:
            lines.append(f"csrwi frm, {v}")
        elif k == 2:
            t = self.wreg()
            lines.append(self.li(t, (self.rng.getrandbits(29) << 3) | v))
            lines.append(f"fsrm {XABI[t]}")
        else:
            t = self.wreg()
            lines.append(self.li(t, v))
            lines.append(f"csrrw {XABI[self.rd()]}, frm, {XABI[t]}")

    # -- block kinds -------------------------------------------------------
    def b_alu_r(self) -> Block:
        op = self.rng.choice(["add", "sub", "sll", "slt", "sltu", "xor", "srl", "sra", "or", "and"])
        lines: list[str] = []
        rs1, rs2 = self.rs(), self.rs()
        if self.chance(0.3):
            rs1 = self.wreg()
            lines.append(self.li(rs1, self.int_value()))
        if self.chance(0.3):
            rs2 = self.wreg()
            lines.append(self.li(rs2, self.int_value()))
        rd = self.rd()
        lines.append(f"{op} {XABI[rd]}, {XABI[rs1]}, {XABI[rs2]}")
        return Block(lines, "alu", ("x", rd))

    def b_alu_i(self) -> Block:
        op = self.rng.choice(["addi", "slti", "sltiu", "xori", "ori", "andi", "slli", "srli", "srai"])
        lines: list[str] = []
        rs1 = self.rs()
        if self.chance(0.3):
            rs1 = self.wreg()
            lines.append(self.li(rs1, self.int_value()))
        rd = self.rd()
        if op in ("slli", "srli", "srai"):
            imm = self.rng.choice(SHAMT_CORNERS) if self.chance(0.5) else self.rng.randrange(32)
        else:
            imm = self.imm12()
        lines.append(f"{op} {XABI[rd]}, {XABI[rs1]}, {imm}")
        return Block(lines, "alui", ("x", rd))

    def b_upper(self) -> Block:
        op = self.rng.choice(["lui", "auipc"])
        imm = self.rng.choice(IMM20_CORNERS) if self.chance(0.5) else self.rng.getrandbits(20)
        rd = self.rd()
        return Block([f"{op} {XABI[rd]}, {imm}"], "upper", ("x", rd))

    def b_li(self) -> Block:
        rd = self.wreg()
        return Block([self.li(rd, self.int_value())], "li", ("x", rd))

    def b_mul(self) -> Block:
        op = self.rng.choice(["mul", "mulh", "mulhsu", "mulhu", "div", "divu", "rem", "remu"])
        lines: list[str] = []
        rs1, rs2 = self.rs(), self.rs()
        if self.chance(0.6):
            rs1 = self.wreg()
            lines.append(self.li(rs1, self.m_value()))
        if self.chance(0.6):
            rs2 = self.wreg()
            lines.append(self.li(rs2, self.m_value()))
        rd = self.rd(0.03)
        if self.chance(0.15) and rs1 in WRITABLE:
            rd = rs1
        lines.append(f"{op} {XABI[rd]}, {XABI[rs1]}, {XABI[rs2]}")
        return Block(lines, "mul", ("x", rd))

    def _bit_operands(self) -> tuple[list[str], int, int, int]:
        """Source registers (sometimes given fresh values) and a destination for Zba/Zbb."""
        lines: list[str] = []
        rs1, rs2 = self.rs(), self.rs()
        for r in (rs1, rs2):
            if r in WRITABLE and self.chance(0.5):
                lines.append(self.li(r, self.int_value()))
        return lines, rs1, rs2, self.rd()

    def b_zba(self) -> Block:
        op = self.rng.choice(["sh1add", "sh2add", "sh3add"])
        lines, rs1, rs2, rd = self._bit_operands()
        lines.append(f"{op} {XABI[rd]}, {XABI[rs1]}, {XABI[rs2]}")
        return Block(lines, "zba", ("x", rd))

    def b_zbb(self) -> Block:
        binary = ["andn", "orn", "xnor", "max", "maxu", "min", "minu", "rol", "ror"]
        unary = ["clz", "ctz", "cpop", "sext.b", "sext.h", "zext.h", "orc.b", "rev8"]
        op = self.rng.choice(binary + unary + ["rori"])
        lines, rs1, rs2, rd = self._bit_operands()
        if op in binary:
            lines.append(f"{op} {XABI[rd]}, {XABI[rs1]}, {XABI[rs2]}")
        elif op == "rori":
            shamt = self.rng.choice(SHAMT_CORNERS) if self.chance(0.5) else self.rng.randrange(32)
            lines.append(f"rori {XABI[rd]}, {XABI[rs1]}, {shamt}")
        else:
            lines.append(f"{op} {XABI[rd]}, {XABI[rs1]}")
        return Block(lines, "zbb", ("x", rd))

    def _mem_addr(self, width: int, aligned: bool) -> tuple[list[str], str, str]:
        """Pick a scratch address; returns (setup lines, offset, base reg name).

        The base register may be a random register that the setup computes.
        """
        idx = self.rng.randrange(SCRATCH_SIZE - width + 1)
        if aligned:
            idx -= idx % width
        k = self.rng.randrange(10)
        if k < 4:
            return [], str(idx - S0_OFF), "s0"
        if k < 6:
            return [], str(idx), "sp"
        b = self.wreg()
        if k < 8:
            delta = self.rng.randint(-128, 127)
            # b = s0 + delta; offset = idx - 128 - delta
            return [f"addi {XABI[b]}, s0, {delta}"], str(idx - S0_OFF - delta), XABI[b]
        off = self.rng.choice([-2048, 2047, -2000, 1999, self.rng.randint(-2048, 2047)])
        return [f"la {XABI[b]}, scratch{idx - off:+d}"], str(off), XABI[b]

    def b_load(self) -> Block:
        op, w = self.rng.choice([("lb", 1), ("lbu", 1), ("lh", 2), ("lhu", 2), ("lw", 4)])
        lines, off, base = self._mem_addr(w, not self.chance(0.3))
        rd = self.rd(0.03)
        lines.append(f"{op} {XABI[rd]}, {off}({base})")
        return Block(lines, "load", ("x", rd))

    def b_store(self) -> Block:
        op, w = self.rng.choice([("sb", 1), ("sh", 2), ("sw", 4)])
        lines, off, base = self._mem_addr(w, not self.chance(0.3))
        src = self.rs()
        if self.chance(0.2):
            src = self.wreg()
            if XABI[src] == base:
                src = 0
            else:
                lines.append(self.li(src, self.int_value()))
        lines.append(f"{op} {XABI[src]}, {off}({base})")
        # Log a read-back of the stored data so intermediate memory states are seen.
        rd = self.wreg()
        if XABI[rd] == base:
            rd = 1 if base != "ra" else 5
        load = {1: "lbu", 2: "lhu", 4: "lw"}[w]
        lines.append(f"{load} {XABI[rd]}, {off}({base})")
        return Block(lines, "store", ("x", rd))

    def b_flw_fsw(self) -> Block:
        if self.chance(0.5):
            lines, off, base = self._mem_addr(4, not self.chance(0.15))
            fd = self.freg()
            lines.append(f"flw {FABI[fd]}, {off}({base})")
            return Block(lines, "flw", ("f", fd))
        fs = self.freg()
        pre = self.set_f(fs) if self.chance(0.3) else []
        lines, off, base = self._mem_addr(4, not self.chance(0.15))
        lines = pre + lines
        lines.append(f"fsw {FABI[fs]}, {off}({base})")
        rd = self.wreg()
        if XABI[rd] == base:
            rd = 1 if base != "ra" else 5
        lines.append(f"lw {XABI[rd]}, {off}({base})")
        return Block(lines, "fsw", ("x", rd))

    def b_branch(self) -> Block:
        lines: list[str] = []
        k = self.rng.randrange(10)
        if k < 6:
            op = self.rng.choice(["beq", "bne", "blt", "bge", "bltu", "bgeu",
                                  "bgt", "ble", "bgtu", "bleu"])
            rs1, rs2 = self.rs(), self.rs()
            r = self.rng.random()
            if r < 0.2:
                rs2 = rs1
            elif r < 0.5:
                rs1, rs2 = self.wreg(), self.wreg()
                a = self.int_value()
                b = a if self.chance(0.4) else self.int_value()
                lines += [self.li(rs1, a), self.li(rs2, b)]
            lines.append(f"{op} {XABI[rs1]}, {XABI[rs2]}, @T")
        elif k < 7:
            op = self.rng.choice(["beqz", "bnez", "bltz", "bgez", "blez", "bgtz"])
            lines.append(f"{op} {XABI[self.rs()]}, @T")
        elif k < 8:
            rd = self.rng.choice([0, 1, self.wreg()])
            lines.append(f"jal {XABI[rd]}, @T")
        else:
            t = self.wreg()
            rd = self.rng.choice([0, 1, t, self.wreg()])
            off = self.rng.choice([0, 0, -4, 8, 12, -2046])
            lines.append(f"la {XABI[t]}, @T{-off:+d}")
            lines.append(f"jalr {XABI[rd]}, {off}({XABI[t]})")
        return Block(lines, "branch", None, target=-1, max_skip=8)

    def b_cbranch(self) -> Block:
        """Explicit compressed control transfers (short range)."""
        k = self.rng.randrange(5)
        lines: list[str] = []
        if k == 0:
            r = self.rng.choice(CREGS)
            if self.chance(0.3) and r != 8:
                lines.append(self.li(r, self.rng.choice([0, 0, 1, 0x80000000])))
            lines.append(f"c.{self.rng.choice(['beqz', 'bnez'])} {XABI[r]}, @T")
        elif k == 1:
            lines.append("c.j @T")
        elif k == 2:
            lines.append("c.jal @T")
        else:
            t = self.wreg()
            lines.append(f"la {XABI[t]}, @T")
            lines.append(f"c.{'jr' if k == 3 else 'jalr'} {XABI[t]}")
        return Block(lines, "cbranch", None, target=-1, max_skip=2)

    def b_compressed(self) -> Block:
        """Explicit c.* computational and memory forms."""
        k = self.rng.randrange(22)
        cw = self.rng.choice(CWRITABLE)
        if k == 0:
            rd = self.wreg()
            imm = self.rng.choice([v for v in range(-32, 32) if v != 0])
            return Block([f"c.addi {XABI[rd]}, {imm}"], "c", ("x", rd))
        if k == 1:
            rd = self.wreg()
            return Block([f"c.li {XABI[rd]}, {self.rng.randint(-32, 31)}"], "c", ("x", rd))
        if k == 2:
            rd = self.wreg()
            imm = self.rng.choice(list(range(1, 32)) + list(range(0xFFFE0, 0x100000)))
            return Block([f"c.lui {XABI[rd]}, {imm}"], "c", ("x", rd))
        if k == 3:
            imm = self.rng.randrange(1, 256) * 4
            return Block([f"c.addi4spn {XABI[cw]}, sp, {imm}"], "c", ("x", cw))
        if k == 4:
            rd = self.wreg()
            return Block([f"c.slli {XABI[rd]}, {self.rng.randint(1, 31)}"], "c", ("x", rd))
        if k == 5:
            op = self.rng.choice(["c.srli", "c.srai"])
            return Block([f"{op} {XABI[cw]}, {self.rng.randint(1, 31)}"], "c", ("x", cw))
        if k == 6:
            return Block([f"c.andi {XABI[cw]}, {self.rng.randint(-32, 31)}"], "c", ("x", cw))
        if k in (7, 8):
            op = "c.mv" if k == 7 else "c.add"
            rd = 0 if self.chance(0.05) else self.wreg()   # rd = x0: a HINT, no effect
            rs2 = self.rng.choice([r for r in range(1, 32)])
            return Block([f"{op} {XABI[rd]}, {XABI[rs2]}"], "c", ("x", rd))
        if k == 9:
            op = self.rng.choice(["c.sub", "c.xor", "c.or", "c.and"])
            return Block([f"{op} {XABI[cw]}, {XABI[self.rng.choice(CREGS)]}"], "c", ("x", cw))
        if k == 10:
            off = self.rng.randrange(32) * 4
            return Block([f"c.lw {XABI[cw]}, {off}(s0)"], "c", ("x", cw))
        if k == 11:
            off = self.rng.randrange(32) * 4
            src = self.rng.choice(CREGS)
            return Block([f"c.sw {XABI[src]}, {off}(s0)", f"lw {XABI[cw]}, {off}(s0)"], "c", ("x", cw))
        if k == 12:
            rd = self.wreg()
            off = self.rng.randrange(64) * 4
            return Block([f"c.lwsp {XABI[rd]}, {off}(sp)"], "c", ("x", rd))
        if k == 13:
            off = self.rng.randrange(64) * 4
            src = self.rng.randrange(32)
            rd = self.wreg()
            return Block([f"c.swsp {XABI[src]}, {off}(sp)", f"lw {XABI[rd]}, {off}(sp)"], "c", ("x", rd))
        if k == 14:
            fd = self.rng.randrange(8, 16)
            off = self.rng.randrange(32) * 4
            return Block([f"c.flw {FABI[fd]}, {off}(s0)"], "c", ("f", fd))
        if k == 15:
            fs = self.rng.randrange(8, 16)
            off = self.rng.randrange(32) * 4
            return Block([f"c.fsw {FABI[fs]}, {off}(s0)", f"lw {XABI[cw]}, {off}(s0)"], "c", ("x", cw))
        if k == 16:
            fd = self.freg()
            off = self.rng.randrange(64) * 4
            return Block([f"c.flwsp {FABI[fd]}, {off}(sp)"], "c", ("f", fd))
        if k == 17:
            fs = self.freg()
            off = self.rng.randrange(64) * 4
            rd = self.wreg()
            return Block([f"c.fswsp {FABI[fs]}, {off}(sp)", f"lw {XABI[rd]}, {off}(sp)"], "c", ("x", rd))
        if k == 18:
            # sp temporarily moved: c.addi16sp, observe via c.addi4spn / c.lwsp, move back
            imm = self.rng.choice([v for v in range(-31, 32) if v != 0]) * 16
            lines = [f"c.addi16sp sp, {imm}", f"c.addi4spn {XABI[cw]}, sp, 4",
                     f"c.addi16sp sp, {-imm}"]
            return Block(lines, "c", ("x", cw))
        if k == 19:
            return Block(["c.nop"], "c", None)
        if k == 20:
            return Block([self.rng.choice(["fence", "fence.i", "fence rw, rw", "fence iorw, iorw"])],
                         "fence", None)
        rd = self.wreg()
        return Block([f"c.mv {XABI[rd]}, {XABI[self.rng.randrange(1, 32)]}",
                      f"c.add {XABI[rd]}, {XABI[self.rng.randrange(1, 32)]}"], "c", ("x", rd))

    # FP ------------------------------------------------------------------
    def _fsrc(self, lines: list[str], p: float = 0.5) -> int:
        f = self.freg()
        if self.chance(p):
            lines += self.set_f(f)
        return f

    def b_fset(self) -> Block:
        fd = self.freg()
        if self.chance(0.8):
            return Block(self.set_f(fd), "fmv.w.x", ("f", fd))
        rs = self.rs()
        return Block([f"fmv.w.x {FABI[fd]}, {XABI[rs]}"], "fmv.w.x", ("f", fd))

    def b_fmvxw(self) -> Block:
        rd = self.rd()
        return Block([f"fmv.x.w {XABI[rd]}, {FABI[self.freg()]}"], "fmv.x.w", ("x", rd))

    def b_farith(self) -> Block:
        lines: list[str] = []
        op = self.rng.choice(["fadd.s", "fsub.s", "fmul.s", "fdiv.s", "fsqrt.s",
                              "fmin.s", "fmax.s", "fadd.s", "fmul.s"])
        a = self._fsrc(lines)
        fd = self.freg()
        if op == "fsqrt.s":
            rm = self.rm()
            self.maybe_set_frm(lines, rm)
            lines.append(f"fsqrt.s {FABI[fd]}, {FABI[a]}, {rm}")
        else:
            b = a if self.chance(0.1) else self._fsrc(lines)
            if op in ("fmin.s", "fmax.s"):
                lines.append(f"{op} {FABI[fd]}, {FABI[a]}, {FABI[b]}")
            else:
                rm = self.rm()
                self.maybe_set_frm(lines, rm)
                lines.append(f"{op} {FABI[fd]}, {FABI[a]}, {FABI[b]}, {rm}")
        return Block(lines, "farith", ("f", fd))

    def b_ffma(self) -> Block:
        lines: list[str] = []
        op = self.rng.choice(["fmadd.s", "fmsub.s", "fnmadd.s", "fnmsub.s"])
        fd = self.freg()
        if self.chance(0.15):
            # inf * 0 + (q)NaN, and friends
            a, b, c = self.rng.sample(range(32), 3)
            va = self.rng.choice([0x7F800000, 0xFF800000, 0, 0x80000000])
            vb = self.rng.choice([0, 0x80000000, 0x7F800000]) if va in (0x7F800000, 0xFF800000) \
                else self.rng.choice([0x7F800000, 0xFF800000])
            vc = self.rng.choice([0x7FC00000, 0x7F800001, 0x3F800000, 0xFF800000])
            lines += self.set_f(a, va) + self.set_f(b, vb) + self.set_f(c, vc)
        elif self.chance(0.15):
            # cancellation: c ~= -(a*b)
            a, b, c = self.rng.sample(range(32), 3)
            fa, fb = self.f_value(), self.f_value()
            try:
                x, y = struct.unpack("<ff", struct.pack("<II", fa, fb))
                pc = struct.unpack("<I", struct.pack("<f", -(x * y)))[0]
            except (OverflowError, struct.error):
                pc = self.f_value()
            pc ^= self.rng.choice([0, 0, 1, 2, 0x80000000])
            lines += self.set_f(a, fa) + self.set_f(b, fb) + self.set_f(c, pc)
        else:
            a, b, c = self._fsrc(lines, 0.4), self._fsrc(lines, 0.4), self._fsrc(lines, 0.4)
        rm = self.rm()
        self.maybe_set_frm(lines, rm)
        lines.append(f"{op} {FABI[fd]}, {FABI[a]}, {FABI[b]}, {FABI[c]}, {rm}")
        return Block(lines, "ffma", ("f", fd))

    def b_fcmp(self) -> Block:
        lines: list[str] = []
        op = self.rng.choice(["feq.s", "flt.s", "fle.s"])
        a = self._fsrc(lines)
        b = a if self.chance(0.15) else self._fsrc(lines)
        rd = self.rd()
        lines.append(f"{op} {XABI[rd]}, {FABI[a]}, {FABI[b]}")
        return Block(lines, "fcmp", ("x", rd))

    def b_fclass(self) -> Block:
        lines: list[str] = []
        a = self._fsrc(lines, 0.7)
        rd = self.rd()
        lines.append(f"fclass.s {XABI[rd]}, {FABI[a]}")
        return Block(lines, "fclass", ("x", rd))

    def b_fcvt_to_int(self) -> Block:
        lines: list[str] = []
        op = self.rng.choice(["fcvt.w.s", "fcvt.wu.s"])
        a = self._fsrc(lines, 0.7)
        rd = self.rd()
        rm = self.rm()
        self.maybe_set_frm(lines, rm)
        lines.append(f"{op} {XABI[rd]}, {FABI[a]}, {rm}")
        return Block(lines, "fcvt.x", ("x", rd))

    def b_fcvt_from_int(self) -> Block:
        lines: list[str] = []
        op = self.rng.choice(["fcvt.s.w", "fcvt.s.wu"])
        rs = self.rs()
        if self.chance(0.6):
            rs = self.wreg()
            lines.append(self.li(rs, self.int_value()))
        fd = self.freg()
        rm = self.rm()
        self.maybe_set_frm(lines, rm)
        lines.append(f"{op} {FABI[fd]}, {XABI[rs]}, {rm}")
        return Block(lines, "fcvt.s", ("f", fd))

    def b_fsgnj(self) -> Block:
        lines: list[str] = []
        fd = self.freg()
        k = self.rng.randrange(6)
        a = self._fsrc(lines, 0.4)
        if k < 3:
            op = ["fsgnj.s", "fsgnjn.s", "fsgnjx.s"][k]
            b = a if self.chance(0.2) else self._fsrc(lines, 0.4)
            lines.append(f"{op} {FABI[fd]}, {FABI[a]}, {FABI[b]}")
        else:
            op = ["fmv.s", "fneg.s", "fabs.s"][k - 3]
            lines.append(f"{op} {FABI[fd]}, {FABI[a]}")
        return Block(lines, "fsgnj", ("f", fd))

    def b_fcsr(self) -> Block:
        """Reads and writes of fflags / frm / fcsr.  frm stays valid (0..4)."""
        lines: list[str] = []
        rd = self.rd()
        k = self.rng.randrange(16)
        t = self.wreg()
        if k == 0:
            lines.append(f"csrr {XABI[rd]}, {self.rng.choice(['fflags', 'frm', 'fcsr'])}")
        elif k == 1:
            lines.append(f"csrw fflags, {XABI[self.rs()]}")
            lines.append(f"frflags {XABI[rd]}")
        elif k == 2:
            lines.append(f"csrwi fflags, {self.rng.randrange(32)}")
            lines.append(f"csrr {XABI[rd]}, fcsr")
        elif k == 3:
            op = self.rng.choice(["csrrw", "csrrs", "csrrc"])
            lines.append(f"{op} {XABI[rd]}, fflags, {XABI[self.rs()]}")
        elif k == 4:
            op = self.rng.choice(["csrrwi", "csrrsi", "csrrci"])
            lines.append(f"{op} {XABI[rd]}, fflags, {self.rng.randrange(32)}")
        elif k == 5:
            lines.append(self.li(t, (self.rng.getrandbits(29) << 3) | self.rng.randrange(5)))
            lines.append(f"csrrw {XABI[rd]}, frm, {XABI[t]}")
        elif k == 6:
            lines.append(f"csrrwi {XABI[rd]}, frm, {self.rng.randrange(5)}")
        elif k == 7:
            lines.append(f"csrrci {XABI[rd]}, frm, {self.rng.randrange(32)}")
        elif k == 8:
            lines.append(f"csrrc {XABI[rd]}, frm, {XABI[self.rs()]}")
        elif k == 9:
            v = (self.rng.getrandbits(32) & ~0xE0) | (self.rng.randrange(5) << 5)
            lines.append(self.li(t, v))
            lines.append(f"csrrw {XABI[rd]}, fcsr, {XABI[t]}")
        elif k == 10:
            v = self.rng.getrandbits(32) & ~0xE0
            lines.append(self.li(t, v))
            lines.append(f"csrrs {XABI[rd]}, fcsr, {XABI[t]}")
        elif k == 11:
            lines.append(f"csrrc {XABI[rd]}, fcsr, {XABI[self.rs()]}")
        elif k == 12:
            lines.append(f"fsflags {XABI[rd]}, {XABI[self.rs()]}")
        elif k == 13:
            lines.append(f"fsflagsi {XABI[rd]}, {self.rng.randrange(32)}")
        elif k == 14:
            # An out-of-range frm may be written and read back; only dynamic-rm
            # instructions would trap, and none runs before frm is made valid.
            lines.append(self.li(t, (self.rng.getrandbits(29) << 3) | self.rng.randrange(5, 8)))
            lines.append(f"csrw frm, {XABI[t]}")
            if self.chance(0.5):
                # static rounding modes stay legal meanwhile
                a, b = self.freg(), self.freg()
                fd = self.freg()
                lines.append(f"fadd.s {FABI[fd]}, {FABI[a]}, {FABI[b]}, {self.rng.choice(RMS)}")
            lines.append(f"csrr {XABI[rd]}, {self.rng.choice(['frm', 'fcsr'])}")
            lines.append(f"csrwi frm, {self.rng.randrange(5)}")
        else:
            lines.append(f"fsrmi {XABI[rd]}, {self.rng.randrange(5)}")
        return Block(lines, "fcsr", ("x", rd))

    KINDS = [
        ("b_alu_r", 10), ("b_alu_i", 10), ("b_upper", 3), ("b_li", 2), ("b_mul", 8),
        ("b_load", 7), ("b_store", 5), ("b_branch", 6), ("b_cbranch", 3), ("b_compressed", 8),
        ("b_fset", 4), ("b_fmvxw", 2), ("b_farith", 12), ("b_ffma", 6), ("b_fcmp", 4),
        ("b_fclass", 3), ("b_fcvt_to_int", 6), ("b_fcvt_from_int", 4), ("b_fsgnj", 3),
        ("b_flw_fsw", 4), ("b_fcsr", 6),
    ]

    # -- program assembly --------------------------------------------------
    def generate(self) -> str:
        kinds = self.KINDS + [(f"b_{e}", 8) for e in self.extensions]
        names = [k for k, _ in kinds]
        weights = [w for _, w in kinds]
        count = 0
        while count < self.length:
            blk = getattr(self, self.rng.choices(names, weights)[0])()
            blk.ninsn = len(blk.lines)
            count += blk.ninsn
            self.blocks.append(blk)
        n = len(self.blocks)
        for i, blk in enumerate(self.blocks):
            if blk.target is not None:
                blk.target = min(n, i + 1 + self.rng.randint(0, blk.max_skip))
        return self.render()

    def render(self) -> str:
        rng = self.rng
        n = len(self.blocks)
        targets = {b.target for b in self.blocks if b.target is not None}
        out: list[str] = []
        w = out.append
        w(f"# qemudiff random program, seed {self.seed}, {n} blocks")
        w("# Generated by Tests/qemudiff/qemudiff.py; do not edit.")
        w("")
        w("  .macro PUTC reg")
        w("  la t6, tohost")
        w("  sw \\reg, 0(t6)")
        w("  li t5, 0x01010000")
        w("  sw t5, 4(t6)")
        w("  .endm")
        w("")
        w('  .section .text.init,"ax",@progbits')
        w("  .globl _start")
        w("_start:")
        w("  csrr t0, mhartid")
        w("  bnez t0, park")
        w("  la t0, trap_handler")
        w("  csrw mtvec, t0")
        w("  li t0, 0x2000          # mstatus.FS = Initial (QEMU traps FP with FS = Off)")
        w("  csrs mstatus, t0")
        w("  la sp, scratch")
        w(f"  la s0, scratch+{S0_OFF}")
        w("  la tp, log_area")
        w("  # random initial state")
        for r in WRITABLE:
            w("  " + self.li(r, self.int_value()))
        for f in range(32):
            v = self.f_value()
            w(f"  li gp, {s32(v)}")
            w(f"  fmv.w.x {FABI[f]}, gp")
        fcsr = (rng.randrange(5) << 5) | rng.randrange(32)
        w(f"  li gp, {fcsr}")
        w("  fscsr gp")
        w(f"  li gp, {s32(self.int_value())}")
        w("  # ---- body ----")
        for i, blk in enumerate(self.blocks):
            if i in targets:
                w(f"L{i}:")
            w(f"# b{i} {blk.kind}")
            for line in blk.lines:
                if "@T" in line:
                    line = line.replace("@T", f"L{blk.target}")
                w("  " + line)
            if blk.log is not None:
                kind, reg = blk.log
                if kind == "x":
                    w(f"  sw {XABI[reg]}, 4(tp)   # log")
                else:
                    w(f"  fsw {FABI[reg]}, 4(tp)   # log")
                if self.chance(0.5):
                    w("  fsflags gp, zero   # log")
                else:
                    w("  frflags gp   # log")
                w("  sw gp, 8(tp)   # log")
                w(f"  li gp, {i}   # log")
                w("  sw gp, 0(tp)   # log")
                w(f"  addi tp, tp, {LOG_ENTRY}   # log")
        if n in targets:
            w(f"L{n}:")
        w("  # ---- end of body ----")
        w("  j epilogue")
        w("")
        w(EPILOGUE)
        nlog = sum(1 for b in self.blocks if b.log is not None)
        w("  .data")
        w("  .balign 64")
        w("  .globl scratch")
        w("scratch:")
        data = [rng.getrandbits(8) for _ in range(SCRATCH_SIZE)]
        for i in range(0, SCRATCH_SIZE, 16):
            w("  .byte " + ", ".join(f"0x{b:02x}" for b in data[i:i + 16]))
        w("save_area:            # scratch+256: x0..x31, fcsr, f0..f31")
        w("  .space 260")
        w("  .balign 64")
        w("log_area:")
        w(f"  .space {max(1, nlog) * LOG_ENTRY}")
        w("log_area_end:")
        w("strings:")
        for r in range(1, 32):
            w(f'S_x{r}: .asciz "x{r}"')
        for f in range(32):
            w(f'S_f{f}: .asciz "f{f}"')
        w('S_fcsr: .asciz "fcsr"')
        w('S_trap: .asciz "TRAP"')
        w('S_end: .asciz "END\\n"')
        w("")
        w('  .section .tohost,"aw",@progbits')
        w("  .balign 64")
        w("  .globl tohost")
        w("tohost: .dword 0")
        w("  .size tohost, 8")
        w("  .balign 64")
        w("  .globl fromhost")
        w("fromhost: .dword 0")
        w("  .size fromhost, 8")
        return "\n".join(out) + "\n"


def _epilogue() -> str:
    e: list[str] = []
    w = e.append
    w("# ---- epilogue: save everything, then print it over the HTIF console ----")
    w("epilogue:")
    for r in range(1, 32):
        w(f"  sw x{r}, {256 + 4 * r}(sp)")
    w("  csrr t0, fcsr")
    w("  sw t0, 384(sp)")
    for f in range(32):
        w(f"  fsw f{f}, {388 + 4 * f}(sp)")
    w("  # result log: L <block id> <value> <fflags>")
    w("  la s1, log_area")
    w("  lw s2, 272(sp)      # saved tp = log end")
    w("1:")
    w("  bgeu s1, s2, 2f")
    w("  li a3, 'L'")
    w("  PUTC a3")
    w("  lw a1, 0(s1)")
    w("  jal print_word")
    w("  lw a1, 4(s1)")
    w("  jal print_word")
    w("  lw a1, 8(s1)")
    w("  jal print_word")
    w("  jal print_nl")
    w(f"  addi s1, s1, {LOG_ENTRY}")
    w("  j 1b")
    w("2:")
    for r in range(1, 32):
        w(f"  la a0, S_x{r}")
        w("  jal print_str")
        w(f"  lw a1, {256 + 4 * r}(sp)")
        w("  jal print_word")
        w("  jal print_nl")
    for f in range(32):
        w(f"  la a0, S_f{f}")
        w("  jal print_str")
        w(f"  lw a1, {388 + 4 * f}(sp)")
        w("  jal print_word")
        w("  jal print_nl")
    w("  la a0, S_fcsr")
    w("  jal print_str")
    w("  lw a1, 384(sp)")
    w("  jal print_word")
    w("  jal print_nl")
    w("  # scratch memory: m <offset> <word>")
    w("  li s1, 0")
    w("3:")
    w("  li a3, 'm'")
    w("  PUTC a3")
    w("  mv a1, s1")
    w("  jal print_word")
    w("  add a2, sp, s1")
    w("  lw a1, 0(a2)")
    w("  jal print_word")
    w("  jal print_nl")
    w("  addi s1, s1, 4")
    w(f"  li a2, {SCRATCH_SIZE}")
    w("  blt s1, a2, 3b")
    w("  la a0, S_end")
    w("  jal print_str")
    w("  li a0, 0")
    w("exit:                 # a0 = exit code")
    w("  slli a0, a0, 1")
    w("  ori a0, a0, 1")
    w("  la t6, tohost")
    w("  sw a0, 0(t6)")
    w("  sw zero, 4(t6)")
    w("4: j 4b")
    w("")
    w("park:                 # other harts (if the simulator starts several)")
    w("  wfi")
    w("  j park")
    w("")
    w("  .balign 4")
    w("trap_handler:         # unexpected trap: print TRAP mcause mepc mtval, exit 3")
    w("  la a0, S_trap")
    w("  jal print_str")
    w("  csrr a1, mcause")
    w("  jal print_word")
    w("  csrr a1, mepc")
    w("  jal print_word")
    w("  csrr a1, mtval")
    w("  jal print_word")
    w("  jal print_nl")
    w("  li a0, 3")
    w("  j exit")
    w("")
    w("print_str:            # a0 = NUL-terminated string; clobbers a0, a3, t5, t6")
    w("  lbu a3, 0(a0)")
    w("  beqz a3, 1f")
    w("  PUTC a3")
    w("  addi a0, a0, 1")
    w("  j print_str")
    w("1: ret")
    w("print_word:           # ' ' + a1 as 8 hex digits; clobbers a2, a3, a4, t5, t6")
    w("  li a3, ' '")
    w("  PUTC a3")
    w("  li a2, 28")
    w("1:")
    w("  srl a3, a1, a2")
    w("  andi a3, a3, 15")
    w("  li a4, 10")
    w("  blt a3, a4, 2f")
    w("  addi a3, a3, 'a' - '0' - 10")
    w("2:")
    w("  addi a3, a3, '0'")
    w("  PUTC a3")
    w("  addi a2, a2, -4")
    w("  bgez a2, 1b")
    w("  ret")
    w("print_nl:")
    w("  li a3, '\\n'")
    w("  PUTC a3")
    w("  ret")
    w("")
    return "\n".join(e)


EPILOGUE = _epilogue()

LINKER_SCRIPT = """\
/* qemudiff: minimal bare-metal layout for the spike platform (RAM at 0x80000000). */
OUTPUT_ARCH(riscv)
ENTRY(_start)
SECTIONS
{
  . = 0x80000000;
  .text : { *(.text.init) *(.text .text.*) }
  . = ALIGN(0x1000);
  .tohost : { *(.tohost) }
  . = ALIGN(0x1000);
  .data : { *(.data .data.* .sdata .sdata.* .rodata .rodata.*) }
  .bss : { *(.bss .bss.* .sbss .sbss.* COMMON) }
  _end = .;
}
"""


def generate_program(seed: int, length: int, extensions: tuple[str, ...] = ()) -> str:
    return Generator(seed, length, extensions).generate()


# ---------------------------------------------------------------------------
# Known-answer checks: directed cases whose results the RISC-V spec fixes.
# They check the oracle itself (and, in diff mode, pulpsim) on the corners
# where emulators most often deviate.

NV, DZ, OF, UF, NX = 16, 8, 4, 2, 1
P1, M1, HALF, TWO = 0x3F800000, 0xBF800000, 0x3F000000, 0x40000000
PINF, MINF, QNAN, SNAN, PZ, MZ = 0x7F800000, 0xFF800000, 0x7FC00000, 0x7F800001, 0, 0x80000000
FMAX, MINN = 0x7F7FFFFF, 0x00800000

# (text, op, f sources, x sources, expected value, expected fflags)
# F-result ops write fa0, X-result ops write a0; sources are ft0.. / t0..
KAT_CASES: list[tuple[str, str, list[int], list[int], int, int]] = [
    ("fmin sNaN,1 -> 1, NV", "fmin.s fa0, ft0, ft1", [SNAN, P1], [], P1, NV),
    ("fmax 1,sNaN -> 1, NV", "fmax.s fa0, ft0, ft1", [P1, SNAN], [], P1, NV),
    ("fmin qNaN,-1 -> -1", "fmin.s fa0, ft0, ft1", [0x7FC12345, M1], [], M1, 0),
    ("fmax qNaN,qNaN -> canonical", "fmax.s fa0, ft0, ft1", [0xFFC00001, 0x7FC00002], [], QNAN, 0),
    ("fmin sNaN,sNaN -> canonical, NV", "fmin.s fa0, ft0, ft1", [SNAN, 0xFF800002], [], QNAN, NV),
    ("fmin -0,+0 -> -0", "fmin.s fa0, ft0, ft1", [PZ, MZ], [], MZ, 0),
    ("fmax -0,+0 -> +0", "fmax.s fa0, ft0, ft1", [MZ, PZ], [], PZ, 0),
    ("fmadd inf*0+qNaN -> canonical, NV", "fmadd.s fa0, ft0, ft1, ft2, rne", [PINF, PZ, QNAN], [], QNAN, NV),
    ("fmadd 0*inf+qNaN -> canonical, NV", "fmadd.s fa0, ft0, ft1, ft2, rne", [MZ, MINF, 0x7FC12345], [], QNAN, NV),
    ("fmadd 1*1+sNaN -> canonical, NV", "fmadd.s fa0, ft0, ft1, ft2, rne", [P1, P1, SNAN], [], QNAN, NV),
    ("fnmsub 1*1-1 rdn -> -0", "fnmsub.s fa0, ft0, ft1, ft2, rdn", [P1, P1, P1], [], MZ, 0),
    ("fmadd 1*1-1 rne -> +0", "fmadd.s fa0, ft0, ft1, ft2, rne", [P1, P1, M1], [], PZ, 0),
    ("fmadd 1*1-1 rdn -> -0", "fmadd.s fa0, ft0, ft1, ft2, rdn", [P1, P1, M1], [], MZ, 0),
    ("fadd qNaN payload -> canonical", "fadd.s fa0, ft0, ft1, rne", [0x7FC12345, P1], [], QNAN, 0),
    ("fadd inf-inf -> canonical, NV", "fsub.s fa0, ft0, ft1, rne", [PINF, PINF], [], QNAN, NV),
    ("fadd -0+-0 -> -0", "fadd.s fa0, ft0, ft1, rne", [MZ, MZ], [], MZ, 0),
    ("fadd x-x rdn -> -0", "fsub.s fa0, ft0, ft1, rdn", [P1, P1], [], MZ, 0),
    ("fdiv 1/0 -> inf, DZ", "fdiv.s fa0, ft0, ft1, rne", [P1, PZ], [], PINF, DZ),
    ("fdiv -1/+0 -> -inf, DZ", "fdiv.s fa0, ft0, ft1, rne", [M1, PZ], [], MINF, DZ),
    ("fdiv 0/0 -> canonical, NV", "fdiv.s fa0, ft0, ft1, rne", [PZ, PZ], [], QNAN, NV),
    ("fdiv inf/0 -> inf, no DZ", "fdiv.s fa0, ft0, ft1, rne", [PINF, PZ], [], PINF, 0),
    ("fsqrt -0 -> -0", "fsqrt.s fa0, ft0, rne", [MZ], [], MZ, 0),
    ("fsqrt -1 -> canonical, NV", "fsqrt.s fa0, ft0, rne", [M1], [], QNAN, NV),
    ("fsqrt 2 rne", "fsqrt.s fa0, ft0, rne", [TWO], [], 0x3FB504F3, NX),
    ("fsqrt 2 rtz", "fsqrt.s fa0, ft0, rtz", [TWO], [], 0x3FB504F3, NX),
    ("fsqrt 2 rup", "fsqrt.s fa0, ft0, rup", [TWO], [], 0x3FB504F4, NX),
    ("fmul overflow rne -> inf", "fmul.s fa0, ft0, ft1, rne", [FMAX, TWO], [], PINF, OF | NX),
    ("fmul overflow rtz -> max", "fmul.s fa0, ft0, ft1, rtz", [FMAX, TWO], [], FMAX, OF | NX),
    ("fmul -overflow rup -> -max", "fmul.s fa0, ft0, ft1, rup", [FMAX | MZ, TWO], [], FMAX | MZ, OF | NX),
    ("fmul -overflow rmm -> -inf", "fmul.s fa0, ft0, ft1, rmm", [FMAX | MZ, TWO], [], MINF, OF | NX),
    ("tininess after rounding: no UF", "fmul.s fa0, ft0, ft1, rne", [0x3F7FFFFE, 0x00800001], [], MINN, NX),
    ("tiny inexact -> UF|NX", "fmul.s fa0, ft0, ft1, rne", [HALF, 0x00800001], [], 0x00400000, UF | NX),
    ("tiny exact -> no UF", "fmul.s fa0, ft0, ft1, rne", [HALF, 0x00800002], [], 0x00400001, 0),
    ("subnormal rdn", "fmul.s fa0, ft0, ft1, rdn", [HALF, 0x80000001], [], 0x80000001, UF | NX),
    ("subnormal rup -> min subnormal", "fmul.s fa0, ft0, ft1, rup", [HALF, 0x00000001], [], 1, UF | NX),
    ("subnormal rne -> 0", "fmul.s fa0, ft0, ft1, rne", [HALF, 0x00000001], [], 0, UF | NX),
    ("subnormal rmm -> min subnormal", "fmul.s fa0, ft0, ft1, rmm", [HALF, 0x00000001], [], 1, UF | NX),
    ("fcvt.w NaN -> INT_MAX, NV", "fcvt.w.s a0, ft0, rtz", [0xFFC00000], [], 0x7FFFFFFF, NV),
    ("fcvt.w +inf -> INT_MAX, NV", "fcvt.w.s a0, ft0, rtz", [PINF], [], 0x7FFFFFFF, NV),
    ("fcvt.w -inf -> INT_MIN, NV", "fcvt.w.s a0, ft0, rtz", [MINF], [], 0x80000000, NV),
    ("fcvt.w 2^31 -> INT_MAX, NV", "fcvt.w.s a0, ft0, rtz", [0x4F000000], [], 0x7FFFFFFF, NV),
    ("fcvt.w -2^31 -> INT_MIN", "fcvt.w.s a0, ft0, rtz", [0xCF000000], [], 0x80000000, 0),
    ("fcvt.w -1.5 rne -> -2", "fcvt.w.s a0, ft0, rne", [0xBFC00000], [], 0xFFFFFFFE, NX),
    ("fcvt.w 2.5 rne -> 2", "fcvt.w.s a0, ft0, rne", [0x40200000], [], 2, NX),
    ("fcvt.w 2.5 rmm -> 3", "fcvt.w.s a0, ft0, rmm", [0x40200000], [], 3, NX),
    ("fcvt.w -2.5 rmm -> -3", "fcvt.w.s a0, ft0, rmm", [0xC0200000], [], 0xFFFFFFFD, NX),
    ("fcvt.w -0.5 rup -> 0", "fcvt.w.s a0, ft0, rup", [0xBF000000], [], 0, NX),
    ("fcvt.wu NaN -> UINT_MAX, NV", "fcvt.wu.s a0, ft0, rtz", [QNAN], [], 0xFFFFFFFF, NV),
    ("fcvt.wu -inf -> 0, NV", "fcvt.wu.s a0, ft0, rtz", [MINF], [], 0, NV),
    ("fcvt.wu -1 -> 0, NV", "fcvt.wu.s a0, ft0, rtz", [M1], [], 0, NV),
    ("fcvt.wu -0.5 rtz -> 0, NX", "fcvt.wu.s a0, ft0, rtz", [0xBF000000], [], 0, NX),
    ("fcvt.wu -0.5 rdn -> 0, NV", "fcvt.wu.s a0, ft0, rdn", [0xBF000000], [], 0, NV),
    ("fcvt.wu 2^32 -> UINT_MAX, NV", "fcvt.wu.s a0, ft0, rtz", [0x4F800000], [], 0xFFFFFFFF, NV),
    ("fcvt.wu 0x4f7fffff", "fcvt.wu.s a0, ft0, rtz", [0x4F7FFFFF], [], 0xFFFFFF00, 0),
    ("fcvt.s.w INT_MAX rne", "fcvt.s.w fa0, t0, rne", [], [0x7FFFFFFF], 0x4F000000, NX),
    ("fcvt.s.w INT_MAX rtz", "fcvt.s.w fa0, t0, rtz", [], [0x7FFFFFFF], 0x4EFFFFFF, NX),
    ("fcvt.s.w INT_MIN", "fcvt.s.w fa0, t0, rne", [], [0x80000000], 0xCF000000, 0),
    ("fcvt.s.wu UINT_MAX rdn", "fcvt.s.wu fa0, t0, rdn", [], [0xFFFFFFFF], 0x4F7FFFFF, NX),
    ("fcvt.s.w 0 -> +0", "fcvt.s.w fa0, t0, rdn", [], [0], PZ, 0),
    ("feq sNaN -> 0, NV", "feq.s a0, ft0, ft1", [SNAN, SNAN], [], 0, NV),
    ("feq qNaN -> 0, no flag", "feq.s a0, ft0, ft1", [QNAN, QNAN], [], 0, 0),
    ("flt qNaN -> 0, NV", "flt.s a0, ft0, ft1", [QNAN, P1], [], 0, NV),
    ("fle -0,+0 -> 1", "fle.s a0, ft0, ft1", [MZ, PZ], [], 1, 0),
    ("flt -0,+0 -> 0", "flt.s a0, ft0, ft1", [MZ, PZ], [], 0, 0),
    ("feq -0,+0 -> 1", "feq.s a0, ft0, ft1", [MZ, PZ], [], 1, 0),
    ("fclass -inf", "fclass.s a0, ft0", [MINF], [], 1 << 0, 0),
    ("fclass -normal", "fclass.s a0, ft0", [M1], [], 1 << 1, 0),
    ("fclass -subnormal", "fclass.s a0, ft0", [0x80000001], [], 1 << 2, 0),
    ("fclass -0", "fclass.s a0, ft0", [MZ], [], 1 << 3, 0),
    ("fclass +0", "fclass.s a0, ft0", [PZ], [], 1 << 4, 0),
    ("fclass +subnormal", "fclass.s a0, ft0", [0x007FFFFF], [], 1 << 5, 0),
    ("fclass +normal", "fclass.s a0, ft0", [FMAX], [], 1 << 6, 0),
    ("fclass +inf", "fclass.s a0, ft0", [PINF], [], 1 << 7, 0),
    ("fclass sNaN", "fclass.s a0, ft0", [0xFFBFFFFF], [], 1 << 8, 0),
    ("fclass qNaN", "fclass.s a0, ft0", [0xFFC00000], [], 1 << 9, 0),
    ("fsgnjn keeps NaN payload", "fsgnjn.s fa0, ft0, ft0", [0x7FC12345], [], 0xFFC12345, 0),
    ("fsgnjx sNaN no flags", "fsgnjx.s fa0, ft0, ft1", [SNAN, M1], [], SNAN | MZ, 0),
    ("fmv.x.w keeps sNaN", "fmv.x.w a0, ft0", [0x7FA00001], [], 0x7FA00001, 0),
    ("div INT_MIN/-1", "div a0, t0, t1", [], [0x80000000, 0xFFFFFFFF], 0x80000000, 0),
    ("rem INT_MIN/-1", "rem a0, t0, t1", [], [0x80000000, 0xFFFFFFFF], 0, 0),
    ("div x/0 -> -1", "div a0, t0, t1", [], [1234, 0], 0xFFFFFFFF, 0),
    ("divu x/0 -> max", "divu a0, t0, t1", [], [1234, 0], 0xFFFFFFFF, 0),
    ("rem x/0 -> x", "rem a0, t0, t1", [], [0xFFFFFB2E, 0], 0xFFFFFB2E, 0),
    ("remu x/0 -> x", "remu a0, t0, t1", [], [1234, 0], 1234, 0),
    ("mulh -1*-1", "mulh a0, t0, t1", [], [0xFFFFFFFF, 0xFFFFFFFF], 0, 0),
    ("mulhsu -1*UINT_MAX", "mulhsu a0, t0, t1", [], [0xFFFFFFFF, 0xFFFFFFFF], 0xFFFFFFFF, 0),
    ("mulhu max*max", "mulhu a0, t0, t1", [], [0xFFFFFFFF, 0xFFFFFFFF], 0xFFFFFFFE, 0),
    ("misaligned lw +1", "lw a0, 1(s0)", [], [], 0x05040302, 0),
    ("misaligned lw +3 (crosses word)", "lw a0, 3(s0)", [], [], 0x07060504, 0),
    ("misaligned lh +1", "lh a0, 1(s0)", [], [], 0x00000302, 0),
    ("misaligned lhu +3 (crosses word)", "lhu a0, 3(s0)", [], [], 0x00000504, 0),
    ("misaligned lh +3 sign", "sb t0, 4(s0); lh a0, 3(s0)", [], [0x80], 0xFFFF8004, 0),
    ("misaligned sw +2 then lw", "sw t0, 2(s0); lw a0, 2(s0)", [], [0xCAFEBABE], 0xCAFEBABE, 0),
    ("misaligned sh +3 then lw +0", "sh t0, 3(s0); lw a0, 0(s0)", [], [0xBEEF], 0xEF030201, 0),
    ("misaligned sh +3 then lw +4", "sh t0, 3(s0); lw a0, 4(s0)", [], [0xBEEF], 0x080706BE, 0),
    ("misaligned flw +3", "flw fa0, 3(s0)", [], [], 0x07060504, 0),
    ("misaligned fsw +1 then lw", "fsw ft0, 1(s0); lw a0, 0(s0)", [P1], [], 0x80000001, 0),
    ("frm holds 5..7 when written", "csrwi frm, 6; csrr a0, fcsr; csrwi frm, 0", [], [], 0xC0, 0),
    ("fcsr ignores bits above 7", "csrw fcsr, t0; csrr a0, fcsr; csrwi frm, 0", [], [0xFFFFFF9F], 0x9F, 0x1F),
]


def kat_program() -> str:
    g = Generator(0, 0)
    for text, op, fsrc, xsrc, _, _ in KAT_CASES:
        lines = []
        for i, v in enumerate(fsrc):
            lines += [f"li gp, {s32(v)}", f"fmv.w.x ft{i}, gp"]
        for i, v in enumerate(xsrc):
            lines.append(f"li t{i}, {s32(v)}")
        if op.startswith(("lw", "lh", "flw", "sw", "sh")):
            # scratch[128..] = 01 02 03 ... (s0 = scratch + 128)
            lines += ["li gp, 0x04030201", "sw gp, 0(s0)", "li gp, 0x08070605", "sw gp, 4(s0)"]
        lines.append("csrwi fflags, 0")
        lines += [x.strip() for x in op.split(";")]
        res = ("f", 10) if op.split()[1].startswith("f") and not op.startswith("fsw") else ("x", 10)
        if op.startswith("csr"):
            res = ("x", 10)
        g.blocks.append(Block(lines, "kat: " + text, res))
    return g.render().replace("fsflags gp, zero   # log", "frflags gp   # log")


def run_kat(args: argparse.Namespace) -> int:
    wd = tempfile.mkdtemp(prefix="qemudiff-kat-")
    try:
        with open(os.path.join(wd, "prog.s"), "w") as f:
            f.write(kat_program())
        with open(os.path.join(wd, "link.ld"), "w") as f:
            f.write(LINKER_SCRIPT)
        c = run_cmd(compile_cmd("prog.s", "link.ld", "prog.elf", args.extensions), 120, cwd=wd)
        if c.rc != 0:
            print(c.err)
            print(f"0 passed, {len(KAT_CASES)} failed")
            return 1
        sims = [("qemu", qemu_cmd(os.path.join(wd, "prog.elf")))]
        if not args.qemu_only:
            sims.append(("pulpsim", pulpsim_cmd(args.pulpsim, args.pulpsim_arg,
                                                os.path.join(wd, "prog.elf"))))
        passed = failed = 0
        for name, cmd in sims:
            r = run_cmd(cmd, args.timeout)
            p = parse_output(r.out)
            if r.rc != 0 or not p.ok or len(p.log) != len(KAT_CASES):
                print(f"{name}: {r.status()}, output problem: {p.error or 'log length'}")
                failed += len(KAT_CASES)
                continue
            for (text, op, _, _, want, wflags), (bid, val, flags) in zip(KAT_CASES, p.log):
                if val == want and flags == wflags:
                    passed += 1
                    continue
                failed += 1
                print(f"{name}: KAT '{text}' [{op}]: got {val:08x} {fflags_str(flags)}, "
                      f"want {want:08x} {fflags_str(wflags)}")
        if args.keep:
            print(f"KAT program kept in {wd}")
        print(f"{passed} passed, {failed} failed")
        return 0 if failed == 0 else 1
    finally:
        if not args.keep:
            shutil.rmtree(wd, ignore_errors=True)


# ---------------------------------------------------------------------------
# Output parsing

HEX8 = re.compile(r"^[0-9a-f]{8}$")


@dataclass
class Parsed:
    ok: bool
    error: str = ""
    log: list[tuple[int, int, int]] = field(default_factory=list)
    regs: dict[str, int] = field(default_factory=dict)
    mem: dict[int, int] = field(default_factory=dict)
    trap: tuple[int, int, int] | None = None


def parse_output(text: str) -> Parsed:
    p = Parsed(ok=False)
    lines = text.split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    try:
        for i, line in enumerate(lines):
            t = line.split()
            if not t:
                raise ValueError(f"line {i + 1}: empty")
            for h in t[1:]:
                if not HEX8.match(h):
                    raise ValueError(f"line {i + 1}: bad hex {h!r}")
            v = [int(h, 16) for h in t[1:]]
            if t[0] == "L" and len(v) == 3:
                p.log.append((v[0], v[1], v[2]))
            elif t[0] == "m" and len(v) == 2:
                p.mem[v[0]] = v[1]
            elif t[0] == "TRAP" and len(v) == 3:
                p.trap = (v[0], v[1], v[2])
            elif re.fullmatch(r"x([1-9]|[12][0-9]|3[01])|f([0-9]|[12][0-9]|3[01])|fcsr", t[0]) \
                    and len(v) == 1:
                p.regs[t[0]] = v[0]
            elif t[0] == "END" and not v and i == len(lines) - 1:
                pass
            else:
                raise ValueError(f"line {i + 1}: unexpected {line!r}")
        if p.trap is not None:
            raise ValueError("program trapped: mcause=%08x mepc=%08x mtval=%08x" % p.trap)
        if not lines or lines[-1] != "END":
            raise ValueError("missing END line (output truncated?)")
        want = {f"x{r}" for r in range(1, 32)} | {f"f{r}" for r in range(32)} | {"fcsr"}
        if set(p.regs) != want:
            raise ValueError(f"register dump incomplete: missing {sorted(want - set(p.regs))}")
        if sorted(p.mem) != list(range(0, SCRATCH_SIZE, 4)):
            raise ValueError("memory dump incomplete")
        if p.regs["fcsr"] & ~0xFF:
            raise ValueError("fcsr has bits above 7 set")
    except ValueError as e:
        p.error = str(e)
        return p
    p.ok = True
    return p


FFLAG_NAMES = [(16, "NV"), (8, "DZ"), (4, "OF"), (2, "UF"), (1, "NX")]


def fflags_str(v: int) -> str:
    s = "|".join(n for b, n in FFLAG_NAMES if v & b)
    return f"{v:#04x}" + (f"({s})" if s else "")


def block_text(prog: str, bid: int) -> str:
    """The source lines of block `bid` of a generated program (without logging)."""
    out: list[str] = []
    inside = False
    for line in prog.split("\n"):
        if line.startswith("# b"):
            if inside:
                break
            inside = line.split()[1] == f"b{bid}"
            continue
        if inside:
            if "# log" in line or line.endswith(":"):
                if "# log" in line:
                    break
                continue
            out.append(line.strip())
    return "; ".join(out)


def describe_first_difference(prog: str, qtext: str, ptext: str) -> str:
    if not ptext:
        return "pulpsim printed nothing"
    ql = qtext.rstrip("\n").split("\n")
    pl = ptext.rstrip("\n").split("\n")
    nlog = 0
    for i in range(max(len(ql), len(pl))):
        a = ql[i] if i < len(ql) else None
        b = pl[i] if i < len(pl) else None
        if a is not None and a.startswith("L "):
            nlog += 1
        if a == b:
            continue
        if a is None:
            return f"line {i + 1}: pulpsim printed extra output: {b!r}"
        if b is None:
            return f"line {i + 1}: pulpsim output ends early (qemu: {a!r})"
        ta, tb = a.split(), b.split()
        if ta and tb and ta[0] == "L" and tb[0] == "L" and len(ta) == 4 and len(tb) == 4:
            ida, va, fa = (int(x, 16) for x in ta[1:])
            idb, vb, fb = (int(x, 16) for x in tb[1:])
            if ida != idb:
                return (f"log entry {nlog}: control flow diverged: qemu reached block b{ida} "
                        f"[{block_text(prog, ida)}], pulpsim block b{idb} [{block_text(prog, idb)}]")
            what = []
            if va != vb:
                what.append(f"value qemu={va:08x} pulpsim={vb:08x}")
            if fa != fb:
                what.append(f"fflags qemu={fflags_str(fa)} pulpsim={fflags_str(fb)}")
            return f"log entry {nlog}, block b{ida} [{block_text(prog, ida)}]: " + ", ".join(what)
        if ta and tb and ta[0] == tb[0] and len(ta) == len(tb) and len(ta) >= 2:
            key = ta[0]
            if key == "m":
                return (f"scratch word +0x{int(ta[1], 16):02x}: qemu={ta[2]} pulpsim={tb[2]}")
            if key.startswith("f") and key != "fcsr":
                return (f"register {key}: qemu={ta[1]} ({f32_str(int(ta[1], 16))}) "
                        f"pulpsim={tb[1]} ({f32_str(int(tb[1], 16))})")
            if key == "fcsr":
                qa, pb = int(ta[1], 16), int(tb[1], 16)
                return (f"fcsr: qemu={ta[1]} (frm {qa >> 5}, {fflags_str(qa & 31)}) "
                        f"pulpsim={tb[1]} (frm {pb >> 5}, {fflags_str(pb & 31)})")
            return f"register {key}: qemu={ta[1]} pulpsim={tb[1]}"
        return f"line {i + 1}: qemu={a!r} pulpsim={b!r}"
    return "outputs identical"


# ---------------------------------------------------------------------------
# Running

@dataclass
class RunResult:
    rc: int | None           # None on timeout
    out: str
    err: str
    secs: float

    def status(self) -> str:
        return "timeout" if self.rc is None else f"exit {self.rc}"


def run_cmd(cmd: list[str], timeout: float, cwd: str | None = None) -> RunResult:
    t0 = time.monotonic()
    for attempt in range(60):
        try:
            # Own process group, so that a timeout also ends the simulator's children.
            with subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                                  stderr=subprocess.PIPE, cwd=cwd, start_new_session=True) as p:
                try:
                    out, err = p.communicate(timeout=timeout)
                    rc: int | None = p.returncode
                except subprocess.TimeoutExpired:
                    try:
                        os.killpg(p.pid, signal.SIGKILL)
                    except ProcessLookupError:
                        pass
                    out, err = p.communicate()
                    rc = None
        except OSError as e:
            if e.errno == errno.ETXTBSY and attempt < 59:
                time.sleep(1.0)      # the binary is being rebuilt right now
                continue
            return RunResult(-1, "", f"cannot run {cmd[0]}: {e}", time.monotonic() - t0)
        break
    return RunResult(rc, out.decode("utf-8", "replace"), err.decode("utf-8", "replace"),
                     time.monotonic() - t0)


def qemu_cmd(elf: str, extensions: tuple[str, ...] = ()) -> list[str]:
    cpu = "rv32,a=off,d=off" + "".join(f",{e}=true" for e in extensions)
    return [QEMU, "-machine", "spike", "-cpu", cpu, "-smp", "1", "-m", "256M",
            "-display", "none", "-monitor", "none", "-serial", "stdio",
            "-bios", "none", "-kernel", elf]


def pulpsim_cmd(pulpsim: str, extra: list[str], elf: str, extensions: tuple[str, ...] = ()) -> list[str]:
    isa = ["--isa", "rv32imfc" + "".join(f"_{e}" for e in extensions)] if extensions else []
    return [pulpsim, "run", "--platform", "spike", *isa, *extra, elf]


def compile_cmd(src: str, ld: str, elf: str, extensions: tuple[str, ...] = ()) -> list[str]:
    march = MARCH + "".join(f"_{e}" for e in extensions)
    return [GCC, "-nostdlib", "-static", f"-march={march}", f"-mabi={MABI}", "-g",
            "-T", ld, src, "-o", elf]


@dataclass
class Outcome:
    seed: int
    passed: bool
    message: str = ""
    t_compile: float = 0.0
    t_qemu: float = 0.0
    t_pulpsim: float = 0.0


class Runner:
    def __init__(self, args: argparse.Namespace, workroot: str):
        self.args = args
        self.workroot = workroot

    def save_failure(self, seed: int, wd: str, files: dict[str, str], report: str) -> str:
        dest = os.path.join(self.args.out, f"seed-{seed}")
        if os.path.exists(dest):
            shutil.rmtree(dest)
        os.makedirs(dest)
        for name in ("prog.s", "prog.elf", "link.ld"):
            src = os.path.join(wd, name)
            if os.path.exists(src):
                shutil.copy2(src, dest)
        for name, text in files.items():
            with open(os.path.join(dest, name), "w") as f:
                f.write(text)
        with open(os.path.join(dest, "report.txt"), "w") as f:
            f.write(report + "\n")
        with open(os.path.join(dest, "repro.sh"), "w") as f:
            f.write("#!/bin/sh\n# rebuild and rerun this case\ncd \"$(dirname \"$0\")\"\n")
            f.write(" ".join(compile_cmd("prog.s", "link.ld", "prog.elf", self.args.extensions)) + "\n")
            f.write(" ".join(qemu_cmd("prog.elf", self.args.extensions)) + " > qemu.out; echo qemu: $?\n")
            f.write(" ".join(pulpsim_cmd(self.args.pulpsim or "pulpsim", self.args.pulpsim_arg,
                                         "prog.elf", self.args.extensions)) + " > pulpsim.out; echo pulpsim: $?\n")
            f.write("diff qemu.out pulpsim.out\n")
        os.chmod(os.path.join(dest, "repro.sh"), 0o755)
        return dest

    def run_one(self, seed: int) -> Outcome:
        try:
            return self._run_one(seed)
        except Exception as e:  # keep the campaign going; count it as a failure
            return Outcome(seed, False, f"seed {seed}: INTERNAL ERROR: {type(e).__name__}: {e}")

    def _run_one(self, seed: int) -> Outcome:
        a = self.args
        oc = Outcome(seed, False)
        wd = os.path.join(self.workroot, f"seed-{seed}")
        os.makedirs(wd, exist_ok=True)
        prog = generate_program(seed, a.length, a.extensions)
        src, ld, elf = (os.path.join(wd, n) for n in ("prog.s", "link.ld", "prog.elf"))
        with open(src, "w") as f:
            f.write(prog)
        with open(ld, "w") as f:
            f.write(LINKER_SCRIPT)
        try:
            c = run_cmd(compile_cmd("prog.s", "link.ld", "prog.elf", self.args.extensions), 120, cwd=wd)
            oc.t_compile = c.secs
            if c.rc != 0:
                oc.message = f"seed {seed}: COMPILE ERROR ({c.status()})\n{c.err.strip()[:2000]}"
                dest = self.save_failure(seed, wd, {"compile.err": c.err}, oc.message)
                oc.message += f"\n  saved in {dest}"
                return oc
            q = run_cmd(qemu_cmd(elf, a.extensions), a.timeout)
            oc.t_qemu = q.secs
            pq = parse_output(q.out)
            qproblem = None
            if q.rc != 0:
                qproblem = f"QEMU {q.status()}" + (f": {q.err.strip()[:300]}" if q.err.strip() else "")
                if pq.trap is not None:
                    qproblem += " (trap: mcause=%08x mepc=%08x mtval=%08x)" % pq.trap
            elif not pq.ok:
                qproblem = f"QEMU output does not parse: {pq.error}"
            if qproblem:
                oc.message = f"seed {seed}: {qproblem}"
                dest = self.save_failure(seed, wd, {"qemu.out": q.out, "qemu.err": q.err}, oc.message)
                oc.message += f"\n  saved in {dest}"
                return oc
            if a.self_check:
                q2 = run_cmd(qemu_cmd(elf, a.extensions), a.timeout)
                oc.t_qemu += q2.secs
                if q2.rc != q.rc or q2.out != q.out:
                    rep = describe_first_difference(prog, q.out, q2.out).replace("pulpsim", "qemu#2")
                    oc.message = f"seed {seed}: QEMU NOT DETERMINISTIC: {rep}"
                    diff = "".join(difflib.unified_diff(q.out.splitlines(True), q2.out.splitlines(True),
                                                        "qemu.out", "qemu2.out"))
                    dest = self.save_failure(seed, wd, {"qemu.out": q.out, "qemu2.out": q2.out,
                                                        "diff.txt": diff}, oc.message)
                    oc.message += f"\n  saved in {dest}"
                    return oc
            if a.qemu_only or a.self_check:
                oc.passed = True
                return oc
            p = run_cmd(pulpsim_cmd(a.pulpsim, a.pulpsim_arg, elf, a.extensions), a.timeout)
            oc.t_pulpsim = p.secs
            if p.rc == q.rc and p.out == q.out:
                oc.passed = True
                return oc
            if p.out == q.out:
                rep = f"outputs identical but exit code qemu={q.rc} pulpsim={p.status()}"
            else:
                rep = describe_first_difference(prog, q.out, p.out)
                if p.rc is None:
                    rep = f"pulpsim timed out after {a.timeout:g}s; {rep}"
                elif p.rc != q.rc:
                    rep = f"pulpsim {p.status()}; {rep}"
            stderr_tail = p.err.strip().splitlines()[-3:]
            oc.message = f"seed {seed}: MISMATCH: {rep}"
            if stderr_tail:
                oc.message += "\n  pulpsim stderr: " + " | ".join(stderr_tail)
            diff = "".join(difflib.unified_diff(q.out.splitlines(True), p.out.splitlines(True),
                                                "qemu.out", "pulpsim.out"))
            dest = self.save_failure(seed, wd, {"qemu.out": q.out, "pulpsim.out": p.out,
                                                "pulpsim.err": p.err, "diff.txt": diff},
                                     oc.message + f"\nqemu exit {q.rc}, pulpsim {p.status()}")
            oc.message += f"\n  saved in {dest}"
            return oc
        finally:
            if not a.keep:
                shutil.rmtree(wd, ignore_errors=True)


def check_tools(args: argparse.Namespace) -> str | None:
    for tool in (GCC, QEMU):
        if shutil.which(tool) is None:
            return f"error: {tool} not found in PATH"
    if not (args.qemu_only or args.self_check):
        p = args.pulpsim
        if not (os.path.isfile(p) and os.access(p, os.X_OK)):
            return (f"error: pulpsim binary not found or not executable: {p}\n"
                    f"  build it (swift build -c release) or pass --pulpsim PATH; "
                    f"--qemu-only / --self-check run without it")
    return None


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--count", type=int, default=200, help="number of programs (default 200)")
    ap.add_argument("--seed", type=int, default=1, help="first seed (default 1)")
    ap.add_argument("--jobs", "-j", type=int, default=2, help="parallel jobs (default 2)")
    ap.add_argument("--length", type=int, default=300,
                    help="instructions per program body, logging not counted (default 300)")
    ap.add_argument("--pulpsim", default=None,
                    help="pulpsim binary (default: $PULPSIM or .build/release/pulpsim in the repo)")
    ap.add_argument("--pulpsim-arg", action="append", default=[],
                    help="extra argument passed to pulpsim before the ELF (repeatable)")
    ap.add_argument("--out", default="/tmp/qemudiff-fail",
                    help="where failing cases are saved (default /tmp/qemudiff-fail)")
    ap.add_argument("--keep", action="store_true",
                    help="keep every program's work directory (printed at the end)")
    ap.add_argument("--timeout", type=float, default=20.0,
                    help="seconds per simulator run (default 20)")
    ap.add_argument("--isa", default="rv32imfc",
                    help="ISA of the programs: rv32imfc (default) or with _zba and/or _zbb, e.g. "
                         "rv32imfc_zba_zbb (their instructions join the random blocks; QEMU and pulpsim "
                         "are told the same ISA)")
    mode = ap.add_mutually_exclusive_group()
    mode.add_argument("--qemu-only", action="store_true",
                      help="only build and run on QEMU, checking that the dump parses")
    mode.add_argument("--self-check", action="store_true",
                      help="run each program twice on QEMU: deterministic, dump parses")
    ap.add_argument("--kat", action="store_true",
                      help="run the known-answer checks (on QEMU, and on pulpsim unless --qemu-only)")
    mode.add_argument("--emit", action="store_true",
                      help="print the program for --seed to stdout and exit")
    args = ap.parse_args(argv)
    parts = args.isa.lower().split("_")
    if parts[0] != "rv32imfc" or any(p not in BITMANIP for p in parts[1:]):
        ap.error(f"--isa {args.isa}: expected rv32imfc with optional _zba and _zbb")
    args.extensions = tuple(e for e in BITMANIP if e in parts[1:])

    if args.emit:
        sys.stdout.write(generate_program(args.seed, args.length, args.extensions))
        return 0
    if args.pulpsim is None:
        args.pulpsim = os.environ.get("PULPSIM") or os.path.join(REPO_ROOT, ".build", "release", "pulpsim")
    args.pulpsim = os.path.abspath(args.pulpsim)
    err = check_tools(args)
    if err:
        print(err, file=sys.stderr)
        print(f"0 passed, {len(KAT_CASES) if args.kat else args.count} failed")
        return 2
    if args.kat:
        return run_kat(args)

    workroot = tempfile.mkdtemp(prefix="qemudiff-work-")
    runner = Runner(args, workroot)
    seeds = range(args.seed, args.seed + args.count)
    passed = failed = 0
    t0 = time.monotonic()
    totals = [0.0, 0.0, 0.0]
    mode_name = "qemu-only" if args.qemu_only else "self-check" if args.self_check else "diff"
    print(f"qemudiff: {args.count} programs, seeds {args.seed}..{args.seed + args.count - 1}, "
          f"length {args.length}, {args.jobs} jobs, mode {mode_name}", flush=True)
    try:
        with concurrent.futures.ThreadPoolExecutor(max_workers=max(1, args.jobs)) as ex:
            for oc in ex.map(runner.run_one, seeds):
                totals[0] += oc.t_compile
                totals[1] += oc.t_qemu
                totals[2] += oc.t_pulpsim
                if oc.passed:
                    passed += 1
                else:
                    failed += 1
                    print(oc.message, flush=True)
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
    wall = time.monotonic() - t0
    print(f"time: wall {wall:.1f}s; summed over programs: compile {totals[0]:.1f}s, "
          f"qemu {totals[1]:.1f}s, pulpsim {totals[2]:.1f}s")
    if args.keep:
        print(f"work directories kept in {workroot}")
    else:
        shutil.rmtree(workroot, ignore_errors=True)
    print(f"{passed} passed, {failed} failed")
    return 0 if failed == 0 and passed == args.count else 1


if __name__ == "__main__":
    sys.exit(main())
